package io.blip.sink.otlp;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Delivery;
import io.blip.api.time.Time;
import io.blip.runtime.delivery.SinkQueue;
import io.blip.runtime.delivery.Sinks;
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
 * real receiver on loopback ({@link OtlpReceiver}, in this JVM), as Blip sends: each monitor offers
 * its collections to its lane of the runtime's delivery ({@link Sinks}, {@link SinkQueue}), which
 * batches them all into the one otlp sink. It measures the requests the receiver takes, what they
 * carry, what {@code offer} costs the monitor, the process's CPU and heap; then an outage long enough
 * to fill every monitor's buffer, without and with a {@code buffer-bytes} budget, and the recovery.
 * Run with {@code ./dev bench [N] [SECONDS]}; the figures go to
 * {@code bench/results/otlp-many-monitors-N.md}. Not part of {@code ./dev test}.
 *
 * <p>Each monitor's collection looks like one of Blip's 5 s level on a busy server: about 130
 * {@code status.global} variables, a few {@code var.global}, about 40 {@code innodb} metrics,
 * {@code size.database} for five databases and the total, {@code repl} and {@code repl.lag}, with
 * MySQL's own names and the runtime's types, units and descriptions (string sizes matter). Every monitor
 * collects at the same wall-clock second, as Blip's level clock ticks them, each on its own virtual
 * thread, and offers its health after each collection. The collection number travels in
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
    /** The delivery settings of the otlp sink's defaults. */
    private static final Delivery DEFAULTS = Delivery.of(TestData.DECLARED.defaults("monitors[0].sinks.otlp"));

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
            full = run.outage("default (" + DEFAULTS.bufferSize() + " collections)", true);
            run.close(full);
            run.open(Map.of("buffer-bytes", BUFFER_BYTES / 1024 + "KiB"));
            run.realTick(); // the mappers' first collection, as before the first outage
            assertTrue(run.awaitDelivered(Duration.ofSeconds(30)), "first collection delivered");
            budget = run.outage(DEFAULTS.bufferSize() + " collections, buffer-bytes " + BUFFER_BYTES / 1024 + "KiB",
                    false);
            run.close(budget);
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
            assertEquals(o.sentTotal, o.received, o.name + ": what the lanes count as sent is what arrived");
            assertTrue(o.dropped > 0, o.name + ": the outage was long enough to fill the buffers");
        }
    }

    /**
     * One bench run: the monitors, their lanes of the moment into the runtime's delivery (one otlp
     * sink, as every monitor's options are equal), and the ticks so far.
     */
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

        /** New sinks, as at boot: each monitor's options read at its place in the config, one sink for all. */
        void open(Map<String, String> options) throws Exception {
            var sinks = new Sinks(Workload.DOMAINS, java.util.Map::of, Time.system());
            var factory = new OtlpSinkFactory();
            for (int i = 0; i < n; i++) {
                Monitor m = monitors.get(i);
                var values = new LinkedHashMap<String, String>();
                values.put("protocol", "http/protobuf");
                values.put("endpoint", receiver.endpoint());
                values.putAll(options);
                var config = TestData.monitor(m.id, m.id + ".mysql.internal", 3306,
                        Map.of("env", "prod", "region", "eu-west-1"));
                m.lane = sinks.lane("otlp", factory,
                        TestData.DECLARED.read(OptionSet.Input.of("monitors[" + i + "].sinks.otlp", values)), config);
                m.offered = 0;
            }
            assertEquals(1, sinks.size(), "one sink for every monitor");
            tally.forget();
        }

        /** Closes every lane; the last flushes the queue and closes the sink. The counts are final after. */
        void close(Outage outage) {
            monitors.forEach(m -> m.lane.close(SinkQueue.FLUSH_LIMIT));
            outage.settle(total(), offered(), tally);
        }

        /** Waits for the next whole 5 s of the wall clock, then collects on every monitor. */
        Latencies realTick() throws Exception {
            return tick(Instant.ofEpochMilli(awaitNextInterval()));
        }

        /**
         * One collection of every monitor, each on its own virtual thread as Blip's level collectors
         * run; the collections are made first, and the health (with the lane's counts, as the runtime
         * makes it) before it is offered, so the threads time only {@code offer} and {@code offerHealth}.
         */
        Latencies tick(Instant begin) throws Exception {
            var metrics = new Metrics[n];
            for (int i = 0; i < n; i++) {
                metrics[i] = monitors.get(i).collection(k, begin);
            }
            var lat = new Latencies(n);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                var done = new ArrayList<Future<?>>(n);
                for (int i = 0; i < n; i++) {
                    int at = i;
                    Monitor m = monitors.get(i);
                    done.add(threads.submit(() -> {
                        long t0 = System.nanoTime();
                        m.lane.offer(metrics[at]);
                        lat.send[at] = System.nanoTime() - t0;
                        MonitorHealth health = m.health(k, metrics[at].end());
                        long t1 = System.nanoTime();
                        m.lane.offerHealth(health);
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

        /** What the lanes counted, over all monitors. */
        MonitorHealth.Sink total() {
            long sent = 0;
            int queued = 0;
            long dropped = 0;
            long rejected = 0;
            long failed = 0;
            long retries = 0;
            for (Monitor m : monitors) {
                var c = m.lane.counts();
                sent += c.sent();
                queued += c.queued();
                dropped += c.dropped();
                rejected += c.rejected();
                failed += c.failed();
                retries += c.retries();
            }
            return new MonitorHealth.Sink("otlp", sent, queued, dropped, rejected, failed, retries);
        }

        /**
         * Whether every collection offered since the lanes opened arrived or was dropped (or refused):
         * arrivals are what the receiver answered OK, counted as they come, and drops happen when a
         * collection is offered, so nothing is still queued or in flight.
         */
        boolean delivered() {
            var t = total();
            return tally.collections() + t.dropped() + t.rejected() >= offered();
        }

        /** Waits until {@link #delivered()}; false after {@code limit}. */
        boolean awaitDelivered(Duration limit) throws InterruptedException {
            return tally.await(System.nanoTime() + limit.toNanos(), this::delivered);
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
                long at = awaitNextInterval();
                if (t == 0) {
                    before = Cpu.now();
                    wallStart = System.nanoTime();
                }
                long expected = tally.collections() + n;
                lat.add(tick(Instant.ofEpochMilli(at)));
                // How long until the receiver had all of this tick's collections: the sink keeps up
                // when that is well within the interval.
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(at + INTERVAL.toMillis() - 100
                        - System.currentTimeMillis());
                boolean all = tally.await(deadline, () -> tally.collections() >= expected);
                lag[t] = all ? tally.lastArrivalMillis() - at : -1;
            }
            awaitNextInterval();
            Cpu cpu = Cpu.now().minus(before);
            long wall = System.nanoTime() - wallStart;
            Window w = tally.window();
            boolean delivered = awaitDelivered(Duration.ofSeconds(30));
            long warmup = (long) WARMUP_TICKS * n;
            long heap = heapAfterGc();
            return new Steady(ticks, offered() - warmup, tally.collections() - warmup, total().dropped(), delivered,
                    w, Latencies.join(lat), lag, cpu, wall, heap, procStatus("VmRSS:") * 1024, procStatus("Threads:"));
        }

        /**
         * The receiver answers 503 (Retry-After: 1) while every monitor collects as fast as it can
         * until its buffer is full and some drop; then it answers OK again while the monitors go on
         * every 5 s, until the backlog is gone.
         */
        Outage outage(String name, boolean histogram) throws Exception {
            var outage = new Outage();
            outage.name = name;
            outage.heapBefore = heapAfterGc();
            outage.before = total();
            outage.offeredBefore = offered();
            tally.window();
            receiver.answer(Answer.UNAVAILABLE);
            int ticks = DEFAULTS.bufferSize() + OVERFILL;
            var lat = new ArrayList<Latencies>();
            long fillStart = System.nanoTime();
            for (int t = 0; t < ticks; t++) {
                lat.add(tick(Instant.now()));
            }
            outage.fillNanos = System.nanoTime() - fillStart;
            outage.fillTicks = ticks;
            // The ticks have offered everything: every buffer is as full as it gets.
            var atFull = total();
            Window failing = tally.window();
            outage.heapFull = heapAfterGc();
            outage.classes = histogram ? histogram() : List.of();

            receiver.answer(Answer.OK);
            long okAt = System.nanoTime();
            long droppedAtOk = total().dropped();
            long deadline = okAt + DRAIN_LIMIT.toNanos();
            long nextTick = (System.currentTimeMillis() / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
            while (!delivered()) {
                assertTrue(System.nanoTime() < deadline, name + ": backlog not sent within " + DRAIN_LIMIT);
                if (System.currentTimeMillis() >= nextTick) {
                    lat.add(tick(Instant.ofEpochMilli(nextTick)));
                    outage.recoveryTicks++;
                    nextTick += INTERVAL.toMillis();
                } else {
                    tally.await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(nextTick
                            - System.currentTimeMillis()), this::delivered);
                }
            }
            outage.drainNanos = System.nanoTime() - okAt;
            Window draining = tally.window();
            outage.queued = atFull.queued();
            outage.droppedFilling = atFull.dropped() - outage.before.dropped();
            outage.droppedDraining = total().dropped() - droppedAtOk;
            outage.failedRequests = failing.requests - failing.okRequests + draining.requests - draining.okRequests;
            outage.retries = atFull.retries() - outage.before.retries();
            outage.firstOkNanos = draining.firstOkNanos < 0 ? -1 : draining.firstOkNanos - okAt;
            outage.draining = draining;
            outage.latencies = Latencies.join(lat);
            return outage;
        }
    }

    /** What the steady state came to. */
    private record Steady(int ticks, long offered, long sent, long dropped, boolean delivered, Window window,
                          Latencies latencies, long[] lagMillis, Cpu cpu, long wallNanos, long heap, long rss,
                          long threads) {
    }

    /** What one outage and its recovery came to. */
    private static final class Outage {
        String name;
        MonitorHealth.Sink before;
        long offeredBefore;
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

        /** What the lanes counted once closed, against what was offered and what arrived. */
        void settle(MonitorHealth.Sink after, long offeredAfter, Tally tally) {
            offered = offeredAfter - offeredBefore;
            sent = after.sent() - before.sent();
            dropped = after.dropped() - before.dropped();
            lost = offeredAfter - after.sent() - after.dropped();
            sentTotal = after.sent();
            received = tally.collections();
            duplicates = tally.duplicates();
            rejected = after.rejected() - before.rejected();
        }
    }

    /** One bench monitor: its lane into the sink, and values that move as a busy server's do. */
    private static final class Monitor {
        final String id;
        final SplittableRandom random;
        final double[] status = new double[Workload.STATUS.size()];
        final double[] innodb = new double[Workload.INNODB.size()];
        final double[] databases = new double[Workload.DATABASES.size()];
        final Instant started = Instant.now();
        SinkQueue.Lane<?> lane;
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

        /**
         * The health the runtime makes after collection {@code k}: Blip's default plan's levels and
         * domains, and what the lane counted.
         */
        MonitorHealth health(long k, Instant time) {
            return health(k, time, lane.counts());
        }

        MonitorHealth health(long k, Instant time, MonitorHealth.Sink counts) {
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
            return new MonitorHealth(id, time, started, true, levels, errors, 0, List.of(counts));
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

    /** Each monitor's offer and offerHealth time in one tick. */
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
     * Reads what the receiver got as it comes, and forgets it there (the receiver would
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

        Tally(OtlpReceiver receiver) {
            this.receiver = receiver;
            this.thread = Thread.ofPlatform().name("bench-tally").start(this::run);
        }

        /** Takes what the receiver got as it comes, until interrupted. */
        private void run() {
            try {
                while (true) {
                    count(receiver.take(Duration.ofMinutes(1)));
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        private synchronized void count(List<Received> got) {
            got.forEach(this::count);
            notifyAll();
        }

        private void count(Received r) {
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

        /**
         * Waits until {@code done} holds, checking each time requests are counted; false when
         * {@code deadline} ({@link System#nanoTime()}) passes first.
         */
        synchronized boolean await(long deadline, BooleanSupplier done) throws InterruptedException {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
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
            thread.interrupt();
            thread.join();
        }
    }

    /** The process's CPU time, and each thread's by what it does, from {@code /proc}. */
    private record Cpu(long processNanos, Map<String, Long> byRole) {
        static final String EXPORTER = "sink thread (batching, protobuf encoding)";
        static final String HTTP_CLIENT = "JDK HTTP client threads (sending)";
        static final String MONITORS = "monitors' offer + offerHealth (virtual threads)";
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
            if (comm.startsWith("sink-otlp")) {
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

    /** Waits, in real time, for the next whole interval of the wall clock, as Blip's ticks do; returns it in ms. */
    private static long awaitNextInterval() throws InterruptedException {
        long now = System.currentTimeMillis();
        long at = (now / INTERVAL.toMillis() + 1) * INTERVAL.toMillis();
        Thread.sleep(at - now);
        return at;
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
        var mapper = new MetricMapper("mysql.", false, false, Set.of(), Resource.empty(), Workload.DOMAINS);
        long estimate = EncodedSize.of(mapper.map(one));
        int healthPoints = new HealthMapper(Resource.empty())
                .map(sample.health(0, Instant.now(), new MonitorHealth.Sink("otlp", 1, 0, 0, 0, 0, 0))).stream()
                .mapToInt(d -> d.getData().getPoints().size()).sum();
        int batchSize = DEFAULTS.batchSize();
        long pointsPerInterval = (long) n * (points + healthPoints);
        long minRequests = (pointsPerInterval + batchSize - 1) / batchSize;
        Window w = s.window;
        double requestsPerInterval = (double) w.okRequests / s.ticks;
        double cpuPercent = 100.0 * s.cpu.processNanos / s.wallNanos;
        long maxLag = Arrays.stream(s.lagMillis).max().orElse(-1);
        boolean allInTime = Arrays.stream(s.lagMillis).allMatch(l -> l >= 0);

        var rows = new ArrayList<String>();
        rows.add("| monitors | " + n + ", one shared exporter (one sink, each monitor's lane into its queue; "
                + "http/protobuf to a receiver on loopback in the same JVM) |");
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
        rows.add("| `offer()` (map + queue) | " + Latencies.describe(s.latencies.send) + " |");
        rows.add("| `offerHealth()` | " + Latencies.describe(s.latencies.health) + " |");
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
                + " (counted per monitor in the request)"));
        outage.add(row("buffered with all buffers full", full, budget, o -> String.format(Locale.ROOT,
                "%d collections (%.1f per monitor), %d data points", o.queued, (double) o.queued / n,
                (long) o.queued * points)));
        outage.add(row("heap used after GC, buffers full", full, budget, o -> mib(o.heapFull) + " (" + mib(o.heapBefore)
                + " before the outage)"));
        outage.add(row("heap per buffered collection", full, budget, o -> String.format(Locale.ROOT,
                "%.1f KiB (%.0f bytes per data point)", o.queued == 0 ? 0 : (o.heapFull - o.heapBefore) / 1024.0 / o.queued,
                o.queued == 0 ? 0 : (double) (o.heapFull - o.heapBefore) / o.queued / points)));
        outage.add(row("`offer()` during outage and recovery", full, budget, o -> Latencies.describe(o.latencies.send)));
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
                + o.dropped + (o.lost == 0 ? "" : " (" + o.lost + " lost!)") + "; since the lanes opened "
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
                In the steady state one sink thread carries %d monitors: %.1f requests per interval against \
                the %d that batch-size %d allows at the fewest, each tick's collections all at the receiver \
                within %s, the sink thread busy %.1f %% of the time. The sink's own share of the CPU is the \
                monitors', sink and HTTP client rows; the receiver row is the test's stand-in for a collector.

                `offer()` never waits for the network: it maps the collection and queues it in the monitor's lane, \
                %.3f ms of CPU per collection with `offerHealth()`, and its median is %s. Its p99 (%s) and max (%s) \
                are mostly waiting rather than work: all %d monitors offer in the same instant, on virtual threads \
                over %d carrier threads, so a monitor that blocks on the sink queue's lock (a virtual thread gives \
                up its carrier on a contended monitor since JDK 24) or meets a GC pause waits behind the others.

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
                DEFAULTS.bufferSize(), BUFFER_BYTES / 1024, (double) budget.queued / n,
                mib(budget.heapFull - budget.heapBefore),
                (double) (budget.heapFull - budget.heapBefore) / ((double) n * BUFFER_BYTES),
                mib((long) n * BUFFER_BYTES), n, BUFFER_BYTES / 1024, full.firstOkNanos / 1e9);

        return "# OTLP sink: many monitors, one shared exporter\n\n"
                + "`./dev bench " + n + " " + seconds + "` on " + Instant.now() + ": JDK "
                + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, max heap " + Runtime.getRuntime().maxMemory() / 1048576 + " MiB, load average "
                + loadBefore + " before, " + loadAfter + " after (a shared machine); the otlp sink's defaults "
                + "(http/protobuf, batch-size " + batchSize + ", batch-delay " + DEFAULTS.batchDelay().toMillis()
                + "ms, buffer-size " + DEFAULTS.bufferSize() + ", timeout " + DEFAULTS.sendTimeout().toSeconds()
                + "s, retry " + DEFAULTS.sendRetryWait().toSeconds() + "s–" + DEFAULTS.retryMax().toSeconds()
                + "s, no compression), "
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
