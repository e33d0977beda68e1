package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.Address;
import io.blip.api.config.Durations;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.config.Options;
import io.blip.api.config.PlansConfig;
import io.blip.api.config.TlsConfig;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import io.blip.runtime.heartbeat.HeartbeatWriter;
import io.blip.runtime.mysql.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Turns one monitor's node tree into a final {@link MonitorConfig}, in Blip's order
 * ({@code monitor/loader.go} {@code save}): apply the monitor defaults, interpolate
 * {@code ${ENV}}, interpolate {@code %{monitor.x}}, compute the id; then validate. Problems go to
 * the shared {@link Problems}; the monitor returned is only meaningful when there are none.
 */
final class MonitorBuilder {
    private static final Logger log = LoggerFactory.getLogger(MonitorBuilder.class);

    private final LoadContext context;
    private final Map<String, String> env;
    private final Path baseDir;
    private final NodeOptions nodeOptions;
    private final Problems problems;

    /**
     * @param context  the environment, the plugins' declarations, the my.cnf files
     * @param baseDir  where relative file paths (TLS files, password-file, mycnf) are resolved
     * @param problems where problems go
     */
    MonitorBuilder(LoadContext context, Path baseDir, Problems problems) {
        this.context = context;
        this.env = context.env();
        this.baseDir = baseDir;
        this.nodeOptions = new NodeOptions(context.env(), context.properties(), baseDir);
        this.problems = problems;
    }

    /**
     * @param monitor  the monitor as written
     * @param defaults the monitor defaults in monitor shape (the {@code mysql} keys inline)
     * @param origin   where it was written, e.g. {@code blip.yaml: monitors[0]}
     */
    MonitorConfig build(MapNode monitor, MapNode defaults, String origin) {
        return build(monitor, defaults, origin, true);
    }

    /**
     * Checks the monitor defaults on their own, as Blip validates its top-level sections, so that
     * a bad default is reported even when no monitor uses it. Values that depend on a monitor
     * ({@code %{monitor.x}}) are checked in each monitor instead.
     */
    void checkDefaults(MapNode defaults) {
        MapNode independent = (MapNode) rewrite(defaults,
                s -> s.value().contains("%{monitor.") ? null : s.value());
        build(MapNode.empty(defaults.origin(), ""), independent, "defaults", false);
    }

    private MonitorConfig build(MapNode monitor, MapNode defaults, String origin, boolean needsTarget) {
        MapNode merged = merge(heartbeatSource(monitor), heartbeatSource(defaults));
        MapNode withEnv = (MapNode) env(merged);
        var fields = new Fields(withEnv);
        MapNode m = (MapNode) rewrite(withEnv, s -> {
            try {
                return Interpolation.monitor(s.value(), fields);
            } catch (BlipException e) {
                problems.add(s, e.getMessage());
                return s.value();
            }
        });
        String id = fields.apply("id");
        if (needsTarget && m.text("hostname").isEmpty() && m.text("socket").isEmpty() && m.text("mycnf").isEmpty()) {
            problems.add(monitor, "a monitor needs hostname, socket or mycnf to know which MySQL to connect to");
        }
        MysqlConfig mysql = mysql(m);
        Address address = needsTarget ? address(m, mysql, origin) : Address.NONE;
        Map<String, Options> sections = sections(m, !needsTarget);
        return new MonitorConfig(id, origin, mysql, address, tls(m.map("tls")), heartbeat(m.map("heartbeat")),
                plans(m.map("plans")), m.text("plan"), sinks(m.map("sinks")), strings(m.map("tags")),
                strings(m.map("meta")), sections);
    }

    // --------------------------------------------------------------------------------- defaults

