package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.api.BlipException;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.VirtualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans from a table ({@code plans.table} on {@code plans.monitor}), read at boot and on every
 * reload from a real MariaDB: shared rows and a monitor's own, precedence by name, bad rows.
 */
class PlanTableTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String PLAN = "lvl:\n  freq: 5s\n  collect:\n    status.global:\n      metrics: [threads_running]\n";

    @TempDir
    Path dir;

    private final VirtualTime time = new VirtualTime(START);
    private EmbeddedMariaDb db;
    private Server server;

    @BeforeEach
    void table() throws Exception {
        db = EmbeddedMariaDb.shared();
        db.createUser("pt_monitor", "pt-pw", "PROCESS ON *.*");
        db.createUser("pt_plans", "pt-plans-pw", "SELECT ON blip_pt.*");
        db.execute("CREATE DATABASE IF NOT EXISTS blip_pt", "DROP TABLE IF EXISTS blip_pt.plans",
                "CREATE TABLE blip_pt.plans (name VARCHAR(100) NOT NULL PRIMARY KEY, plan BLOB NOT NULL,"
                        + " monitor_id VARCHAR(1000) NULL DEFAULT NULL) ENGINE=InnoDB");
        insert("z-shared", PLAN, null);
        insert("a-shared", PLAN, null);
        insert("m1-own", PLAN, "m1");
        Files.writeString(dir.resolve("blip.yaml"), """
                api: {bind: "127.0.0.1:0"}
                mysql:
                  username: pt_monitor
                  password: pt-pw
                sinks:
                  noop: {}
                plans:
                  table: blip_pt.plans
                  monitor:
                    hostname: %1$s
                    username: pt_plans
                    password: pt-plans-pw
                monitors:
                  - id: m1
                    hostname: %1$s
                  - id: m2
                    hostname: %1$s
                  - id: m3
                    hostname: %1$s
                    plan: z-shared
                """.formatted(db.hostPort()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void insert(String name, String plan, String monitorId) {
        db.execute("INSERT INTO blip_pt.plans VALUES ('" + name + "', '" + plan.replace("\n", "\\n") + "', "
                + (monitorId == null ? "NULL" : "'" + monitorId + "'") + ")");
    }

    private Server boot() {
        server = Server.boot(new CliOptions(dir.resolve("blip.yaml"), dir.resolve("no-plugins"), false, false, false,
                false, false, false, false, true), Map.of(), System.out, time);
        return server;
    }

    private Map<String, String> plans() {
        var out = new LinkedHashMap<String, String>();
        for (Monitor m : server.monitors()) {
            out.put(m.id(), m.plan().name());
        }
        return out;
    }

    @Test
    void aMonitorGetsItsOwnRowsThenTheSharedOnesInNameOrder() {
        boot();
        assertEquals(Map.of("m1", "m1-own", "m2", "a-shared", "m3", "z-shared"), plans());
    }

    @Test
    void everyReloadReadsTheTableAgainAndABadRowKeepsTheRunningSet() {
        boot().run();
        db.execute("UPDATE blip_pt.plans SET plan = '" + (PLAN + "more:\n  freq: 10s\n  collect:\n    innodb: {}\n")
                .replace("\n", "\\n") + "' WHERE name = 'a-shared'");
        Server.Reload reload = server.reload();
        assertEquals(Server.ReloadOutcome.RELOADED, reload.outcome(), reload.message());
        assertEquals(List.of("m2"), reload.changed(), "the monitor whose plan's row changed restarts");

        insert("b-bad", "lvl:\n  freq: 5x\n  collect:\n    no.such.domain: {}\n", null);
        reload = server.reload();
        assertEquals(Server.ReloadOutcome.INVALID, reload.outcome());
        assertEquals(dir.resolve("blip.yaml") + ": plans.table: blip_pt.plans, plan 'b-bad':2: lvl.freq: '5x' is not a"
                + " duration; write it like 5s, 250ms, 1m30s or 1h", reload.message());
        assertEquals(List.of("m1", "m2", "m3"), server.monitors().stream().map(Monitor::id).toList());
    }

    @Test
    void aTableWithBlipsCodeColumnNameSaysWhichTheDocsName() {
        db.execute("ALTER TABLE blip_pt.plans RENAME COLUMN monitor_id TO monitorId");
        BlipException e = assertThrows(BlipException.class, this::boot);
        assertEquals(dir.resolve("blip.yaml") + ": plans.table: cannot read plans from blip_pt.plans: Unknown column"
                + " 'monitor_id' in 'field list' (Blip's docs name the column monitor_id, which Blip's code reads as"
                + " monitorId: rename it, ALTER TABLE ... RENAME COLUMN monitorId TO monitor_id)", e.getMessage());
    }

    @Test
    void aPlanChangeMayNameATablePlanAndAnUnknownNameIsABootError() throws Exception {
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, Files.readString(config).replace("plans:\n", """
                plans:
                  change:
                    read-only:
                      plan: z-shared
                    active:
                      plan: no-such-plan
                """));
        BlipException e = assertThrows(BlipException.class, this::boot);
        assertEquals(String.join("\n",
                config + ": monitors[0]: plans.change.active.plan: no plan named 'no-such-plan'; available: m1-own,"
                        + " a-shared, z-shared, default-mysql, default-exporter",
                config + ": monitors[1]: plans.change.active.plan: no plan named 'no-such-plan'; available: a-shared,"
                        + " z-shared, default-mysql, default-exporter",
                config + ": monitors[2]: plans.change.active.plan: no plan named 'no-such-plan'; available: a-shared,"
                        + " z-shared, default-mysql, default-exporter"), e.getMessage());
    }
}
