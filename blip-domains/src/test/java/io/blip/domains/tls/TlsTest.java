package io.blip.domains.tls;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.domains.TestingCollectors;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.TestCertificates;
import io.blip.testkit.TestCertificates.Authority;
import io.blip.testkit.TestCertificates.Issued;
import io.blip.testkit.TestCertificates.KeyFormat;
import io.blip.testkit.VirtualTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.blip.domains.TestingCollectors.FAST;
import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tls domain on the embedded MariaDB (have_ssl, with and without TLS) and, since MariaDB has no
 * {@code performance_schema.tls_channel_status}, its channel part on a copy of MySQL 8.0's table in
 * schema {@value #COPY}: MySQL's columns and types (its engine and 0900 collation do not exist on
 * MariaDB) and rows as MySQL 8.0.36 shows them with TLS on the main interface and not the admin one.
 */
class TlsTest {
    private static final String COPY = "tls_copy";
    private static final String NOT_AFTER = "Jun 11 09:14:26 2034 GMT";
    private static final String NOT_BEFORE = "Jun  3 09:14:26 2024 GMT"; // OpenSSL pads the day with a space
    private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

    private final TlsFactory factory = new TlsFactory();

    @BeforeAll
    static void copyMysqlTable() {
        var rows = new ArrayList<String>();
        mainChannel(rows);
        adminChannel(rows);
        db().execute("DROP DATABASE IF EXISTS " + COPY, "CREATE DATABASE " + COPY,
                // storage/perfschema/table_tls_channel_status.cc, MySQL 8.0
                "CREATE TABLE " + COPY + ".tls_channel_status (CHANNEL VARCHAR(128) NOT NULL,"
                        + " PROPERTY VARCHAR(128) NOT NULL, VALUE VARCHAR(2048) NOT NULL) DEFAULT CHARSET=utf8mb4",
                "INSERT INTO " + COPY + ".tls_channel_status VALUES " + String.join(", ", rows));
    }

    private static void mainChannel(List<String> rows) {
        for (String[] p : new String[][] {
            {"Enabled", "Yes"}, {"ssl_accept_renegotiates", "0"}, {"Ssl_accepts", "1406"},
            {"Ssl_callback_cache_hits", "0"}, {"Ssl_client_connects", "0"}, {"Ssl_connect_renegotiates", "0"},
            {"Ssl_ctx_verify_depth", "18446744073709551615"}, {"Ssl_ctx_verify_mode", "5"},
            {"Current_tls_ca", "ca.pem"}, {"Current_tls_capath", ""}, {"Current_tls_cert", "server-cert.pem"},
            {"Current_tls_cipher", ""}, {"Current_tls_ciphersuites", ""}, {"Current_tls_crl", ""},
            {"Current_tls_crlpath", ""}, {"Current_tls_key", "server-key.pem"},
            {"Current_tls_version", "TLSv1.2,TLSv1.3"}, {"Ssl_finished_accepts", "1402"},
            {"Ssl_finished_connects", "0"}, {"Ssl_server_not_after", NOT_AFTER},
            {"Ssl_server_not_before", NOT_BEFORE}, {"Ssl_session_cache_hits", "0"},
            {"Ssl_session_cache_misses", "0"}, {"Ssl_session_cache_mode", "SERVER"},
            {"Ssl_session_cache_overflows", "0"}, {"Ssl_session_cache_size", "128"},
            {"Ssl_session_cache_timeouts", "0"}, {"Ssl_used_session_cache_entries", "0"},
            {"Ssl_session_cache_timeout", "300"}}) {
            rows.add(row("mysql_main", p[0], p[1]));
        }
    }

    /** The admin interface without TLS: every property, empty or zero. */
    private static void adminChannel(List<String> rows) {
        rows.add(row("mysql_admin", "Enabled", "No"));
        for (String counter : List.of("ssl_accept_renegotiates", "Ssl_accepts", "Ssl_callback_cache_hits",
                "Ssl_client_connects", "Ssl_connect_renegotiates", "Ssl_ctx_verify_depth", "Ssl_ctx_verify_mode",
                "Ssl_finished_accepts", "Ssl_finished_connects")) {
            rows.add(row("mysql_admin", counter, "0"));
        }
        for (String text : List.of("Current_tls_ca", "Current_tls_capath", "Current_tls_cert", "Current_tls_cipher",
                "Current_tls_ciphersuites", "Current_tls_crl", "Current_tls_crlpath", "Current_tls_key",
                "Current_tls_version", "Ssl_server_not_after", "Ssl_server_not_before", "Ssl_session_cache_mode")) {
            rows.add(row("mysql_admin", text, ""));
        }
    }

