package io.blip.runtime.config;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.config.PlansConfig;
import io.blip.runtime.config.ConfigNode.ListNode;
import io.blip.runtime.config.ConfigNode.MapNode;
import io.blip.runtime.config.ConfigNode.ScalarNode;
import io.blip.runtime.http.HttpProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Loads a Blip config file ({@code blip.yaml}, or HOCON {@code blip.conf}) and the monitor files
 * it names, and checks all of it at once.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private ConfigLoader() {
    }

    /** The config Blip runs with when there is no config file: no monitors, everything default. */
    public static BlipConfig empty(LoadContext context) {
        Path base = baseDirOf(null);
        return new BlipConfig(null, ApiConfig.DEFAULT, "", MonitorLoaderConfig.EMPTY, PlansConfig.EMPTY, Map.of(),
                List.of(), new MonitorDefaults(MapNode.empty(new Origin("defaults", 0), ""), context, base),
                LogConfig.DEFAULT);
    }

    /**
     * Loads a config file and the monitor files of {@code monitor-loader.files} (relative paths are
     * resolved against the config file's directory).
     *
     * @param file    the config file; {@code .yaml}/{@code .yml} or {@code .conf}/{@code .hocon}/{@code .json}
     * @param context the environment, the plugins' declarations, the my.cnf files
     * @throws ConfigException listing every problem found
     */
    public static BlipConfig load(Path file, LoadContext context) throws ConfigException {
        Map<String, String> env = context.env();
        String display = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(display + ": config file does not exist");
        }
        Path base = baseDirOf(file);
        ConfigNode root = ConfigTree.read(file, display, env);
        var problems = new Problems();
        UnaryOperator<String> interpolate = s -> Interpolation.env(s, env, name ->
                log.debug("{}: ${{{}}} is not set; using an empty string, as Blip does", display, name));
        if (!(root instanceof MapNode top)) {
            throw new ConfigException(root.origin() + ": a config file holds a map of keys (api, mysql, monitors, ...),"
                    + " not " + root.kind());
        }
        var keys = new Keys(context.declarations());
        keys.check(top, keys.top, problems);
        MapNode server = (MapNode) MonitorBuilder.rewrite(top, s -> interpolate.apply(s.value()));

        var builder = new MonitorBuilder(context, base, problems);
        MapNode defaults = defaults(top, keys);
        builder.checkDefaults(defaults);
        var ids = new MonitorIds(problems);
        var monitors = new ArrayList<MonitorConfig>();
        if (top.entries().get("monitors") instanceof ListNode list) {
            for (ConfigNode item : list.items()) {
                if (item instanceof MapNode m) {
                    MonitorConfig monitor = builder.build(m, defaults, display + ": " + m.path());
                    ids.add(monitor, m);
                    monitors.add(monitor);
                }
            }
        }
        MonitorLoaderConfig loader = monitorLoader(server.map("monitor-loader"), builder, keys, problems);
        for (ScalarNode f : scalars(server.map("monitor-loader").entries().get("files"))) {
            monitors.addAll(monitorFile(f, base, env, defaults, builder, keys, ids, problems));
        }

        server.map("http").get("proxy").ifPresent(node -> {
            String proxy = server.map("http").text("proxy");
            if (!proxy.isEmpty()) {
                try {
                    HttpProxy.parse(proxy, "");
                } catch (BlipException e) {
                    problems.add(node, e.getMessage());
                }
            }
        });
        var result = new BlipConfig(file, api(server.map("api"), base, builder, problems),
                server.map("http").text("proxy"), loader,
                builder.topPlans(top.map("plans"), defaults, display),
                builder.sinks(server.map("sinks")), monitors, new MonitorDefaults(defaults, context, base),
                LogConfig.read(server.map("logging"), server, problems));
        problems.throwIfAny();
        return result;
    }

    /** Where relative paths in a config file are resolved: the file's directory. */
    static Path baseDirOf(Path file) {
        Path parent = file == null ? null : file.getParent();
        return parent == null ? Path.of("") : parent;
    }

    /**
     * The monitor defaults in the shape of a monitor: the {@code mysql} keys inline, then the
     * sections monitors inherit, and {@code plans.change}. The rest of {@code plans} is not: Blip copies
     * {@code plans.files} into each monitor, where they resolve to the same shared plans; keeping
     * the scopes apart gives the same plan and lets the plan chooser tell monitor plans from
     * shared ones.
     */
    private static MapNode defaults(MapNode top, Keys keys) {
        var entries = new LinkedHashMap<String, ConfigNode>(top.map("mysql").entries());
        for (String section : keys.inherited) {
            top.get(section).ifPresent(v -> entries.put(section, v));
        }
        // Of plans, only plans.change is a monitor default (Blip's ConfigPlanChange.ApplyDefaults), state by state.
        MapNode plans = top.map("plans");
        plans.get("change").ifPresent(change -> entries.put("plans",
                new MapNode(plans.origin(), plans.path(), Map.of("change", change))));
        return new MapNode(top.origin(), "", entries);
    }

    private static MonitorLoaderConfig monitorLoader(MapNode loader, MonitorBuilder builder, Keys keys,
                                                     Problems problems) {
        var plugins = new LinkedHashMap<String, Options>();
        loader.entries().forEach((name, node) -> {
            if (!keys.top.get("monitor-loader").children().containsKey(name)) {
                plugins.put(name, builder.monitorLoader(name, node));
            }
        });
        loader.get("stop-loss").ifPresent(node -> {
            String bad = StopLoss.problem(loader.text("stop-loss"));
            if (bad != null) {
                problems.add(node, bad);
            }
        });
        loader.get("shard").ifPresent(node -> {
            String bad = Shard.problem(loader.text("shard").strip());
            if (bad != null) {
                problems.add(node, bad);
            }
        });
        MapNode local = loader.map("local");
        return new MonitorLoaderConfig(MonitorBuilder.list(loader.entries().get("files")), loader.text("stop-loss"),
                loader.text("shard"), builder.bool(local, "disable-auto"), builder.bool(local, "disable-auto-root"),
                plugins);
    }

    /**
     * Monitors from one {@code monitor-loader.files} entry: a single monitor (what Blip's code
     * reads) or a {@code monitors:} list (what its docs describe).
     */
    private static List<MonitorConfig> monitorFile(ScalarNode entry, Path base, Map<String, String> env,
                                                   MapNode defaults, MonitorBuilder builder, Keys keys,
                                                   MonitorIds ids, Problems problems) {
        Path path = base.resolve(entry.value()).normalize();
        String display = path.toString();
        if (!Files.isRegularFile(path)) {
            problems.add(entry, "monitor file " + display + " does not exist");
            return List.of();
        }
        ConfigNode root;
        try {
            root = ConfigTree.read(path, display, env);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            return List.of();
        }
        if (!(root instanceof MapNode map)) {
            problems.add(root, "a monitor file holds one monitor (hostname: ...) or a list (monitors: [...]), not "
                    + root.kind());
            return List.of();
        }
        var out = new ArrayList<MonitorConfig>();
        if (map.entries().containsKey("monitors")) {
            keys.check(map, Map.of("monitors", keys.top.get("monitors")), problems);
            if (map.entries().get("monitors") instanceof ListNode list) {
                for (ConfigNode item : list.items()) {
                    if (item instanceof MapNode m) {
                        out.add(build(m, display + ": " + m.path(), defaults, builder, ids));
                    }
                }
            }
        } else {
            keys.check(map, keys.monitor, problems);
            out.add(build(map, display, defaults, builder, ids));
        }
        return out;
    }

    private static MonitorConfig build(MapNode m, String origin, MapNode defaults, MonitorBuilder builder,
                                       MonitorIds ids) {
        MonitorConfig monitor = builder.build(m, defaults, origin);
        ids.add(monitor, m);
        return monitor;
    }

    private static List<ScalarNode> scalars(ConfigNode node) {
        return switch (node) {
            case ListNode l -> l.items().stream()
                    .filter(i -> i instanceof ScalarNode s && !s.isEmpty()).map(i -> (ScalarNode) i).toList();
            case ScalarNode s when !s.isEmpty() -> List.of(s);
            case null, default -> List.of();
        };
    }

    /**
     * The {@code api} section. Files must exist (a relative path is resolved against the config
     * file's directory); the token file is read once here so that a dry run reports an empty one,
     * and the token is dropped. The PEM files are parsed when the server binds.
     */
    private static ApiConfig api(MapNode api, Path base, MonitorBuilder builder, Problems problems) {
        String bind = api.text("bind");
        if (!bind.isEmpty()) {
            String bad = bindProblem(bind);
            if (bad != null) {
                problems.add(api.entries().get("bind"), bad);
            }
        }
        boolean disable = builder.bool(api, "disable");
        MapNode tls = api.map("tls");
        var files = new LinkedHashMap<String, String>();
        files.put("auth-token-file", api.text("auth-token-file"));
        files.put("tls.cert", tls.text("cert"));
        files.put("tls.key", tls.text("key"));
        files.put("tls.ca", tls.text("ca"));
        files.replaceAll((key, path) -> path.isEmpty() ? "" : base.resolve(path).normalize().toString());
        files.forEach((key, path) -> {
            ConfigNode node = key.startsWith("tls.") ? tls.entries().get(key.substring(4)) : api.entries().get(key);
            if (!path.isEmpty() && !Files.isRegularFile(Path.of(path))) {
                problems.add(node, "file " + path + " does not exist");
            } else if (!path.isEmpty() && key.equals("auth-token-file")) {
                try {
                    ApiConfig.readToken(path);
                } catch (BlipException e) {
                    problems.add(node.origin() + ": " + e.getMessage());
                }
            }
        });
        boolean cert = !files.get("tls.cert").isEmpty();
        boolean key = !files.get("tls.key").isEmpty();
        if (cert != key) {
            problems.add(tls, (cert ? "cert is set but key is not" : "key is set but cert is not")
                    + "; the API serves TLS with both (and ca to require client certificates)");
        } else if (!cert && !files.get("tls.ca").isEmpty()) {
            problems.add(tls, "ca is set but cert and key are not; client certificates need TLS: set cert and key too");
        }
        return new ApiConfig(bind, disable, files.get("auth-token-file"), files.get("tls.cert"),
                files.get("tls.key"), files.get("tls.ca"));
    }

    /** {@code api.bind}: {@code host:port} or {@code :port}; null when valid. */
    static String bindProblem(String bind) {
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            return "'" + bind + "' has no port; write host:port or :port, e.g. 127.0.0.1:7522";
        }
        String host = bind.substring(0, colon);
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            return "'" + bind + "': write an IPv6 address in brackets, e.g. [::1]:7522";
        }
        try {
            int port = Integer.parseInt(bind.substring(colon + 1));
            return port >= 0 && port <= 65535 ? null : "'" + bind + "': port " + port + " is out of range 0-65535";
        } catch (NumberFormatException e) {
            return "'" + bind + "': port '" + bind.substring(colon + 1) + "' is not a number; write host:port, e.g."
                    + " 127.0.0.1:7522";
        }
    }
}
