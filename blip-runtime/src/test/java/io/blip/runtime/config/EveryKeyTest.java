package io.blip.runtime.config;

import io.blip.api.config.MonitorConfig;
import io.blip.runtime.config.Keys.Key;
import io.blip.runtime.config.Keys.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 12's rule, key by key: every key the config accepts ({@link Keys}, walked, so that a new
 * key without a probe here fails) either changes what is loaded, or is refused with "not supported".
 * A monitor key is probed in each place it may be written: in a monitor, as a top-level default
 * (read back from the monitor that inherits it) and in {@code plans.monitor}.
 */
class EveryKeyTest {
    private static final Keys KEYS = new Keys(TestDeclarations.DECLARATIONS);

    @TempDir
    static Path dir;

    /**
     * How to show that a key works: the value to set, what to read back from the loaded monitor (or
     * config), and other keys the value needs beside it (set in the probe only) or that the base
     * config needs too.
     */
    record Probe(Object value, Function<Object, Object> read, Map<String, Object> also, Map<String, Object> base) {
    }

    private static Probe monitor(Object value, Function<MonitorConfig, Object> read) {
        return new Probe(value, m -> read.apply((MonitorConfig) m), Map.of(), Map.of());
    }

    private static Probe top(Object value, Function<BlipConfig, Object> read) {
        return new Probe(value, c -> read.apply((BlipConfig) c), Map.of(), Map.of());
    }

    private static Probe also(Probe p, Map<String, Object> also) {
        return new Probe(p.value(), p.read(), also, p.base());
    }

    private static Probe base(Probe p, Map<String, Object> base) {
        return new Probe(p.value(), p.read(), p.also(), base);
    }

