package io.blip.domains.error;

import io.blip.api.collect.LevelDomain;
import io.blip.api.plan.Domain;
import io.blip.domains.Grants;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.blip.domains.TestingCollectors.db;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SQL of each level, as Blip's metrics/error/query_test.go expects it (schema aside). */
class ErrorQueryTest {

    @Test
    void globalByDefaultReadsEveryErrorRaised() {
        assertEquals(new ErrorQuery("SELECT SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME FROM performance_schema"
                        + ".events_errors_summary_global_by_error WHERE ERROR_NUMBER IS NOT NULL"
                        + " AND SUM_ERROR_RAISED > 0",
                        List.of(), false),
                query(ErrorTable.GLOBAL, Map.of(), List.of()));
    }

    @Test
    void listedErrorsAreNumbersOrNames() {
        assertEquals(new ErrorQuery("SELECT SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME, USER FROM performance_schema"
                        + ".events_errors_summary_by_user_by_error WHERE (ERROR_NUMBER IN (?) OR ERROR_NAME IN (?))"
                        + " AND USER IN (?, ?) AND SUM_ERROR_RAISED > 0",
                        List.of("3024", "ER_QUERY_TIMEOUT", "user1", "user2"), false),
                query(ErrorTable.USER, Map.of("all", "no", "include", "user1,user2"),
                        List.of("3024", "ER_QUERY_TIMEOUT")));
        assertEquals(new ErrorQuery("SELECT SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME, THREAD_ID FROM"
                        + " performance_schema.events_errors_summary_by_thread_by_error WHERE (ERROR_NUMBER NOT IN (?)"
                        + " AND ERROR_NAME NOT IN (?)) AND THREAD_ID NOT IN (?, ?) AND SUM_ERROR_RAISED > 0",
                        List.of("3024", "ER_QUERY_TIMEOUT", "1", "2"), false),
                query(ErrorTable.THREAD, Map.of("all", "exclude", "exclude", "1,2"),
                        List.of("3024", "ER_QUERY_TIMEOUT")));
    }

    @Test
    void userExcludesTheEventSchedulerByDefaultAndIncludeOverridesExclude() {
        assertEquals(List.of("event_scheduler"), query(ErrorTable.USER, Map.of(), List.of()).parameters());
        assertEquals("SELECT SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME, HOST FROM performance_schema"
                        + ".events_errors_summary_by_host_by_error WHERE ERROR_NUMBER IS NOT NULL AND HOST IN (?)"
                        + " AND SUM_ERROR_RAISED > 0",
                query(ErrorTable.HOST, Map.of("include", "db1", "exclude", "db2"), List.of()).sql());
        assertEquals("SELECT SUM_ERROR_RAISED, ERROR_NUMBER, ERROR_NAME, HOST FROM performance_schema"
                        + ".events_errors_summary_by_host_by_error WHERE ERROR_NUMBER IS NOT NULL AND HOST IS NOT NULL"
                        + " AND SUM_ERROR_RAISED > 0",
                query(ErrorTable.HOST, Map.of(), List.of()).sql());
    }

    @Test
    void accountsAndTotalOnly() {
        assertEquals(new ErrorQuery("SELECT SUM(SUM_ERROR_RAISED), '' ERROR_NUMBER, '' ERROR_NAME, USER, HOST FROM"
                        + " performance_schema.events_errors_summary_by_account_by_error WHERE ERROR_NUMBER IS NOT NULL"
                        + " AND ((USER, HOST) IN ((?, ?)) OR USER IN (?) OR HOST IN (?)) AND USER IS NOT NULL AND HOST"
                        + " IS NOT NULL AND SUM_ERROR_RAISED > 0 GROUP BY USER, HOST",
                        List.of("app", "10.0.0.5", "report", "localhost"), true),
                query(ErrorTable.ACCOUNT, Map.of("total", "only", "include", "app@10.0.0.5,report@*,*@localhost"),
                        List.of()));
        assertEquals("SELECT SUM(SUM_ERROR_RAISED), '' ERROR_NUMBER, '' ERROR_NAME FROM performance_schema"
                        + ".events_errors_summary_global_by_error WHERE ERROR_NUMBER IS NOT NULL"
                        + " AND SUM_ERROR_RAISED > 0",
                query(ErrorTable.GLOBAL, Map.of("total", "only"), List.of()).sql());
    }

    @Test
    void dropIsSeenGrantedOnAllOnTheSchemaOrOnTheTable() throws Exception {
        CopiedErrorTables.create(db());
        String host = "events_errors_summary_by_host_by_error";
        db().createUser("err_tbl", "pw", "SELECT ON " + CopiedErrorTables.SCHEMA + ".*",
                "DROP ON " + CopiedErrorTables.SCHEMA + "." + host);
        try (var c = db().connect("err_tbl", "pw")) {
            assertTrue(Grants.holds(c, "DROP", CopiedErrorTables.SCHEMA, host));
            assertFalse(Grants.holds(c, "DROP", CopiedErrorTables.SCHEMA, "events_errors_summary_global_by_error"));
            assertFalse(Grants.holds(c, "DROP", "performance_schema", host));
        }
        db().createUser("err_pattern", "pw", "SELECT, DROP ON `errt%`.*");
        try (var c = db().connect("err_pattern", "pw")) {
            assertTrue(Grants.holds(c, "DROP", CopiedErrorTables.SCHEMA, host));
        }
        try (var c = db().admin()) {
            assertTrue(Grants.holds(c, "DROP", "performance_schema", host));
        }
    }

    private static ErrorQuery query(ErrorTable t, Map<String, String> options, List<String> metrics) {
        var at = new LevelDomain("fast", new Domain(t.domain(), metrics, options, Map.of()), t.help());
        return ErrorQuery.of(t, "performance_schema", at);
    }
}
