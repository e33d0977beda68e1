package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.AwsConfig;
import io.blip.api.config.AwsConfig.AssumeRole;
import io.blip.api.config.Durations;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.HostPort;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.Options;
import io.blip.api.config.PlansConfig;
import io.blip.api.config.TlsConfig;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
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
import java.util.regex.Pattern;

/**
 * Turns one monitor's node tree into a final {@link MonitorConfig}, in Blip's order
 * ({@code monitor/loader.go} {@code save}): apply the monitor defaults, interpolate
 * {@code ${ENV}}, interpolate {@code %{monitor.x}}, compute the id; then validate. Problems go to
 * the shared {@link Problems}; the monitor returned is only meaningful when there are none.
 */
final class MonitorBuilder {
    private static final Logger log = LoggerFactory.getLogger(MonitorBuilder.class);
    private static final String HEARTBEAT_TABLE = "blip.heartbeat";
    /** IAM's limits: a role name (after an optional path) is 1 to 64 of these characters. */
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:[a-z][a-z0-9-]*:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    /** STS's limits for {@code ExternalId} and {@code RoleSessionName}. */
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2," + AssumeRole.MAX_SESSION_NAME + "}");

    private final Map<String, String> env;
    private final Path baseDir;
    private final String mainFile;
    private final Problems problems;

    /**
     * @param env      the environment for {@code ${ENV}}
     * @param baseDir  where relative file paths (TLS files, password-file, mycnf) are resolved
     * @param mainFile how messages name the main config file; option paths from other files are
     *                 prefixed with their file
     * @param problems where problems go
     */
    MonitorBuilder(Map<String, String> env, Path baseDir, String mainFile, Problems problems) {
        this.env = env;
        this.baseDir = baseDir;
        this.mainFile = mainFile;
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
        MapNode merged = merge(monitor, defaults);
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
        return new MonitorConfig(id, origin, mysql(m), aws(m.map("aws"), id, needsTarget), tls(m.map("tls")),
                heartbeat(m.map("heartbeat")), plans(m.map("plans")), m.text("plan"), sinks(m.map("sinks")),
                strings(m.map("tags")), strings(m.map("meta")));
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

    private AwsConfig aws(MapNode aws, String id, boolean monitor) {
        return new AwsConfig(aws.text("region"), bool(aws, "iam-auth"), aws.text("password-secret"),
                bool(aws, "disable-auto-region"), bool(aws, "disable-auto-tls"),
                assumeRole(aws.map("assume-role"), id, monitor));
    }

    /**
     * {@code aws.assume-role}, in STS's own limits. A role ARN is required only of a final monitor
     * ({@code monitor}): the section merges key by key, so a default may hold the external id and
     * each monitor its role. A section with keys but no role ARN is an error rather than "no role"
     * (e.g. {@code role-arn: ${ROLE_ARN}} with the variable unset), so that the base identity is
     * never used in the role's place by mistake.
     */
    private AssumeRole assumeRole(MapNode role, String id, boolean monitor) {
        check(role, "role-arn", ROLE_ARN, "is not an IAM role ARN; write arn:<partition>:iam::<12-digit account"
                + " id>:role/<name>, e.g. arn:aws:iam::123456789012:role/blip");
        check(role, "external-id", EXTERNAL_ID, "is not a valid external id; use 2 to 1224 characters of letters,"
                + " digits and + = , . @ : / _ -");
        check(role, "session-name", SESSION_NAME, "is not a valid role session name; use 2 to 64 characters of"
                + " letters, digits and + = , . @ _ -");
        String arn = role.text("role-arn");
        if (arn.isEmpty()) {
            if (monitor && !role.entries().isEmpty()) {
                problems.add(role, "role-arn is not set; set it to the ARN of the IAM role to assume (e.g."
                        + " arn:aws:iam::123456789012:role/blip), or remove assume-role");
            }
            return AssumeRole.EMPTY;
        }
        String session = role.text("session-name");
        return new AssumeRole(arn, role.text("external-id"),
                session.isEmpty() ? AssumeRole.defaultSessionName(id) : session);
    }

    private void check(MapNode section, String key, Pattern valid, String problem) {
        scalar(section, key).filter(s -> !valid.matcher(s.value()).matches())
                .ifPresent(s -> problems.add(s, Problems.quote(s) + " " + problem));
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
        scalar(hb, "freq").ifPresent(f -> parse(f).filter(Duration::isZero).ifPresent(zero -> problems.add(f,
                "must be greater than zero; to turn the heartbeat off, remove freq")));
        String table = hb.text("table");
        return new HeartbeatConfig(freq, hb.text("source-id"), hb.text("role"), table.isEmpty() ? HEARTBEAT_TABLE : table);
    }

    private PlansConfig plans(MapNode plans) {
        return new PlansConfig(list(plans.entries().get("files")), "", bool(plans, "disable-default-plans"));
    }

    private Map<String, Options> sinks(MapNode sinks) {
        var out = new LinkedHashMap<String, Options>();
        sinks.entries().forEach((name, node) -> out.put(name, options(node)));
        return out;
    }

    /** A node as plugin options; their path names the file when it is not the main config. */
    Options options(ConfigNode node) {
        String prefix = node.origin().file().equals(mainFile) ? "" : node.origin().file() + ": ";
        var values = new LinkedHashMap<String, Object>();
        if (node instanceof MapNode m) {
            m.entries().forEach((k, v) -> values.put(k, switch (v) {
                case MapNode nested -> options(nested);
                case ListNode l -> l.items().stream().map(i -> String.valueOf(i.plain())).toList();
                case ScalarNode s -> s.value() == null ? "" : s.value();
            }));
        }
        return new Options(prefix + node.path(), values);
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
                return Options.parseBool(s.path(), s.value());
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
