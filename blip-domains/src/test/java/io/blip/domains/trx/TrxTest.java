package io.blip.domains.trx;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.domains.SessionSqlDataSource;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrxTest {
    private final TrxFactory factory = new TrxFactory();

    @BeforeAll
    static void createTable() {
        db().execute("DROP DATABASE IF EXISTS trxtest", "CREATE DATABASE trxtest",
                "CREATE TABLE trxtest.t (id INT PRIMARY KEY) ENGINE=InnoDB");
    }

    @Test
    void oldestIsTheAgeOfTheOldestOpenTransaction() throws Exception {
        // The server computes the age with NOW(); the collector's sessions run 100 s ahead, so an open
        // transaction is 100 s old at once, without waiting for the clock.
        var ahead = new SessionSqlDataSource(db().dataSource(EmbeddedMariaDb.ADMIN_USER,
                EmbeddedMariaDb.ADMIN_PASSWORD), "SET timestamp = UNIX_TIMESTAMP() + 100");
        try (Collector c = factory.make(context(ahead))) {
            c.prepare(plan(domain("trx", List.of("oldest"), Map.of())));
            assertEquals(List.of(MetricValue.gauge("oldest", 0)), c.collect(FAST), "no transaction open");
            try (Connection other = db().admin(); Statement s = other.createStatement()) {
                s.execute("START TRANSACTION");
                s.execute("INSERT INTO trxtest.t VALUES (1)");
                waitOutTheTrxCache();
                MetricValue oldest = c.collect(FAST).getFirst();
                assertEquals(MetricType.GAUGE, oldest.type());
                assertTrue(oldest.value() >= 100 && oldest.value() < 160, oldest.toString());
                s.execute("ROLLBACK");
            }
            waitOutTheTrxCache();
            assertEquals(List.of(MetricValue.gauge("oldest", 0)), c.collect(FAST), "transaction ended");
        }
    }

    @Test
    void helpDeclaresOldestInSeconds() {
        var oldest = factory.help().metric("oldest").orElseThrow();
        assertEquals("s", oldest.unit());
        assertEquals(MetricType.GAUGE, oldest.type());
        assertTrue(factory.help().strictMetrics());
    }

    /**
     * InnoDB refreshes what information_schema.innodb_trx shows only once it has not been read for
     * 100 ms (trx0i_s.cc, CACHE_MIN_IDLE_TIME_US): this waits out that server cache, not an outcome.
     */
    private static void waitOutTheTrxCache() throws InterruptedException {
        Thread.sleep(150);
    }
}
