package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.Options;
import io.blip.api.sink.SinkContext;
import io.blip.testkit.otlp.OtlpReceiver;
import io.blip.testkit.otlp.OtlpReceiver.Answer;
import io.blip.testkit.otlp.OtlpReceiver.Received;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many monitors sending through one shared OTLP exporter (http/protobuf, default settings) to one
 * real receiver on loopback ({@link OtlpReceiver}, in this JVM): the requests it takes, what they
 * carry, what {@code send} costs the monitor, the process's CPU and heap; then an outage long enough
 * to fill every monitor's buffer, without and with a {@code buffer-bytes} budget, and the recovery.
 * Run with {@code ./dev bench [N] [SECONDS]}; the figures go to
 * {@code bench/results/otlp-many-monitors-N.md}. Not part of {@code ./dev test}.
 *
 * <p>Each monitor's collection looks like one of Blip's 5 s level on a busy server: about 130
 * {@code status.global} variables, a few {@code var.global}, about 40 {@code innodb} metrics,
 * {@code size.database} for five databases and the total, {@code repl} and {@code repl.lag}, with
 * MySQL's own names and the runtime's types, units and descriptions (string sizes matter). Every monitor
 * collects at the same wall-clock second, as Blip's level clock ticks them, each on its own virtual
 * thread, and sends its health after each collection. The collection number travels in
 * {@code status.global uptime} (5 s more each time), so the receiving side can tell exactly which
 * collections arrived, and how many times.
 *
 * <p>CPU and threads come from {@code /proc}: the test runs inside the sink's module, which does not
 * read {@code java.management}.
 */