    private static String row(String channel, String property, String value) {
        return "('" + channel + "', '" + property + "', '" + value + "')";
    }

    @Test
    void onMariadbWithoutTlsEnabledIsFalseFromHaveSsl() throws Exception {
        if (!sharedServerHasTls()) {
            assertEnabledIsFalse(admin());
            return;
        }
        try (EmbeddedMariaDb plain = EmbeddedMariaDb.start("--skip-ssl")) {
            assertEnabledIsFalse(TestingCollectors.context(plain.dataSource(EmbeddedMariaDb.ADMIN_USER,
                    EmbeddedMariaDb.ADMIN_PASSWORD)));
        }
    }

    private void assertEnabledIsFalse(CollectorContext context) throws Exception {
        assertEquals(List.of(MetricValue.bool("enabled", false)),
                collectOnce(factory, context, plan(domain("tls", List.of(), Map.of()))), "have_ssl = DISABLED");
        assertEquals(List.of(MetricValue.bool("enabled", false)),
                collectOnce(factory, context, plan(domain("tls", List.of("enabled"), Map.of()))));
    }

    /**
     * MariaDB 11.4 turns TLS on by default (and the testkit gives it certificates), so have_ssl is
     * YES on the shared server there; 10.11 has it DISABLED unless given certificates.
     */
    private static boolean sharedServerHasTls() {
        return db().isAtLeast(11, 4);
    }

    @Test
    void onMariadbWithTlsEnabledIsTrue(@TempDir Path dir) throws Exception {
        Authority ca = TestCertificates.authority("TLS domain CA");
        Issued server = ca.server("mysql.test", "DNS:mysql.test");
        try (EmbeddedMariaDb tls = EmbeddedMariaDb.start("--ssl-ca=" + ca.writeCertificate(dir.resolve("ca.pem")),
                "--ssl-cert=" + server.writeChain(dir.resolve("server.pem")),
                "--ssl-key=" + server.writeKey(dir.resolve("server-key.pem"), KeyFormat.PKCS8))) {
            var context = TestingCollectors.context(tls.dataSource(EmbeddedMariaDb.ADMIN_USER,
                    EmbeddedMariaDb.ADMIN_PASSWORD));
            assertEquals(List.of(MetricValue.bool("enabled", true)),
                    collectOnce(factory, context, plan(domain("tls", List.of(), Map.of()))));
        }
    }

    @Test
    void aListedChannelMetricOnMariadbIsTheDeclaredTableNotExist() {
        var e = assertThrows(SQLException.class,
                () -> collectOnce(factory, admin(), plan(domain("tls", List.of("enabled", "cert_expires_in"), Map.of()))));
        assertEquals(1146, e.getErrorCode());
        assertTrue(factory.help().errors().get("table-not-exist").mysqlErrorCodes().contains(1146));
    }

    @Test
    void withTheChannelTableEveryMetricComesFromIt() throws Exception {
        List<MetricValue> values = collectFromCopy(List.of());
        double notAfter = ZonedDateTime.parse("2034-06-11T09:14:26Z").toEpochSecond();
        var main = Map.of("channel", "mysql_main");
        var adminChannel = Map.of("channel", "mysql_admin");
        assertEquals(List.of(
                // Enabled comes from the table, as on MySQL 8.4 (have_ssl is DISABLED on the shared 10.11 server).
                MetricValue.bool("enabled", true),
                new MetricValue("channel_enabled", 1, MetricType.BOOL, main, Map.of()),
                new MetricValue("cert_not_before", ZonedDateTime.parse("2024-06-03T09:14:26Z").toEpochSecond(),
                        MetricType.GAUGE, main, Map.of()),
                new MetricValue("cert_not_after", notAfter, MetricType.GAUGE, main, Map.of()),
                new MetricValue("cert_expires_in", notAfter - NOW.getEpochSecond(), MetricType.GAUGE, main, Map.of()),
                new MetricValue("accepts", 1406, MetricType.CUMULATIVE_COUNTER, main, Map.of()),
                new MetricValue("finished_accepts", 1402, MetricType.CUMULATIVE_COUNTER, main, Map.of()),
                new MetricValue("channel_enabled", 0, MetricType.BOOL, adminChannel, Map.of()),
                new MetricValue("accepts", 0, MetricType.CUMULATIVE_COUNTER, adminChannel, Map.of()),
                new MetricValue("finished_accepts", 0, MetricType.CUMULATIVE_COUNTER, adminChannel, Map.of())),
                values);
    }

