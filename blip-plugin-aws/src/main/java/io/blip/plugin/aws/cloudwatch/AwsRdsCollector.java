package io.blip.plugin.aws.cloudwatch;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.MetricHelp;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.plugin.aws.AssumeRoleException;
import io.blip.plugin.aws.AwsClients;
import io.blip.plugin.aws.AwsSection;
import io.blip.plugin.aws.AwsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Collects {@code aws.rds} for one monitor, as Blip does: one {@code GetMetricData} call per level
 * for the level's metrics, the {@code Average} of 60 s periods over the last two minutes (RDS
 * metrics trail by one to two minutes), each datapoint reported once (a datapoint not newer than
 * the last one reported for its metric is dropped), measured at its AWS timestamp
 * ({@link MetricValue#time()}). {@code AbortedClients} and {@code BacktrackWindowAlert} are delta counters, the
 * rest gauges.
 *
 * <p>Every collection is bounded: its calls (all pages, SDK retries included) end within 80 % of the
 * time the runtime gives the domain, at most {@value #MAX_CALL_SECONDS} s. A call cut off there
 * throws before any datapoint is marked as reported, so the next collection asks for the same two
 * minutes and loses nothing; a late answer, by contrast, would be dropped by the runtime after the
 * datapoints were marked.
 */
final class AwsRdsCollector implements Collector {
    static final String NAMESPACE = "AWS/RDS";
    static final String DIMENSION = "DBInstanceIdentifier";
    static final String STAT = "Average";
    static final int PERIOD_SECONDS = 60;
    static final Duration WINDOW = Duration.ofMinutes(2);
    static final int MAX_QUERIES = 500;
    static final int MAX_CALL_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(AwsRdsCollector.class);
    private static final Duration MAX_CALL = Duration.ofSeconds(MAX_CALL_SECONDS);
    private static final Map<String, String> AWS_NAMES = AwsRdsFactory.HELP.metrics().stream()
            .collect(Collectors.toUnmodifiableMap(m -> m.name().toLowerCase(Locale.ROOT), MetricHelp::name));
    private static final Map<String, MetricType> TYPES = AwsRdsFactory.HELP.metrics().stream()
            .collect(Collectors.toUnmodifiableMap(MetricHelp::name, MetricHelp::type));

    private final CollectorContext context;
    private volatile Prepared prepared;
    private CloudWatchClient client; // guarded by this

    /** One level's request and the last datapoint time reported per metric (guarded by itself). */
    private record LevelQueries(String level, String dbId, List<String> metrics, List<MetricDataQuery> queries,
                                Map<String, Instant> lastReported) {
    }

    private record Prepared(Map<String, LevelQueries> levels, Duration budget) {
    }

    AwsRdsCollector(CollectorContext context) {
        this.context = context;
    }

    /**
     * Checks the options and metrics of every level that collects the domain and builds its request
     * before anything else, then builds the CloudWatch client (no call to CloudWatch).
     */
    @Override
    public void prepare(Plan plan) {
        Map<String, LevelQueries> levels = new LinkedHashMap<>();
        for (Level level : plan.levelsByFrequency()) {
            Domain domain = level.collect().get(AwsRdsFactory.DOMAIN);
            if (domain != null) {
                levels.put(level.name(), queries(level.name(), domain));
            }
        }
        keepMarks(prepared, levels);
        Duration budget = budget(plan);
        prepared = new Prepared(Map.copyOf(levels), budget);
        LOG.debug("monitor {}: {}: levels {}; each collection bounded to {} ms", context.monitorId(),
                AwsRdsFactory.DOMAIN, levels.keySet(), budget.toMillis());
        if (!levels.isEmpty()) {
            warmUp();
        }
    }

    /**
     * Builds the client now rather than in the first collection, whose time limit may be under a
     * second: a cold AWS SDK client takes seconds of class loading. A failure here (no region, say)
     * must not keep the monitor's other domains from starting, so it is left to the collections,
     * which try again and report it.
     */
    private void warmUp() {
        try {
            client();
        } catch (RuntimeException e) {
            LOG.warn("monitor {}: {}: no CloudWatch client yet: {}; trying again at each collection",
                    context.monitorId(), AwsRdsFactory.DOMAIN, e.getMessage());
        }
    }

    private LevelQueries queries(String level, Domain domain) {
        for (String option : domain.options().keySet()) {
            if (AwsRdsFactory.HELP.options().get(option).isEmpty()) {
                throw error(level, "unknown option '" + option + "'; options: " + AwsRdsFactory.HELP.options().keys());
            }
        }
        String dbId = domain.option(AwsRdsFactory.OPT_DB_ID, "").trim();
        if (dbId.isEmpty()) {
            dbId = context.monitorId();
        }
        var names = new LinkedHashSet<String>();
        for (String metric : domain.metrics()) {
            names.add(AWS_NAMES.getOrDefault(metric.toLowerCase(Locale.ROOT), metric));
        }
        if (names.isEmpty()) {
            throw error(level, "no metrics; list CloudWatch AWS/RDS metric names, e.g. CPUUtilization, FreeableMemory");
        }
        if (names.size() > MAX_QUERIES) {
            throw error(level, names.size() + " metrics; GetMetricData takes at most " + MAX_QUERIES);
        }
        List<String> metrics = List.copyOf(names);
        Dimension dimension = Dimension.builder().name(DIMENSION).value(dbId).build();
        List<MetricDataQuery> queries = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            queries.add(MetricDataQuery.builder()
                    .id(queryId(i))
                    .returnData(true)
                    .metricStat(MetricStat.builder()
                            .stat(STAT)
                            .period(PERIOD_SECONDS)
                            .metric(Metric.builder().namespace(NAMESPACE).metricName(metrics.get(i))
                                    .dimensions(dimension).build())
                            .build())
                    .build());
        }
        return new LevelQueries(level, dbId, metrics, List.copyOf(queries), new HashMap<>());
    }

    /**
     * Carries the last reported times over from the previous plan for a level that asks the same
     * instance, so that preparing again (a new plan, a reconnect) reports no datapoint twice.
     */
    private static void keepMarks(Prepared before, Map<String, LevelQueries> levels) {
        if (before == null) {
            return;
        }
        levels.forEach((name, now) -> {
            LevelQueries old = before.levels().get(name);
            if (old != null && old.dbId().equals(now.dbId())) {
                synchronized (old.lastReported()) {
                    old.lastReported().forEach((metric, ts) -> {
                        if (now.metrics().contains(metric)) {
                            now.lastReported().put(metric, ts);
                        }
                    });
                }
            }
        });
    }

    /** Query ids must match {@code ^[a-z][a-zA-Z0-9_]*$}; metric names need not, so ids are positions. */
    private static String queryId(int index) {
        return "m" + index;
    }

    @Override
    public List<MetricValue> collect(String level) {
        Prepared p = prepared;
        if (p == null) {
            throw new IllegalStateException(AwsRdsFactory.DOMAIN + ": collect(" + level + ") before prepare");
        }
        LevelQueries q = p.levels().get(level);
        if (q == null) {
            return List.of();
        }
        long deadline = context.time().nanoTime() + p.budget().toNanos();
        Instant now = context.time().now();
        Instant begin = roundToMinute(now.minus(WINDOW));
        Map<String, MetricDataResult> results = fetch(q, begin, now, deadline, p.budget());
        return values(q, results);
    }

    /** Every page of the level's request, within the deadline. */
    private Map<String, MetricDataResult> fetch(LevelQueries q, Instant begin, Instant end, long deadline,
                                                Duration budget) {
        CloudWatchClient cw;
        try {
            cw = client();
        } catch (SdkClientException e) {
            throw error(q.level(), "no CloudWatch client: " + e.getMessage(), e);
        }
        Map<String, MetricDataResult> results = new HashMap<>();
        String token = null;
        do {
            long left = (deadline - context.time().nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw error(q.level(), "cloudwatch:GetMetricData for " + q.dbId() + " did not answer all pages within "
                        + budget.toMillis() + " ms");
            }
            var request = GetMetricDataRequest.builder()
                    .startTime(begin)
                    .endTime(end)
                    .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                    .metricDataQueries(q.queries())
                    .nextToken(token)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(left)))
                    .build();
            GetMetricDataResponse out = call(cw, request, q, budget);
            for (MetricDataResult r : out.metricDataResults()) {
                results.merge(r.id(), r, AwsRdsCollector::concat);
                if (!"Complete".equals(r.statusCodeAsString()) && !"PartialData".equals(r.statusCodeAsString())) {
                    LOG.debug("monitor {}: {}: {} status {}: {}", context.monitorId(), AwsRdsFactory.DOMAIN, r.label(),
                            r.statusCodeAsString(), r.messages());
                }
            }
            token = out.nextToken();
        } while (token != null && !token.isEmpty());
        return results;
    }

    private GetMetricDataResponse call(CloudWatchClient cw, GetMetricDataRequest request, LevelQueries q,
                                       Duration budget) {
        String what = "cloudwatch:GetMetricData for " + q.dbId();
        try {
            return cw.getMetricData(request);
        } catch (ApiCallTimeoutException e) {
            throw error(q.level(), what + " did not answer within " + budget.toMillis() + " ms", e);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "error" : Objects.toString(e.awsErrorDetails().errorCode(), "error");
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            String hint = e.statusCode() == 403 || code.startsWith("AccessDenied")
                    ? "; the IAM policy needs cloudwatch:GetMetricData" : "";
            throw error(q.level(), what + " failed: " + code + ": " + message + " (HTTP " + e.statusCode() + ")" + hint, e);
        } catch (SdkClientException | AssumeRoleException e) {
            throw error(q.level(), what + " failed: " + e.getMessage(), e);
        }
    }

    /** The datapoints not reported before, oldest first per metric, and the marks moved on. */
    private List<MetricValue> values(LevelQueries q, Map<String, MetricDataResult> results) {
        List<MetricValue> out = new ArrayList<>();
        synchronized (q.lastReported()) {
            for (int i = 0; i < q.metrics().size(); i++) {
                String metric = q.metrics().get(i);
                MetricDataResult r = results.get(queryId(i));
                if (r == null) {
                    continue;
                }
                Instant last = q.lastReported().get(metric);
                for (Datapoint d : datapoints(r)) {
                    if (last != null && !d.timestamp().isAfter(last)) {
                        LOG.trace("monitor {}: {}: drop {} {} = {} (reported)", context.monitorId(),
                                AwsRdsFactory.DOMAIN, d.timestamp(), metric, d.value());
                        continue;
                    }
                    LOG.trace("monitor {}: {}: keep {} {} = {}", context.monitorId(), AwsRdsFactory.DOMAIN,
                            d.timestamp(), metric, d.value());
                    last = d.timestamp();
                    // CloudWatch's own time for the minute, not the collection's.
                    out.add(new MetricValue(metric, d.value(), TYPES.getOrDefault(metric, MetricType.GAUGE), Map.of(),
                            Map.of(), d.timestamp()));
                }
                if (last != null) {
                    q.lastReported().put(metric, last);
                }
            }
        }
        return out;
    }

    private record Datapoint(Instant timestamp, double value) {
    }

    private static List<Datapoint> datapoints(MetricDataResult r) {
        List<Instant> ts = r.timestamps();
        List<Double> vs = r.values();
        List<Datapoint> points = new ArrayList<>();
        for (int i = 0; i < Math.min(ts.size(), vs.size()); i++) {
            if (ts.get(i) != null && vs.get(i) != null) {
                points.add(new Datapoint(ts.get(i), vs.get(i)));
            }
        }
        points.sort(Comparator.comparing(Datapoint::timestamp));
        return points;
    }

    private static MetricDataResult concat(MetricDataResult a, MetricDataResult b) {
        List<Instant> ts = new ArrayList<>(a.timestamps());
        ts.addAll(b.timestamps());
        List<Double> vs = new ArrayList<>(a.values());
        vs.addAll(b.values());
        return a.toBuilder().timestamps(ts).values(vs).build();
    }

    /** The client, built once: the region lookup may ask EC2 metadata. */
    private synchronized CloudWatchClient client() {
        if (client == null) {
            client = new AwsClients(context.regions(), context.services())
                    .build(CloudWatchClient.builder(), regionMonitor(context.monitor()), MAX_CALL);
        }
        return client;
    }

    /** As Blip: for aws.rds an unset region means {@code auto}. */
    static MonitorConfig regionMonitor(MonitorConfig m) {
        return AwsSettings.of(m).region().isBlank() ? AwsSection.withRegion(m, AwsSection.AUTO) : m;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /**
     * What a collection may take: 80 % of the domain's time limit, at most {@value #MAX_CALL_SECONDS} s.
     * The time limit is the runtime's (Blip's {@code blip.TimeLimit}), which blip-api does not hand to
     * collectors: the fastest level collecting the domain less 20 % (at most 2 s), and no more than the
     * plan's fastest level less 10 % (at most 1 s).
     */
    static Duration budget(Plan plan) {
        Duration fastest = null;
        Duration own = null;
        for (Level level : plan.levels().values()) {
            if (fastest == null || level.freq().compareTo(fastest) < 0) {
                fastest = level.freq();
            }
            if (level.collect().containsKey(AwsRdsFactory.DOMAIN) && (own == null || level.freq().compareTo(own) < 0)) {
                own = level.freq();
            }
        }
        if (own == null) {
            return MAX_CALL;
        }
        Duration limit = min(less(own, 0.20, Duration.ofSeconds(2)), less(fastest, 0.10, Duration.ofSeconds(1)));
        return min(Duration.ofMillis(limit.toMillis() * 8 / 10), MAX_CALL);
    }

    private static Duration less(Duration freq, double fraction, Duration max) {
        return freq.minus(min(Duration.ofMillis((long) Math.floor(freq.toMillis() * fraction)), max));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Go's {@code time.Round(time.Minute)}: to the nearest minute, halves up. */
    static Instant roundToMinute(Instant t) {
        long ms = t.toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(ms + 30_000, 60_000) * 60_000);
    }

    private BlipException error(String level, String message) {
        return new BlipException(AwsRdsFactory.DOMAIN + ": level '" + level + "': " + message);
    }

    private BlipException error(String level, String message, Throwable cause) {
        return new BlipException(AwsRdsFactory.DOMAIN + ": level '" + level + "': " + message, cause);
    }
}
