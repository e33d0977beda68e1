package io.blip.runtime;

import io.blip.api.MonitorHealth;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import io.blip.api.time.Time;
import io.blip.runtime.api.ApiBackend;
import io.blip.runtime.config.ConfigPrinter;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.plugin.Plugins;
import io.blip.runtime.prom.Exposition;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The REST API's view of the running {@link Server}: what each endpoint reads and asks. */
final class ServerApi implements ApiBackend {
    /** A monitor is ready while its last collection is younger than this many of its fastest level's intervals. */
    private static final int FRESH_INTERVALS = 2;
    /** And this much more: a collection takes some time, and the first waits for the start spread. */
    private static final Duration FRESH_SLACK = Duration.ofSeconds(3);

    private final Server server;
    private final Plugins plugins;
    private final Time time;

    ServerApi(Server server, Plugins plugins, Time time) {
        this.server = server;
        this.plugins = plugins;
        this.time = time;
    }

    @Override
    public ServerStatus status() {
        return new ServerStatus(server.started(), server.describe(), server.lastLoad(), server.monitors().size(),
                server.shard());
    }

    @Override
    public Map<String, Map<String, String>> monitorStatus() {
        var out = new LinkedHashMap<String, Map<String, String>>();
        for (Monitor m : server.monitors()) {
            out.put(m.id(), components(m));
        }
        return out;
    }

    /** A monitor's status in Blip's components ({@code monitor}, {@code dsn}, {@code engine-plan}, ...). */
    private static Map<String, String> components(Monitor m) {
        var out = new LinkedHashMap<String, String>();
        Map<String, Object> s = m.status();
        out.put("monitor", String.valueOf(s.get("state")));
        out.put("dsn", String.valueOf(s.get("dsn")));
        out.put("engine-plan", String.valueOf(s.get("plan")));
        out.put("level-collect", "interval " + s.get("intervals") + ", " + s.get("skipped") + " skipped");
        s.forEach((key, value) -> {
            if (key.startsWith("sink:")) {
                out.put(key.substring("sink:".length()), String.valueOf(value));
            } else if (key.equals("error")) {
                out.put("error:monitor", String.valueOf(value));
            } else if (!List.of("state", "dsn", "plan", "intervals", "skipped", "up").contains(key)) {
                out.put(key, String.valueOf(value));
            }
        });
        m.lastHealth().ifPresent(h -> h.errors().forEach((domain, n) ->
                out.put("error:" + domain, n + " collection(s) failed or missed the time limit")));
        return out;
    }

    @Override
    public Optional<MonitorInternal> monitorInternal(String monitorId) {
        return find(monitorId).map(m -> new MonitorInternal(m.id(), m.redactedDsn(),
                m.state() != Monitor.State.STOPPED, m.state().name().toLowerCase(java.util.Locale.ROOT),
                m.plan() == null ? "" : m.plan().name(), m.lastError(), m.lastHealth()));
    }

    @Override
    public Optional<byte[]> probe(String monitorId) throws InterruptedException {
        Optional<Monitor> m = find(monitorId);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(m.get().exporter().scrape());
    }

