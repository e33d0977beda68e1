package io.blip.domains.repl;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server version from {@code @@version}: {@code 8.0.36}, {@code 8.0.22-13} (Percona),
 * {@code 10.11.5-MariaDB-log}, {@code 5.5.5-10.6.4-MariaDB} (the prefix some proxies add).
 *
 * @param mariadb whether the server is MariaDB
 * @param major   the major number
 * @param minor   the minor number
 * @param patch   the patch number
 */
record ServerVersion(boolean mariadb, int major, int minor, int patch) {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    static ServerVersion parse(String version) {
        boolean mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb");
        String text = mariadb && version.startsWith("5.5.5-") ? version.substring("5.5.5-".length()) : version;
        Matcher m = NUMBERS.matcher(text);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("cannot read server version '" + version + "'");
        }
        return new ServerVersion(mariadb, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
    }

    /** Whether the server has {@code SHOW REPLICA STATUS}: MySQL 8.0.22+, MariaDB 10.5.1+. */
    boolean hasShowReplicaStatus() {
        return mariadb ? atLeast(10, 5, 1) : atLeast(8, 0, 22);
    }

    private boolean atLeast(int major, int minor, int patch) {
        if (this.major != major) {
            return this.major > major;
        }
        if (this.minor != minor) {
            return this.minor > minor;
        }
        return this.patch >= patch;
    }
}
