package io.blip.api.config;

import io.blip.api.BlipException;

/**
 * A {@code host[:port]} address; IPv6 literals in brackets ({@code [::1]:3306}).
 *
 * @param host the host name or address (without brackets)
 * @param port the port, 3306 when none was given
 */
public record HostPort(String host, int port) {
    public static final int MYSQL_PORT = 3306;

    public static HostPort parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            return new HostPort("", MYSQL_PORT);
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
        int p = MYSQL_PORT;
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
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
