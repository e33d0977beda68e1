package io.blip.bench;

import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.TcpProxy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.security.SecureRandom;

/**
 * The soak's faults, each in turn, every few minutes: MariaDB killed (SIGKILL) and restarted, the
 * network between bin/blip and MariaDB frozen, the password rotated (the server first, the file a
 * little later; the first time, and every other time after, with Blip's sessions killed), the OTLP receiver down (503) and up,
 * and reloads (one that stops a few monitors, one that changes nothing, one that starts them again).
 * What happened when is the timeline of the report; a freeze's line also says what was still open a
 * while after it (Blip's sessions at MariaDB, the connections through the proxy), before the next fault.
 */
final class SoakFaults {
    enum Kind {
        MYSQL_KILL("MariaDB killed (SIGKILL), restarted"),
        NETWORK_FREEZE("network frozen (TCP proxy), then passing again"),
        PASSWORD_ROTATION("password rotated: ALTER USER, the file rewritten later"),
        RECEIVER_DOWN("OTLP receiver answers 503, then 200"),
        RELOAD("reload: a few monitors removed, a reload that changes nothing, the monitors back");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    /** One fault: from its first action to its last (the fault over, things back as they were). */
    record Fault(Kind kind, int round, Instant start, Instant end, String note) {
        double seconds() {
            return Duration.between(start, end).toMillis() / 1000.0;
        }
    }

    /**
     * How long after a freeze what is still open is counted, at most: in short soaks the gap before the
     * next fault is shorter, and the count comes a little before it.
     */
    private static final Duration AFTER_FREEZE = Duration.ofSeconds(60);

    private final EmbeddedMariaDb db;
    private final TcpProxy proxy;
    private final SoakReceiver receiver;
    private final SoakSetup setup;
    private final SoakApi api;
    private final Time time = Time.system();
    private final SecureRandom random = new SecureRandom();
    private final List<Fault> done = new ArrayList<>();
    private final List<String> passwords = new ArrayList<>();

    SoakFaults(EmbeddedMariaDb db, TcpProxy proxy, SoakReceiver receiver, SoakSetup setup, SoakApi api) {
        this.db = db;
        this.proxy = proxy;
        this.receiver = receiver;
        this.setup = setup;
        this.api = api;
        passwords.add(setup.password());
    }

    /** Runs one fault of {@code kind} lasting about {@code length}. */
    void run(Kind kind, int round, Duration length) throws Exception {
        Instant start = Instant.now();
        String note = switch (kind) {
            case MYSQL_KILL -> mysqlKill(length);
            case NETWORK_FREEZE -> freeze(length);
            case PASSWORD_ROTATION -> rotate(length, round % 2 == 1);
            case RECEIVER_DOWN -> receiverDown(length);
            case RELOAD -> reloads(length);
        };
        Fault f = new Fault(kind, round, start, Instant.now(), note);
        int index;
        synchronized (this) {
            index = done.size();
            done.add(f);
        }
        System.out.printf("soak: %s round %d: %.1f s; %s%n", kind, round, f.seconds(), note);
        if (kind == Kind.NETWORK_FREEZE) {
            // Before the next fault: the gap after a fault is about twice its length (Soak's slots).
            Duration later = length.multipliedBy(2).minusSeconds(5);
            Duration after = later.compareTo(AFTER_FREEZE) < 0 ? later : AFTER_FREEZE;
            Thread.ofVirtual().name("soak-after-freeze").start(() -> countLater(index, after));
        }
    }

    /**
     * {@code after} a freeze (before the next fault), adds to its note what is still open:
     * Blip's sessions at MariaDB and the connections through the proxy. Right after a freeze the proxy
     * still holds the connections Blip gave up on while it was frozen; a while later only the ones
     * Blip uses should be left, about one per monitor.
     */
    private void countLater(int index, Duration after) {
        sleep(after);
        String later;
        try {
            later = after.toSeconds() + " s later " + sessions() + " sessions of Blip's at MariaDB, "
                    + proxy.open() + " connections through the proxy";
        } catch (SQLException e) {
            later = after.toSeconds() + " s later the sessions could not be counted: " + e.getMessage();
        }
        Fault f;
        synchronized (this) {
            f = done.get(index);
            done.set(index, new Fault(f.kind(), f.round(), f.start(), f.end(), f.note() + "; " + later));
        }
        System.out.printf("soak: %s round %d: %s%n", f.kind(), f.round(), later);
    }

    /** Blip's sessions at MariaDB now. */
    private int sessions() throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '"
                     + SoakSetup.USER + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private String mysqlKill(Duration length) {
        db.kill();
        sleep(length);
        long restart = System.nanoTime();
        db.restart();
        return String.format("down %d s, restart took %.1f s", length.toSeconds(), (System.nanoTime() - restart) / 1e9);
    }

    private String freeze(Duration length) {
        proxy.freeze();
        sleep(length);
        proxy.pass();
        return "frozen " + length.toSeconds() + " s (" + proxy.open() + " connections open after)";
    }

    private String rotate(Duration length, boolean killSessions) throws IOException, SQLException {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String next = HexFormat.of().formatHex(bytes);
        synchronized (this) {
            passwords.add(next);
        }
        db.changePassword(SoakSetup.USER, next);
        int killed = killSessions ? killSessions() : 0;
        sleep(length);
        setup.writePassword(next);
        return "file rewritten " + length.toSeconds() + " s after ALTER USER; "
                + (killSessions ? killed + " sessions of Blip's killed at ALTER USER" : "sessions kept");
    }

    private int killSessions() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.admin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '"
                    + SoakSetup.USER + "'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                try {
                    s.execute("KILL " + id);
                } catch (SQLException gone) {
                    // ended meanwhile
                }
            }
        }
        return ids.size();
    }

    private String receiverDown(Duration length) {
        receiver.down();
        sleep(length);
        receiver.up();
        return "503 for " + length.toSeconds() + " s";
    }

    private String reloads(Duration length) throws IOException {
        setup.writeMonitors(setup.removable());
        int removed = api.reload().statusCode();
        sleep(length.dividedBy(2));
        int unchanged = api.reload().statusCode();
        sleep(length.dividedBy(2));
        setup.writeMonitors(List.of());
        int back = api.reload().statusCode();
        return setup.removable().size() + " monitors removed (" + removed + "), a reload changing nothing ("
                + unchanged + "), back after " + length.toSeconds() + " s (" + back + ")";
    }

    private void sleep(Duration d) {
        try {
            time.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    synchronized List<Fault> done() {
        return List.copyOf(done);
    }

    /** Every password the MySQL user had: the first and each rotation's. */
    synchronized List<String> passwords() {
        return List.copyOf(passwords);
    }
}
