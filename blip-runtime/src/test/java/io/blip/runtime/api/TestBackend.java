package io.blip.runtime.api;

import io.blip.api.MonitorHealth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link ApiBackend} for the API's tests: fixed answers a test may change, and a record of
 * the controls asked for. Starting or stopping keeps a set of running monitor ids, so a second
 * start is a conflict as it is in the server.
 */
class TestBackend implements ApiBackend {
    static final Instant STARTED = Instant.parse("2026-12-04T21:00:00Z");

    ServerStatus status = new ServerStatus(STARTED, "running since 2026-12-04T21:00:00Z",
            "2 monitors started at 2026-12-04T21:00:00Z", 2, "");
    final Map<String, String> monitors = new LinkedHashMap<>(Map.of(
            "db2", "blip:...@tcp(db2.test:3306)/", "db1", "blip:...@unix(/tmp/mysql.sock)/"));
    final List<String> running = new ArrayList<>(List.of("db1", "db2"));
    Map<String, Object> config = Map.of("api", Map.of("bind", "127.0.0.1:0"));
    Readiness readiness = Readiness.READY;
    Outcome reload = Outcome.DONE;
    boolean debugging;
    final List<String> calls = new ArrayList<>();

    @Override
    public ServerStatus status() {
        return status;
    }

    @Override
    public Map<String, Map<String, String>> monitorStatus() {
        var out = new LinkedHashMap<String, Map<String, String>>();
        monitors.forEach((id, dsn) -> out.put(id, Map.of(
                "monitor", running.contains(id) ? "running since 2026-12-04T21:00:01Z" : "stopped",
                "dsn", dsn, "engine-plan", "default-mysql", "level-state", "active")));
        return out;
    }

    @Override
    public Optional<MonitorInternal> monitorInternal(String monitorId) {
        if (!monitors.containsKey(monitorId)) {
            return Optional.empty();
        }
        var health = new MonitorHealth(monitorId, STARTED.plusSeconds(5), STARTED, true,
                Map.of("kpi", new MonitorHealth.Level(5, java.time.Duration.ofMillis(2))), Map.of("size.binlog", 1L), 0,
                List.of(new MonitorHealth.Sink("log", 5, 0, 0, 0, 0, 1)));
        return Optional.of(new MonitorInternal(monitorId, monitors.get(monitorId), running.contains(monitorId),
                "running", "default-mysql", "", Optional.of(health)));
    }

    @Override
    public Map<String, String> monitors() {
        return monitors;
    }

    @Override
    public Registered registered() {
        return new Registered(List.of("var.global", "status.global"), List.of("noop", "log"));
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public boolean toggleDebug() {
        debugging = !debugging;
        return debugging;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    @Override
    public Outcome reload() {
        calls.add("reload");
        return reload;
    }

    @Override
    public Outcome start(String monitorId) {
        calls.add("start " + monitorId);
        if (!monitors.containsKey(monitorId)) {
            return new Outcome.UnknownMonitor(monitorId);
        }
        if (running.contains(monitorId)) {
            return new Outcome.Conflict("already running");
        }
        running.add(monitorId);
        return Outcome.DONE;
    }

    @Override
    public java.util.Optional<byte[]> probe(String monitorId) {
        calls.add("probe " + monitorId);
        return monitors.containsKey(monitorId)
                ? java.util.Optional.of("# HELP mysql_up Whether the MySQL server is up.\n# TYPE mysql_up gauge\nmysql_up 1\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : java.util.Optional.empty();
    }

    @Override
    public String metrics() {
        return "# HELP blip_monitors Monitors loaded.\n# TYPE blip_monitors gauge\nblip_monitors 2\n";
    }

    @Override
    public Outcome stop(String monitorId) {
        calls.add("stop " + monitorId);
        if (!monitors.containsKey(monitorId)) {
            return new Outcome.UnknownMonitor(monitorId);
        }
        if (!running.remove(monitorId)) {
            return new Outcome.Conflict("already stopped");
        }
        return Outcome.DONE;
    }
}