    /**
     * Blip's {@code ConfigMonitor.ApplyDefaults}: a value the monitor sets wins; {@code tags} merge
     * key by key; {@code sinks} merge by sink name, a sink on the monitor replacing that sink's
     * default options. Unlike Blip, {@code password-file} is inherited too (Blip forgets it, bug
     * 1.19 #3); and since a password file beats a password, a monitor that sets either one
     * inherits neither, so that its own password is the one used. {@code aws.assume-role} merges
     * key by key like the rest of {@code aws} (one rule for every section but {@code sinks}): a
     * monitor may set its own {@code role-arn} and inherit the default's {@code external-id}.
     */
    static MapNode merge(MapNode monitor, MapNode defaults) {
        var inherited = new LinkedHashMap<>(defaults.entries());
        if (!monitor.text("password").isEmpty() || !monitor.text("password-file").isEmpty()) {
            inherited.remove("password");
            inherited.remove("password-file");
        }
        return merge(monitor, inherited, "");
    }

    private static MapNode merge(MapNode mine, Map<String, ConfigNode> inherited, String section) {
        var entries = new LinkedHashMap<>(mine.entries());
        inherited.forEach((key, value) -> {
            ConfigNode own = entries.get(key);
            boolean unset = own == null
                    || own instanceof ScalarNode s && (section.equals("tags") ? s.value() == null : s.isEmpty());
            if (unset) {
                entries.put(key, value);
            } else if (own instanceof MapNode ownMap && value instanceof MapNode defaultMap && !section.equals("sinks")) {
                entries.put(key, merge(ownMap, defaultMap.entries(), key));
            }
        });
        return new MapNode(mine.origin(), mine.path(), entries);
    }

    // ---------------------------------------------------------------------------- interpolation

    private ConfigNode env(ConfigNode node) {
        return rewrite(node, s -> Interpolation.env(s.value(), env, name ->
                log.debug("{}: {}: ${{{}}} is not set; using an empty string, as Blip does", s.origin(), s.path(), name)));
    }

    /** Applies {@code f} to every non-null scalar of the tree. */
    static ConfigNode rewrite(ConfigNode node, Function<ScalarNode, String> f) {
        return switch (node) {
            case MapNode m -> {
                var entries = new LinkedHashMap<String, ConfigNode>();
                m.entries().forEach((k, v) -> entries.put(k, rewrite(v, f)));
                yield new MapNode(m.origin(), m.path(), entries);
            }
            case ListNode l -> new ListNode(l.origin(), l.path(), l.items().stream().map(i -> rewrite(i, f)).toList());
            case ScalarNode s -> s.value() == null ? s : s.withValue(f.apply(s));
        };
    }

    /**
     * The monitor's fields for {@code %{monitor.x}}, each itself interpolated, so that
     * {@code hostname: "%{monitor.tags.host}"} works whatever the order (Blip's result depends on
     * the order it visits fields in). {@code %{monitor.id}} is the monitor id as it will be, the
     * default id included (Blip computes the id after interpolating, so it gives "" there).
     */
    private final class Fields implements UnaryOperator<String> {
        private final MapNode tree;
        private final Set<String> resolving = new HashSet<>();

        Fields(MapNode tree) {
            this.tree = tree;
        }

        @Override
        public String apply(String field) {
            if (!field.equals("id")) {
                return resolve(field);
            }
            for (String f : List.of("id", "hostname", "socket", "mycnf")) {
                String v = resolve(f);
                if (!v.isEmpty()) {
                    return v;
                }
            }
            return "";
        }

        private String resolve(String field) {
            ConfigNode node = field.startsWith("tags.") || field.startsWith("meta.")
                    ? tree.map(field.substring(0, 4)).entries().get(field.substring(5))
                    : tree.entries().get(field);
            if (!(node instanceof ScalarNode s) || s.isEmpty()) {
                if (node == null && field.indexOf('.') > 0) {
                    log.debug("{}: %{{monitor.{}}} is not set; using an empty string", tree.origin(), field);
                }
                // Blip's defaults are in place before interpolation
                return switch (field) {
                    case "username" -> MysqlConfig.DEFAULT_USERNAME;
                    case "timeout-connect" -> Durations.format(MysqlConfig.DEFAULT_TIMEOUT_CONNECT);
                    default -> "";
                };
            }
            if (!resolving.add(field)) {
                throw new BlipException("%{monitor." + field + "} refers to itself");
            }
            try {
                return Interpolation.monitor(s.value(), this);
            } finally {
                resolving.remove(field);
            }
        }
    }

