package io.blip.domains.error;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.config.Option;
import io.blip.api.plan.Domain;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.plan;
import static io.blip.domains.error.CopiedErrorTables.SCHEMA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five domains against copies of MySQL 8's tables (MariaDB has none), and against the real
 * MariaDB for what a server without them does.
 */
class ErrorDomainsTest {
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void copyTheTables() {
        CopiedErrorTables.create(db());
    }

    @Test
    void globalReportsEachErrorRaisedAndTheTotal() throws Exception {
        assertEquals(Map.of(
                        "1062/ER_DUP_ENTRY", 14.0,
                        "1146/ER_NO_SUCH_TABLE", 7.0,
                        "1213/ER_LOCK_DEADLOCK", 3.0,
                        "3024/ER_QUERY_TIMEOUT", 1.0,
                        "/", 25.0),
                byGroup(collectCopy(ErrorTable.GLOBAL, Map.of(), List.of()), MetricType.CUMULATIVE_COUNTER));
    }

    @Test
    void userLeavesOutTheEventSchedulerByDefault() throws Exception {
        assertEquals(Map.of(
                        "1062/ER_DUP_ENTRY/app", 14.0,
                        "1213/ER_LOCK_DEADLOCK/app", 2.0,
                        "//app", 16.0,
                        "1146/ER_NO_SUCH_TABLE/report", 3.0,
                        "3024/ER_QUERY_TIMEOUT/report", 1.0,
                        "//report", 4.0),
                byGroup(collectCopy(ErrorTable.USER, Map.of(), List.of()), MetricType.CUMULATIVE_COUNTER));
    }

    @Test
    void hostAccountAndThreadGroupByTheirColumns() throws Exception {
        assertEquals(Map.of(
                        "1062/ER_DUP_ENTRY/10.0.0.5", 9.0,
                        "1213/ER_LOCK_DEADLOCK/10.0.0.5", 2.0,
                        "//10.0.0.5", 11.0,
                        "1062/ER_DUP_ENTRY/10.0.0.6", 5.0,
                        "//10.0.0.6", 5.0,
                        "1146/ER_NO_SUCH_TABLE/10.0.0.9", 3.0,
                        "3024/ER_QUERY_TIMEOUT/10.0.0.9", 1.0,
                        "//10.0.0.9", 4.0,
                        "1146/ER_NO_SUCH_TABLE/localhost", 4.0,
                        "//localhost", 4.0),
                byGroup(collectCopy(ErrorTable.HOST, Map.of(), List.of()), MetricType.CUMULATIVE_COUNTER));
        assertEquals(Map.of(
                        "1062/ER_DUP_ENTRY/app/10.0.0.5", 9.0,
                        "1213/ER_LOCK_DEADLOCK/app/10.0.0.5", 2.0,
                        "//app/10.0.0.5", 11.0,
                        "1062/ER_DUP_ENTRY/app/10.0.0.6", 5.0,
                        "//app/10.0.0.6", 5.0),
                byGroup(collectCopy(ErrorTable.ACCOUNT, Map.of("include", "app@*"), List.of()),
                        MetricType.CUMULATIVE_COUNTER));
        assertEquals(Map.of(
                        "1146/ER_NO_SUCH_TABLE/7", 4.0,
                        "//7", 4.0,
                        "1213/ER_LOCK_DEADLOCK/2", 1.0,
                        "//2", 1.0),
                byGroup(collectCopy(ErrorTable.THREAD, Map.of("exclude", "48,49,52", "total", "yes"),
                        List.of("1146", "1213"), "all", "no"), MetricType.CUMULATIVE_COUNTER));
    }

    @Test
    void accountsMatchUserAtHostAndEitherWildcard() throws Exception {
        var values = collectCopy(ErrorTable.ACCOUNT, Map.of("exclude", "app@10.0.0.5,*@localhost", "total", "no"),
                List.of());
        assertEquals(Map.of(
                        "1062/ER_DUP_ENTRY/app/10.0.0.6", 5.0,
                        "1146/ER_NO_SUCH_TABLE/report/10.0.0.9", 3.0,
                        "3024/ER_QUERY_TIMEOUT/report/10.0.0.9", 1.0),
                byGroup(values, MetricType.CUMULATIVE_COUNTER));
    }