    @Override
    public String metrics() {
        var out = new Exposition();
        out.add("blip_build_info", "Blip's version.", Exposition.Type.GAUGE, "version", Version.get(), 1);
        List<Monitor> monitors = server.monitors();
        out.add("blip_monitors", "Monitors loaded.", Exposition.Type.GAUGE, monitors.size());
        for (Monitor m : monitors) {
            Map<String, Object> s = m.status();
            out.add("blip_monitor_running", "Whether the monitor is running (not stopped).", Exposition.Type.GAUGE,
                    "monitor", m.id(), m.state() == Monitor.State.STOPPED ? 0 : 1);
            if (s.get("up") instanceof Boolean up) {
                out.add("blip_monitor_up", "Whether the monitor's last collection reached MySQL.",
                        Exposition.Type.GAUGE, "monitor", m.id(), up ? 1 : 0);
            }
            out.add("blip_monitor_collections_total", "Collections the monitor has started (Blip's intervals).",
                    Exposition.Type.COUNTER, "monitor", m.id(), ((Number) s.get("intervals")).doubleValue());
            out.add("blip_monitor_skipped_total",
                    "Collections skipped because the last one of the level was still running.",
                    Exposition.Type.COUNTER, "monitor", m.id(), ((Number) s.get("skipped")).doubleValue());
            m.lastHealth().ifPresent(h -> h.errors().forEach((domain, n) -> out.add("blip_monitor_domain_errors",
                    "Collections of a domain that failed or missed the time limit, in the last health report.",
                    Exposition.Type.GAUGE, new String[] {"monitor", "domain"}, new String[] {m.id(), domain}, n)));
        }
        return out.toString();
    }

    private Optional<Monitor> find(String id) {
        return server.monitors().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    @Override
    public Map<String, String> monitors() {
        var out = new LinkedHashMap<String, String>();
        server.monitors().forEach(m -> out.put(m.id(), m.redactedDsn()));
        return out;
    }

    @Override
    public Registered registered() {
        return new Registered(plugins.collectorNames(), plugins.sinkNames());
    }

    @Override
    public Map<String, Object> config() {
        return ConfigPrinter.tree(server.config());
    }

    @Override
    public boolean toggleDebug() {
        return Logging.toggleDebug();
    }

    @Override
    public Readiness readiness() {
        Instant now = time.now();
        var notReady = new LinkedHashMap<String, String>();
        for (Monitor m : server.monitors()) {
            String why = whyNotReady(m, now);
            if (why != null) {
                notReady.put(m.id(), why);
            }
        }
        return new Readiness(notReady);
    }

    /** Null when the monitor's last collection is fresh; else why it is not. */
    private static String whyNotReady(Monitor m, Instant now) {
        if (m.state() == Monitor.State.STOPPED) {
            return "stopped";
        }
        Optional<MonitorHealth> last = m.lastHealth();
        if (last.isEmpty()) {
            return "no collection yet (" + m.state().name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
        MonitorHealth h = last.get();
        if (!h.up()) {
            return "the last collection did not reach MySQL" + (m.lastError().isEmpty() ? "" : ": " + m.lastError());
        }
        Plan plan = m.plan();
        if (plan == null) {
            return null; // paused by plan changing: nothing to collect, nothing late
        }
        Duration fastest = plan.levels().values().stream().map(Level::freq).min(Duration::compareTo)
                .orElse(Duration.ofSeconds(1));
        Duration age = Duration.between(h.time(), now);
        if (age.compareTo(fastest.multipliedBy(FRESH_INTERVALS).plus(FRESH_SLACK)) > 0) {
            return "last collection " + age.toSeconds() + "s ago; its fastest level runs every " + fastest.toSeconds()
                    + "s";
        }
        return null;
    }

    @Override
    public Outcome reload() {
        Server.Reload r = server.reload();
        return switch (r.outcome()) {
            case RELOADED -> Outcome.DONE;
            case STOP_LOSS -> new Outcome.StopLoss(r.message());
            case INVALID -> new Outcome.Conflict(List.of(r.message().split("\n")));
            case BUSY -> new Outcome.Conflict(r.message());
        };
    }

    @Override
    public Outcome start(String monitorId) {
        return control(monitorId, server.start(monitorId), "already running");
    }

    @Override
    public Outcome stop(String monitorId) {
        return control(monitorId, server.stop(monitorId), "already stopped");
    }

    private static Outcome control(String monitorId, Server.Control c, String already) {
        return switch (c) {
            case DONE -> Outcome.DONE;
            case UNKNOWN_ID -> new Outcome.UnknownMonitor(monitorId);
            case ALREADY -> new Outcome.Conflict(already);
            case BUSY -> new Outcome.Conflict("a reload, start or stop is in progress");
        };
    }
}