    // ---------------------------------------------------------------------------------- sections

    private MysqlConfig mysql(MapNode m) {
        scalar(m, "hostname").ifPresent(h -> {
            try {
                HostPort.parse(h.value());
            } catch (BlipException e) {
                problems.add(h, e.getMessage() + "; write host or host:port, e.g. db1.example.com:3306");
            }
        });
        Duration timeout = scalar(m, "timeout-connect").flatMap(t -> parse(t).filter(d -> {
            if (d.isZero()) {
                problems.add(t, "must be greater than zero, e.g. 10s");
            }
            return !d.isZero();
        })).orElse(MysqlConfig.DEFAULT_TIMEOUT_CONNECT);
        return new MysqlConfig(m.text("hostname"), m.text("socket"), file(m.text("mycnf")), m.text("username"),
                Secret.of(m.text("password")), file(m.text("password-file")), timeout, m.text("credential-source"));
    }

    /** Where MySQL is; a problem with the my.cnf is the {@code mycnf} key's. */
    private Address address(MapNode m, MysqlConfig mysql, String origin) {
        try {
            return MonitorAddress.resolve(mysql, context.mycnf(), origin);
        } catch (BlipException e) {
            if (mysql.socket().isEmpty() && mysql.hostname().isEmpty()) {
                problems.add(e.getMessage()); // a bad hostname is reported with its line by mysql()
            }
            return Address.NONE;
        }
    }

    /** Every section a plugin declares, checked against its declaration; defaults when not given. */
    private Map<String, Options> sections(MapNode m, boolean partial) {
        var out = new LinkedHashMap<String, Options>();
        context.declarations().sections().forEach((name, declared) -> {
            ConfigNode node = m.entries().get(name);
            out.put(name, nodeOptions.read(declared, node == null ? MapNode.empty(m.origin(), ConfigNode.child(m.path(), name))
                    : node, partial, problems));
        });
        return out;
    }

    private TlsConfig tls(MapNode tls) {
        boolean disable = bool(tls, "disable");
        String ca = file(tls.text("ca"));
        String cert = file(tls.text("cert"));
        String key = file(tls.text("key"));
        if (!disable) {
            checkTlsFiles(tls, ca, cert, key);
        }
        scalar(tls, "min-version").ifPresent(v -> {
            if (!v.value().equals("TLSv1.2") && !v.value().equals("TLSv1.3")) {
                problems.add(v, Problems.quote(v) + " is not a TLS version this runtime allows; use TLSv1.2 or TLSv1.3");
            }
        });
        return new TlsConfig(ca, cert, key, bool(tls, "skip-verify"), disable, tls.text("server-name"),
                tls.text("min-version"), "");
    }