    @Test
    void errorsAreChosenByNumberOrNameAndTotalOnlySumsThem() throws Exception {
        assertEquals(Map.of("1062/ER_DUP_ENTRY", 14.0, "1146/ER_NO_SUCH_TABLE", 7.0),
                byGroup(collectCopy(ErrorTable.GLOBAL, Map.of("all", "no", "total", "no"),
                        List.of("1062", "er_no_such_table")), MetricType.CUMULATIVE_COUNTER));
        assertEquals(Map.of("1213/ER_LOCK_DEADLOCK", 3.0, "3024/ER_QUERY_TIMEOUT", 1.0, "/", 4.0),
                byGroup(collectCopy(ErrorTable.GLOBAL, Map.of("all", "exclude"),
                        List.of("1062", "ER_NO_SUCH_TABLE")), MetricType.CUMULATIVE_COUNTER));
        assertEquals(Map.of("//app", 16.0, "//report", 4.0),
                byGroup(collectCopy(ErrorTable.USER, Map.of("total", "only"), List.of()),
                        MetricType.CUMULATIVE_COUNTER));
        assertEquals(Map.of("/", 25.0),
                byGroup(collectCopy(ErrorTable.GLOBAL, Map.of("total", "only"), List.of()),
                        MetricType.CUMULATIVE_COUNTER));
        // No error raised: SUM() of no rows is NULL, reported as a total of 0.
        assertEquals(Map.of("/", 0.0), byGroup(collectCopy(ErrorTable.GLOBAL, Map.of("total", "only", "all", "no"),
                List.of("1045")), MetricType.CUMULATIVE_COUNTER));
    }

