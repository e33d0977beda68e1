package io.blip.runtime.config;

import io.blip.api.config.OptionSet;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of a Blip config file and the shape of their values, from Blip's {@code config.go}
 * (plus our additions: {@code mysql.credential-source}, {@code tls.server-name},
 * {@code tls.min-version}, {@code api.auth-token-file}, {@code api.tls}), and the monitor sections that loaded plugins declare (Blip's
 * {@code aws} is the AWS plugin's). Checking a tree against them finds unknown keys (with the
 * closest known key), values of the wrong shape, and Blip keys we do not support yet; a plugin's
 * section is checked against its own declaration ({@link NodeOptions}).
 */
final class Keys {
    private static final Logger log = LoggerFactory.getLogger(Keys.class);

    /** The shape a key's value must have. */
    enum Shape {
        /** a single value */
        SCALAR,
        /** a list of values; a single value is a list of one (Blip's docs write {@code files: plan.yaml}) */
        LIST,
        /** a map of single values ({@code tags}, {@code meta}) */
        STRING_MAP,
        /** a map of known keys */
        SECTION,
        /** {@code sinks}: sink name to a map of options of any shape */
        SINKS,
        /** {@code monitors}: a list of monitors */
        MONITORS,
        /** {@code monitor-loader}: known keys, and any other key is a plugin's map of options */
        LOADERS,
        /** a section a plugin declares: checked against the declaration, not here */
        PLUGIN
    }

    /**
     * One key.
     *
     * @param shape       the value's shape
     * @param children    for sections, the keys inside
     * @param unsupported why a recognised Blip key is refused, or null when it is supported
     * @param aliasOf     for a spelling Blip's docs use but its code does not, the key's name in the
     *                    code, which the config builder reads it as; null otherwise
     */
    record Key(Shape shape, Map<String, Key> children, String unsupported, String aliasOf) {
        Key(Shape shape, Map<String, Key> children, String unsupported) {
            this(shape, children, unsupported, null);
        }
    }

    /** The MySQL keys: under {@code mysql} at the top level, inline in a monitor. */
    static final Map<String, Key> MYSQL = keys(
            "hostname", scalar(), "socket", scalar(), "mycnf", scalar(), "username", scalar(),
            "password", scalar(), "password-file", scalar(), "timeout-connect", scalar(),
            "credential-source", scalar());

    private static final Map<String, Key> TLS = keys(
            "ca", scalar(), "cert", scalar(), "key", scalar(), "skip-verify", scalar(), "disable", scalar(),
            "server-name", scalar(), "min-version", scalar());

    private static final Map<String, Key> HEARTBEAT = keys(
            "freq", scalar(), "source-id", scalar(), "role", scalar(), "table", scalar(),
            // Blip's docs (config/heartbeat.md) write source; its code reads source-id.
            "source", new Key(Shape.SCALAR, Map.of(), null, "source-id"));

    private static final Map<String, Key> STATE_PLAN = keys("after", scalar(), "plan", scalar());

    /** {@code plans.change}: Blip's four states. */
    private static final Key CHANGE = section(keys(
            "offline", section(STATE_PLAN), "standby", section(STATE_PLAN),
            "read-only", section(STATE_PLAN), "active", section(STATE_PLAN)));

    /**
     * A monitor's {@code plans}. Blip reads a monitor's own {@code plans.table} from the monitor
     * itself at boot and drops the error when it cannot; we refuse it rather than copy that.
     */
    private static final Map<String, Key> PLANS = keys(
            "files", new Key(Shape.LIST, Map.of(), null),
            "disable-default-plans", scalar(),
            "table", new Key(Shape.SCALAR, Map.of(), "not supported: a monitor's own plans.table (read from the"
                    + " monitor itself); set the top-level plans.table and plans.monitor, and the monitor's id in"
                    + " the rows' monitor_id"),
            "monitor", new Key(Shape.SECTION, Map.of(), "not supported in a monitor: plans.monitor belongs in the"
                    + " top-level plans section: the MySQL instance that holds the top-level plans.table"),
            "change", CHANGE);

    /** The top-level {@code plans}: shared plans, from files and a table on the {@code monitor}. */
    private static Map<String, Key> topPlans(Map<String, Key> monitor) {
        return keys(
                "files", new Key(Shape.LIST, Map.of(), null),
                "disable-default-plans", scalar(),
                "table", scalar(),
                "monitor", section(planTableHolder(monitor)),
                "change", CHANGE);
    }

    /** What a monitor section does that {@code plans.monitor}, which is only read from, does not. */
    private static final List<String> NOT_FOR_PLANS_MONITOR = List.of("exporter", "ha", "heartbeat", "plans", "plan",
            "sinks");

