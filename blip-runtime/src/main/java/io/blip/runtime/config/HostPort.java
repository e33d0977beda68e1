package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.config.Address;
import java.util.regex.Pattern;

/** Reads Blip's {@code hostname}: {@code host[:port]}, IPv6 literals in brackets ({@code [::1]:3306}). */
public final class HostPort {
    /**
     * A DNS name, an IPv4 address, or an IPv6 literal with an optional zone. Nothing else: the host
     * becomes part of the driver's URL, where {@code /}, {@code ?}, {@code (} or {@code ,} would carry
     * driver settings past Blip's (e.g. {@code db/?autoDeserialize=true}).
     */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");

    private HostPort() {
    }

    /** Whether {@code host} is a host name or IP address (IPv6 without brackets), nothing more. */
    public static boolean isHost(String host) {
        return HOST.matcher(host).matches();
    }

    /** The address a {@code hostname} names; port 3306 when it gives none. */
    public static Address parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            return new Address("", Address.MYSQL_PORT, "");
        }
        String host = s;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new BlipException("'" + text + "' is not host:port: missing ']'");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new BlipException("'" + text + "' is not host:port");
                }
                port = s.substring(close + 2);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        }
        if (!isHost(host)) {
            throw new BlipException("'" + text + "': '" + host + "' is not a host name or IP address; driver settings"
                    + " cannot be given here (Blip sets them)");
        }
        int p = Address.MYSQL_PORT;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new BlipException("'" + text + "': port '" + port + "' is not a number");
            }
            if (p < 1 || p > 65535) {
                throw new BlipException("'" + text + "': port " + p + " is out of range 1-65535");
            }
        }
        return new Address(host, p, "");
    }
}
