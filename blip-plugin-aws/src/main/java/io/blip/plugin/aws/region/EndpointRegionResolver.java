package io.blip.plugin.aws.region;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionResolver;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The region in the monitor's RDS endpoint name (the host of its {@link MonitorConfig#address()};
 * a monitor on a Unix socket has none). Blip split the name on dots and took the third of exactly six fields, which
 * missed China, proxy and custom endpoints; this follows the host shapes the AWS JDBC wrapper's
 * {@code RdsUtils} knows:
 * <ul>
 *   <li>{@code <name>.<id>.<region>.rds.amazonaws.com}: instances; Aurora cluster
 *       ({@code cluster-}), reader ({@code cluster-ro-}) and custom ({@code cluster-custom-})
 *       endpoints; RDS Proxy ({@code proxy-}, with custom proxy endpoints
 *       {@code <endpoint>.endpoint.proxy-<id>...}); Limitless shard groups ({@code shardgrp-});
 *       also {@code rds-fips}, and the {@code amazonaws.eu}, {@code .au}, {@code .uk} partitions</li>
 *   <li>{@code <name>.<id>.rds.<region>.amazonaws.com.cn} and the older
 *       {@code <name>.<id>.<region>.rds.amazonaws.com.cn} (China)</li>
 *   <li>{@code <name>.<id>.rds.<region>.amazonaws.com}, {@code ...c2s.ic.gov},
 *       {@code ...sc2s.sgov.gov} (GovCloud and ISO partitions, either order of {@code rds} and region)</li>
 * </ul>
 * Names are matched without regard to case, with or without a trailing dot. Any other name
 * (an IP address, a CNAME of your own, a tunnel) gives nothing.
 */
public final class EndpointRegionResolver implements RegionResolver {
    private static final String LABEL = "[a-z0-9-]+";
    private static final String ID = "(?:proxy-|cluster-ro-|cluster-custom-|cluster-|shardgrp-|limitless-)?[a-z0-9]+";
    /** us-east-1, us-gov-west-1, cn-northwest-1, us-isob-east-1, eusc-de-east-1, ... */
    private static final String REGION = "[a-z]{2,4}(?:-[a-z]+)+-[0-9]+";
    private static final String RDS = "rds(?:-fips)?";
    private static final Pattern RDS_HOST = Pattern.compile(
            "^" + LABEL + "(?:\\." + LABEL + ")*\\." + ID + "\\.(?:"
                    + "(?<regionFirst>" + REGION + ")\\." + RDS
                    + "\\.(?:amazonaws\\.(?:com|com\\.cn|eu|au|uk)|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov)"
                    + "|" + RDS + "\\.(?<rdsFirst>" + REGION + ")"
                    + "\\.(?:amazonaws\\.com|amazonaws\\.com\\.cn|c2s\\.ic\\.gov|sc2s\\.sgov\\.gov)"
                    + ")\\.?$",
            Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
        return "endpoint";
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public Optional<String> region(MonitorConfig monitor) {
        return regionOf(monitor.address().host());
    }

    /** The region in an RDS endpoint name ({@code host}, without a port), if it is one. */
    public static Optional<String> regionOf(String host) {
        Matcher m = RDS_HOST.matcher(host);
        if (!m.matches()) {
            return Optional.empty();
        }
        String region = m.group("regionFirst") != null ? m.group("regionFirst") : m.group("rdsFirst");
        return Optional.of(region.toLowerCase(Locale.ROOT));
    }
}
