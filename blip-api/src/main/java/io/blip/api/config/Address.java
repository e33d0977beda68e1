package io.blip.api.config;

import java.util.Objects;

/**
 * Where a monitor's MySQL is, resolved once from its {@code hostname} or {@code socket} or, when
 * it sets neither, its my.cnf ({@code host}, {@code port}, {@code socket}).
 *
 * @param host   the host name or address (IPv6 without brackets); empty over a Unix socket
 * @param port   the TCP port; 3306 unless another was given
 * @param socket the Unix socket path; empty over TCP. A socket wins over a host, as in Blip
 */
public record Address(String host, int port, String socket) {
    public static final int MYSQL_PORT = 3306;
    /** No address (a monitor config built for a test or a printout). */
    public static final Address NONE = new Address("", MYSQL_PORT, "");

    public Address {
        host = host == null ? "" : host;
        socket = socket == null ? "" : socket;
        Objects.checkIndex(port, 65536);
    }

    /** Whether MySQL is reached over a Unix socket. */
    public boolean isSocket() {
        return !socket.isEmpty();
    }

    /** {@code host:port} ({@code [::1]:3306} for IPv6), or {@code unix(/path)}. */
    @Override
    public String toString() {
        if (isSocket()) {
            return "unix(" + socket + ")";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
