package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.config.Address;
import io.blip.api.config.MysqlConfig;
import java.nio.file.Path;

/** Where a monitor's MySQL is: resolved once, when its config is read. */
public final class MonitorAddress {
    private MonitorAddress() {
    }

    /**
     * The socket, else the hostname, else the my.cnf's {@code socket}, or its {@code host} and
     * {@code port}; {@link Address#NONE} when the config gives none of them (reported apart).
     *
     * @param origin where the monitor was written, for messages
     * @throws BlipException when the hostname or the my.cnf's host and port are not an address, or
     *                       the my.cnf cannot be read or names no host
     */
    public static Address resolve(MysqlConfig mysql, MycnfFiles files, String origin) {
        if (!mysql.socket().isEmpty()) {
            return new Address("", Address.MYSQL_PORT, mysql.socket());
        }
        if (!mysql.hostname().isEmpty()) {
            return HostPort.parse(mysql.hostname());
        }
        if (mysql.mycnf().isEmpty()) {
            return Address.NONE;
        }
        Mycnf mycnf = files.read(Path.of(mysql.mycnf()));
        if (!mycnf.socket().isEmpty()) {
            return new Address("", Address.MYSQL_PORT, mycnf.socket());
        }
        if (mycnf.hostname().isEmpty()) {
            throw new BlipException(origin + ": no hostname: set hostname (host or host:port) or socket");
        }
        try {
            return HostPort.parse(mycnf.hostname());
        } catch (BlipException e) {
            throw new BlipException(origin + ".mycnf: " + mysql.mycnf() + ": host and port: " + e.getMessage(), e);
        }
    }
}
