package io.blip.runtime.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.ConnectionSource;
import io.blip.api.config.MonitorConfig;
import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.plan.DefaultPlans;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.PromText;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scrapes in mysqld_exporter's format of a real MariaDB source and of a replica of it. */
class ExporterScrapeTest {
    private static EmbeddedMariaDb source;
    private static EmbeddedMariaDb replica;
    private static final Map<String, CollectorFactory> FACTORIES = new LinkedHashMap<>();

    @BeforeAll
    static void start() {
        source = EmbeddedMariaDb.start();
        replica = EmbeddedMariaDb.replicaOf(source);
        replica.awaitReplicating(Duration.ofSeconds(30));
        // The tables of the golden recordings' servers (./dev record-exporter-fixtures makes the same).
        source.execute(io.blip.testkit.ShopSchema.statements().toArray(String[]::new));
        replica.awaitCaughtUp(source, Duration.ofSeconds(30));
        ServiceLoader.load(CollectorFactory.class).forEach(f -> FACTORIES.put(f.domain(), f));
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (source != null) {
            source.close();
        }
    }

    /** The default exporter plan with {@code repl} added: what {@code /probe} collects by default. */
    private static Plan exporterPlan() {
        return exporterPlan(Map.of("repl", new Domain("repl", List.of(), Map.of(), Map.of())));
    }

    /** The default exporter plan with these domains added. */
    private static Plan exporterPlan(Map<String, Domain> added) {
        Plan plan = DefaultPlans.defaultExporter();
        Level level = plan.levels().values().iterator().next();
        var collect = new LinkedHashMap<>(level.collect());
        collect.putAll(added);
        return new Plan(plan.name(), plan.source(),
                Map.of(level.name(), new Level(level.name(), level.freq(), collect, level.timeout())));
    }

    /**
     * The exporter plan of the golden comparison: with the sizes of tables (the databases the
     * exporter's {@code --collect.info_schema.tables} reads by default: all but three) and binary logs.
     */
    private static Plan goldenPlan() {
        return exporterPlan(Map.of("repl", new Domain("repl", List.of(), Map.of(), Map.of()),
                "size.table", new Domain("size.table", List.of(),
                        Map.of("exclude", "mysql.*,information_schema.*,performance_schema.*"), Map.of()),
                "size.binlog", new Domain("size.binlog", List.of(), Map.of(), Map.of()),
                "wait.io.table", new Domain("wait.io.table", List.of(), Map.of("all", "yes",
                        "exclude", "mysql.*,performance_schema.*"), Map.of())));
    }

    private static ExporterScrape scrapeOf(EmbeddedMariaDb db) {
        return scrapeOf(db, exporterPlan());
    }

    private static ExporterScrape scrapeOf(EmbeddedMariaDb db, Plan plan) {
        ConnectionSource admin = () -> db.connect(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD);
        CollectorContext context = CollectorContext.of(MonitorConfig.of("m1"), admin, Time.system());
        return new ExporterScrape("m1", plan, FACTORIES, context, Duration.ofSeconds(10), Time.system());
    }

    /** One scrape's text. */
    private static String text(ExporterScrape scrape) throws InterruptedException {
        return new String(scrape.scrape(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A scrape on a thread of its own. */
    private static CompletableFuture<String> scrapeAsync(ExporterScrape scrape) {
        var text = new CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                text.complete(text(scrape));
            } catch (Exception e) {
                text.completeExceptionally(e);
            }
        });
        return text;
    }

    private static boolean hasLine(String text, String prefix) {
        return text.lines().anyMatch(l -> l.startsWith(prefix));
    }