@Tag("bench")
class OtlpManyMonitorsBench {
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final int WARMUP_TICKS = 3;
    private static final long BUFFER_BYTES = 256 * 1024;
    /** Collections past a full buffer sent during an outage, so that each buffer drops some. */
    private static final int OVERFILL = 5;
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);
    private static final double UPTIME0 = 864_000;
    private static final String UPTIME_METRIC = "mysql.status.global.uptime";
    private static final String HEALTH_METRIC = "blip.monitor.up";

    @Test
    void manyMonitorsShareOneExporter() throws Exception {
        int n = Integer.getInteger("bench.monitors", 1000);
        int seconds = Integer.getInteger("bench.seconds", 60);
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        String loadBefore = loadAverage();
        var monitors = new ArrayList<Monitor>();
        for (int i = 0; i < n; i++) {
            monitors.add(new Monitor(String.format(Locale.ROOT, "db-prod-%04d", i), i));
        }
        Steady steady;
        Outage full;
        Outage budget;
        try (OtlpReceiver receiver = OtlpReceiver.http(); Tally tally = new Tally(receiver)) {
            var run = new Run(receiver, tally, monitors);
            run.open(Map.of());
            steady = run.steady(Math.max(1, seconds / (int) INTERVAL.toSeconds()));
            full = run.outage("default (60 collections)", true);
            run.close();
            run.open(Map.of("buffer-bytes", BUFFER_BYTES / 1024 + "KiB"));
            run.realTick(); // the mappers' first collection, as before the first outage
            run.awaitDelivered(Duration.ofSeconds(30));
            budget = run.outage("60 collections, buffer-bytes " + BUFFER_BYTES / 1024 + "KiB", false);
            run.close();
        }
        String report = report(n, seconds, loadBefore, loadAverage(), monitors.getFirst(), steady, full, budget);
        Files.createDirectories(out);
        Files.writeString(out.resolve("otlp-many-monitors-" + n + ".md"), report, StandardCharsets.UTF_8);
        System.out.println(report);

        assertEquals(steady.offered, steady.sent, "steady state: every collection delivered");
        assertEquals(0, steady.dropped, "steady state: nothing dropped");
        for (Outage o : List.of(full, budget)) {
            assertEquals(0, o.lost, o.name + ": delivered + dropped = offered");
            assertEquals(0, o.duplicates, o.name + ": no collection delivered twice");
            assertEquals(o.sentTotal, o.received, o.name + ": what the sinks count as sent is what arrived");
            assertTrue(o.dropped > 0, o.name + ": the outage was long enough to fill the buffers");
        }
    }

    /** One bench run: the monitors, their sinks of the moment, and the ticks so far. */
    private static final class Run {
        private final OtlpReceiver receiver;
        private final Tally tally;
        private final List<Monitor> monitors;
        private final int n;
        private long k;

        Run(OtlpReceiver receiver, Tally tally, List<Monitor> monitors) {
            this.receiver = receiver;
            this.tally = tally;
            this.monitors = monitors;
            this.n = monitors.size();
        }

        /** A new factory (so a new shared exporter) and a sink for every monitor. */
        void open(Map<String, String> options) {
            var factory = new OtlpSinkFactory(Map.of());
            for (int i = 0; i < n; i++) {
                Monitor m = monitors.get(i);
                var values = new LinkedHashMap<String, String>();
                values.put("protocol", "http/protobuf");
                values.put("endpoint", receiver.endpoint());
                values.putAll(options);
                var config = TestData.monitor(m.id, m.id + ".mysql.internal:3306",
                        Map.of("env", "prod", "region", "eu-west-1"));
                m.sink = (OtlpSink) factory.make(SinkContext.of(config,
                        Options.of("monitors[" + i + "].sinks.otlp", values), Workload.DOMAINS));
                m.offered = 0;
            }
            tally.forget();
        }

        void close() {
            monitors.forEach(m -> m.sink.close());
        }

        /** Waits for the next whole 5 s of the wall clock, then collects on every monitor. */
        Latencies realTick() throws Exception {
            long now = System.currentTimeMillis();
            long at = (now / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
            Thread.sleep(at - now);
            return tick(Instant.ofEpochMilli(at));
        }

        /**
         * One collection of every monitor, each on its own virtual thread as Blip's level collectors
         * run; the collections are made first, so the threads time only {@code send} and
         * {@code sendHealth}.
         */
        Latencies tick(Instant begin) throws Exception {
            var metrics = new Metrics[n];
            var health = new MonitorHealth[n];
            for (int i = 0; i < n; i++) {
                Monitor m = monitors.get(i);
                metrics[i] = m.collection(k, begin);
                health[i] = m.health(k, metrics[i].end());
            }
            var lat = new Latencies(n);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                var done = new ArrayList<Future<?>>(n);
                for (int i = 0; i < n; i++) {
                    int at = i;
                    Monitor m = monitors.get(i);
                    done.add(threads.submit(() -> {
                        long t0 = System.nanoTime();
                        m.sink.send(metrics[at]);
                        long t1 = System.nanoTime();
                        m.sink.sendHealth(health[at]);
                        lat.send[at] = t1 - t0;
                        lat.health[at] = System.nanoTime() - t1;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            monitors.forEach(m -> m.offered++);
            k++;
            return lat;
        }

        long offered() {
            return monitors.stream().mapToLong(m -> m.offered).sum();
        }

        SharedExporter.Delivery total() {
            long sent = 0;
            int queued = 0;
            long dropped = 0;
            long rejected = 0;
            long unsent = 0;
            long retries = 0;
            for (Monitor m : monitors) {
                var d = m.sink.delivery();
                sent += d.sent();
                queued += d.queued();
                dropped += d.dropped();
                rejected += d.rejected();
                unsent += d.unsent();
                retries += d.retries();
            }
            return new SharedExporter.Delivery(sent, queued, dropped, rejected, unsent, retries);
        }

        /** Every collection offered so far either delivered or dropped, and arrived; false after the limit. */
        boolean awaitDelivered(Duration limit) throws InterruptedException {
            return until(limit, () -> {
                var t = total();
                return t.queued() == 0 && t.sent() + t.dropped() + t.rejected() == offered()
                        && tally.collections() >= t.sent();
            });
        }

        Steady steady(int ticks) throws Exception {
            for (int i = 0; i < WARMUP_TICKS; i++) {
                realTick();
            }
            assertTrue(awaitDelivered(Duration.ofSeconds(30)), "warm-up delivered");
            tally.window();
            var lat = new ArrayList<Latencies>();
            long[] lag = new long[ticks];
            Cpu before = null;
            long wallStart = 0;
            for (int t = 0; t < ticks; t++) {
                long now = System.currentTimeMillis();
                long at = (now / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
                Thread.sleep(at - now);
                if (t == 0) {
                    before = Cpu.now();
                    wallStart = System.nanoTime();
                }
                long expected = tally.collections() + n;
                lat.add(tick(Instant.ofEpochMilli(at)));
                // How long until the receiver had all of this tick's collections: the exporter keeps up
                // when that is well within the interval.
                long deadline = at + INTERVAL.toMillis() - 100;
                while (tally.collections() < expected && System.currentTimeMillis() < deadline) {
                    Thread.sleep(5);
                }
                lag[t] = tally.collections() >= expected ? tally.lastArrivalMillis() - at : -1;
            }
            long end = (System.currentTimeMillis() / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
            Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
            Cpu cpu = Cpu.now().minus(before);
            long wall = System.nanoTime() - wallStart;
            Window w = tally.window();
            boolean delivered = awaitDelivered(Duration.ofSeconds(30));
            var d = total();
            long heap = heapAfterGc();
            return new Steady(ticks, offered() - (long) WARMUP_TICKS * n, d.sent() - (long) WARMUP_TICKS * n,
                    d.dropped(), delivered, w, Latencies.join(lat), lag, cpu, wall, heap, procStatus("VmRSS:") * 1024,
                    procStatus("Threads:"));
        }

        /**
         * The receiver answers 503 (Retry-After: 1) while every monitor collects as fast as it can
         * until its buffer is full and some drop; then it answers OK again while the monitors go on
         * every 5 s, until the backlog is gone.
         */
        Outage outage(String name, boolean histogram) throws Exception {
            long heapBefore = heapAfterGc();
            var before = total();
            long offeredBefore = offered();
            tally.window();
            receiver.answer(Answer.UNAVAILABLE);
            int ticks = OtlpSettings.DEFAULT_BUFFER_SIZE + OVERFILL;
            var lat = new ArrayList<Latencies>();
            long fillStart = System.nanoTime();
            for (int t = 0; t < ticks; t++) {
                lat.add(tick(Instant.now()));
            }
            long fillNanos = System.nanoTime() - fillStart;
            Thread.sleep(1000);
            Window failing = tally.window();
            long heapFull = heapAfterGc();
            var atFull = total();
            List<String> classes = histogram ? histogram() : List.of();

            receiver.answer(Answer.OK);
            long okAt = System.nanoTime();
            long okMillis = System.currentTimeMillis();
            long droppedAtOk = total().dropped();
            int recoveryTicks = 0;
            long deadline = okAt + DRAIN_LIMIT.toNanos();
            long nextTick = (okMillis / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
            var outage = new Outage();
            while (true) {
                var t = total();
                if (t.queued() == 0 && t.sent() + t.dropped() + t.rejected() == offered()
                        && tally.collections() >= t.sent()) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, name + ": backlog not sent within " + DRAIN_LIMIT);
                if (System.currentTimeMillis() >= nextTick) {
                    lat.add(tick(Instant.ofEpochMilli(nextTick)));
                    recoveryTicks++;
                    nextTick += INTERVAL.toMillis();
                }
                Thread.sleep(50);
            }
            outage.drainNanos = System.nanoTime() - okAt;
            Window draining = tally.window();
            var after = total();
            outage.name = name;
            outage.fillTicks = ticks;
            outage.fillNanos = fillNanos;
            outage.heapBefore = heapBefore;
            outage.heapFull = heapFull;
            outage.queued = atFull.queued();
            outage.droppedFilling = atFull.dropped() - before.dropped();
            outage.droppedDraining = after.dropped() - droppedAtOk;
            outage.failedRequests = failing.requests - failing.okRequests + draining.requests - draining.okRequests;
            outage.retries = atFull.retries() - before.retries();
            outage.classes = classes;
            outage.firstOkNanos = draining.firstOkNanos < 0 ? -1 : draining.firstOkNanos - okAt;
            outage.draining = draining;
            outage.recoveryTicks = recoveryTicks;
            outage.offered = offered() - offeredBefore;
            outage.sent = after.sent() - before.sent();
            outage.dropped = after.dropped() - before.dropped();
            outage.lost = offered() - after.sent() - after.dropped();
            outage.sentTotal = after.sent();
            outage.received = tally.collections();
            outage.duplicates = tally.duplicates();
            outage.rejected = after.rejected() - before.rejected();
            outage.latencies = Latencies.join(lat);
            return outage;
        }
    }

    /** Polls {@code done} until it holds or {@code limit} passes. */
    private static boolean until(Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** What the steady state came to. */
    private record Steady(int ticks, long offered, long sent, long dropped, boolean delivered, Window window,
                          Latencies latencies, long[] lagMillis, Cpu cpu, long wallNanos, long heap, long rss,
                          long threads) {
    }

    /** What one outage and its recovery came to. */
    private static final class Outage {
        String name;
        int fillTicks;
        long fillNanos;
        long heapBefore;
        long heapFull;
        int queued;
        long droppedFilling;
        long droppedDraining;
        long failedRequests;
        long retries;
        List<String> classes;
        long firstOkNanos;
        long drainNanos;
        Window draining;
        int recoveryTicks;
        long offered;
        long sent;
        long dropped;
        long lost;
        long sentTotal;
        long received;
        long duplicates;
        long rejected;
        Latencies latencies;
    }

    /** One bench monitor: its sink, and values that move as a busy server's do. */
    private static final class Monitor {
        final String id;
        final SplittableRandom random;
        final double[] status = new double[Workload.STATUS.size()];
        final double[] innodb = new double[Workload.INNODB.size()];
        final double[] databases = new double[Workload.DATABASES.size()];
        final Instant started = Instant.now();
        OtlpSink sink;
        long offered;

        Monitor(String id, long seed) {
            this.id = id;
            this.random = new SplittableRandom(seed);
            for (int i = 0; i < status.length; i++) {
                status[i] = random.nextLong(1_000_000_000L);
            }
            for (int i = 0; i < innodb.length; i++) {
                innodb[i] = random.nextLong(100_000_000L);
            }
            for (int i = 0; i < databases.length; i++) {
                databases[i] = random.nextLong(1L << 36);
            }
        }

        /** Collection number {@code k} (from 0): its uptime says which. */
        Metrics collection(long k, Instant begin) {
            var values = new LinkedHashMap<String, List<MetricValue>>();
            var sg = new ArrayList<MetricValue>(status.length);
            for (int i = 0; i < status.length; i++) {
                String name = Workload.STATUS.get(i);
                if (name.equals("uptime")) {
                    sg.add(MetricValue.counter(name, UPTIME0 + k * INTERVAL.toSeconds()));
                } else if (Workload.STATUS_GAUGES.contains(name)) {
                    sg.add(MetricValue.gauge(name, random.nextInt(0, 5000)));
                } else {
                    status[i] += random.nextInt(0, 20_000);
                    sg.add(MetricValue.counter(name, status[i]));
                }
            }
            values.put("status.global", sg);
            values.put("var.global", List.of(MetricValue.gauge("max_connections", 4000),
                    MetricValue.gauge("max_prepared_stmt_count", 16382),
                    MetricValue.gauge("innodb_log_file_size", 2147483648.0)));
            var in = new ArrayList<MetricValue>(innodb.length);
            for (int i = 0; i < innodb.length; i++) {
                String[] sn = Workload.INNODB.get(i);
                boolean gauge = Workload.INNODB_GAUGES.contains(sn[1]);
                double v = gauge ? random.nextInt(0, 100_000) : (innodb[i] += random.nextInt(0, 5_000));
                in.add(new MetricValue(sn[1], v, gauge ? MetricType.GAUGE : MetricType.CUMULATIVE_COUNTER,
                        Map.of(), Map.of("subsystem", sn[0])));
            }
            values.put("innodb", in);
            values.put("repl", List.of(new MetricValue("running", 1, MetricType.GAUGE, Map.of(),
                    Map.of("source", "SHOW REPLICA STATUS"))));
            values.put("repl.lag", List.of(new MetricValue("current", random.nextInt(0, 900), MetricType.GAUGE,
                    Map.of(), Map.of("source", "blip.heartbeat"))));
            var sizes = new ArrayList<MetricValue>();
            double total = 0;
            for (int i = 0; i < databases.length; i++) {
                databases[i] += random.nextInt(0, 65536);
                total += databases[i];
                sizes.add(new MetricValue("bytes", databases[i], MetricType.GAUGE,
                        Map.of("db", Workload.DATABASES.get(i)), Map.of()));
            }
            sizes.add(new MetricValue("bytes", total, MetricType.GAUGE, Map.of("db", ""), Map.of()));
            values.put("size.database", sizes);
            return new Metrics(id, "default-mysql", "performance", k + 1, begin,
                    begin.plusNanos(1_500_000 + random.nextInt(2_000_000)), values);
        }

        /** The health the runtime makes after collection {@code k}: Blip's default plan's levels and domains. */
        MonitorHealth health(long k, Instant time) {
            var levels = new LinkedHashMap<String, MonitorHealth.Level>();
            levels.put("performance", new MonitorHealth.Level(k + 1, Duration.ofNanos(2_100_000)));
            levels.put("additional", new MonitorHealth.Level(k / 4 + 1, Duration.ofNanos(1_300_000)));
            levels.put("data-size", new MonitorHealth.Level(k / 60 + 1, Duration.ofNanos(6_400_000)));
            levels.put("sysvars", new MonitorHealth.Level(k / 180 + 1, Duration.ofNanos(400_000)));
            var errors = new LinkedHashMap<String, Long>();
            for (String domain : List.of("status.global", "innodb", "repl", "repl.lag", "size.database",
                    "size.table", "size.binlog", "var.global")) {
                errors.put(domain, 0L);
            }
            return new MonitorHealth(id, time, started, true, levels, errors, 0,
                    List.of(new MonitorHealth.Sink("otlp", k + 1, 0, 0, 0)));
        }
    }

    /** MySQL's names, and the types, units and descriptions Blip's collectors declare for them. */
    private static final class Workload {
        static final List<String> STATUS = List.of("uptime", "queries", "questions", "threads_running",
                "threads_connected", "threads_created", "threads_cached", "connections", "max_used_connections",
                "aborted_clients", "aborted_connects", "bytes_received", "bytes_sent", "com_begin", "com_commit",
                "com_rollback", "com_select", "com_insert", "com_insert_select", "com_update", "com_update_multi",
                "com_delete", "com_delete_multi", "com_replace", "com_replace_select", "com_load", "com_set_option",
                "com_show_status", "com_show_variables", "com_show_processlist", "com_show_slave_status",
                "com_show_warnings", "com_show_tables", "com_show_databases", "com_show_create_table",
                "com_show_fields", "com_show_keys", "com_stmt_execute", "com_stmt_prepare", "com_stmt_close",
                "com_stmt_fetch", "com_stmt_reset", "com_admin_commands", "com_flush", "com_kill", "com_purge",
                "com_change_db", "com_create_table", "com_drop_table", "com_alter_table", "com_truncate",
                "com_lock_tables", "com_unlock_tables", "com_call_procedure", "com_savepoint",
                "com_release_savepoint", "com_rollback_to_savepoint", "created_tmp_disk_tables",
                "created_tmp_tables", "created_tmp_files", "handler_commit", "handler_delete", "handler_read_first",
                "handler_read_key", "handler_read_last", "handler_read_next", "handler_read_prev",
                "handler_read_rnd", "handler_read_rnd_next", "handler_rollback", "handler_savepoint",
                "handler_update", "handler_write", "handler_external_lock", "handler_prepare",
                "innodb_buffer_pool_pages_data", "innodb_buffer_pool_pages_dirty", "innodb_buffer_pool_pages_flushed",
                "innodb_buffer_pool_pages_free", "innodb_buffer_pool_pages_misc", "innodb_buffer_pool_pages_total",
                "innodb_buffer_pool_read_ahead", "innodb_buffer_pool_read_ahead_evicted",
                "innodb_buffer_pool_read_requests", "innodb_buffer_pool_reads", "innodb_buffer_pool_wait_free",
                "innodb_buffer_pool_write_requests", "innodb_buffer_pool_bytes_data",
                "innodb_buffer_pool_bytes_dirty", "innodb_data_fsyncs", "innodb_data_read", "innodb_data_reads",
                "innodb_data_writes", "innodb_data_written", "innodb_dblwr_pages_written", "innodb_dblwr_writes",
                "innodb_log_waits", "innodb_log_write_requests", "innodb_log_writes", "innodb_os_log_fsyncs",
                "innodb_os_log_pending_fsyncs", "innodb_os_log_pending_writes", "innodb_os_log_written",
                "innodb_pages_created", "innodb_pages_read", "innodb_pages_written", "innodb_row_lock_current_waits",
                "innodb_row_lock_time", "innodb_row_lock_waits", "innodb_rows_deleted", "innodb_rows_inserted",
                "innodb_rows_read", "innodb_rows_updated", "key_reads", "key_read_requests", "key_writes",
                "key_write_requests", "open_files", "opened_files", "opened_tables", "opened_table_definitions",
                "prepared_stmt_count", "select_full_join", "select_full_range_join", "select_range",
                "select_range_check", "select_scan", "slow_queries", "sort_merge_passes", "sort_range", "sort_rows",
                "sort_scan", "table_locks_immediate", "table_locks_waited", "table_open_cache_hits",
                "table_open_cache_misses", "table_open_cache_overflows", "binlog_cache_disk_use", "binlog_cache_use");
        /** What the runtime's status.global declares as gauges (all others are cumulative counters). */
        static final Map<String, String> STATUS_GAUGE_HELP = Map.of(
                "threads_running", "Threads not sleeping",
                "threads_connected", "Open connections",
                "prepared_stmt_count", "Prepared statements",
                "innodb_buffer_pool_pages_dirty", "Dirty pages in the buffer pool",
                "innodb_buffer_pool_pages_free", "Free pages in the buffer pool",
                "innodb_buffer_pool_pages_total", "Pages in the buffer pool",
                "innodb_row_lock_current_waits", "Row lock waits now",
                "innodb_os_log_pending_writes", "Pending redo log writes",
                "max_used_connections", "Most connections open at once since start");
        static final Set<String> STATUS_GAUGES = STATUS_GAUGE_HELP.keySet();
        /** subsystem, name, as information_schema.innodb_metrics has them. */
        static final List<String[]> INNODB = List.of(
                new String[] {"transaction", "trx_active_transactions"}, new String[] {"lock", "lock_timeouts"},
                new String[] {"lock", "lock_row_lock_current_waits"}, new String[] {"lock", "lock_row_lock_waits"},
                new String[] {"lock", "lock_row_lock_time"}, new String[] {"lock", "lock_deadlocks"},
                new String[] {"buffer", "buffer_flush_adaptive_total_pages"},
                new String[] {"buffer", "buffer_lru_batch_flush_total_pages"},
                new String[] {"buffer", "buffer_flush_background_total_pages"},
                new String[] {"recovery", "log_lsn_checkpoint_age"},
                new String[] {"recovery", "log_max_modified_age_async"},
                new String[] {"os", "os_log_pending_writes"}, new String[] {"recovery", "log_waits"},
                new String[] {"transaction", "trx_rseg_history_len"}, new String[] {"buffer", "buffer_pool_size"},
                new String[] {"buffer", "buffer_pool_reads"}, new String[] {"buffer", "buffer_pool_read_requests"},
                new String[] {"buffer", "buffer_pool_write_requests"}, new String[] {"buffer", "buffer_pool_wait_free"},
                new String[] {"buffer", "buffer_pool_pages_total"}, new String[] {"buffer", "buffer_pool_pages_data"},
                new String[] {"buffer", "buffer_pool_pages_dirty"}, new String[] {"buffer", "buffer_pool_pages_free"},
                new String[] {"buffer", "buffer_pool_bytes_data"}, new String[] {"buffer", "buffer_pool_bytes_dirty"},
                new String[] {"buffer", "buffer_data_reads"}, new String[] {"buffer", "buffer_data_written"},
                new String[] {"buffer", "buffer_pages_created"}, new String[] {"buffer", "buffer_pages_read"},
                new String[] {"buffer", "buffer_pages_written"}, new String[] {"os", "os_data_reads"},
                new String[] {"os", "os_data_writes"}, new String[] {"os", "os_data_fsyncs"},
                new String[] {"os", "os_log_bytes_written"}, new String[] {"os", "os_log_fsyncs"},
                new String[] {"transaction", "trx_rw_commits"}, new String[] {"transaction", "trx_ro_commits"},
                new String[] {"transaction", "trx_rollbacks"}, new String[] {"dml", "dml_reads"},
                new String[] {"dml", "dml_inserts"}, new String[] {"dml", "dml_deletes"},
                new String[] {"dml", "dml_updates"}, new String[] {"file_system", "file_num_open_files"});
        /** The runtime's innodb gauges (InnodbFactory); all others are cumulative counters. */
        static final Set<String> INNODB_GAUGES = Set.of("buffer_pool_bytes_data", "buffer_pool_bytes_dirty",
                "buffer_pool_pages_data", "buffer_pool_pages_dirty", "buffer_pool_pages_free",
                "buffer_pool_pages_misc", "buffer_pool_pages_total", "buffer_pool_size", "file_num_open_files",
                "log_lsn_checkpoint_age", "log_max_modified_age_async", "os_log_pending_writes",
                "lock_row_lock_current_waits", "trx_active_transactions", "trx_rseg_history_len");
        static final List<String> DATABASES = List.of("app", "orders", "customers", "billing", "analytics");
        static final Map<String, CollectorHelp> DOMAINS = domains();

        private static Map<String, CollectorHelp> domains() {
            var status = CollectorHelp.builder("status.global",
                    "Global status variables like 'Queries' and 'Threads_running'");
            STATUS_GAUGE_HELP.forEach((name, description) -> status.metric(name, MetricType.GAUGE, description));
            var innodb = CollectorHelp.builder("innodb",
                    "InnoDB metrics from information_schema.innodb_metrics like 'trx_rseg_history_len' (HLL)")
                    .meta("subsystem");
            INNODB_GAUGES.forEach(name -> innodb.metric(name, MetricType.GAUGE, ""));
            var size = CollectorHelp.builder("size.database", "Database sizes")
                    .metric("bytes", MetricType.GAUGE, "By", "Database size: data and indexes")
                    .strictMetrics().group("db");
            return Map.of("status.global", status.build(), "innodb", innodb.build(), "size.database", size.build(),
                    "var.global", CollectorHelp.builder("var.global",
                            "Global system variables (sysvars) like 'innodb_log_file_size' and 'max_connections'")
                            .build());
        }
    }

    /** Each monitor's send and sendHealth time in one tick. */
    private static final class Latencies {
        final long[] send;
        final long[] health;

        Latencies(int n) {
            send = new long[n];
            health = new long[n];
        }

        private Latencies(long[] send, long[] health) {
            this.send = send;
            this.health = health;
        }

        static Latencies join(List<Latencies> all) {
            int size = all.stream().mapToInt(l -> l.send.length).sum();
            long[] send = new long[size];
            long[] health = new long[size];
            int at = 0;
            for (Latencies l : all) {
                System.arraycopy(l.send, 0, send, at, l.send.length);
                System.arraycopy(l.health, 0, health, at, l.health.length);
                at += l.send.length;
            }
            Arrays.sort(send);
            Arrays.sort(health);
            return new Latencies(send, health);
        }

        static String describe(long[] sorted) {
            return String.format(Locale.ROOT, "p50 %s, p99 %s, max %s", time(percentile(sorted, 50)),
                    time(percentile(sorted, 99)), time(sorted[sorted.length - 1]));
        }

        static long percentile(long[] sorted, double p) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
        }

        static String time(long nanos) {
            return nanos < 1_000_000 ? String.format(Locale.ROOT, "%.0f µs", nanos / 1e3)
                    : String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
    }

    /** What the receiver got in a window: requests, points, bytes, and the collections among them. */
    private static final class Window {
        long requests;
        long okRequests;
        long points;
        long bytes;
        long maxBytes;
        long maxPoints;
        long minPoints = Long.MAX_VALUE;
        long collections;
        long healths;
        long firstOkNanos = -1;

        double pointsPerRequest() {
            return okRequests == 0 ? 0 : (double) points / okRequests;
        }

        double bytesPerRequest() {
            return okRequests == 0 ? 0 : (double) bytes / okRequests;
        }
    }

    /**
     * Reads what the receiver got, every few milliseconds, and forgets it there (the receiver would
     * otherwise keep every decoded request): per monitor, which collections arrived (by their uptime),
     * and how many twice; per window, requests and their sizes. The body size is the decoded request's
     * serialized size: the same bytes, as the exporter sends without compression by default.
     */
    private static final class Tally implements AutoCloseable {
        private final OtlpReceiver receiver;
        private final Thread thread;
        private final Map<String, BitSet> arrived = new HashMap<>();
        private Window window = new Window();
        private long collections;
        private long duplicates;
        private long lastArrivalMillis;
        private volatile boolean running = true;

        Tally(OtlpReceiver receiver) {
            this.receiver = receiver;
            this.thread = Thread.ofPlatform().name("bench-tally").start(this::run);
        }

        private void run() {
            while (running) {
                List<Received> got = receiver.take();
                if (got.isEmpty()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                for (Received r : got) {
                    count(r);
                }
            }
        }

        private synchronized void count(Received r) {
            ExportMetricsServiceRequest request = r.request();
            Window w = window;
            w.requests++;
            if (r.answer() != Answer.OK) {
                return;
            }
            w.okRequests++;
            if (w.firstOkNanos < 0) {
                w.firstOkNanos = System.nanoTime();
            }
            long bytes = request.getSerializedSize();
            long points = 0;
            for (ResourceMetrics rm : request.getResourceMetricsList()) {
                String monitor = rm.getResource().getAttributesList().stream()
                        .filter(kv -> kv.getKey().equals("blip.monitor.id")).map(KeyValue::getValue)
                        .map(v -> v.getStringValue()).findFirst().orElse("");
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        List<NumberDataPoint> list = switch (m.getDataCase()) {
                            case GAUGE -> m.getGauge().getDataPointsList();
                            case SUM -> m.getSum().getDataPointsList();
                            default -> List.of();
                        };
                        points += list.size();
                        if (m.getName().equals(UPTIME_METRIC)) {
                            for (NumberDataPoint p : list) {
                                arrive(monitor, p.getAsDouble());
                            }
                            w.collections += list.size();
                        } else if (m.getName().equals(HEALTH_METRIC)) {
                            w.healths += list.size();
                        }
                    }
                }
            }
            w.points += points;
            w.bytes += bytes;
            w.maxBytes = Math.max(w.maxBytes, bytes);
            w.maxPoints = Math.max(w.maxPoints, points);
            w.minPoints = Math.min(w.minPoints, points);
            lastArrivalMillis = System.currentTimeMillis();
        }

        private void arrive(String monitor, double uptime) {
            int k = (int) Math.round((uptime - UPTIME0) / INTERVAL.toSeconds());
            BitSet seen = arrived.computeIfAbsent(monitor, m -> new BitSet());
            if (seen.get(k)) {
                duplicates++;
            } else {
                seen.set(k);
                collections++;
            }
        }

        /** The window so far; a new one starts. */
        synchronized Window window() {
            Window w = window;
            window = new Window();
            return w;
        }

        /** Distinct collections arrived since {@link #forget}. */
        synchronized long collections() {
            return collections;
        }

        synchronized long duplicates() {
            return duplicates;
        }

        synchronized long lastArrivalMillis() {
            return lastArrivalMillis;
        }

        /** Starts counting collections anew, for new sinks. */
        synchronized void forget() {
            arrived.clear();
            collections = 0;
            duplicates = 0;
            window = new Window();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** The process's CPU time, and each thread's by what it does, from {@code /proc}. */
    private record Cpu(long processNanos, Map<String, Long> byRole) {
        static final String EXPORTER = "exporter thread (batching, encoding)";
        static final String HTTP_CLIENT = "JDK HTTP client threads (sending)";
        static final String MONITORS = "monitors' send + sendHealth (virtual threads)";
        static final String RECEIVER = "receiver (decoding; stands in for the collector)";
        static final String HARNESS = "bench harness (making collections, reading requests)";
        static final String GC = "GC";
        static final String JIT = "JIT compilers";
        static final String OTHER = "other (and threads that ended)";

        static Cpu now() throws IOException {
            var roles = new TreeMap<String, Long>();
            long sum = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException ended) {
                        continue;
                    }
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    long nanos = ticks(stat);
                    roles.merge(role(comm), nanos, Long::sum);
                    sum += nanos;
                }
            }
            long process = ticks(Files.readString(Path.of("/proc/self/stat")));
            roles.merge(OTHER, process - sum, Long::sum);
            return new Cpu(process, roles);
        }

        /** user + system time of a stat line, in ns (clock ticks of 10 ms). */
        private static long ticks(String stat) {
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        }

        /** By the thread's name as the kernel has it (its first 15 characters). */
        private static String role(String comm) {
            if (comm.startsWith("otlp-export")) {
                return EXPORTER;
            } else if (comm.startsWith("HttpClient-")) {
                return HTTP_CLIENT;
            } else if (comm.startsWith("ForkJoinPool-")) {
                return MONITORS;
            } else if (comm.startsWith("HTTP-Dispatcher") || comm.startsWith("pool-")) {
                return RECEIVER;
            } else if (comm.equals("main") || comm.startsWith("bench-")) {
                return HARNESS;
            } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
                return GC;
            } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                return JIT;
            }
            return OTHER;
        }

        Cpu minus(Cpu before) {
            var roles = new TreeMap<String, Long>(byRole);
            before.byRole.forEach((role, nanos) -> roles.merge(role, -nanos, Long::sum));
            // A thread that ended took its time out of the roles and into "other": keep the sum right.
            long sum = roles.values().stream().mapToLong(Long::longValue).sum();
            roles.merge(OTHER, processNanos - before.processNanos - sum, Long::sum);
            return new Cpu(processNanos - before.processNanos, roles);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    /**
     * The classes taking the most heap, from {@code jcmd GC.class_histogram}; empty when it cannot run.
     * Its output goes to a file: read through a pipe, the histogram (written while this JVM is stopped
     * at a safepoint) fills the pipe and jcmd and the VM wait for each other for ever.
     */
    private static List<String> histogram() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Path file = Files.createTempFile("histogram", ".txt");
            try {
                Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()),
                        "GC.class_histogram").redirectErrorStream(true).redirectOutput(file.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroy();
                    return List.of();
                }
                // " num     #instances         #bytes  class name (module)", a dashed line, then the classes.
                return Files.readAllLines(file).stream()
                        .filter(l -> l.matches("\\s*\\d+:\\s+\\d+\\s+\\d+\\s+\\S.*")).limit(12).toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    /** A number from /proc/self/status, e.g. {@code VmRSS:} (KiB) or {@code Threads:}. */
    private static long procStatus(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String report(int n, int seconds, String loadBefore, String loadAfter, Monitor sample,
                                 Steady s, Outage full, Outage budget) {
        Metrics one = sample.collection(0, Instant.now());
        int points = one.size();
        var mapper = new MetricMapper("mysql.", false, Set.of(), Resource.empty(), Workload.DOMAINS);
        long estimate = EncodedSize.of(mapper.map(one));
        int healthPoints = new HealthMapper(Resource.empty())
                .map(sample.health(0, Instant.now()), new SharedExporter.Delivery(0, 0, 0, 0, 0, 0)).stream()
                .mapToInt(d -> d.getData().getPoints().size()).sum();
        int batchSize = OtlpSettings.DEFAULT_BATCH_SIZE;
        long pointsPerInterval = (long) n * (points + healthPoints);
        long minRequests = (pointsPerInterval + batchSize - 1) / batchSize;
        Window w = s.window;
        double requestsPerInterval = (double) w.okRequests / s.ticks;
        double cpuPercent = 100.0 * s.cpu.processNanos / s.wallNanos;
        long maxLag = Arrays.stream(s.lagMillis).max().orElse(-1);
        boolean allInTime = Arrays.stream(s.lagMillis).allMatch(l -> l >= 0);

        var rows = new ArrayList<String>();
        rows.add("| monitors | " + n + ", one shared exporter (http/protobuf to a receiver on loopback in the same JVM) |");
        rows.add(String.format(Locale.ROOT, "| one collection | %d data points (status.global %d, var.global 3, "
                + "innodb %d, repl 1, repl.lag 1, size.database %d), about %d bytes encoded (EncodedSize); health "
                + "%d points | ", points, Workload.STATUS.size(), Workload.INNODB.size(),
                Workload.DATABASES.size() + 1, estimate, healthPoints));
        rows.add("| measured | " + s.ticks + " intervals of 5 s (" + seconds + " s) after " + WARMUP_TICKS
                + " intervals of warm-up; every monitor at the same second |");
        rows.add(String.format(Locale.ROOT, "| requests per 5 s interval | %.1f (fewest possible at batch-size %d: "
                + "%d) |", requestsPerInterval, batchSize, minRequests));
        rows.add(String.format(Locale.ROOT, "| data points per request | %.0f on average (%d–%d) |",
                w.pointsPerRequest(), w.minPoints == Long.MAX_VALUE ? 0 : w.minPoints, w.maxPoints));
        rows.add(String.format(Locale.ROOT, "| bytes per request (body, no compression) | %.0f on average, "
                + "%d at most (%.1f per point) |", w.bytesPerRequest(), w.maxBytes,
                w.points == 0 ? 0 : (double) w.bytes / w.points));
        rows.add(String.format(Locale.ROOT, "| all of a tick's collections at the receiver | within %s of the tick "
                + "at worst%s |", maxLag < 0 ? "?" : maxLag + " ms", allInTime ? "" : " (some tick took longer than the interval)"));
        rows.add("| `send()` (map + queue) | " + Latencies.describe(s.latencies.send) + " |");
        rows.add("| `sendHealth()` | " + Latencies.describe(s.latencies.health) + " |");
        rows.add(String.format(Locale.ROOT, "| process CPU | %.1f %% of one core (%.2f ms per collection) |",
                cpuPercent, s.cpu.processNanos / 1e6 / Math.max(1, s.offered)));
        s.cpu.byRole.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> rows.add(String.format(Locale.ROOT, "| &nbsp;&nbsp;%s | %.1f %% (%.3f ms per "
                        + "collection) |", e.getKey(), 100.0 * e.getValue() / s.wallNanos,
                        e.getValue() / 1e6 / Math.max(1, s.offered))));
        rows.add("| heap used after GC | " + mib(s.heap) + String.format(Locale.ROOT, " (%.1f KiB per monitor) |",
                s.heap / 1024.0 / n));
        rows.add(String.format(Locale.ROOT, "| RSS, threads | %.0f MiB, %d threads |", s.rss / 1048576.0, s.threads));
        rows.add("| delivered | " + s.sent + " of " + s.offered + " collections" + (s.delivered ? "" : " (not all!)")
                + ", dropped " + s.dropped + " |");

        var outage = new ArrayList<String>();
        outage.add("| | " + full.name + " | " + budget.name + " |");
        outage.add("|---|---|---|");
        outage.add(row("collections sent while the receiver answers 503", full, budget,
                o -> o.fillTicks + " per monitor in " + String.format(Locale.ROOT, "%.1f s", o.fillNanos / 1e9)));
        outage.add(row("failed requests, retries", full, budget, o -> o.failedRequests + ", " + o.retries
                + " (per sink of the request)"));
        outage.add(row("buffered with all buffers full", full, budget, o -> String.format(Locale.ROOT,
                "%d collections (%.1f per monitor), %d data points", o.queued, (double) o.queued / n,
                (long) o.queued * points)));
        outage.add(row("heap used after GC, buffers full", full, budget, o -> mib(o.heapFull) + " (" + mib(o.heapBefore)
                + " before the outage)"));
        outage.add(row("heap per buffered collection", full, budget, o -> String.format(Locale.ROOT,
                "%.1f KiB (%.0f bytes per data point)", o.queued == 0 ? 0 : (o.heapFull - o.heapBefore) / 1024.0 / o.queued,
                o.queued == 0 ? 0 : (double) (o.heapFull - o.heapBefore) / o.queued / points)));
        outage.add(row("`send()` during outage and recovery", full, budget, o -> Latencies.describe(o.latencies.send)));
        outage.add(row("first request delivered after the receiver answers OK", full, budget,
                o -> o.firstOkNanos < 0 ? "?" : String.format(Locale.ROOT, "%.1f s (the retry's backoff)",
                        o.firstOkNanos / 1e9)));
        outage.add(row("backlog sent (all buffers empty) after OK", full, budget, o -> String.format(Locale.ROOT,
                "%.1f s, %d new collections per monitor meanwhile", o.drainNanos / 1e9, o.recoveryTicks)));
        outage.add(row("requests while draining", full, budget, o -> String.format(Locale.ROOT,
                "%d, %.0f points and %.0f bytes each on average (%.1f requests/s once started)", o.draining.okRequests,
                o.draining.pointsPerRequest(), o.draining.bytesPerRequest(),
                o.draining.okRequests / Math.max(0.001, (o.drainNanos - Math.max(0, o.firstOkNanos)) / 1e9))));
        outage.add(row("dropped (oldest first)", full, budget, o -> o.dropped + " (" + o.droppedFilling
                + " while filling, " + o.droppedDraining + " while draining)"));
        outage.add(row("offered = delivered + dropped", full, budget, o -> o.offered + " = " + o.sent + " + "
                + o.dropped + (o.lost == 0 ? "" : " (" + o.lost + " lost!)") + "; since the sinks opened "
                + o.sentTotal + " sent, " + o.received + " arrived, " + o.duplicates + " twice, " + o.rejected + " rejected"));

        var histogram = new StringBuilder();
        if (!full.classes.isEmpty()) {
            histogram.append("\nLargest classes on the heap with every buffer full (")
                    .append(full.name).append("; `jcmd <pid> GC.class_histogram`, ").append(full.queued)
                    .append(" buffered collections):\n\n| instances | bytes | per buffered collection | class |\n"
                            + "|---|---|---|---|\n");
            for (String line : full.classes) {
                String[] f = line.trim().split("\\s+");
                long instances = Long.parseLong(f[1]);
                long bytes = Long.parseLong(f[2]);
                histogram.append(String.format(Locale.ROOT, "| %d | %s | %.1f × %.0f B | `%s` |%n", instances,
                        mib(bytes), (double) instances / Math.max(1, full.queued),
                        (double) bytes / Math.max(1, instances), f[3]));
            }
        }

        double perCollection = full.queued == 0 ? 0 : (double) (full.heapFull - full.heapBefore) / full.queued;
        long monitorsCpu = s.cpu.byRole.getOrDefault(Cpu.MONITORS, 0L);
        String interpretation = String.format(Locale.ROOT, """
                In the steady state one exporter thread carries %d monitors: %.1f requests per interval against \
                the %d that batch-size %d allows at the fewest, each tick's collections all at the receiver \
                within %s, the exporter thread busy %.1f %% of the time. The sink's own share of the CPU is the \
                monitors', exporter and HTTP client rows; the receiver row is the test's stand-in for a collector.

                `send()` never waits for the network: it maps the collection and queues it, %.3f ms of CPU per \
                collection with `sendHealth()`, and its median is %s. Its p99 (%s) and max (%s) are mostly waiting \
                rather than work: all %d monitors send in the same instant, on virtual threads over %d carrier \
                threads, so a sender that blocks on the exporter's lock (a virtual thread gives up its carrier on \
                a contended monitor since JDK 24) or meets a GC pause waits behind the others.

                With every buffer full (%d collections of %d points each), the buffered data take about %.1f KiB \
                of heap per collection, %.0f bytes per data point, against about %d bytes encoded (what \
                `buffer-bytes` counts): %s for %d monitors × %d collections. A budget of %d KiB per monitor keeps \
                %.1f collections each and bounds the heap to %s, %.1f times the %s that %d × %d KiB would suggest. \
                After the receiver answers OK again the first request waits out the backoff (%.1f s, retries up to \
                30 s apart after a long outage), then the backlog goes out at batch-size points per request; \
                collections that arrive meanwhile into buffers still full push out their oldest (the drops while \
                draining), and every collection not counted as dropped arrived, none twice.
                """, n, requestsPerInterval, minRequests, batchSize, maxLag < 0 ? "?" : maxLag + " ms",
                100.0 * s.cpu.byRole.getOrDefault(Cpu.EXPORTER, 0L) / s.wallNanos,
                monitorsCpu / 1e6 / Math.max(1, s.offered), Latencies.time(Latencies.percentile(s.latencies.send, 50)),
                Latencies.time(Latencies.percentile(s.latencies.send, 99)),
                Latencies.time(s.latencies.send[s.latencies.send.length - 1]), n,
                Runtime.getRuntime().availableProcessors(), full.queued, points, perCollection / 1024,
                perCollection / points, estimate, mib(full.heapFull - full.heapBefore), n,
                OtlpSettings.DEFAULT_BUFFER_SIZE, BUFFER_BYTES / 1024, (double) budget.queued / n,
                mib(budget.heapFull - budget.heapBefore),
                (double) (budget.heapFull - budget.heapBefore) / ((double) n * BUFFER_BYTES),
                mib((long) n * BUFFER_BYTES), n, BUFFER_BYTES / 1024, full.firstOkNanos / 1e9);

        return "# OTLP sink: many monitors, one shared exporter\n\n"
                + "`./dev bench " + n + " " + seconds + "` on " + Instant.now() + ": JDK "
                + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, max heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB, load average "
                + loadBefore + " before, " + loadAfter + " after (a shared machine); the otlp sink's defaults "
                + "(http/protobuf, batch-size " + batchSize + ", batch-delay 200ms, buffer-size "
                + OtlpSettings.DEFAULT_BUFFER_SIZE + ", timeout 10s, retry 1s–30s, no compression), "
                + "OtlpReceiver on loopback in the same JVM.\n\n"
                + "## Steady state: a collection every 5 s per monitor, with its health\n\n"
                + "| what | figure |\n|---|---|\n" + String.join("\n", rows) + "\n\n"
                + "## Outage: the receiver answers 503 until every buffer is full, then OK\n\n"
                + String.join("\n", outage) + "\n" + histogram + "\n" + interpretation;
    }

    private static String row(String what, Outage a, Outage b, java.util.function.Function<Outage, String> f) {
        return "| " + what + " | " + f.apply(a) + " | " + f.apply(b) + " |";
    }
}