    @Test
    void listedMetricsAreTheOnlyOnesAndExpiryFollowsTheClock() throws Exception {
        var time = new VirtualTime(NOW);
        var context = CollectorContext.of(TestingCollectors.MONITOR,
                db().dataSource(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD), time);
        try (var c = new TlsCollector(context, COPY)) {
            c.prepare(plan(domain("tls", List.of("cert_expires_in"), Map.of())));
            double expiresIn = ZonedDateTime.parse("2034-06-11T09:14:26Z").toEpochSecond() - NOW.getEpochSecond();
            var main = Map.of("channel", "mysql_main");
            assertEquals(List.of(new MetricValue("cert_expires_in", expiresIn, MetricType.GAUGE, main, Map.of())),
                    c.collect(FAST));
            time.advance(java.time.Duration.ofDays(1));
            assertEquals(expiresIn - 86_400, c.collect(FAST).getFirst().value());
        }
    }

    @Test
    void noEnabledChannelIsEnabledFalse() throws Exception {
        db().execute("DROP DATABASE IF EXISTS tls_off", "CREATE DATABASE tls_off",
                "CREATE TABLE tls_off.tls_channel_status AS SELECT * FROM " + COPY + ".tls_channel_status"
                        + " WHERE CHANNEL = 'mysql_admin'");
        try (var c = new TlsCollector(admin(), "tls_off")) {
            c.prepare(plan(domain("tls", List.of("enabled", "channel_enabled"), Map.of())));
            assertEquals(List.of(MetricValue.bool("enabled", false), new MetricValue("channel_enabled", 0,
                    MetricType.BOOL, Map.of("channel", "mysql_admin"), Map.of())), c.collect(FAST));
        }
    }

    @Test
    void withoutSelectOnTheTableEnabledReadsHaveSslAndAListedChannelMetricIsAccessDenied() throws Exception {
        db().createUser("tls_nopriv", "tn-test-only", "PROCESS ON *.*");
        try {
            var context = TestingCollectors.context(db().dataSource("tls_nopriv", "tn-test-only"));
            try (var c = new TlsCollector(context, COPY)) {
                c.prepare(plan(domain("tls", List.of(), Map.of())));
                assertEquals(List.of(MetricValue.bool("enabled", sharedServerHasTls())), c.collect(FAST));
                c.prepare(plan(domain("tls", List.of("accepts"), Map.of())));
                var e = assertThrows(SQLException.class, () -> c.collect(FAST));
                assertEquals(1142, e.getErrorCode());
                assertTrue(factory.help().errors().get("access-denied").mysqlErrorCodes().contains(1142));
            }
        } finally {
            db().dropUser("tls_nopriv");
        }
    }

    @Test
    void anUnknownMetricIsAPlanError() {
        var e = assertThrows(BlipException.class,
                () -> collectOnce(factory, admin(), plan(domain("tls", List.of("have_ssl"), Map.of()))));
        assertTrue(e.getMessage().startsWith("tls: level 'fast': unknown metric 'have_ssl'; metrics: [enabled,"),
                e.getMessage());
    }

    @Test
    void helpDeclaresEveryMetricAndError() {
        var help = factory.help();
        assertEquals(List.of("enabled", "channel_enabled", "cert_not_before", "cert_not_after", "cert_expires_in",
                "accepts", "finished_accepts"), help.metrics().stream().map(m -> m.name()).toList());
        assertEquals(MetricType.BOOL, help.metric("enabled").orElseThrow().type());
        assertEquals("s", help.metric("cert_expires_in").orElseThrow().unit());
        assertEquals(List.of("channel"), help.groups());
        assertTrue(help.options().options().isEmpty());
    }

    private static List<MetricValue> collectFromCopy(List<String> metrics) throws Exception {
        var context = CollectorContext.of(TestingCollectors.MONITOR,
                db().dataSource(EmbeddedMariaDb.ADMIN_USER, EmbeddedMariaDb.ADMIN_PASSWORD), new VirtualTime(NOW));
        try (var c = new TlsCollector(context, COPY)) {
            c.prepare(plan(domain("tls", metrics, Map.of())));
            return c.collect(FAST);
        }
    }
}