    /** Blip's {@code ConfigTLS.Validate}: valid sets are ca; cert+key; ca+cert+key; files must exist. */
    private void checkTlsFiles(MapNode tls, String ca, String cert, String key) {
        if (!cert.isEmpty() && key.isEmpty()) {
            problems.add(tls, "cert is set but key is not; cert and key go together (valid sets: ca; cert and key;"
                    + " ca, cert and key)");
        } else if (cert.isEmpty() && !key.isEmpty()) {
            problems.add(tls, "key is set but cert is not; cert and key go together (valid sets: ca; cert and key;"
                    + " ca, cert and key)");
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("ca", ca);
        files.put("cert", cert);
        files.put("key", key);
        files.forEach((name, path) -> {
            if (!path.isEmpty() && !Files.isRegularFile(Path.of(path))) {
                problems.add(tls.entries().get(name), "file " + path + " does not exist");
            }
        });
    }

    /**
     * {@code heartbeat.source}, the spelling of Blip's docs ({@link Keys} warns about it), read as
     * {@code source-id}, its code's, before the monitor and its defaults merge; both in one section
     * is a problem.
     */
    private MapNode heartbeatSource(MapNode m) {
        MapNode hb = m.map("heartbeat");
        ConfigNode source = hb.entries().get("source");
        if (source == null) {
            return m;
        }
        var keys = new LinkedHashMap<>(hb.entries());
        keys.remove("source");
        if (!hb.text("source-id").isEmpty()) {
            problems.add(source, "source and source-id are both set; source is the older spelling of source-id:"
                    + " keep source-id only");
        } else {
            keys.put("source-id", source);
        }
        var entries = new LinkedHashMap<>(m.entries());
        entries.put("heartbeat", new MapNode(hb.origin(), hb.path(), keys));
        return new MapNode(m.origin(), m.path(), entries);
    }

    private HeartbeatConfig heartbeat(MapNode hb) {
        String freq = hb.text("freq");
        if (freq.isEmpty()) {
            List<String> set = List.of("source-id", "role", "table").stream().filter(k -> !hb.text(k).isEmpty()).toList();
            if (!set.isEmpty()) {
                problems.add(hb, "freq is not set but " + String.join(" and ", set) + (set.size() > 1 ? " are" : " is")
                        + "; set freq (e.g. 1s) to turn the heartbeat on, or remove the other heartbeat keys");
            }
            return HeartbeatConfig.EMPTY;
        }
        scalar(hb, "freq").ifPresent(f -> parse(f).flatMap(HeartbeatWriter::freqProblem)
                .ifPresent(problem -> problems.add(f, Problems.quote(f) + ": " + problem)));
        String table = hb.text("table");
        scalar(hb, "table").filter(t -> HeartbeatWriter.quotedTable(t.value()).isEmpty()).ifPresent(t -> problems.add(t,
                Problems.quote(t) + " is not a table name; write database.table or table (in database "
                        + HeartbeatWriter.DEFAULT_DATABASE + "), e.g. " + HeartbeatWriter.DEFAULT_TABLE));
        return new HeartbeatConfig(freq, hb.text("source-id"), hb.text("role"),
                table.isEmpty() ? HeartbeatWriter.DEFAULT_TABLE : table);
    }

    private PlansConfig plans(MapNode plans) {
        return new PlansConfig(list(plans.entries().get("files")), "", bool(plans, "disable-default-plans"), null,
                change(plans.map("change")));
    }

    /**
     * The top-level {@code plans}: a monitor's keys, plus {@code table} and the {@code monitor} that
     * holds it (built like a monitor, with the monitor defaults; Blip's {@code ConfigMonitor}).
     *
     * @param plans    {@code plans} as written (not interpolated)
     * @param defaults the monitor defaults, in monitor shape
     * @param file     the config file, for messages
     */
    PlansConfig topPlans(MapNode plans, MapNode defaults, String file) {
        MapNode withEnv = (MapNode) env(plans);
        String table = withEnv.text("table");
        MonitorConfig holder = null;
        if (plans.entries().get("monitor") instanceof MapNode m) {
            holder = build(m, defaults, file + ": " + m.path());
        }
        scalar(withEnv, "table").filter(t -> TableName.quoted(t.value()).isEmpty()).ifPresent(t -> problems.add(t,
                Problems.quote(t) + " is not a table name; write database.table or table (in database "
                        + TableName.DEFAULT_DATABASE + "), e.g. blip.plans"));
        if (!table.isEmpty() && holder == null) {
            problems.add(withEnv.entries().get("table"), "plans.monitor is not set; set it to the MySQL instance that"
                    + " holds the table (hostname, username, ... as in a monitor)");
        } else if (table.isEmpty() && holder != null) {
            problems.add(plans.entries().get("monitor"), "plans.table is not set; plans.monitor is only the MySQL"
                    + " instance that holds plans.table: set the table (e.g. blip.plans) or remove plans.monitor");
        }
        PlansConfig own = plans(withEnv);
        return new PlansConfig(own.files(), table, own.disableDefaultPlans(), holder, own.change());
    }

    /** {@code plans.change}: each state's {@code after} (a duration) and {@code plan} (a name, checked with the plans). */
    private PlanChangeConfig change(MapNode change) {
        var states = new LinkedHashMap<String, PlanChangeConfig.StatePlan>();
        for (String state : PlanChangeConfig.STATES) {
            MapNode node = change.map(state);
            Duration after = scalar(node, "after").flatMap(this::parse).orElse(Duration.ZERO);
            states.put(state, new PlanChangeConfig.StatePlan(after, node.text("plan").trim()));
        }
        return new PlanChangeConfig(states.get(PlanChangeConfig.OFFLINE), states.get(PlanChangeConfig.STANDBY),
                states.get(PlanChangeConfig.READ_ONLY), states.get(PlanChangeConfig.ACTIVE));
    }

    /**
     * Each sink's options, checked against what the sink declares. A sink no plugin provides keeps
     * no options here: the monitor is refused when it is built, with its other problems (its plan's).
     */
    Map<String, Options> sinks(MapNode sinks) {
        var out = new LinkedHashMap<String, Options>();
        sinks.entries().forEach((name, node) -> {
            OptionSet declared = context.declarations().sinks().get(name);
            out.put(name, declared == null ? Options.empty(node.path())
                    : nodeOptions.read(declared, node, false, problems));
        });
        return out;
    }

    /** A monitor loader's node, checked against what the loader declares; an unknown loader is a problem. */
    Options monitorLoader(String name, ConfigNode node) {
        OptionSet declared = context.declarations().monitorLoaders().get(name);
        if (declared == null) {
            problems.add(node, context.declarations().advice().missingMonitorLoader(name));
            return Options.empty(node.path());
        }
        return nodeOptions.read(declared, node, false, problems);
    }

    // ------------------------------------------------------------------------------------ values

    private static Map<String, String> strings(MapNode map) {
        var out = new LinkedHashMap<String, String>();
        map.entries().forEach((k, v) -> out.put(k, v instanceof ScalarNode s && s.value() != null ? s.value() : ""));
        return out;
    }

    static List<String> list(ConfigNode node) {
        return switch (node) {
            case null -> List.of();
            case ListNode l -> l.items().stream()
                    .map(i -> i instanceof ScalarNode s && s.value() != null ? s.value() : "")
                    .filter(v -> !v.isEmpty())
                    .toList();
            case ScalarNode s -> s.isEmpty() ? List.of() : List.of(s.value());
            case MapNode m -> List.of();
        };
    }

    private static Optional<ScalarNode> scalar(MapNode m, String key) {
        return m.entries().get(key) instanceof ScalarNode s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    boolean bool(MapNode m, String key) {
        return scalar(m, key).map(s -> {
            try {
                Boolean b = Option.parseBool(s.value());
                if (b == null) {
                    throw new BlipException(s.path() + ": '" + s.value() + "' is not a boolean; use true or false");
                }
                return b;
            } catch (BlipException e) {
                problems.add(s.origin() + ": " + e.getMessage() + " (or yes/no, on/off, 1/0)");
                return false;
            }
        }).orElse(false);
    }

    /** A duration; empty (and a problem) when it is not one. */
    private Optional<Duration> parse(ScalarNode s) {
        try {
            return Optional.of(Durations.parse(s.path(), s.value()));
        } catch (BlipException e) {
            problems.add(s.origin() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A file path resolved against the config file's directory. */
    private String file(String path) {
        return path.isEmpty() ? "" : baseDir.resolve(path).normalize().toString();
    }
}