    @Test
    void aSourceIsScrapedInTheExportersNames() throws Exception {
        try (ExporterScrape scrape = scrapeOf(source)) {
            String text = text(scrape);
            for (String prefix : List.of("mysql_up 1", "# TYPE mysql_global_status_commands_total counter",
                    "mysql_global_status_commands_total{command=\"select\"} ", "mysql_global_status_uptime ",
                    "mysql_global_variables_max_connections ", "mysql_version_info{innodb_version=\"",
                    "mysql_info_schema_innodb_metrics_", "mysql_exporter_last_scrape_error 0",
                    "mysql_exporter_scrapes_total 1", "mysql_exporter_collector_duration_seconds{collector=\"collect.global_status\"} ")) {
                assertTrue(hasLine(text, prefix), prefix + " in\n" + text);
            }
            assertTrue(!hasLine(text, "mysql_slave_status_"), "a source has no replica status");
            assertTrue(hasLine(text(scrape), "mysql_exporter_scrapes_total 2"));
        }
    }

    @Test
    void aReplicaHasItsReplicaStatus() throws Exception {
        try (ExporterScrape scrape = scrapeOf(replica)) {
            String text = text(scrape);
            assertTrue(hasLine(text, "# TYPE mysql_slave_status_seconds_behind_master untyped"), text);
            assertTrue(text.lines().anyMatch(l -> l.startsWith("mysql_slave_status_slave_io_running{master_host=\"")
                    && l.contains("connection_name=\"\"") && l.endsWith(" 1")), text);
        }
    }

    /**
     * The families of the collectors Blip writes, from prometheus-mysqld-exporter 0.14 (Debian's) on
     * the same MariaDB version: the fixture's header says how it was recorded.
     */
    private static final List<String> WRITTEN = List.of("mysql_global_status_", "mysql_global_variables_",
            "mysql_version_info", "mysql_info_schema_innodb_metrics_", "mysql_slave_status_", "mysql_up",
            "mysql_exporter_scrapes_total", "mysql_exporter_last_scrape_error", "mysql_exporter_collector_duration_seconds",
            "mysql_galera_", "mysql_transaction_isolation", "mysql_info_schema_table_", "mysql_binlog_",
            "mysql_perf_schema_table_io_waits_");

    /**
     * The exporter's collectors whose families Blip writes; the fixture's others (innodb_cmp,
     * innodb_cmpmem, query_response_time, perf_schema.*) have no Blip domain translated yet.
     */
    private static final java.util.Set<String> COLLECTORS = java.util.Set.of("connection", "collect.global_status",
            "collect.global_variables", "collect.info_schema.innodb_metrics", "collect.slave_status",
            "collect.info_schema.tables", "collect.binlog_size", "collect.perf_schema.tableiowaits");

    private static boolean written(String family) {
        return WRITTEN.stream().anyMatch(family::startsWith);
    }

    /** Name, type, help and every sample's labels (names and values) of each family; values may differ. */
    private static Map<String, String> shape(List<PromText.Family> families) {
        var out = new java.util.TreeMap<String, String>();
        for (PromText.Family f : families) {
            if (!written(f.name())) {
                continue;
            }
            var labels = new java.util.TreeSet<String>();
            f.samples().stream()
                    .filter(sample -> COLLECTORS.contains(sample.labels().getOrDefault("collector", "connection")))
                    .forEach(sample -> labels.add(sample.name() + new java.util.TreeMap<>(sample.labels())));
            out.put(f.name(), f.type() + " | " + f.help() + " | " + labels);
        }
        return out;
    }