    private static String file(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The keys of a monitor, as written in a monitor (and, for defaults, at the top level). */
    private static Map<String, Probe> monitorProbes() {
        var p = new LinkedHashMap<String, Probe>();
        p.put("id", monitor("m-probe", MonitorConfig::id));
        p.put("hostname", monitor("other.local:3307", m -> m.mysql().hostname()));
        p.put("socket", monitor("/tmp/probe.sock", m -> m.mysql().socket()));
        p.put("mycnf", monitor(file("probe.cnf", "[client]\nuser=u\n"), m -> m.mysql().mycnf()));
        p.put("username", monitor("probe", m -> m.mysql().username()));
        p.put("password", monitor("probe-pw", m -> m.mysql().password().reveal()));
        p.put("password-file", monitor(file("probe.pw", "pw"), m -> m.mysql().passwordFile()));
        p.put("timeout-connect", monitor("3s", m -> m.mysql().timeoutConnect()));
        p.put("credential-source", monitor("password", m -> m.mysql().credentialSource()));
        p.put("aws", monitor(Map.of("region", "us-west-2"), m -> m.section("aws").string("region")));
        p.put("exporter", monitor(Map.of("mode", "dual", "flags", Map.of("web.listen-address", "127.0.0.1:9199")),
                m -> m.section("exporter").string("mode") + " " + m.section("exporter").section("flags")
                        .string("web.listen-address")));
        var hbBase = Map.<String, Object>of("heartbeat.freq", "1s");
        p.put("heartbeat.freq", monitor("2s", m -> m.heartbeat().freq()));
        p.put("heartbeat.source-id", base(monitor("src", m -> m.heartbeat().sourceId()), hbBase));
        p.put("heartbeat.source", base(monitor("src", m -> m.heartbeat().sourceId()), hbBase));
        p.put("heartbeat.role", base(monitor("west", m -> m.heartbeat().role()), hbBase));
        p.put("heartbeat.table", base(monitor("db.hb", m -> m.heartbeat().table()), hbBase));
        p.put("plans.files", monitor(List.of("p.yaml"), m -> m.plans().files()));
        p.put("plans.disable-default-plans", monitor("true", m -> m.plans().disableDefaultPlans()));
        for (String state : List.of("offline", "standby", "read-only", "active")) {
            Function<MonitorConfig, io.blip.api.config.PlanChangeConfig.StatePlan> of = m -> switch (state) {
                case "offline" -> m.plans().change().offline();
                case "standby" -> m.plans().change().standby();
                case "read-only" -> m.plans().change().readOnly();
                default -> m.plans().change().active();
            };
            p.put("plans.change." + state + ".after", also(monitor("5s", m -> of.apply(m) == null ? null
                    : of.apply(m).after()), Map.of("plans.change." + state + ".plan", "p.yaml")));
            p.put("plans.change." + state + ".plan", monitor("p.yaml", m -> of.apply(m) == null ? null
                    : of.apply(m).plan()));
        }
        p.put("sinks", monitor(Map.of("log", Map.of()), m -> m.sinks().keySet()));
        p.put("tags", monitor(Map.of("env", "probe"), MonitorConfig::tags));
        p.put("tls.ca", monitor(file("ca.pem", "x"), m -> m.tls().ca()));
        String cert = file("cert.pem", "x");
        String key = file("key.pem", "x");
        p.put("tls.cert", also(monitor(cert, m -> m.tls().cert()), Map.of("tls.key", key)));
        p.put("tls.key", also(monitor(key, m -> m.tls().key()), Map.of("tls.cert", cert)));
        p.put("tls.skip-verify", monitor("true", m -> m.tls().skipVerify()));
        p.put("tls.disable", monitor("true", m -> m.tls().disable()));
        p.put("tls.server-name", monitor("db.example", m -> m.tls().serverName()));
        p.put("tls.min-version", monitor("TLSv1.3", m -> m.tls().minVersion()));
        p.put("meta", monitor(Map.of("canary", "yes"), MonitorConfig::meta));
        p.put("plan", monitor("p.yaml", MonitorConfig::plan));
        return p;
    }

    /** The keys of the server part of the config. */
    private static Map<String, Probe> topProbes() {
        var p = new LinkedHashMap<String, Probe>();
        p.put("api.bind", top("127.0.0.1:9999", c -> c.api().bind()));
        p.put("api.disable", top("true", c -> c.api().disable()));
        p.put("api.auth-token-file", top(file("token", "s3cret-token-value\n"), c -> c.api().authTokenFile()));
        String cert = file("api-cert.pem", "x");
        String key = file("api-key.pem", "x");
        p.put("api.tls.cert", also(top(cert, c -> c.api().tlsCert()), Map.of("api.tls.key", key)));
        p.put("api.tls.key", also(top(key, c -> c.api().tlsKey()), Map.of("api.tls.cert", cert)));
        p.put("api.tls.ca", also(top(file("api-ca.pem", "x"), c -> c.api().tlsCa()),
                Map.of("api.tls.cert", cert, "api.tls.key", key)));
        p.put("http.proxy", top("http://proxy:3128", BlipConfig::httpProxy));
        p.put("logging.level", top("debug", c -> c.log().level().toString()));
        p.put("logging.levels", top(Map.of("io.blip.runtime.delivery", "debug"), c -> c.log().levels().toString()));
        p.put("logging.format", top("json", c -> c.log().json()));
        p.put("logging.quiet", top("true", c -> c.log().quiet()));
        p.put("monitor-loader.files", top(List.of(file("more.yaml", "hostname: more.local\n")),
                c -> c.monitorLoader().files()));
        p.put("monitor-loader.stop-loss", top("50%", c -> c.monitorLoader().stopLoss()));
        p.put("monitor-loader.shard", top("1/3", c -> c.monitorLoader().shard()));
        p.put("monitor-loader.local.disable-auto", top("true", c -> c.monitorLoader().localDisableAuto()));
        p.put("monitor-loader.local.disable-auto-root", top("true", c -> c.monitorLoader().localDisableAutoRoot()));
        p.put("plans.files", top(List.of("p.yaml"), c -> c.plans().files()));
        p.put("plans.disable-default-plans", top("true", c -> c.plans().disableDefaultPlans()));
        p.put("plans.table", also(top("blip.plans", c -> c.plans().table()),
                Map.of("plans.monitor", Map.of("hostname", "plans.local"))));
        return p;
    }

    /** Where a key is written, and so how its probe is set and read back. */
    enum Place {
        /** in {@code monitors[0]} */
        MONITOR,
        /** at the top level, inherited by {@code monitors[0]} */
        DEFAULT,
        /** in {@code plans.monitor} */
        PLANS_MONITOR,
        /** the server part, read from the config */
        TOP
    }

    /** One accepted key: its path as walked, where it is written, its name there, and its declaration. */
    record Walked(String path, Place place, String name, Key key) {
        @Override
        public String toString() {
            return path;
        }
    }

    /** Every key of {@link Keys}: a section's keys, not the section; {@code monitors[]} for each monitor's. */
    static List<Walked> walk() {
        var out = new ArrayList<Walked>();
        walk(KEYS.top, "", out);
        return out;
    }

    private static void walk(Map<String, Key> keys, String prefix, List<Walked> out) {
        keys.forEach((name, key) -> {
            String path = prefix + name;
            boolean descend = key.unsupported() == null && !key.children().isEmpty()
                    && (key.shape() == Shape.SECTION || key.shape() == Shape.LOADERS);
            if (key.shape() == Shape.MONITORS) {
                walk(key.children(), path + "[].", out);
            } else if (descend) {
                walk(key.children(), path + ".", out);
            } else {
                out.add(placed(path, key));
            }
        });
    }

    private static Walked placed(String path, Key key) {
        if (path.startsWith("monitors[].")) {
            return new Walked(path, Place.MONITOR, path.substring(11), key);
        }
        if (path.startsWith("plans.monitor.")) {
            return new Walked(path, Place.PLANS_MONITOR, path.substring(14), key);
        }
        if (path.startsWith("mysql.")) {
            return new Walked(path, Place.DEFAULT, path.substring(6), key);
        }
        String section = path.split("\\.")[0];
        boolean inherited = KEYS.inherited.contains(section) || section.equals("ha")
                || path.startsWith("plans.change.");
        return new Walked(path, inherited ? Place.DEFAULT : Place.TOP, path, key);
    }

    @Test
    void theWalkFindsBlipsKeysInEveryPlace() {
        var paths = walk().stream().map(Walked::path).collect(Collectors.toCollection(TreeSet::new));
        for (String expected : List.of("api.bind", "http.proxy", "monitor-loader.stop-loss",
                "monitor-loader.local.disable-auto-root", "heartbeat.source", "mysql.timeout-connect",
                "monitors[].heartbeat.freq", "monitors[].plans.change.read-only.after", "plans.monitor.hostname",
                "plans.table", "monitors[].plans.table", "exporter", "monitors[].exporter", "ha", "aws", "monitors[].aws")) {
            assertTrue(paths.contains(expected), expected + " in " + paths);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyKeyChangesWhatIsLoadedOrIsRefusedAsNotSupported() {
        Map<String, Probe> monitorProbes = monitorProbes();
        Map<String, Probe> topProbes = topProbes();
        return walk().stream().map(w -> DynamicTest.dynamicTest(w.toString(), () -> {
            if (w.key().unsupported() != null) {
                assertRefused(w, valueOfShape(w.key()));
                return;
            }
            if (w.path().equals("ha") || w.path().equals("monitors[].ha") || w.path().equals("plans.monitor.ha")) {
                assertRefused(w, Map.of("manager", "x")); // Blip's empty placeholder: nothing in it works
                return;
            }
            Probe probe = (w.place() == Place.TOP ? topProbes : monitorProbes).get(w.name());
            if (probe == null) {
                fail(w.path() + ": no probe; add one to EveryKeyTest that shows what the key changes");
            }
            Object before = read(w, probe, false);
            Object after = read(w, probe, true);
            assertNotEquals(before, after, w.path() + " set to " + probe.value() + " changed nothing");
        }));
    }

    @Test
    void sinksAreCheckedEvenWhenNoMonitorUsesThem() throws IOException {
        Path file = Files.writeString(dir.resolve("no-monitors.yaml"), """
                sinks:
                  nope:
                    x: 1
                  log:
                    buffer-sise: 3
                monitor-loader:
                  local:
                    disable-auto: true
                """);
        List<String> problems = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, TestDeclarations.context(Map.of()))).problems();
        assertEquals(List.of(file + ":2: sinks.nope: no sink named 'nope'"), problems.stream()
                .filter(p -> p.contains("nope")).toList());
        assertTrue(problems.stream().anyMatch(p -> p.contains("sinks.log.buffer-sise")), problems.toString());
    }

    @Test
    void blipsDocumentedSpellingsAreReadAsTheCodesWithAWarning() throws IOException {
        var logged = new ArrayList<String>();
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage()); // slf4j-jdk14 hands over the formatted message
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Keys.class.getName());
        jul.addHandler(handler);
        try {
            Path file = Files.writeString(dir.resolve("spellings.yaml"), """
                    aws:
                      auth-token: true
                    heartbeat:
                      freq: 1s
                      source: src1
                    monitors:
                      - hostname: db.local
                    """);
            MonitorConfig m = ConfigLoader.load(file, TestDeclarations.context(Map.of())).monitors().getFirst();
            assertTrue(m.section("aws").bool("iam-auth"));
            assertEquals("src1", m.heartbeat().sourceId());
        } finally {
            jul.removeHandler(handler);
        }
        assertEquals(List.of(dir.resolve("spellings.yaml") + ":2: aws.auth-token: deprecated spelling (Blip's docs);"
                        + " write iam-auth instead",
                dir.resolve("spellings.yaml") + ":5: heartbeat.source: deprecated spelling (Blip's docs); write"
                        + " source-id instead"), logged);
    }

    // ------------------------------------------------------------------------------------- loading

    private static Object valueOfShape(Key key) {
        return switch (key.shape()) {
            case SCALAR -> "x";
            case LIST -> List.of("x");
            default -> Map.of("x", "y");
        };
    }

    private static void assertRefused(Walked w, Object value) throws IOException {
        Map<String, Object> config = config(w, Map.of(w.name(), value), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> load(config), w.path() + " was accepted");
        String refusal = e.problems().stream().filter(p -> p.contains(w.path().replace("[]", "[0]")))
                .findFirst().orElse(String.join("\n", e.problems()));
        assertTrue(refusal.contains("not supported"), w.path() + ": " + refusal);
    }

    /** What the probe reads from the config loaded without ({@code set} false) or with the key. */
    private static Object read(Walked w, Probe probe, boolean set) throws IOException {
        var keys = new LinkedHashMap<String, Object>(probe.base());
        if (set) {
            keys.putAll(probe.also());
            keys.put(w.name(), probe.value());
        }
        BlipConfig c = load(config(w, keys, Map.of()));
        return switch (w.place()) {
            case TOP -> probe.read().apply(c);
            case MONITOR, DEFAULT -> probe.read().apply(c.monitors().getFirst());
            case PLANS_MONITOR -> probe.read().apply(c.plans().monitor());
        };
    }

    /** A config with one monitor and the given keys (dotted names) written where {@code w} is. */
    private static Map<String, Object> config(Walked w, Map<String, Object> keys, Map<String, Object> none) {
        var root = new LinkedHashMap<String, Object>();
        var monitor = new LinkedHashMap<String, Object>();
        if (w.place() == Place.DEFAULT && w.name().equals("hostname")) {
            monitor.put("socket", "/tmp/base.sock"); // a monitor's own hostname would win over the default
        } else {
            monitor.put("hostname", "db.local");
        }
        root.put("monitors", List.of(monitor));
        var plansMonitor = new LinkedHashMap<String, Object>();
        plansMonitor.put("hostname", "plans.local");
        if (w.place() == Place.PLANS_MONITOR) {
            put(root, "plans.table", "blip.plans");
            put(root, "plans.monitor", plansMonitor);
        }
        keys.forEach((name, value) -> {
            boolean mysqlDefault = w.path().startsWith("mysql.") && !name.contains(".");
            switch (w.place()) {
                case MONITOR -> put(monitor, name, value);
                case PLANS_MONITOR -> put(plansMonitor, name, value);
                case DEFAULT -> put(root, mysqlDefault ? "mysql." + name : name, value);
                case TOP -> put(root, name, value);
            }
        });
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> map, String dotted, Object value) {
        String[] parts = dotted.split("\\.");
        Map<String, Object> at = map;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        at.put(parts[parts.length - 1], value);
    }

    private static BlipConfig load(Map<String, Object> config) throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "blip", ".yaml"), json(config));
        return ConfigLoader.load(file, TestDeclarations.context(Map.of()));
    }

    /** The config as JSON, which is YAML. */
    private static String json(Object value) {
        return switch (value) {
            case Map<?, ?> m -> m.entrySet().stream().map(e -> json(e.getKey()) + ": " + json(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
            case List<?> l -> l.stream().map(EveryKeyTest::json).collect(Collectors.joining(", ", "[", "]"));
            case Duration d -> json(d.toString());
            default -> "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        };
    }
}
