package io.blip.runtime.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.Credentials;
import io.blip.runtime.credential.MycnfSourceFactory;
import io.blip.runtime.credential.PasswordFileSourceFactory;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool and connector against a real MariaDB whose passwords change and which restarts. */
class MonitorPoolTest {
    private static EmbeddedMariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        // Its own server: one test restarts it.
        db = EmbeddedMariaDb.start();
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    private static MonitorConfig monitor(String user, String passwordFile, String mycnf) {
        MysqlConfig mysql = new MysqlConfig(db.hostPort(), "", mycnf, user, Secret.empty(), passwordFile,
                Duration.ofSeconds(5), "");
        return TestMonitors.monitor("m1", "monitors[0]", mysql, null);
    }

    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void passwordFileRotationNeedsNoRestart() throws Exception {
        db.createUser("pf_user", "first-pw", "SELECT ON *.*");
        Path file = dir.resolve("password");
        Files.writeString(file, "first-pw\n");
        MonitorConfig m = monitor("pf_user", file.toString(), "");
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m,
                new PasswordFileSourceFactory().make(CredentialContext.of(m)), Duration.ofSeconds(5)), Duration.ofSeconds(5), time)) {
            try (Connection c = pool.getConnection()) {
                assertEquals("pf_user@%", currentUser(c));
            }
            db.changePassword("pf_user", "second-pw");
            Files.writeString(file, "second-pw\n");
            pool.evictIdle();
            try (Connection c = pool.getConnection()) {
                assertEquals("pf_user@%", currentUser(c));
            }
        }
    }

    @Test
    void mycnfRotationNeedsNoRestart() throws Exception {
        db.createUser("cnf_user", "first-pw", "SELECT ON *.*");
        Path cnf = dir.resolve("my.cnf");
        Files.writeString(cnf, "[client]\nuser=cnf_user\npassword=first-pw\n");
        MonitorConfig m = monitor(MysqlConfig.DEFAULT_USERNAME, "", cnf.toString());
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, new MycnfSourceFactory().make(CredentialContext.of(m)),
                Duration.ofSeconds(5)), Duration.ofSeconds(5), time)) {
            try (Connection c = pool.getConnection()) {
                assertEquals("cnf_user@%", currentUser(c));
            }
            db.changePassword("cnf_user", "second-pw");
            Files.writeString(cnf, "[client]\nuser=cnf_user\npassword=second-pw\n");
            pool.evictIdle();
            try (Connection c = pool.getConnection()) {
                assertEquals("cnf_user@%", currentUser(c));
            }
        }
    }

    @Test
    void accessDeniedAsksTheSourceAgainOnceAndReconnects() throws Exception {
        db.createUser("cached_user", "old-pw", "SELECT ON *.*");
        List<CredentialReason> asked = new ArrayList<>();
        // A source that caches until told access was denied, as the AWS sources do.
        CredentialSource caching = reason -> {
            asked.add(reason);
            String pw = asked.contains(CredentialReason.ACCESS_DENIED) ? "new-pw" : "old-pw";
            return Credentials.of("cached_user", Secret.of(pw));
        };
        MonitorConfig m = monitor("cached_user", "", "");
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, caching, Duration.ofSeconds(5)),
                Duration.ofSeconds(5), time)) {
            try (Connection c = pool.getConnection()) {
                assertTrue(c.isValid(2));
            }
            db.changePassword("cached_user", "new-pw");
            pool.evictIdle();
            try (Connection c = pool.getConnection()) {
                assertEquals("cached_user@%", currentUser(c));
            }
        }
        assertEquals(List.of(CredentialReason.CONNECT, CredentialReason.CONNECT, CredentialReason.ACCESS_DENIED),
                asked);
    }

    @Test
    void inACollectionAFailedConnectIsNotTriedAgainAndTheNextCollectionTries() throws Exception {
        db.createUser("tries_user", "new-pw", "SELECT ON *.*");
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch fifthAsk = new CountDownLatch(5);
        AtomicReference<String> password = new AtomicReference<>("old-pw");
        AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
        CredentialSource source = reason -> {
            asked.incrementAndGet();
            fifthAsk.countDown();
            String pw = password.get();
            try {
                gate.get().await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Credentials.of("tries_user", Secret.of(pw));
        };
        MonitorConfig m = monitor("tries_user", "", "");
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, source, Duration.ofSeconds(5)),
                Duration.ofSeconds(5), time)) {
            pool.collectionBegins();
            SQLException denied = assertThrows(SQLException.class, pool::getConnection);
            assertEquals(MysqlConnector.ER_ACCESS_DENIED, denied.getErrorCode());
            assertEquals(2, asked.get(), "CONNECT, and ACCESS_DENIED once");
            SQLException notTried = assertThrows(MonitorPool.NotTried.class, pool::getConnection);
            assertEquals(denied.getMessage(), notTried.getMessage());
            assertEquals(denied.getErrorCode(), notTried.getErrorCode());
            assertEquals(denied.getSQLState(), notTried.getSQLState());
            assertEquals(2, asked.get(), "the rest of the collection does not try again");
            pool.collectionEnds();
            assertThrows(SQLException.class, pool::getConnection);
            assertEquals(4, asked.get(), "outside a collection, every borrower tries");

            // A connect asked for in one collection that fails after the next has begun does not count there.
            gate.set(new CountDownLatch(1));
            pool.collectionBegins();
            CompletableFuture<Connection> late = borrow(pool);
            assertTrue(fifthAsk.await(10, TimeUnit.SECONDS), "the late borrower asks the source");
            pool.collectionEnds();
            pool.collectionBegins();
            gate.get().countDown();
            ExecutionException lateFailure = assertThrows(ExecutionException.class,
                    () -> late.get(10, TimeUnit.SECONDS));
            assertEquals(MysqlConnector.ER_ACCESS_DENIED, ((SQLException) lateFailure.getCause()).getErrorCode());
            password.set("new-pw");
            try (Connection c = pool.getConnection()) {
                assertEquals("tries_user@%", currentUser(c), "the next collection tries, and logs in");
            }
            pool.collectionEnds();
        }
    }

    @Test
    void connectsThroughTheUnixSocket() throws Exception {
        db.createUser("sock_user", "pw", "SELECT ON *.*");
        MysqlConfig mysql = new MysqlConfig("", db.socket().toString(), "", "sock_user", Secret.of("pw"), "",
                Duration.ofSeconds(5), "");
        MonitorConfig m = TestMonitors.monitor("m1", "monitors[0]", mysql, null);
        CredentialSource source = reason -> Credentials.of("sock_user", Secret.of("pw"));
        MysqlConnector connector = TestMonitors.connector(m, source, Duration.ofSeconds(5));
        assertEquals("sock_user:...@unix(" + db.socket() + ")/", connector.redactedDsn());
        try (MonitorPool pool = new MonitorPool("m1", connector, Duration.ofSeconds(5), time);
             Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@socket, CURRENT_USER(), REPEAT('x', 100000)")) {
            rs.next();
            assertEquals(db.socket().toString(), rs.getString(1));
            assertEquals("sock_user@%", rs.getString(2));
            assertEquals(100000, rs.getString(3).length());
        }
    }

    @Test
    void loadDataLocalIsRefusedByTheDriver() throws Exception {
        db.createUser("local_user", "pw", "ALL ON *.*");
        db.execute("CREATE DATABASE IF NOT EXISTS pool_test", "CREATE TABLE IF NOT EXISTS pool_test.t (v TEXT)");
        Path secret = dir.resolve("client-file.txt");
        Files.writeString(secret, "a file on the Blip host");
        MonitorConfig m = monitor("local_user", "", "");
        CredentialSource source = reason -> Credentials.of("local_user", Secret.of("pw"));
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, source, Duration.ofSeconds(5)),
                Duration.ofSeconds(5), time);
             Connection c = pool.getConnection();
             Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute(
                    "LOAD DATA LOCAL INFILE '" + secret + "' INTO TABLE pool_test.t"));
            assertTrue(e.getMessage().contains("disabled the local infile capability"), e.getMessage());
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pool_test.t")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    void domainsTakeTurnsOnOneConnectionAndOneThatWaitsLongGetsASpare() throws Exception {
        db.createUser("wait_user", "pw", "SELECT ON *.*");
        MonitorConfig m = monitor("wait_user", "", "");
        CredentialSource source = reason -> Credentials.of("wait_user", Secret.of("pw"));
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, source, Duration.ofSeconds(5)),
                Duration.ofSeconds(1), time)) {
            Connection first = pool.getConnection();
            CompletableFuture<Connection> second = borrow(pool);
            time.awaitWaiters(1, Duration.ofSeconds(10));
            first.close();
            Connection turn = second.get(10, TimeUnit.SECONDS);
            assertEquals("wait_user@%", currentUser(turn));
            assertEquals(1, pool.open(), "the second borrower got the one connection, given back");
            assertEquals(Instant.parse("2026-01-01T00:00:00Z"), time.now(), "no time passed");

            CompletableFuture<Connection> spare = borrow(pool);
            time.awaitWaiters(1, Duration.ofSeconds(10));
            time.advance(MonitorPool.SPARE_AFTER.minusMillis(1));
            time.awaitWaiters(1, Duration.ofSeconds(10));
            assertFalse(spare.isDone(), "waits for the one connection a while");
            time.advance(Duration.ofMillis(1));
            try (Connection own = spare.get(10, TimeUnit.SECONDS)) {
                assertEquals("wait_user@%", currentUser(own));
                assertEquals(2, pool.open());
            }
            assertEquals(2, pool.open(), "given back while no other is idle: kept");
            turn.close();
            assertEquals(1, pool.open(), "given back while another is idle and nobody waits: closed");
        }
    }

    /** Background work that can wait never makes the monitor open a second connection. */
    @Test
    void awaitingBorrowerWaitsForTheOneConnectionInsteadOfASpare() throws Exception {
        db.createUser("await_user", "pw", "SELECT ON *.*");
        MonitorConfig m = monitor("await_user", "", "");
        CredentialSource source = reason -> Credentials.of("await_user", Secret.of("pw"));
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, source, Duration.ofSeconds(5)),
                Duration.ofSeconds(1), time)) {
            try (Connection none = pool.awaitConnection()) {
                assertEquals("await_user@%", currentUser(none), "none open: it opens the first");
            }
            Connection held = pool.getConnection();
            CompletableFuture<Connection> waiting = borrow(pool::awaitConnection);
            time.awaitWaiters(1, Duration.ofSeconds(10));
            time.advance(MonitorPool.SPARE_AFTER.multipliedBy(5));
            time.awaitWaiters(1, Duration.ofSeconds(10));
            assertFalse(waiting.isDone(), "no spare, however long it waits");
            assertEquals(1, pool.open());
            held.close();
            try (Connection turn = waiting.get(10, TimeUnit.SECONDS)) {
                assertEquals("await_user@%", currentUser(turn));
                assertEquals(1, pool.open());
            }

            held = pool.getConnection();
            CompletableFuture<Connection> late = borrow(pool::awaitConnection);
            time.awaitWaiters(1, Duration.ofSeconds(10));
            time.advance(Duration.ofSeconds(1));
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("busy"), e.getCause().getMessage());
            held.close();
            assertEquals(1, pool.open());
        }
    }

    @Test
    void wrongPasswordFailsWithoutShowingIt() {
        db.createUser("wrong_user", "right-pw", "SELECT ON *.*");
        MonitorConfig m = monitor("wrong_user", "", "");
        CredentialSource wrong = reason -> Credentials.of("wrong_user", Secret.of("s3cret-wrong"));
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, wrong, Duration.ofSeconds(5)),
                Duration.ofSeconds(5), time)) {
            SQLException e = assertThrows(SQLException.class, pool::getConnection);
            assertEquals(MysqlConnector.ER_ACCESS_DENIED, e.getErrorCode());
            assertFalse(e.getMessage().contains("s3cret-wrong"));
        }
    }

    /** A connection of its own, as a borrower gets it while the others are lent: after SPARE_AFTER. */
    private Connection spare(MonitorPool pool) throws Exception {
        CompletableFuture<Connection> got = borrow(pool);
        time.awaitWaiters(1, Duration.ofSeconds(10));
        time.advance(MonitorPool.SPARE_AFTER);
        return got.get(10, TimeUnit.SECONDS);
    }

    /** Borrows a connection on a thread of its own: the pool may make it wait. */
    private static CompletableFuture<Connection> borrow(MonitorPool pool) {
        return borrow(pool::getConnection);
    }

    private interface Borrow {
        Connection get() throws SQLException;
    }

    private static CompletableFuture<Connection> borrow(Borrow how) {
        CompletableFuture<Connection> got = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                got.complete(how.get());
            } catch (SQLException e) {
                got.completeExceptionally(e);
            }
        });
        return got;
    }

    @Test
    void atMostThreeConnectionsAndAnIdleOneIsCheckedAfterARestart() throws Exception {
        db.createUser("pool_user", "pw", "SELECT ON *.*");
        MonitorConfig m = monitor("pool_user", "", "");
        CredentialSource source = reason -> Credentials.of("pool_user", Secret.of("pw"));
        try (MonitorPool pool = new MonitorPool("m1", TestMonitors.connector(m, source, Duration.ofSeconds(5)),
                Duration.ofMillis(200), time)) {
            Connection a = pool.getConnection();
            Connection b = spare(pool);
            Connection c = spare(pool);
            assertEquals(3, pool.open());
            CompletableFuture<Connection> fourth = borrow(pool);
            time.awaitWaiters(1, Duration.ofSeconds(10));
            time.advance(Duration.ofMillis(199));
            time.awaitWaiters(1, Duration.ofSeconds(10));
            assertFalse(fourth.isDone(), "waits the whole borrow timeout");
            time.advance(Duration.ofMillis(1));
            ExecutionException busy = assertThrows(ExecutionException.class, () -> fourth.get(10, TimeUnit.SECONDS));
            assertEquals("monitor m1: all 3 connections busy for 200 ms", busy.getCause().getMessage());
            a.close();
            b.close();
            c.close();

            db.restart();
            // Idle for less than CHECK_AFTER_IDLE: lent unchecked; its first query fails and it is closed.
            time.advance(Duration.ofSeconds(3));
            try (Connection dead = pool.getConnection()) {
                assertThrows(SQLException.class, () -> currentUser(dead));
            }
            try (Connection after = pool.getConnection()) {
                assertEquals("pool_user@%", currentUser(after));
            }
            // Idle for longer: checked before it is lent, and replaced when dead.
            db.restart();
            time.advance(MonitorPool.CHECK_AFTER_IDLE.plusSeconds(1));
            try (Connection after = pool.getConnection()) {
                assertEquals("pool_user@%", currentUser(after));
            }
        }
    }
}
