package io.blip.plugin.tls.rds;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Amazon RDS endpoint names: instance, cluster, cluster-ro, cluster-custom, proxy and shard-group
 * endpoints, in the partitions that the AWS JDBC wrapper's {@code RdsUtils} knows.
 *
 * <pre>
 *   mydb.abc123.us-east-1.rds.amazonaws.com              commercial and GovCloud
 *   prod.cluster-ro-abc123.cn-north-1.rds.amazonaws.com.cn  China, older form
 *   mydb.abc123.rds.cn-northwest-1.amazonaws.com.cn       China
 *   mydb.abc123.rds.us-iso-east-1.c2s.ic.gov              ISO partitions (also sc2s.sgov.gov)
 * </pre>
 *
 * Any labels may come in front of these domains, unlike Blip's {@code rds\.amazonaws\.com(:\d+)?$},
 * which is unanchored at the start and misses China. Only AWS can hold names under them, so a
 * loose prefix cannot send the RDS CA to someone else's server, while a tight one could leave a
 * real endpoint of a new shape without TLS.
 */
final class RdsHosts {
    private static final String LABEL = "[a-z0-9-]+";
    private static final Pattern RDS = Pattern.compile("(?:" + LABEL + "\\.)+(?:"
            + "rds\\.amazonaws\\.com(?:\\.cn)?"
            + "|rds\\." + LABEL + "\\.amazonaws\\.com(?:\\.cn)?"
            + "|(?:rds\\." + LABEL + "|" + LABEL + "\\.rds)\\.(?:c2s\\.ic\\.gov|sc2s\\.sgov\\.gov))");
    private static final String REGION = "[a-z]{2}(?:-[a-z]+)+-\\d+";
    private static final Pattern REGION_LABEL =
            Pattern.compile("(?:^|\\.)(" + REGION + ")\\.rds\\.|\\.rds\\.(" + REGION + ")\\.");

    private RdsHosts() {
    }

    /** Whether {@code host} (no port) is an Amazon RDS endpoint; case-insensitive, a final dot allowed. */
    static boolean isRds(String host) {
        return RDS.matcher(normalize(host)).matches();
    }

    /** The region an RDS endpoint names, e.g. {@code us-east-1}; empty when there is none. */
    static Optional<String> region(String host) {
        var matcher = REGION_LABEL.matcher(normalize(host));
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
    }

    /**
     * Whether it is an RDS Proxy endpoint ({@code name.proxy-abc123...} or
     * {@code endpoint.endpoint.proxy-abc123...}): those present Amazon Trust Services certificates,
     * not the regional RDS CAs.
     */
    static boolean isProxy(String host) {
        for (String label : normalize(host).split("\\.")) {
            if (label.startsWith("proxy-")) {
                return true;
            }
        }
        return false;
    }

    private static String normalize(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