    /**
     * {@code plans.monitor}: where the plan table is read from, so the keys of a monitor that say
     * how to connect (and {@code tags}, {@code meta} for interpolation); what a monitor collects,
     * writes or sends there would do nothing, so it is refused.
     */
    private static Map<String, Key> planTableHolder(Map<String, Key> monitor) {
        var out = new LinkedHashMap<>(monitor);
        NOT_FOR_PLANS_MONITOR.forEach(name -> out.computeIfPresent(name, (k, key) -> new Key(key.shape(),
                key.children(), "not supported in plans.monitor, which only says where plans.table is read from;"
                        + " set " + name + " on the monitors")));
        return Collections.unmodifiableMap(out);
    }

    /** The keys of one monitor ({@code monitors[]} items and monitor files). */
    final Map<String, Key> monitor;

    /** The keys at the top of a config file. */
    final Map<String, Key> top;

    /** The names of the monitor-default sections that monitors inherit, in Blip's order, then the plugins'. */
    final List<String> inherited;

    private final Declarations.Advice advice;
    /** The option sets of the plugins' sections, to warn of their older spellings. */
    private final Map<String, OptionSet> sections;
    /** The sinks that loaded plugins provide. */
    private final Set<String> sinks;

    /** Blip's {@code api} keys and ours: a bearer token and TLS for the API. */
    private static final Map<String, Key> API = keys(
            "bind", scalar(), "disable", scalar(), "auth-token-file", scalar(),
            "tls", section(keys("cert", scalar(), "key", scalar(), "ca", scalar())));

    /** Our {@code logging} section ({@link LogConfig}); Blip has none. */
    private static final Map<String, Key> LOG = keys(
            "level", scalar(), "levels", new Key(Shape.STRING_MAP, Map.of(), null), "format", scalar(),
            "quiet", scalar());

    private static final Map<String, Key> MONITOR_LOADER = keys(
            "files", new Key(Shape.LIST, Map.of(), null),
            "stop-loss", scalar(),
            "shard", scalar(),
            "local", section(keys("disable-auto", scalar(), "disable-auto-root", scalar())));

    /** Blip's keys and the sections that {@code declarations} name. */
    Keys(Declarations declarations) {
        this.advice = declarations.advice();
        this.sections = declarations.sections();
        this.sinks = declarations.sinks().keySet();
        var monitorKeys = new LinkedHashMap<String, Key>();
        monitorKeys.put("id", scalar());
        monitorKeys.putAll(MYSQL);
        monitorKeys.putAll(defaults(declarations));
        monitorKeys.put("meta", new Key(Shape.STRING_MAP, Map.of(), null));
        monitorKeys.put("plan", scalar());
        monitor = Collections.unmodifiableMap(monitorKeys);

        var topKeys = new LinkedHashMap<String, Key>();
        topKeys.put("api", section(API));
        topKeys.put("http", section(keys("proxy", scalar())));
        topKeys.put("logging", section(LOG));
        topKeys.put("monitor-loader", new Key(Shape.LOADERS, MONITOR_LOADER, null));
        topKeys.putAll(defaults(declarations));
        topKeys.put("plans", section(topPlans(monitor)));
        topKeys.put("mysql", section(MYSQL));
        topKeys.put("monitors", new Key(Shape.MONITORS, monitor, null));
        top = Collections.unmodifiableMap(topKeys);

        var sections = new ArrayList<>(BLIP_INHERITED);
        sections.addAll(declarations.sections().keySet());
        inherited = List.copyOf(sections);
    }