    private static String golden(String file) throws Exception {
        try (var in = ExporterScrapeTest.class.getResourceAsStream("golden/" + file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Sample for sample against the real exporter's scrape of the same server version: the same
     * families with the same type, help and labels (names and values); values may differ.
     */
    @Test
    void familiesAreTheExportersSampleForSample() throws Exception {
        for (var server : List.of(Map.entry("mariadb-source.prom", source), Map.entry("mariadb-replica.prom", replica))) {
            Map<String, String> theirs = shape(PromText.parse(golden(server.getKey())));
            String text;
            try (ExporterScrape scrape = scrapeOf(server.getValue(), goldenPlan())) {
                // The second scrape, as the fixture's server had been read before its recorded one: the
                // Performance Schema lists a table's I/O waits once something opened it, and the first
                // scrape's information_schema.tables opens sys.sys_config (in whichever order the
                // plan's domains run).
                text(scrape);
                text = text(scrape);
            }
            Map<String, String> ours = shape(PromText.parse(text));
            var missing = new java.util.TreeSet<>(theirs.keySet());
            missing.removeAll(ours.keySet());
            var extra = new java.util.TreeSet<>(ours.keySet());
            extra.removeAll(theirs.keySet());
            var differ = new java.util.ArrayList<String>();
            theirs.forEach((name, shape) -> {
                String mine = ours.get(name);
                if (mine != null && !mine.equals(shape)) {
                    differ.add(name + "\n  theirs: " + shape + "\n  ours:   " + mine);
                }
            });
            assertEquals("", (missing.isEmpty() ? "" : "missing: " + missing + "\n")
                    + (extra.isEmpty() ? "" : "extra: " + extra + "\n")
                    + String.join("\n", differ), server.getKey());
        }
    }

    /**
     * What a sink gets with {@code metric-names: exporter}: the golden plan's domains collected by
     * Blip's own collectors and named by {@link ExporterFamilies} are the real exporter's families (the
     * same name, type, help and label names; InnoDB metrics' help is generic), and every sample a
     * sample of the real exporter's, but what needs the server beside Blip's values.
     */
    @Test
    void aSinksExporterNamesAreTheExportersFamiliesOfTheValuesItHas() throws Exception {
        // Table I/O waits not truncated: a truncating plan's deltas have no exporter name.
        Plan plan = exporterPlan(Map.of("size.binlog", new Domain("size.binlog", List.of(), Map.of(), Map.of()),
                "wait.io.table", new Domain("wait.io.table", List.of(), Map.of("all", "yes", "truncate-table", "no",
                        "exclude", "mysql.*,performance_schema.*"), Map.of())));
        Level level = plan.levels().values().iterator().next();
        ConnectionSource admin = () -> source.connect(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD);
        CollectorContext context = CollectorContext.of(MonitorConfig.of("m1"), admin, Time.system());
        var values = new LinkedHashMap<String, List<io.blip.api.MetricValue>>();
        for (String domain : List.of("status.global", "var.global", "innodb", "wait.io.table", "size.binlog")) {
            var collector = FACTORIES.get(domain).make(context);
            collector.prepare(plan);
            values.put(domain, collector.collect(level.name()));
        }
        var now = java.time.Instant.now();
        var collection = new io.blip.api.Metrics("m1", plan.name(), level.name(), 1, now, now, values);
        var naming = new ExporterFamilies(Time.system());
        naming.serve("m1", admin);
        List<io.blip.api.sink.PromFamily> ours = naming.families(collection);

        Map<String, PromText.Family> theirs = new LinkedHashMap<>();
        PromText.parse(golden("mariadb-source.prom")).forEach(f -> theirs.put(f.name(), f));
        var problems = new java.util.ArrayList<String>();
        for (var f : ours) {
            PromText.Family their = theirs.get(f.name());
            if (their == null) {
                problems.add(f.name() + ": not the exporter's");
                continue;
            }
            boolean innodb = f.name().startsWith("mysql_info_schema_innodb_metrics_");
            if (!their.type().equals(f.type().text()) || !innodb && !their.help().equals(f.help())) {
                problems.add(f.name() + ": " + f.type().text() + " '" + f.help() + "', the exporter's " + their.type()
                        + " '" + their.help() + "'");
            }
            var theirLabels = their.samples().stream().map(s -> new java.util.TreeMap<>(s.labels())).toList();
            for (var sample : f.samples()) {
                var labels = new java.util.TreeMap<String, String>();
                for (int i = 0; i < f.labelNames().size(); i++) {
                    labels.put(f.labelNames().get(i), sample.labelValues().get(i));
                }
                boolean tableWaits = f.name().startsWith("mysql_perf_schema_table_io_waits");
                if (!theirLabels.contains(labels) && !(tableWaits && theirLabels.stream()
                        .anyMatch(l -> l.keySet().equals(labels.keySet())))) {
                    problems.add(f.name() + labels + ": no such sample of the exporter's");
                }
            }
        }
        assertEquals(List.of(), problems);
        var names = ours.stream().map(io.blip.api.sink.PromFamily::name).collect(java.util.stream.Collectors.toSet());
        for (String expected : List.of("mysql_global_status_commands_total", "mysql_global_status_uptime",
                "mysql_global_status_buffer_pool_pages", "mysql_global_variables_max_connections",
                "mysql_info_schema_innodb_metrics_server_buffer_pool_size",
                "mysql_info_schema_innodb_metrics_lock_lock_deadlocks",
                "mysql_perf_schema_table_io_waits_total", "mysql_perf_schema_table_io_waits_seconds_total",
                "mysql_binlog_size_bytes")) {
            assertTrue(names.contains(expected), expected + " among the " + names.size() + " families");
        }
        assertTrue(names.stream().noneMatch(n -> n.equals("mysql_version_info")), "needs the server's text values");

        // A monitor whose server cannot describe its InnoDB metrics: Blip's lowercase names and types.
        var unserved = new ExporterFamilies(Time.system()).families(collection).stream()
                .map(io.blip.api.sink.PromFamily::name).collect(java.util.stream.Collectors.toSet());
        assertTrue(unserved.contains("mysql_info_schema_innodb_metrics_buffer_buffer_lru_batch_flush_total_pages_total"),
                "Blip's name among the " + unserved.size() + " families");
        assertTrue(names.contains("mysql_info_schema_innodb_metrics_buffer_buffer_LRU_batch_flush_total_pages_total"));
    }

    @Test
    void aDownServerIsUpZeroAndAnError() throws Exception {
        ConnectionSource down = () -> {
            throw new SQLException("test: MySQL is down", "08S01", 2003);
        };
        CollectorContext context = CollectorContext.of(MonitorConfig.of("m1"), down, Time.system());
        try (var scrape = new ExporterScrape("m1", exporterPlan(), FACTORIES, context, Duration.ofSeconds(10),
                Time.system())) {
            String text = text(scrape);
            assertTrue(hasLine(text, "mysql_up 0"), text);
            assertTrue(hasLine(text, "mysql_exporter_last_scrape_error 1"), text);
            assertTrue(!hasLine(text, "mysql_global_status_"), text);
        }
    }

    /**
     * MySQL that takes the connection and then fails its first query for the connection (the pool's
     * connection gone stale, say) is down, as the exporter's ping would find it.
     */
    @Test
    void aConnectionLostAtTheFirstQueryIsUpZero() throws Exception {
        ConnectionSource lost = () -> (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "close" -> null;
                        case "isClosed", "isWrapperFor" -> false;
                        default -> throw new java.sql.SQLNonTransientConnectionException(
                                "test: Communications link failure", "08S01");
                    };
                });
        CollectorContext context = CollectorContext.of(MonitorConfig.of("m1"), lost, Time.system());
        try (var scrape = new ExporterScrape("m1", exporterPlan(), FACTORIES, context, Duration.ofSeconds(10),
                Time.system())) {
            String text = text(scrape);
            assertTrue(hasLine(text, "mysql_up 0"), text);
            assertTrue(hasLine(text, "mysql_exporter_last_scrape_error 1"), text);
        }
    }

    /** A query that fails for itself (not the connection) is an error of a server that is up. */
    @Test
    void aFailingQueryOfAServerThatAnswersIsUpOne() throws Exception {
        try (ExporterScrape scrape = scrapeOf(source)) {
            String text = text(scrape);
            assertTrue(hasLine(text, "mysql_up 1"), text);
        }
        assertEquals(false, ExporterScrape.connectionLost(new SQLException("Access denied", "42000", 1227)));
        assertEquals(true, ExporterScrape.connectionLost(new RuntimeException(new SQLException("gone", "08S01"))));
    }

    /**
     * A domain that does not answer within the scrape's time limit (on the monitor's time) makes the
     * scrape an error, and the scrape still answers with what it has.
     */
    @Test
    void aScrapeEndsAtItsTimeLimit() throws Exception {
        var time = new io.blip.testkit.VirtualTime(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        var entered = new java.util.concurrent.CountDownLatch(1);
        CollectorFactory stuck = new CollectorFactory() {
            @Override
            public io.blip.api.collect.CollectorHelp help() {
                return io.blip.api.collect.CollectorHelp.builder("innodb", "never answers").build();
            }

            @Override
            public io.blip.api.collect.Collector make(CollectorContext context) {
                return new io.blip.api.collect.Collector() {
                    @Override
                    public void prepare(Plan plan) {
                    }

                    @Override
                    public List<io.blip.api.MetricValue> collect(String level) throws InterruptedException {
                        entered.countDown();
                        Thread.sleep(Long.MAX_VALUE); // until the scrape gives up on it
                        return List.of();
                    }
                };
            }
        };
        Plan plan = new Plan("p", "test", Map.of("prom", new Level("prom", Duration.ofSeconds(10),
                orderedDomains(new Domain("status.global", List.of(), Map.of("all", "yes"), Map.of()),
                        new Domain("innodb", List.of(), Map.of(), Map.of())), Duration.ZERO)));
        ConnectionSource admin = () -> source.connect(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD);
        CollectorContext context = CollectorContext.of(MonitorConfig.of("m1"), admin, time);
        try (var scrape = new ExporterScrape("m1", plan, Map.of("status.global", FACTORIES.get("status.global"), "innodb", stuck), context, Duration.ofSeconds(10),
                time)) {
            CompletableFuture<String> text = scrapeAsync(scrape);
            assertTrue(entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the domain runs");
            time.awaitWaiters(1, Duration.ofSeconds(10));
            time.advance(Duration.ofSeconds(9));
            time.awaitWaiters(1, Duration.ofSeconds(10));
            assertTrue(!text.isDone(), "waits the whole limit");
            time.advance(Duration.ofSeconds(1));
            String answer = text.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(hasLine(answer, "mysql_up 1"), answer);
            assertTrue(hasLine(answer, "mysql_exporter_last_scrape_error 1"), answer);
            assertTrue(hasLine(answer, "mysql_exporter_collector_duration_seconds{collector=\"collect.info_schema.innodb_metrics\"} 10"),
                    answer);
        }
    }

    /** Domains in the order given: a level collects them in its plan's order. */
    private static Map<String, Domain> orderedDomains(Domain... domains) {
        var out = new java.util.LinkedHashMap<String, Domain>();
        for (Domain d : domains) {
            out.put(d.name(), d);
        }
        return out;
    }

    /** Scrapes asked for while one runs get its text: MySQL is not asked twice at once. */
    @Test
    void scrapesAtOnceShareOneCollection() throws Exception {
        try (ExporterScrape scrape = scrapeOf(source)) {
            var texts = new java.util.ArrayList<CompletableFuture<String>>();
            for (int i = 0; i < 8; i++) {
                texts.add(scrapeAsync(scrape));
            }
            long collections = texts.stream().map(CompletableFuture::join).distinct().count();
            assertTrue(collections < 8, "some of 8 scrapes at once shared one: " + collections + " collections");
            String last = text(scrape);
            assertEquals(true, hasLine(last, "mysql_exporter_scrapes_total " + (collections + 1)), last);
        }
    }
}