    @Test
    void truncatingMakesDeltasOfTheErrorsSinceTheLastCollection() throws Exception {
        db().createUser("err_drop", "pw", "SELECT, DROP ON " + SCHEMA + ".*");
        try (Collector c = collector(ErrorTable.GLOBAL, context(db().dataSource("err_drop", "pw")))) {
            c.prepare(plan(domain(ErrorTable.GLOBAL, Map.of("truncate-table", "yes", "truncate-on-startup", "no"),
                    List.of())));
            assertEquals(25.0, byGroup(c.collect(FAST), MetricType.DELTA_COUNTER).get("/"));
            assertEquals(0, rows("events_errors_summary_global_by_error"), "truncated after the read");
            db().execute("INSERT INTO " + SCHEMA + ".events_errors_summary_global_by_error VALUES"
                    + " (1062, 'ER_DUP_ENTRY', '23000', 2, 0, NOW(), NOW())");
            assertEquals(Map.of("1062/ER_DUP_ENTRY", 2.0, "/", 2.0),
                    byGroup(c.collect(FAST), MetricType.DELTA_COUNTER));
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void truncateOnStartupEmptiesTheTableWhenThePlanIsPrepared() throws Exception {
        db().createUser("err_drop", "pw", "SELECT, DROP ON " + SCHEMA + ".*");
        try (Collector c = collector(ErrorTable.USER, context(db().dataSource("err_drop", "pw")))) {
            c.prepare(plan(domain(ErrorTable.USER, Map.of(), List.of())));
            assertEquals(0, rows("events_errors_summary_by_user_by_error"));
            assertEquals(List.of(), c.collect(FAST));
        }
    }

    @Test
    void aUserWithoutDropIsToldOnceAndNothingIsTruncated() throws Exception {
        db().createUser("err_nodrop", "pw", "SELECT ON " + SCHEMA + ".*");
        try (Collector c = collector(ErrorTable.GLOBAL, context(db().dataSource("err_nodrop", "pw")))) {
            var plan = plan(domain(ErrorTable.GLOBAL, Map.of("truncate-table", "yes"), List.of()));
            c.prepare(plan);
            assertEquals(25.0, byGroup(c.collect(FAST), MetricType.CUMULATIVE_COUNTER).get("/"),
                    "not truncated: cumulative");
            c.prepare(plan);
            assertEquals(25.0, byGroup(c.collect(FAST), MetricType.CUMULATIVE_COUNTER).get("/"));
        }
        assertEquals(5, rows("events_errors_summary_global_by_error"), "every row still there");
        assertEquals(List.of("monitor test: error.global: the MySQL user lacks the DROP privilege on"
                + " errtest.events_errors_summary_global_by_error that TRUNCATE TABLE needs, so the table is never"
                + " truncated (truncate-table and truncate-on-startup are off; raised is a cumulative counter); to"
                + " truncate, GRANT DROP ON errtest.events_errors_summary_global_by_error TO the monitor's user"),
                warnings);
    }

    @Test
    void aTruncationThatWaitsOnALockIsCancelledAndThePolicyAppliesToTheLengthenedInterval() throws Exception {
        try (Collector c = collector(ErrorTable.GLOBAL, admin())) {
            var domain = new Domain(ErrorTable.GLOBAL.domain(), List.of(), Map.of("truncate-table", "yes",
                    "truncate-on-startup", "no", "truncate-timeout", "250ms", "total", "only"),
                    Map.of("truncate-timeout", "report-once,zero,retry"));
            c.prepare(plan(domain));
            try (Connection holder = db().admin(); Statement s = holder.createStatement()) {
                // An open transaction that read the table holds a metadata lock TRUNCATE must wait for.
                s.execute("START TRANSACTION");
                s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + ".events_errors_summary_global_by_error").close();
                assertEquals(Map.of("/", 25.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER),
                        "read before the failed truncation: good");
                assertEquals(Map.of("/", 0.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER),
                        "lengthened interval: zero");
                s.execute("COMMIT");
            }
            assertEquals(Map.of("/", 0.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER),
                    "truncated again, but this interval was lengthened too");
            assertEquals(0, rows("events_errors_summary_global_by_error"));
            assertEquals(Map.of("/", 0.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER), "back to normal");
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("collector-error: monitor test: error.global in level fast: truncate-timeout: MySQL error 1317:"
                + " TRUNCATE TABLE errtest.events_errors_summary_global_by_error did not finish within"
                + " truncate-timeout 250ms and was cancelled (policy: report-once,zero,retry)", warnings.getFirst());
    }

    @Test
    void stopPolicyStopsTheLevelUntilThePlanIsPreparedAgain() throws Exception {
        try (Collector c = collector(ErrorTable.GLOBAL, admin())) {
            var domain = new Domain(ErrorTable.GLOBAL.domain(), List.of(), Map.of("truncate-table", "yes",
                    "truncate-on-startup", "no", "total", "only"), Map.of("truncate-timeout", "ignore,drop,stop"));
            c.prepare(plan(domain));
            try (Connection holder = db().admin(); Statement s = holder.createStatement()) {
                s.execute("START TRANSACTION");
                s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + ".events_errors_summary_global_by_error").close();
                assertEquals(Map.of("/", 25.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER));
                s.execute("COMMIT");
            }
            assertEquals(List.of(), c.collect(FAST), "stopped");
            c.prepare(plan(domain));
            assertEquals(List.of(), c.collect(FAST), "prepared again: the interval since the failed truncation is"
                    + " lengthened, dropped");
            assertEquals(0, rows("events_errors_summary_global_by_error"), "truncated");
            assertEquals(Map.of("/", 0.0), byGroup(c.collect(FAST), MetricType.DELTA_COUNTER), "back to normal");
        }
        assertEquals(List.of("monitor test: error.global in level fast stopped until the plan is prepared again"
                + " (error policy 'stop' for truncate-timeout)"), warnings);
    }

    @Test
    void onMariaDbTheMissingTableIsError1146ForTheTableNotExistPolicy() throws Exception {
        for (ErrorTable t : ErrorTable.values()) {
            // The factory's collector reads performance_schema; truncating on startup (the default, with
            // a user that has DROP) skips the missing table instead of failing prepare.
            try (Collector c = new ErrorCollector(admin(), t, ErrorCollector.PERFORMANCE_SCHEMA, warnings::add)) {
                c.prepare(plan(domain(t, Map.of("truncate-table", "yes"), List.of())));
                var e = assertThrows(SQLException.class, () -> c.collect(FAST));
                assertEquals(1146, e.getErrorCode(), t.domain());
                assertTrue(e.getMessage().contains("performance_schema." + t.table()), e.getMessage());
                assertEquals(Set.of(1146), t.help().errors().get("table-not-exist").mysqlErrorCodes());
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void theFactoriesReadPerformanceSchema() throws Exception {
        var e = assertThrows(SQLException.class, () -> {
            try (Collector c = new ErrorUserFactory().make(admin())) {
                c.prepare(plan(domain(ErrorTable.USER, Map.of("truncate-on-startup", "no"), List.of())));
                c.collect(FAST);
            }
        });
        assertEquals("Table 'performance_schema.events_errors_summary_by_user_by_error' doesn't exist",
                e.getMessage());
    }

    @Test
    void mistakesInTheLevelAreClearErrors() {
        assertEquals("error.global: level 'fast': option all=no collects only the errors the level's metrics list,"
                        + " and it lists none; list error numbers or names (e.g. metrics: [1062, ER_LOCK_DEADLOCK]) or"
                        + " set all=yes",
                prepareError(ErrorTable.GLOBAL, Map.of("all", "no"), Map.of()));
        assertEquals("error.thread: level 'fast': option exclude='12,main': 'main' is not a thread id; list"
                        + " THREAD_ID numbers, e.g. 42,43",
                prepareError(ErrorTable.THREAD, Map.of("exclude", "12,main"), Map.of()));
        assertEquals("error.account: level 'fast': option include='app': 'app' is not an account; write user@host,"
                        + " user@* or *@host",
                prepareError(ErrorTable.ACCOUNT, Map.of("include", "app"), Map.of()));
        assertEquals("error.account: level 'fast': option exclude='*@*': '*@*' is not an account; write user@host,"
                        + " user@* or *@host",
                prepareError(ErrorTable.ACCOUNT, Map.of("exclude", "*@*"), Map.of()));
        assertEquals("error.host: level 'fast': option truncate-timeout='soon' is not a positive duration; write"
                        + " it like 250ms or 1s",
                prepareError(ErrorTable.HOST, Map.of("truncate-timeout", "soon"), Map.of()));
        assertEquals("error.user: level 'fast': option truncate-timeout='5s' must be less than the level's"
                        + " frequency 5s; write e.g. 250ms",
                prepareError(ErrorTable.USER, Map.of("truncate-timeout", "5s"), Map.of()));
        assertEquals("error.global: level 'fast': error policy truncate-timeout: 'report,zap' is not an error policy:"
                        + " unknown word 'zap'; write <report>,<metric>,<retry> with report = report|report-once|ignore,"
                        + " metric = drop|zero, retry = retry|stop (any of the three, in that order), e.g. ignore,drop,retry",
                prepareError(ErrorTable.GLOBAL, Map.of(), Map.of("truncate-timeout", "report,zap")));
    }

    @Test
    void helpDeclaresEveryOptionMetricGroupAndError() {
        for (ErrorTable t : ErrorTable.values()) {
            var help = t.help();
            var expected = new ArrayList<>(List.of("all", "total"));
            if (t != ErrorTable.GLOBAL) {
                expected.addAll(List.of("include", "exclude")); // Blip declares include twice, exclude never
            }
            expected.addAll(List.of("truncate-table", "truncate-timeout", "truncate-on-startup"));
            assertEquals(expected, help.options().keys(), t.domain());
            assertEquals("yes", help.options().get("all").orElseThrow().defaultValue());
            assertEquals(Set.of("yes", "no", "exclude"), help.options().get("all").orElseThrow().values().keySet());
            assertEquals(Set.of("yes", "no", "only"), help.options().get("total").orElseThrow().values().keySet());
            assertEquals("no", help.options().get("truncate-table").orElseThrow().defaultValue());
            assertEquals("250ms", help.options().get("truncate-timeout").orElseThrow().defaultValue());
            assertEquals(Option.Type.DURATION, help.options().get("truncate-timeout").orElseThrow().type());
            assertEquals("yes", help.options().get("truncate-on-startup").orElseThrow().defaultValue());
            assertEquals(MetricType.CUMULATIVE_COUNTER, help.metric("raised").orElseThrow().type());
            assertEquals(Set.of("table-not-exist", "truncate-timeout"), help.errors().keySet());
        }
        assertEquals(List.of("error_number", "error_name"), ErrorTable.GLOBAL.help().groups());
        assertEquals(List.of("error_number", "error_name", "error_user", "error_host"),
                ErrorTable.ACCOUNT.help().groups());
        assertEquals(List.of("error_number", "error_name", "error_thread"), ErrorTable.THREAD.help().groups());
        assertEquals("event_scheduler", ErrorTable.USER.help().options().get("exclude").orElseThrow().defaultValue());
        assertEquals("", ErrorTable.HOST.help().options().get("exclude").orElseThrow().defaultValue());
    }

    private String prepareError(ErrorTable t, Map<String, String> options, Map<String, String> errors) {
        var c = collector(t, admin());
        return assertThrows(BlipException.class, () -> c.prepare(plan(new Domain(t.domain(), List.of(), options,
                errors)))).getMessage();
    }

    private ErrorCollector collector(ErrorTable t, CollectorContext context) {
        return new ErrorCollector(context, t, SCHEMA, warnings::add);
    }

    private static Domain domain(ErrorTable t, Map<String, String> options, List<String> metrics) {
        return new Domain(t.domain(), metrics, options, Map.of());
    }

    /** Collects once from the copy, with truncate-on-startup=no unless the options say. */
    private List<MetricValue> collectCopy(ErrorTable t, Map<String, String> options, List<String> metrics,
                                          String... more) throws Exception {
        var all = new TreeMap<>(options);
        all.putIfAbsent("truncate-on-startup", "no");
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        try (Collector c = collector(t, admin())) {
            c.prepare(plan(domain(t, all, metrics)));
            return c.collect(FAST);
        }
    }

    /**
     * Values by their groups joined with '/' (error_number/error_name/then the table's own), checking
     * each is a {@code raised} of the type and no group repeats.
     */
    private static Map<String, Double> byGroup(List<MetricValue> values, MetricType type) {
        var out = new TreeMap<String, Double>();
        for (MetricValue v : values) {
            assertEquals("raised", v.name());
            assertEquals(type, v.type(), v.toString());
            var key = new ArrayList<String>();
            key.add(v.group().get("error_number"));
            key.add(v.group().get("error_name"));
            for (String g : List.of("error_user", "error_host", "error_thread")) {
                if (v.group().containsKey(g)) {
                    key.add(v.group().get(g));
                }
            }
            assertTrue(out.put(String.join("/", key), v.value()) == null, "repeated group " + v);
        }
        return out;
    }

    private static int rows(String table) throws SQLException {
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