    /** The monitor-default sections, the same at the top level and in a monitor. */
    private static Map<String, Key> defaults(Declarations declarations) {
        var out = new LinkedHashMap<String, Key>();
        declarations.sections().keySet().forEach(name -> out.put(name, new Key(Shape.PLUGIN, Map.of(), null)));
        out.putAll(keys(
                "ha", section(Map.of()),
                "heartbeat", section(HEARTBEAT),
                "plans", section(PLANS),
                "sinks", new Key(Shape.SINKS, Map.of(), null),
                "tags", new Key(Shape.STRING_MAP, Map.of(), null),
                "tls", section(TLS)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Checks a map against its keys and adds a problem for each unknown key, value of the wrong
     * shape and unsupported Blip key.
     */
    void check(MapNode node, Map<String, Key> keys, Problems problems) {
        node.entries().forEach((name, value) -> {
            Key key = keys.get(name);
            if (key == null && keys.isEmpty()) {
                // Only ha has no keys: Blip's placeholder, which its code reads nothing from.
                problems.add(value, "not supported: Blip's ha section has no keys; a standby monitor is told by an HA"
                        + " manager plugin (HaManagerFactory), which reads no config here");
            } else if (key == null) {
                problems.add(value, unknown(name, keys));
            } else if (key.unsupported() != null) {
                problems.add(value, key.unsupported());
            } else {
                if (key.aliasOf() != null) {
                    deprecated(value, key.aliasOf());
                }
                if (key.shape() == Shape.PLUGIN && value instanceof MapNode map && sections.get(name) != null) {
                    map.entries().forEach((k, v) -> sections.get(name).get(k)
                            .filter(o -> !o.name().equals(k)).ifPresent(o -> deprecated(v, o.name())));
                }
                checkShape(value, key, problems);
            }
        });
    }

    /** The one-line warning for a spelling of Blip's docs that its code does not read. */
    private static void deprecated(ConfigNode value, String name) {
        log.warn("{}: {}: deprecated spelling (Blip's docs); write {} instead", value.origin(), value.path(), name);
    }

    private String unknown(String name, Map<String, Key> keys) {
        if (name.equals("mysql") && keys.containsKey("hostname") && !keys.containsKey("mysql")) {
            return "unknown key; in a monitor the mysql keys (hostname, socket, username, password, ...) are"
                    + " written directly in the monitor, without a mysql: section";
        }
        String missing = keys.containsKey("tls") ? advice.missingSection(name) : null;
        return missing != null ? missing : Problems.unknownKey(name, keys.keySet());
    }

    private void checkShape(ConfigNode value, Key key, Problems problems) {
        if (value instanceof ScalarNode s && s.value() == null && key.shape() != Shape.SCALAR) {
            return; // "key:" with nothing after it: an empty section or list
        }
        switch (key.shape()) {
            case PLUGIN -> expectMap(value, problems);
            case SCALAR -> expectScalar(value, problems);
            case LIST -> {
                if (value instanceof ListNode list) {
                    list.items().forEach(i -> expectScalar(i, problems));
                } else {
                    expectScalar(value, problems);
                }
            }
            case STRING_MAP -> {
                if (expectMap(value, problems) instanceof MapNode map) {
                    map.entries().values().forEach(v -> expectScalar(v, problems));
                }
            }
            case SECTION -> {
                if (expectMap(value, problems) instanceof MapNode map) {
                    check(map, key.children(), problems);
                }
            }
            case SINKS -> {
                if (expectMap(value, problems) instanceof MapNode map) {
                    // Every sink written is checked, used by a monitor or not.
                    map.entries().forEach((name, sink) -> {
                        if (!sinks.contains(name)) {
                            problems.add(sink, advice.missingSink(name));
                        } else if (!(sink instanceof MapNode) && !(sink instanceof ScalarNode s && s.value() == null)) {
                            problems.add(sink, "expected the sink's options as a map of keys, got " + sink.kind());
                        }
                    });
                }
            }
            case MONITORS -> {
                if (value instanceof ListNode list) {
                    list.items().forEach(m -> {
                        if (expectMap(m, problems) instanceof MapNode map) {
                            check(map, key.children(), problems);
                        }
                    });
                } else {
                    problems.add(value, "expected a list of monitors (- hostname: ...), got " + value.kind());
                }
            }
            case LOADERS -> {
                if (expectMap(value, problems) instanceof MapNode map) {
                    map.entries().forEach((name, child) -> {
                        Key known = key.children().get(name);
                        if (known != null) {
                            checkShape(child, known, problems);
                        } else if (!(child instanceof MapNode) && !(child instanceof ScalarNode s && s.value() == null)) {
                            problems.add(child, "expected a map of options for the monitor loader '" + name
                                    + "', got " + child.kind() + "; the built-in keys here are "
                                    + String.join(", ", key.children().keySet()));
                        }
                    });
                }
            }
        }
    }

    private static void expectScalar(ConfigNode value, Problems problems) {
        if (!(value instanceof ScalarNode)) {
            problems.add(value, "expected a single value, got " + value.kind());
        }
    }

    private static ConfigNode expectMap(ConfigNode value, Problems problems) {
        if (!(value instanceof MapNode)) {
            problems.add(value, "expected a map of keys, got " + value.kind());
        }
        return value;
    }

    private static Key scalar() {
        return new Key(Shape.SCALAR, Map.of(), null);
    }

    private static Key section(Map<String, Key> children) {
        return new Key(Shape.SECTION, children, null);
    }

    private static Map<String, Key> keys(Object... nameAndKey) {
        var out = new LinkedHashMap<String, Key>();
        for (int i = 0; i < nameAndKey.length; i += 2) {
            out.put((String) nameAndKey[i], (Key) nameAndKey[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Blip's monitor-default sections that monitors inherit, in Blip's order. */
    private static final List<String> BLIP_INHERITED = List.of("heartbeat", "sinks", "tags", "tls");
}
