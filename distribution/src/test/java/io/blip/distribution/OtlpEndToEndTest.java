package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code otlp} sink as a user runs it: the built {@code bin/blip}, four monitors of one MariaDB
 * collecting a 1 s plan, OTLP receivers on loopback. One run goes through phases, and the tests
 * below judge what the receivers got:
 *
 * <ol>
 *   <li>warm-up: every monitor delivers;</li>
 *   <li>outage: the HTTP receiver answers 503 with {@code Retry-After: 1} until it has refused
 *       {@value #OUTAGE_REFUSALS} requests of each of its three sinks (some 7 s), then OK;</li>
 *   <li>stall: it answers nothing until {@value #STALLED_REQUESTS} requests have hung (each ends by
 *       the exporter's 2 s {@code timeout}), then OK;</li>
 *   <li>restart: MariaDB (this class's own, not the shared one) is stopped under the running Blip until
 *       every monitor has failed two collections, then started again;</li>
 *   <li>SIGTERM.</li>
 * </ol>
 *
 * <p>Monitors: {@code full} (tags, {@code meta-attributes}), {@code small} ({@code buffer-size: 3}),
 * {@code delta} ({@code temporality: delta}) send to one http/protobuf receiver, each through its
 * own sink (their options differ), so they share its outage; {@code grpc} sends over OTLP/gRPC to a receiver that always answers OK. What is expected of
 * each metric comes from the plan ({@link #PLAN}, written out as the plan file: names) and from what
 * {@code bin/blip --print-domains} declares (types, units, group and meta keys).
 *
 * <p>The last three tests judge Blip's own health metrics ({@code blip.monitor.*}, {@code blip.sink.*}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpEndToEndTest {
    private static final String USER = "blip";
    private static final String PASSWORD = "otlp-e2e-password";
    private static final List<String> DATABASES = List.of("e2e_a", "e2e_b");
    private static final String LEVEL = "second";
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** How far two collections of a 1 s level may be from 1 s apart. */
    private static final long TOLERANCE_MS = 200;
    private static final String PREFIX = "mysql.";
    private static final Map<String, String> TAGS = Map.of("env", "e2e", "team", "dba");
    private static final String FULL = "full";
    private static final String SMALL = "small";
    private static final String DELTA = "delta";
    private static final String GRPC = "grpc";
    private static final List<String> HTTP_MONITORS = List.of(FULL, SMALL, DELTA);
    private static final List<String> MONITORS = List.of(FULL, SMALL, DELTA, GRPC);
    private static final int SMALL_BUFFER = 3;
    /** Meta keys {@code full} sends as attributes. */
    private static final Set<String> FULL_META_ATTRIBUTES = Set.of("subsystem");
    private static final int OUTAGE_REFUSALS = 7;
    private static final int STALLED_REQUESTS = 3;

    /** The plan's one level: domain, then the metrics it lists. */
    private static final Map<String, List<String>> PLAN = plan();

    @TempDir
    static Path work;

    private EmbeddedMariaDb db;
    private OtlpReceiver http;
    private OtlpReceiver grpc;
    private Map<String, DomainHelp> domains;
    /** Fired by both receivers and by bin/blip's output: what the waits below check again. */
    private final Signal changed = new Signal();
    private OutputWatcher stdout;
    private OutputWatcher stderr;

    /** What one run of bin/blip came to. */
    private Run run;

    private static Map<String, List<String>> plan() {
        Map<String, List<String>> plan = new LinkedHashMap<>();
        plan.put("status.global", List.of("uptime", "queries", "questions", "bytes_sent", "bytes_received",
                "threads_running", "threads_connected", "max_used_connections", "innodb_buffer_pool_pages_total"));
        plan.put("var.global", List.of("max_connections", "innodb_buffer_pool_size"));
        plan.put("size.database", List.of("bytes"));
        plan.put("size.binlog", List.of("bytes"));
        plan.put("innodb", List.of("trx_rseg_history_len", "lock_deadlocks", "buffer_pool_reads"));
        plan.put("trx", List.of("oldest"));
        return plan;
    }

    // ---------------------------------------------------------------- the run

    /**
     * @param points      every data point the receivers answered OK to
     * @param received    every request, as the HTTP receiver answered it
     * @param exitCode    bin/blip's exit status after SIGTERM
     * @param stopMillis  how long bin/blip took to stop
     */
    private record Run(List<Point> points, List<OtlpReceiver.Received> received, Instant outageStart,
                       Instant outageEnd, Instant stallStart, Instant stallEnd, Instant restartBegin,
                       Instant restartEnd, int exitCode, long stopMillis, String stdout, String stderr) {
    }

    @BeforeAll
    void runBlipThroughEveryPhase() throws Exception {
        long began = System.nanoTime();
        db = EmbeddedMariaDb.start();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        for (String name : DATABASES) {
            db.execute("CREATE DATABASE " + name, "CREATE TABLE " + name + ".t (id INT PRIMARY KEY, v VARCHAR(64))",
                    "INSERT INTO " + name + ".t VALUES (1, 'one'), (2, 'two')");
        }
        domains = DomainHelp.parse(printDomains());
        http = OtlpReceiver.http().onReceive(changed::fire);
        grpc = OtlpReceiver.grpc().onReceive(changed::fire);

        Process blip = start(writeConfig());
        stdout = OutputWatcher.of("stdout", blip.getInputStream(), changed);
        stderr = OutputWatcher.of("stderr", blip.getErrorStream(), changed);
        try {
            awaitCollections(MONITORS, Instant.EPOCH, 3, Duration.ofSeconds(60), blip);

            Instant outageStart = Instant.now();
            http.answer(Answer.UNAVAILABLE);
            awaitAnswered(Answer.UNAVAILABLE, OUTAGE_REFUSALS * HTTP_MONITORS.size(), Duration.ofSeconds(30), blip);
            http.answer(Answer.OK);
            Instant outageEnd = Instant.now();
            // Delivery resumes within a second (Retry-After); a while more so that Blip's counts settle.
            awaitCollections(HTTP_MONITORS, outageEnd.plusSeconds(3), 1, Duration.ofSeconds(30), blip);

            Instant stallStart = Instant.now();
            http.answer(Answer.STALL);
            awaitAnswered(Answer.STALL, STALLED_REQUESTS, Duration.ofSeconds(30), blip);
            http.answer(Answer.OK);
            Instant stallEnd = Instant.now();
            // The last stalled request ends by the 2 s timeout, then its retry goes out; a while more to settle.
            awaitCollections(HTTP_MONITORS, stallEnd.plusSeconds(5), 1, Duration.ofSeconds(30), blip);

            Instant restartBegin = Instant.now();
            db.stop();
            // A restart can fall between two ticks: stay down until each monitor has failed twice since, so
            // that at least one of its collections found MariaDB down from start to end.
            int logged = stderr().length();
            awaitTrue(Duration.ofSeconds(30), blip, () -> MONITORS.stream().allMatch(m -> count(stderrSince(logged),
                    "monitor " + m + ": status.global failed in level " + LEVEL) >= 2),
                    () -> "two failed collections of each monitor while MariaDB is down");
            db.restart();
            Instant restartEnd = Instant.now();
            awaitCollections(MONITORS, restartEnd, 3, Duration.ofSeconds(60), blip);

            long stopStart = System.nanoTime();
            blip.destroy(); // SIGTERM
            if (!blip.waitFor(15, TimeUnit.SECONDS)) {
                fail("bin/blip did not stop within 15 s of SIGTERM; stderr:\n" + stderr());
            }
            long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;
            changed.await(() -> stdout.ended() && stderr.ended(), Duration.ofSeconds(10),
                    () -> "the end of bin/blip's output");
            run = new Run(points(), http.received(), outageStart, outageEnd, stallStart, stallEnd, restartBegin,
                    restartEnd, blip.exitValue(), stopMillis, stdout(), stderr());
        } finally {
            blip.destroyForcibly();
        }
        System.out.printf("OtlpEndToEndTest: the run took %d s; outage %s..%s, stall %s..%s, restart %s..%s%n",
                (System.nanoTime() - began) / 1_000_000_000, run.outageStart(), run.outageEnd(), run.stallStart(),
                run.stallEnd(), run.restartBegin(), run.restartEnd());
        for (String monitor : MONITORS) {
            List<Long> times = collections(run.points(), monitor);
            List<Long> gaps = gaps(times);
            System.out.printf("OtlpEndToEndTest: %s: %d collections, %s..%s, gaps over 1 s (ms, at): %s%n", monitor,
                    times.size(), time(times.getFirst()), time(times.getLast()), IntStream.range(0, gaps.size())
                            .filter(i -> gaps.get(i) > INTERVAL.toMillis() + TOLERANCE_MS)
                            .mapToObj(i -> gaps.get(i) + "@" + time(times.get(i + 1))).toList());
        }
    }

    @AfterAll
    void stopEverything() {
        for (AutoCloseable c : new AutoCloseable[] {http, grpc, db}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("OtlpEndToEndTest: close failed: " + e);
            }
        }
    }

    private String writeConfig() throws IOException {
        Path password = work.resolve("password");
        Files.writeString(password, PASSWORD + "\n");
        Path plan = work.resolve("plan.yaml");
        StringBuilder p = new StringBuilder(LEVEL + ":\n  freq: 1s\n  collect:\n");
        PLAN.forEach((domain, metrics) -> {
            p.append("    ").append(domain).append(":\n      metrics: [").append(String.join(", ", metrics))
                    .append("]\n");
            if (domain.equals("size.database")) {
                p.append("      options:\n        include: ").append(String.join(",", DATABASES)).append('\n');
            }
        });
        Files.writeString(plan, p);

        StringBuilder c = new StringBuilder("""
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: %s
                  password-file: %s
                plans:
                  files: [%s]
                monitors:
                """.formatted(USER, password, plan));
        monitor(c, FULL, http, "meta-attributes: " + String.join(",", FULL_META_ATTRIBUTES));
        c.append("    tags:\n");
        TAGS.forEach((k, v) -> c.append("      ").append(k).append(": ").append(v).append('\n'));
        monitor(c, SMALL, http, "buffer-size: " + SMALL_BUFFER);
        monitor(c, DELTA, http, "temporality: delta");
        monitor(c, GRPC, grpc, "protocol: grpc");
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, c);
        return config.toString();
    }

    /** A monitor whose otlp sink has the exporter settings every monitor of that receiver shares, and one more. */
    private void monitor(StringBuilder c, String id, OtlpReceiver to, String ownOption) {
        c.append("""
                  - id: %s
                    hostname: %s
                    sinks:
                      otlp:
                        endpoint: "%s"
                        timeout: 2s
                        retry-initial: 100ms
                        retry-max: 1s
                        %s
                """.formatted(id, db.hostPort(), to.endpoint(), ownOption));
    }

    private static ProcessBuilder blip(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Dist.HOME.resolve("bin/blip").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("JAVA_OPTS");
        // The machine's own OpenTelemetry settings must not reach the exporter or the resource.
        pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
        return pb;
    }

    private static String printDomains() throws Exception {
        Process p = blip("--print-domains").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/blip --print-domains did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Process start(String config) throws IOException {
        // --log: info events (delivery resuming) to stdout.
        return blip("--config", config, "--log").start();
    }

    /** Waits until each monitor has delivered {@code n} collections made after {@code after}. */
    private void awaitCollections(List<String> monitors, Instant after, int n, Duration wait, Process blip)
            throws Exception {
        long afterNanos = nanos(after);
        awaitTrue(wait, blip, () -> {
            List<Point> points = points();
            return monitors.stream().allMatch(m -> collections(points, m).stream().filter(t -> t > afterNanos)
                    .count() >= n);
        }, () -> n + " collections after " + after + " from each of " + monitors + "; got "
                + monitors.stream().map(m -> m + "=" + collections(points(), m).stream().filter(t -> t > afterNanos)
                .count()).toList());
    }

    /** Waits until the HTTP receiver has answered {@code n} requests with {@code answer}. */
    private void awaitAnswered(Answer answer, int n, Duration wait, Process blip) throws Exception {
        awaitTrue(wait, blip, () -> answered(answer) >= n,
                () -> n + " requests answered " + answer + "; got " + answered(answer));
    }

    private long answered(Answer answer) {
        return http.received().stream().filter(r -> r.answer() == answer).count();
    }

    /**
     * Checks {@code done} again whenever a receiver gets a request or bin/blip writes; fails with the
     * message and Blip's stderr at the deadline or when Blip exits.
     */
    private void awaitTrue(Duration wait, Process blip, BooleanSupplier done, Supplier<String> what)
            throws Exception {
        changed.await(() -> stderr.ended() || done.getAsBoolean(), wait,
                () -> what.get() + "\nstderr:\n" + stderr());
        if (!done.getAsBoolean()) {
            blip.waitFor(10, TimeUnit.SECONDS);
            fail("bin/blip exited (" + (blip.isAlive() ? "not yet" : blip.exitValue()) + ") while waiting for "
                    + what.get() + "\nstderr:\n" + stderr());
        }
    }

    private String stdout() {
        return stdout.text();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** What bin/blip wrote to stderr after its first {@code from} characters. */
    private String stderrSince(int from) {
        return stderr().substring(from);
    }

    private String stderr() {
        return stderr.text();
    }

    // ---------------------------------------------------------------- what arrived

    /**
     * One data point as delivered, with what it came with.
     *
     * @param request  which request of its receiver ({@code http#3}, {@code grpc#0})
     * @param monitor  the resource's {@code blip.monitor.id}
     * @param shape    {@code Gauge}, {@code Sum(cumulative, monotonic)}, ...
     * @param start    start time in ns since the epoch; 0 when not set
     */
    private record Point(String request, String monitor, Map<String, Object> resource, String scope, String name,
                         String unit, String shape, Map<String, String> attributes, long start, long time,
                         double value, boolean isDouble) {

        /** A MySQL metric of the plan, not one of Blip's own. */
        boolean mysql() {
            return name.startsWith(PREFIX);
        }

        boolean cumulativeSum() {
            return shape.equals(CUMULATIVE_SUM);
        }

        /** The series: name and attributes. */
        String series() {
            return name + new TreeMap<>(attributes);
        }

        @Override
        public String toString() {
            return monitor + " " + series() + " " + shape + " start=" + Instant.ofEpochSecond(0, start) + " time="
                    + Instant.ofEpochSecond(0, time) + " value=" + value + " (" + request + ")";
        }
    }

    private static final String GAUGE = "Gauge";
    private static final String CUMULATIVE_SUM = "Sum(cumulative, monotonic)";
    private static final String DELTA_SUM = "Sum(delta, monotonic)";

    /** Every data point the receivers answered OK to, in the order they arrived. */
    private List<Point> points() {
        List<Point> points = new ArrayList<>();
        add(points, "http", http.received());
        add(points, "grpc", grpc.received());
        return points;
    }

    private static void add(List<Point> points, String protocol, List<OtlpReceiver.Received> received) {
        for (int i = 0; i < received.size(); i++) {
            OtlpReceiver.Received r = received.get(i);
            if (r.answer() != Answer.OK) {
                continue;
            }
            for (ResourceMetrics rm : r.request().getResourceMetricsList()) {
                Map<String, Object> resource = attributes(rm.getResource().getAttributesList());
                String monitor = String.valueOf(resource.get("blip.monitor.id"));
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        String request = protocol + "#" + i;
                        switch (m.getDataCase()) {
                            case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> points.add(point(request,
                                    monitor, resource, sm, m, GAUGE, p)));
                            case SUM -> {
                                String shape = "Sum(" + switch (m.getSum().getAggregationTemporality()) {
                                    case AGGREGATION_TEMPORALITY_CUMULATIVE -> "cumulative";
                                    case AGGREGATION_TEMPORALITY_DELTA -> "delta";
                                    default -> m.getSum().getAggregationTemporality().name();
                                } + (m.getSum().getIsMonotonic() ? ", monotonic)" : ", not monotonic)");
                                m.getSum().getDataPointsList().forEach(p -> points.add(point(request, monitor,
                                        resource, sm, m, shape, p)));
                            }
                            default -> points.add(new Point(request, monitor, resource, sm.getScope().getName(),
                                    m.getName(), m.getUnit(), m.getDataCase().name(), Map.of(), 0, 0, 0, false));
                        }
                    }
                }
            }
        }
    }

    private static Point point(String request, String monitor, Map<String, Object> resource, ScopeMetrics sm,
                               Metric m, String shape, NumberDataPoint p) {
        Map<String, String> attributes = new TreeMap<>();
        attributes(p.getAttributesList()).forEach((k, v) -> attributes.put(k, String.valueOf(v)));
        boolean isDouble = p.getValueCase() == NumberDataPoint.ValueCase.AS_DOUBLE;
        return new Point(request, monitor, resource, sm.getScope().getName(), m.getName(), m.getUnit(), shape,
                attributes, p.getStartTimeUnixNano(), p.getTimeUnixNano(), isDouble ? p.getAsDouble() : p.getAsInt(),
                isDouble);
    }

    /** Attributes as Java values: String, Long, Double or Boolean. */
    private static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new TreeMap<>();
        for (KeyValue kv : kvs) {
            AnyValue v = kv.getValue();
            out.put(kv.getKey(), switch (v.getValueCase()) {
                case STRING_VALUE -> v.getStringValue();
                case INT_VALUE -> v.getIntValue();
                case DOUBLE_VALUE -> v.getDoubleValue();
                case BOOL_VALUE -> v.getBoolValue();
                default -> v.toString();
            });
        }
        return out;
    }

    /** The collection times (ns) of a monitor's metrics (Blip's own health metrics aside), in order. */
    private static List<Long> collections(List<Point> points, String monitor) {
        return points.stream().filter(p -> p.monitor().equals(monitor) && p.mysql()).map(Point::time)
                .collect(Collectors.toCollection(TreeSet::new)).stream().toList();
    }

    private static List<Point> of(List<Point> points, String monitor, Predicate<Point> also) {
        return points.stream().filter(p -> p.monitor().equals(monitor) && also.test(p)).toList();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static String time(long nanos) {
        return Instant.ofEpochSecond(0, nanos).toString();
    }

    /** Collection times up to (not including) {@code before}. */
    private static List<Long> before(List<Long> times, Instant before) {
        return times.stream().filter(t -> t < nanos(before)).toList();
    }

    /** The gaps in ms between consecutive times. */
    private static List<Long> gaps(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add((times.get(i) - times.get(i - 1)) / 1_000_000);
        }
        return gaps;
    }

    /** Fails unless consecutive times are one interval apart, within the tolerance. */
    private static void assertEvenlySpaced(String what, List<Long> times) {
        List<Long> gaps = gaps(times);
        for (int i = 0; i < gaps.size(); i++) {
            long gap = gaps.get(i);
            assertTrue(Math.abs(gap - INTERVAL.toMillis()) <= TOLERANCE_MS, what + ": collections "
                    + time(times.get(i)) + " and " + time(times.get(i + 1)) + " are " + gap + " ms apart, not "
                    + INTERVAL.toMillis() + " ± " + TOLERANCE_MS + " ms; all gaps (ms): " + gaps);
        }
    }

    /** Fails if any point of the monitor's series arrived twice for the same time. */
    private static void assertNoDuplicates(List<Point> points, String monitor) {
        Map<String, List<Point>> seen = new LinkedHashMap<>();
        for (Point p : of(points, monitor, Point::mysql)) {
            seen.computeIfAbsent(p.series() + "@" + p.time(), k -> new ArrayList<>()).add(p);
        }
        seen.values().stream().filter(l -> l.size() > 1).findFirst()
                .ifPresent(dup -> fail(monitor + ": delivered more than once: " + dup));
    }

    /** The whole seconds at which the monitor's collections were made. */
    private static Set<Long> seconds(List<Long> times) {
        return times.stream().map(t -> Math.round(t / 1e9)).collect(Collectors.toCollection(TreeSet::new));
    }

    // ---------------------------------------------------------------- expectations from --print-domains

    /**
     * What {@code bin/blip --print-domains} declares of one domain.
     *
     * @param metrics metric → type ({@code gauge}, {@code cumulative-counter}, ...) and unit ("" for none)
     */
    private record DomainHelp(Map<String, Declared> metrics, List<String> groups, List<String> meta) {
        private static final Pattern METRIC = Pattern.compile(" {4}(\\S+) \\(([a-z-]+)(?:, ([^)]*))?\\):.*");

        static Map<String, DomainHelp> parse(String printed) {
            Map<String, DomainHelp> out = new LinkedHashMap<>();
            DomainHelp current = null;
            boolean inMetrics = false;
            for (String line : printed.split("\n")) {
                if (!line.isBlank() && !line.startsWith(" ")) {
                    current = new DomainHelp(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
                    out.put(line.trim(), current);
                    inMetrics = false;
                } else if (current != null && line.startsWith("  ") && !line.startsWith("   ")) {
                    String section = line.trim();
                    inMetrics = section.startsWith("Metrics");
                    if (section.startsWith("Groups: ")) {
                        current.groups().addAll(List.of(section.substring(8).split(", ")));
                    } else if (section.startsWith("Meta: ")) {
                        current.meta().addAll(List.of(section.substring(6).split(", ")));
                    }
                } else if (current != null && inMetrics) {
                    Matcher m = METRIC.matcher(line);
                    if (m.matches()) {
                        String unit = m.group(3) == null ? "" : m.group(3);
                        current.metrics().put(m.group(1), new Declared(m.group(2), unit));
                    }
                }
            }
            return out;
        }
    }

    private record Declared(String type, String unit) {
    }

    private DomainHelp help(String domain) {
        DomainHelp h = domains.get(domain);
        assertNotNull(h, "bin/blip --print-domains does not list " + domain + "; it lists " + domains.keySet());
        return h;
    }

    private Declared declared(String domain, String metric) {
        Declared d = help(domain).metrics().get(metric);
        if (d != null) {
            return d;
        }
        // Not in the domain's help: status.global and innodb take any other variable for a cumulative
        // counter (their collectors' rule), and var.global's sysvars are all gauges.
        return switch (domain) {
            case "status.global", "innodb" -> new Declared("cumulative-counter", "");
            case "var.global" -> new Declared("gauge", "");
            default -> throw new AssertionError(domain + "." + metric + " is not declared by --print-domains");
        };
    }

    /** The OTLP shape a Blip metric type is sent as. */
    private static String shape(String type, boolean delta) {
        return switch (type) {
            case "gauge", "bool" -> GAUGE;
            case "cumulative-counter" -> delta ? DELTA_SUM : CUMULATIVE_SUM;
            case "delta-counter", "event" -> DELTA_SUM;
            default -> throw new AssertionError("unknown metric type " + type);
        };
    }

    /** The metric names of the plan, as the sink names them. */
    private static Set<String> plannedNames() {
        Set<String> names = new TreeSet<>();
        PLAN.forEach((domain, metrics) -> metrics.forEach(m -> names.add(PREFIX + domain + "." + m)));
        return names;
    }

    /** The resource every point of a monitor must carry. */
    private Map<String, Object> resource(String monitor) {
        Map<String, Object> r = new TreeMap<>();
        r.put("service.name", "blip");
        r.put("service.instance.id", monitor);
        r.put("db.system.name", "mysql");
        r.put("server.address", db.host());
        r.put("server.port", (long) db.port());
        r.put("blip.monitor.id", monitor);
        if (monitor.equals(FULL)) {
            r.putAll(TAGS);
        }
        return r;
    }

    // ---------------------------------------------------------------- 1. the data model

    @Test
    void everyMetricOfThePlanArrivesWithItsNameTypeUnitAttributesAndResource() {
        assertDataModel(FULL, FULL_META_ATTRIBUTES);
    }

    @Test
    void overGrpcTheSameMetricsArriveWithTheSameDataModel() {
        assertDataModel(GRPC, Set.of());
        assertTrue(run.points().stream().filter(p -> p.monitor().equals(GRPC)).allMatch(p -> p.request()
                .startsWith("grpc#")), "the grpc monitor's points came over gRPC");
    }

    /**
     * Every collection of the monitor made before the restart holds every metric of the plan, each
     * series once, shaped as its domain declares it, with the monitor's resource.
     */
    private void assertDataModel(String monitor, Set<String> metaAttributes) {
        List<Point> points = of(run.points(), monitor, p -> p.mysql() && p.time() < nanos(run.restartBegin()));
        List<Long> times = collections(points, monitor);
        assertTrue(times.size() >= 10, monitor + ": at least 10 collections before the restart, got " + times.size());
        Map<Long, List<Point>> byTime = points.stream().collect(Collectors.groupingBy(Point::time, TreeMap::new,
                Collectors.toList()));
        for (Map.Entry<Long, List<Point>> collection : byTime.entrySet()) {
            String when = monitor + " collection " + time(collection.getKey());
            Set<String> names = collection.getValue().stream().map(Point::name).collect(Collectors.toCollection(
                    TreeSet::new));
            assertEquals(plannedNames(), names, when + ": the metrics of the plan");
            Map<String, Long> perSeries = collection.getValue().stream().collect(Collectors.groupingBy(Point::series,
                    Collectors.counting()));
            perSeries.forEach((series, n) -> assertEquals(1, n, when + ": " + series + " once"));
            Set<String> dbs = collection.getValue().stream()
                    .filter(p -> p.name().equals(PREFIX + "size.database.bytes")).map(p -> p.attributes().get("db"))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expectedDbs = new TreeSet<>(DATABASES);
            expectedDbs.add(""); // the total
            assertEquals(expectedDbs, dbs, when + ": size.database.bytes for each database and the total");
        }
        Map<String, Object> resource = resource(monitor);
        for (Point p : points) {
            String domain = p.name().substring(PREFIX.length(), p.name().lastIndexOf('.'));
            String metric = p.name().substring(p.name().lastIndexOf('.') + 1);
            Declared d = declared(domain, metric);
            DomainHelp h = help(domain);
            Set<String> keys = new TreeSet<>(h.groups());
            h.meta().stream().filter(metaAttributes::contains).forEach(keys::add);
            assertEquals(shape(d.type(), false), p.shape(), "type of " + p);
            assertEquals(d.unit(), p.unit(), "unit of " + p);
            assertEquals(keys, p.attributes().keySet(), "attributes of " + p);
            assertEquals(resource, p.resource(), "resource of " + p);
            assertEquals("io.blip", p.scope(), "scope of " + p);
            assertTrue(p.isDouble(), "a double value: " + p);
            if (p.cumulativeSum()) {
                assertTrue(p.start() > 0 && p.start() < p.time(), "start time before the point's time: " + p);
            }
        }
        assertCumulativeStartIsMysqlStart(monitor, points);
    }

    /**
     * Before the restart, every cumulative series starts when MySQL started: the first collection's
     * time less the uptime it read (whole seconds, so within a second).
     */
    private static void assertCumulativeStartIsMysqlStart(String monitor, List<Point> points) {
        Set<Long> starts = points.stream().filter(Point::cumulativeSum).map(Point::start)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(1, starts.size(), monitor + ": one start time for every cumulative series before the restart: "
                + starts.stream().map(OtlpEndToEndTest::time).toList());
        Point uptime = points.stream().filter(p -> p.name().equals(PREFIX + "status.global.uptime"))
                .min(Comparator.comparingLong(Point::time)).orElseThrow();
        long mysqlStart = uptime.time() - (long) (uptime.value() * 1e9);
        long start = starts.iterator().next();
        assertTrue(start >= mysqlStart - 1_000_000_000L && start <= mysqlStart + 1_000_000_000L,
                monitor + ": the start time " + time(start) + " is MySQL's start by uptime, " + time(mysqlStart));
    }

    @Test
    void deltaTemporalitySendsChangesFromTheLastCollectionAndDropsTheFirstSample() {
        List<Point> points = of(run.points(), DELTA, Point::mysql);
        List<Long> times = collections(points, DELTA);
        Map<Long, List<Point>> byTime = points.stream().collect(Collectors.groupingBy(Point::time, TreeMap::new,
                Collectors.toList()));
        Set<String> counters = new TreeSet<>();
        Set<String> gauges = new TreeSet<>();
        PLAN.forEach((domain, metrics) -> metrics.forEach(m -> (shape(declared(domain, m).type(), true)
                .equals(GAUGE) ? gauges : counters).add(PREFIX + domain + "." + m)));
        assertFalse(counters.isEmpty(), "the plan has counters");

        List<Point> first = byTime.get(times.getFirst());
        assertEquals(gauges, first.stream().map(Point::name).collect(Collectors.toCollection(TreeSet::new)),
                "the first collection sends the gauges only: a counter's first sample has no change to send");
        long restart = firstAfterDowntime(times);
        assertEquals(gauges, byTime.get(restart).stream().map(Point::name).collect(Collectors.toCollection(
                TreeSet::new)), "the first collection after MySQL restarted (" + time(restart)
                + ") sends the gauges only: the counters were reset");

        for (int i = 1; i < times.size(); i++) {
            long previous = times.get(i - 1);
            long now = times.get(i);
            // Around the restart a collection may lack a domain that failed; before it, each has all.
            boolean steady = now < nanos(run.restartBegin());
            if (steady) {
                assertEquals(plannedNames(), byTime.get(now).stream().map(Point::name)
                        .collect(Collectors.toCollection(TreeSet::new)), "delta collection " + time(now)
                        + ": the metrics of the plan");
            }
            for (Point p : byTime.get(now)) {
                String domain = p.name().substring(PREFIX.length(), p.name().lastIndexOf('.'));
                String metric = p.name().substring(p.name().lastIndexOf('.') + 1);
                assertEquals(shape(declared(domain, metric).type(), true), p.shape(), "type of " + p);
                if (p.shape().equals(DELTA_SUM)) {
                    assertTrue(p.value() >= 0, "a change that is not negative: " + p);
                    if (steady) {
                        assertEquals(previous, p.start(), "a change since the previous collection, "
                                + time(previous) + ": " + p);
                    } else if (now > restart) {
                        assertTrue(p.start() >= restart && times.contains(p.start()), "a change since a "
                                + "collection after the restart, " + time(restart) + ", never across it: " + p);
                    }
                }
            }
        }
        // Uptime's changes add up to the time between the first and the last collection before the restart.
        List<Point> uptime = points.stream().filter(p -> p.name().equals(PREFIX + "status.global.uptime")
                && p.time() < nanos(run.restartBegin())).toList();
        double sum = uptime.stream().mapToDouble(Point::value).sum();
        double span = (uptime.getLast().time() - times.getFirst()) / 1e9;
        assertTrue(Math.abs(sum - span) <= 1.5, "uptime's changes add up to " + sum + " s over " + span + " s");
    }

    /** The first collection after the one gap MySQL's restart left; fails without such a gap. */
    private long firstAfterDowntime(List<Long> times) {
        long from = nanos(run.restartBegin());
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            if (times.get(i) > from && gap > INTERVAL.toNanos() + TOLERANCE_MS * 1_000_000) {
                return times.get(i);
            }
        }
        throw new AssertionError("no collection gap after the restart began at " + run.restartBegin()
                + ": MariaDB was never seen down; gaps (ms) " + gaps(times));
    }

    // ---------------------------------------------------------------- 2. an outage

    @Test
    void anOutageThatFitsTheBufferLosesNothing() {
        assertTrue(run.received().stream().filter(r -> r.answer() == Answer.UNAVAILABLE).count()
                >= OUTAGE_REFUSALS * HTTP_MONITORS.size(), "the outage refused requests");
        for (String monitor : List.of(FULL, DELTA, GRPC)) {
            List<Long> times = before(collections(run.points(), monitor), run.restartBegin());
            // The first collection is made on connecting, between two whole seconds; the clock's follow.
            assertEvenlySpaced(monitor + " before the restart", times.subList(1, times.size()));
            assertNoDuplicates(run.points(), monitor);
        }
        List<Long> inOutage = collections(run.points(), FULL).stream().filter(t -> t >= nanos(run.outageStart())
                && t <= nanos(run.outageEnd())).toList();
        assertTrue(inOutage.size() >= OUTAGE_REFUSALS - 2, "collections made during the outage arrived: "
                + inOutage.stream().map(OtlpEndToEndTest::time).toList());
        assertTrue(run.stdout().contains("monitors [" + FULL + "]: sink otlp (http/protobuf " + http.endpoint()
                + ") delivers again"), "delivery resuming is logged:\n" + run.stdout());
    }

    /**
     * The monitor with a buffer of 3 shares the outage: it loses its oldest collections, in one run
     * per outage, and nothing else. (How many it lost is checked against Blip's own count in
     * {@link #theSmallBuffersGapIsExactlyTheDroppedCountBlipReports}.)
     */
    @Test
    void aBufferTooSmallForTheOutageDropsTheOldestCollectionsOnly() {
        List<Long> small = before(collections(run.points(), SMALL), run.restartBegin());
        assertNoDuplicates(run.points(), SMALL);
        Set<Long> missing = missingSeconds(small);
        assertFalse(missing.isEmpty(), "an outage of " + OUTAGE_REFUSALS + " refusals overflows a buffer of "
                + SMALL_BUFFER + "; collections of " + SMALL + ": " + small.stream().map(OtlpEndToEndTest::time)
                .toList());
        for (long second : missing) {
            assertTrue(within(second, run.outageStart(), run.outageEnd()) || within(second, run.stallStart(),
                    run.stallEnd()), "collection of second " + Instant.ofEpochSecond(second) + " lost outside the "
                    + "outage and the stall");
        }
        Set<Long> inOutage = missing.stream().filter(s -> within(s, run.outageStart(), run.outageEnd()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertFalse(inOutage.isEmpty(), "collections lost in the outage");
        assertEquals(inOutage.size(), inOutage.stream().mapToLong(s -> s).max().orElseThrow()
                - inOutage.stream().mapToLong(s -> s).min().orElseThrow() + 1, "one run of lost collections "
                + "(the oldest in the buffer): " + inOutage);
        long lastLost = inOutage.stream().mapToLong(s -> s).max().orElseThrow();
        Set<Long> kept = seconds(small);
        for (long s = lastLost + 1; s <= lastLost + SMALL_BUFFER; s++) {
            assertTrue(kept.contains(s), "the " + SMALL_BUFFER + " newest collections in the buffer were kept; "
                    + Instant.ofEpochSecond(s) + " is missing");
        }
        assertTrue(run.stderr().contains("monitor " + SMALL + ": sink otlp (http/protobuf " + http.endpoint()
                + ") is behind and the buffer of " + SMALL_BUFFER + " collections is full; dropping the oldest "
                + "(1 dropped so far)"), "dropping is logged:\n" + run.stderr());
    }

    /** The seconds {@code full} collected (it lost nothing) that {@code small} has not delivered. */
    private Set<Long> missingSeconds(List<Long> small) {
        List<Long> full = before(collections(run.points(), FULL), run.restartBegin());
        long from = Math.max(full.getFirst(), small.getFirst());
        long to = Math.min(full.getLast(), small.getLast());
        Set<Long> missing = seconds(full.stream().filter(t -> t >= from && t <= to).toList());
        missing.removeAll(seconds(small));
        return missing;
    }

    private static boolean within(long second, Instant from, Instant to) {
        return second >= from.getEpochSecond() - 1 && second <= to.getEpochSecond() + 3;
    }

    // ---------------------------------------------------------------- 3. a MariaDB restart

    @Test
    void aMariaDbRestartShowsAsANewStartTimeAndNoCounterGoesDownWithinOne() {
        for (String monitor : List.of(FULL, GRPC)) {
            List<Point> sums = of(run.points(), monitor, p -> p.mysql() && p.cumulativeSum());
            Map<String, List<Point>> bySeries = sums.stream().collect(Collectors.groupingBy(Point::series,
                    TreeMap::new, Collectors.toList()));
            for (Map.Entry<String, List<Point>> series : bySeries.entrySet()) {
                List<Point> ps = series.getValue().stream().sorted(Comparator.comparingLong(Point::time)).toList();
                Set<Long> before = ps.stream().filter(p -> p.time() < nanos(run.restartBegin())).map(Point::start)
                        .collect(Collectors.toSet());
                Set<Long> after = ps.stream().filter(p -> p.time() > nanos(run.restartEnd())).map(Point::start)
                        .collect(Collectors.toSet());
                String what = monitor + " " + series.getKey();
                assertEquals(1, before.size(), what + ": one start time before the restart: " + before);
                assertEquals(1, after.size(), what + ": one start time after the restart: " + after);
                long oldStart = before.iterator().next();
                long newStart = after.iterator().next();
                assertTrue(newStart > oldStart, what + ": a new start time " + time(newStart) + " after "
                        + time(oldStart));
                assertTrue(newStart >= nanos(run.restartBegin().minusSeconds(1))
                        && newStart <= nanos(run.restartEnd().plusSeconds(2)), what + ": the new start time "
                        + time(newStart) + " is MariaDB's restart, between " + run.restartBegin() + " and "
                        + run.restartEnd());
                for (int i = 1; i < ps.size(); i++) {
                    Point a = ps.get(i - 1);
                    Point b = ps.get(i);
                    if (a.start() == b.start()) {
                        assertTrue(b.value() >= a.value(), what + ": went down within one start time: " + a
                                + " then " + b);
                    }
                }
            }
            long uptimeAfter = of(run.points(), monitor, p -> p.name().equals(PREFIX + "status.global.uptime")
                    && p.time() > nanos(run.restartEnd())).size();
            assertTrue(uptimeAfter >= 3, monitor + ": collections after the restart");
        }
    }

    // ---------------------------------------------------------------- 4. a stalled receiver

    @Test
    void aStalledReceiverLeavesCollectionCadenceUntouched() {
        assertTrue(run.received().stream().filter(r -> r.answer() == Answer.STALL).count() >= STALLED_REQUESTS,
                "requests hung in the stall");
        // The stall holds the exporter until the last hung request times out, 2 s after it ended.
        List<Long> stalled = collections(run.points(), FULL).stream().filter(t -> t >= nanos(run.stallStart()
                .minusSeconds(1)) && t <= nanos(run.stallEnd().plusSeconds(3))).toList();
        long stallSeconds = Duration.between(run.stallStart(), run.stallEnd()).toSeconds();
        assertTrue(stalled.size() >= stallSeconds + 2, "every collection of the " + stallSeconds + " s stall "
                + "arrived: " + stalled.stream().map(OtlpEndToEndTest::time).toList());
        assertEvenlySpaced(FULL + " during the stall", stalled);
        assertFalse(run.stderr().contains("skipped level"), "no collection skipped:\n" + run.stderr());
    }

    @Test
    void sigtermStopsBlipAndThePasswordIsNeverPrinted() {
        assertEquals(143, run.exitCode(), run.stderr());
        assertTrue(run.stopMillis() < 10_000, "stopped in " + run.stopMillis() + " ms");
        assertFalse(run.stdout().contains(PASSWORD) || run.stderr().contains(PASSWORD), "the password was printed");
    }

    // ---------------------------------------------------------------- Blip's health metrics (not on this branch yet)

    /**
     * The health metrics, as specified: name, shape, unit, attribute keys, and each monitor's resource.
     * Some arrive only once something happened: retries (the outage), dropped (the small buffer),
     * collection errors (MariaDB down).
     */
    @Test
    void healthMetricsHaveTheirSpecifiedShapeAndTheMonitorsResource() {
        record Spec(String shape, String unit, Set<String> attributes) {
        }
        Map<String, Spec> specs = new LinkedHashMap<>();
        specs.put("blip.monitor.up", new Spec(GAUGE, null, Set.of()));
        specs.put("blip.monitor.collections", new Spec(CUMULATIVE_SUM, null, Set.of("level")));
        specs.put("blip.monitor.collection.duration", new Spec(GAUGE, "s", Set.of("level")));
        specs.put("blip.monitor.collection.errors", new Spec(CUMULATIVE_SUM, null, Set.of("domain")));
        specs.put("blip.monitor.collections.skipped", new Spec(CUMULATIVE_SUM, null, Set.of()));
        specs.put("blip.sink.sent", new Spec(CUMULATIVE_SUM, null, Set.of("sink")));
        specs.put("blip.sink.queued", new Spec(GAUGE, null, Set.of("sink")));
        specs.put("blip.sink.dropped", new Spec(CUMULATIVE_SUM, null, Set.of("sink", "reason")));
        specs.put("blip.sink.retries", new Spec(CUMULATIVE_SUM, null, Set.of("sink")));
        for (String monitor : MONITORS) {
            List<Point> health = of(run.points(), monitor, p -> p.name().startsWith("blip."));
            Set<String> names = health.stream().map(Point::name).collect(Collectors.toCollection(TreeSet::new));
            List<String> required = new ArrayList<>(List.of("blip.monitor.up", "blip.monitor.collections",
                    "blip.monitor.collection.duration", "blip.sink.sent", "blip.sink.queued"));
            if (!monitor.equals(GRPC)) {
                required.add("blip.sink.retries");
            }
            if (monitor.equals(SMALL)) {
                required.add("blip.sink.dropped");
            }
            if (monitor.equals(FULL)) {
                required.add("blip.monitor.collection.errors");
            }
            assertTrue(names.containsAll(required), monitor + ": health metrics " + required + "; got " + names);
            for (Point p : health) {
                Spec spec = specs.get(p.name());
                assertNotNull(spec, monitor + ": an unspecified health metric: " + p);
                assertEquals(spec.shape(), p.shape(), "type of " + p);
                if (spec.unit() != null) {
                    assertEquals(spec.unit(), p.unit(), "unit of " + p);
                }
                assertEquals(spec.attributes(), p.attributes().keySet(), "attributes of " + p);
                assertEquals(resource(monitor), p.resource(), "resource of " + p);
                if (p.attributes().containsKey("sink")) {
                    assertEquals("otlp", p.attributes().get("sink"), "sink of " + p);
                }
                if (p.attributes().containsKey("level")) {
                    assertEquals(LEVEL, p.attributes().get("level"), "level of " + p);
                }
                if (p.attributes().containsKey("reason")) {
                    assertTrue(Set.of("buffer_full", "rejected", "failed").contains(p.attributes().get("reason")),
                            "reason of " + p);
                }
            }
        }
    }

    /**
     * What {@code small} lost (the seconds {@code full} collected that it never delivered) is what
     * Blip says it dropped: the latest {@code blip.sink.dropped{sink=otlp,reason=buffer_full}} after
     * the outage and before the stall, then again after the stall and before the restart.
     */
    @Test
    void theSmallBuffersGapIsExactlyTheDroppedCountBlipReports() {
        List<Long> small = before(collections(run.points(), SMALL), run.restartBegin());
        Set<Long> missing = missingSeconds(small);
        long lostInOutage = missing.stream().filter(s -> s < run.stallStart().getEpochSecond() - 1).count();
        assertEquals(lostInOutage, latestDropped(run.outageEnd().plusSeconds(2), run.stallStart()),
                "dropped after the outage = collections of " + SMALL + " lost in it: " + missing);
        assertEquals(missing.size(), latestDropped(run.stallEnd().plusSeconds(4), run.restartBegin()),
                "dropped after the stall = every collection of " + SMALL + " lost so far: " + missing);
    }

    /** The value of {@code small}'s latest buffer_full dropped count in a window, checked not to change in it. */
    private long latestDropped(Instant from, Instant to) {
        List<Point> dropped = of(run.points(), SMALL, p -> p.name().equals("blip.sink.dropped")
                && "otlp".equals(p.attributes().get("sink")) && "buffer_full".equals(p.attributes().get("reason"))
                && p.time() >= nanos(from) && p.time() < nanos(to)).stream()
                .sorted(Comparator.comparingLong(Point::time)).toList();
        assertFalse(dropped.isEmpty(), SMALL + ": blip.sink.dropped{sink=otlp,reason=buffer_full} between " + from
                + " and " + to);
        Set<Double> values = dropped.stream().map(Point::value).collect(Collectors.toSet());
        assertEquals(1, values.size(), SMALL + ": the dropped count settled between " + from + " and " + to
                + ": " + dropped);
        return (long) dropped.getLast().value();
    }

    /** {@code blip.monitor.up} is 1 before the restart, 0 while MariaDB is down, and 1 again after. */
    @Test
    void monitorUpIsZeroWhileMariaDbIsDownAndOneAfter() {
        List<Point> up = of(run.points(), FULL, p -> p.name().equals("blip.monitor.up")).stream()
                .sorted(Comparator.comparingLong(Point::time)).toList();
        assertFalse(up.isEmpty(), "blip.monitor.up of " + FULL);
        long downFrom = firstAfterDowntime(collections(run.points(), FULL));
        for (Point p : up) {
            if (p.time() < nanos(run.restartBegin())) {
                assertEquals(1, p.value(), "up before the restart: " + p);
            }
        }
        assertTrue(up.stream().anyMatch(p -> p.value() == 0 && p.time() >= nanos(run.restartBegin())
                && p.time() < downFrom), "up = 0 while MariaDB was down (before " + time(downFrom) + "): " + up);
        assertEquals(1, up.getLast().value(), "up after the restart: " + up.getLast());
    }
}
