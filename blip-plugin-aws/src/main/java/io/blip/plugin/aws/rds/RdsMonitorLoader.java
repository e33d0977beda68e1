package io.blip.plugin.aws.rds;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.monitor.MonitorLoaderContext;
import io.blip.api.monitor.MonitorSpec;
import io.blip.plugin.aws.AwsClients;
import io.blip.plugin.aws.AwsSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Blip's RDS monitor loader ({@code monitor-loader.aws}, Blip's {@code aws.RDSLoader}): one monitor
 * per RDS instance that {@code rds:DescribeDBInstances} lists in the configured regions, with
 * {@code id} = the instance identifier, {@code hostname} = endpoint address:port and
 * {@code aws.region} = the region. The runtime applies the config's monitor defaults to them.
 *
 * <pre>
 * monitor-loader:
 *   aws:
 *     regions: [us-east-1, auto]   # auto: the region Blip runs in (the region chain, e.g. EC2 metadata)
 *     tag-filter:                  # optional: only instances with all of these tags (exact values)
 *       env: prod
 * </pre>
 *
 * <p>As in Blip: pages are followed ({@code Marker}); an instance without an endpoint (being created
 * or deleted) is skipped with a debug line; an error fails the load unless {@code regions} lists
 * {@code auto}, in which case it is logged and ignored. Unlike Blip, an ignored error skips only
 * the region that failed (Blip dropped every region's instances), an instance outside a cluster is
 * fine (Blip dereferenced its nil {@code DBClusterIdentifier}), and {@code tag-filter} is new.
 *
 * <p>{@code auto} asks the region chain, whose EC2 instance metadata step takes its settings from
 * the environment: the loader declares them too, so that the runtime reads them for it.
 */
public final class RdsMonitorLoader implements MonitorLoader {
    public static final String NAME = "aws";
    public static final String REGIONS = "regions";
    public static final String TAG_FILTER = "tag-filter";
    public static final String REFRESH = "refresh";
    public static final String AUTO = "auto";

    /**
     * Each {@code DescribeDBInstances} page, retries included. It runs at boot and on reload, where
     * nothing else waits on it, and a page of 100 instances is a large answer; 10 s is generous
     * without letting a stalled endpoint hold boot for the SDK's default of minutes.
     */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(RdsMonitorLoader.class);
    private static final int DEFAULT_MYSQL_PORT = 3306;

    private static final OptionSet OPTIONS = OptionSet.of(
            Option.list(REGIONS, "The AWS regions whose RDS instances to monitor; auto: the region Blip runs in "
                            + "(the region chain, e.g. EC2 instance metadata)")
                    // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, ...
                    .matching(AUTO + "|[a-z]{2}(-[a-z]+)+-[0-9]+", "is not an AWS region name (like us-east-1) or auto")
                    .required("list AWS regions, e.g. [us-east-1], or [auto] for the region Blip runs in"),
            Option.map(TAG_FILTER, "Only instances with all of these tags, with exactly these values (tag key: value, "
                    + "e.g. env: prod)"),
            Option.duration(REFRESH, "Load the monitors again this often (a whole reload, as SIGHUP does) to find new "
                    + "instances and drop gone ones; 0: only on reload").withDefault("0"))
            .with(AwsSection.IMDS);

    /** The loader's settings. */
    private record Settings(Options options, List<String> regions, Map<String, String> tagFilter) {
        String path() {
            return options.path();
        }

        boolean automatic() {
            return regions.contains(AUTO);
        }
    }

    private final Duration apiCallTimeout;

    public RdsMonitorLoader() {
        this(API_CALL_TIMEOUT);
    }

    /** With another bound on each page call, for tests of a stalled endpoint. */
    RdsMonitorLoader(Duration apiCallTimeout) {
        this.apiCallTimeout = apiCallTimeout;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    /**
     * Any key given turns the loader on ({@code regions} is required then), so that a mistake is
     * reported rather than silently leaving RDS instances unmonitored.
     */
    @Override
    public boolean enabled(Options config) {
        return !config.written().isEmpty();
    }

    @Override
    public Duration refresh(Options config) {
        return config.duration(REFRESH);
    }

    @Override
    public List<MonitorSpec> load(MonitorLoaderContext context) {
        Settings settings = settings(context.options());
        List<MonitorSpec> found = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String entry : settings.regions()) {
            Optional<String> region = resolve(entry, settings, context);
            if (region.isEmpty() || !done.add(region.get())) {
                continue;
            }
            try {
                found.addAll(describe(region.get(), settings, context));
            } catch (SdkException | BlipException e) {
                String message = "region " + region.get() + ": " + describeError(e);
                if (!settings.automatic()) {
                    throw new BlipException(message, e);
                }
                LOG.warn("{}: {}; ignored because regions include auto", settings.path(), message);
            }
        }
        LOG.debug("{}: {} RDS instance(s) in {}", settings.path(), found.size(), done);
        return found;
    }

    /** The region to describe for a {@code regions} entry; empty when {@code auto} finds none (ignored, as Blip). */
    private static Optional<String> resolve(String entry, Settings settings, MonitorLoaderContext context) {
        if (!entry.equals(AUTO)) {
            return Optional.of(entry);
        }
        Optional<String> region;
        try {
            region = context.regions().region(loaderMonitor(AUTO, settings))
                    .filter(r -> !r.isBlank() && !r.equals(AUTO));
        } catch (RuntimeException e) {
            LOG.warn("{}: regions: auto: the region chain failed: {}; ignored because regions include auto",
                    settings.path(), e.toString());
            return Optional.empty();
        }
        if (region.isEmpty()) {
            LOG.warn("{}: regions: auto: no region found (not on EC2, or instance metadata is off); ignored",
                    settings.path());
        } else {
            LOG.debug("{}: regions: auto is {}", settings.path(), region.get());
        }
        return region;
    }

    private List<MonitorSpec> describe(String region, Settings settings, MonitorLoaderContext context) {
        AwsClients clients = new AwsClients(m -> Optional.of(region), context.services());
        List<MonitorSpec> found = new ArrayList<>();
        try (RdsClient rds = clients.build(RdsClient.builder(), loaderMonitor(region, settings), apiCallTimeout)) {
            Set<String> markers = new LinkedHashSet<>();
            String marker = null;
            int page = 0;
            do {
                String from = marker;
                DescribeDbInstancesResponse out = rds.describeDBInstances(b -> b.marker(from));
                page++;
                LOG.debug("{}: rds {}: page {}: {} instance(s)", settings.path(), region, page, out.dbInstances().size());
                for (DBInstance instance : out.dbInstances()) {
                    monitor(instance, region, settings).ifPresent(found::add);
                }
                marker = out.marker();
                if (marker != null && !marker.isEmpty() && !markers.add(marker)) {
                    throw new BlipException("DescribeDBInstances returned the same page marker twice (page " + page
                            + "); stopped paging");
                }
            } while (marker != null && !marker.isEmpty());
        }
        return found;
    }

    private static Optional<MonitorSpec> monitor(DBInstance instance, String region, Settings settings) {
        String id = instance.dbInstanceIdentifier();
        Endpoint endpoint = instance.endpoint();
        if (endpoint == null || endpoint.address() == null || endpoint.address().isBlank()) {
            LOG.debug("{}: rds {}: {} skipped: no endpoint (status {})", settings.path(), region, id,
                    orDash(instance.dbInstanceStatus()));
            return Optional.empty();
        }
        Map<String, String> tags = tags(instance);
        if (!matches(tags, settings.tagFilter())) {
            LOG.debug("{}: rds {}: {} skipped: its tags {} do not match tag-filter {}", settings.path(), region, id,
                    tags, settings.tagFilter());
            return Optional.empty();
        }
        int port = endpoint.port() == null ? DEFAULT_MYSQL_PORT : endpoint.port();
        String hostname = endpoint.address() + ":" + port;
        LOG.debug("{}: rds {}: loaded {} hostname={} cluster={} engine={} {} az={} status={}", settings.path(), region,
                id, hostname, orDash(instance.dbClusterIdentifier()), orDash(instance.engine()),
                orDash(instance.engineVersion()), orDash(instance.availabilityZone()),
                orDash(instance.dbInstanceStatus()));
        var config = new LinkedHashMap<String, Object>();
        config.put("id", id);
        config.put("hostname", hostname);
        config.put("aws", Map.of("region", region));
        return Optional.of(new MonitorSpec(settings.path() + ": rds " + region + " " + id, config));
    }

    private static Map<String, String> tags(DBInstance instance) {
        var tags = new LinkedHashMap<String, String>();
        for (Tag t : instance.tagList()) {
            if (t.key() != null) {
                tags.put(t.key(), Objects.toString(t.value(), ""));
            }
        }
        return tags;
    }

    /** Every filter tag present with the same value (tag values are case-sensitive in AWS). */
    static boolean matches(Map<String, String> tags, Map<String, String> filter) {
        for (Map.Entry<String, String> f : filter.entrySet()) {
            if (!f.getValue().equals(tags.get(f.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The loader's node, which the runtime checked against {@link #options()}. A {@code regions}
     * list given empty is the one mistake the declaration lets through.
     */
    private static Settings settings(Options options) {
        List<String> regions = options.list(REGIONS);
        if (regions.isEmpty()) {
            throw new BlipException(options.pathOf(REGIONS) + ": empty; list AWS regions, e.g. [us-east-1], or "
                    + "[auto] for the region Blip runs in");
        }
        return new Settings(options, List.copyOf(new LinkedHashSet<>(regions)), options.map(TAG_FILTER));
    }

    /** The monitor the loader's own AWS calls are made for: region and credentials are looked up for it. */
    private static MonitorConfig loaderMonitor(String region, Settings settings) {
        String path = settings.path();
        return AwsSection.monitor(path.isEmpty() ? "monitor-loader." + NAME : path, region, settings.options());
    }

    private String describeError(Exception e) {
        return switch (e) {
            case AwsServiceException a when a.awsErrorDetails() != null -> {
                String code = Objects.toString(a.awsErrorDetails().errorCode(), "error");
                String hint = a.statusCode() == 403 || code.startsWith("AccessDenied")
                        ? "; the IAM policy needs rds:DescribeDBInstances" : "";
                yield "rds:DescribeDBInstances failed: " + code + ": " + orDash(a.awsErrorDetails().errorMessage())
                        + " (HTTP " + a.statusCode() + ")" + hint;
            }
            case ApiCallTimeoutException t -> "rds:DescribeDBInstances did not answer within "
                    + apiCallTimeout.toMillis() + " ms";
            case BlipException b -> b.getMessage();
            default -> "rds:DescribeDBInstances failed: " + e.getMessage();
        };
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
