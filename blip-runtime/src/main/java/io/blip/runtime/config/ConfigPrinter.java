package io.blip.runtime.config;

import io.blip.api.config.Durations;
import io.blip.api.config.HeartbeatConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.Option;
import io.blip.api.config.Options;
import io.blip.api.config.PlanChangeConfig;
import io.blip.api.config.PlansConfig;
import io.blip.api.config.TlsConfig;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a config as YAML in Blip's key names ({@code --print-config}, {@code --print-monitors},
 * the API's {@code /config}). Secrets print as {@code ...}; everything else can be loaded again.
 * Empty values and false booleans are left out, as Blip's {@code omitempty} does.
 */
public final class ConfigPrinter {
    private static final Dump DUMP = new Dump(DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setIndent(2)
            .setIndicatorIndent(2)
            .setIndentWithIndicator(true)
            .setWidth(Integer.MAX_VALUE)
            .build());

    private ConfigPrinter() {
    }

    /** The whole config: server settings, shared plans, server sinks and the final monitors. */
    public static String yaml(BlipConfig c) {
        return yaml(tree(c));
    }

    /** A tree of {@link #tree} (or a part of one) as YAML. */
    public static String yaml(Map<String, Object> tree) {
        return DUMP.dumpToString(tree);
    }

    /**
     * The whole config as the YAML prints it, secrets masked: maps (in print order), lists, strings
     * and booleans, plus what plugins' options hold; the API's {@code /config} writes it as YAML or JSON.
     */
    public static Map<String, Object> tree(BlipConfig c) {
        var out = new LinkedHashMap<String, Object>();
        out.put("api", api(c.api()));
        if (!c.httpProxy().isEmpty()) {
            out.put("http", Map.of("proxy", Secrets.maskUrl(c.httpProxy())));
        }
        if (!c.log().withoutMasked().equals(LogConfig.DEFAULT)) {
            out.put("logging", c.log().printed());
        }
        putNonEmpty(out, "monitor-loader", monitorLoader(c.monitorLoader()));
        putNonEmpty(out, "plans", plans(c.plans()));
        putNonEmpty(out, "sinks", sinks(c.sinks()));
        out.put("monitors", c.monitors().stream().map(ConfigPrinter::monitor).toList());
        return out;
    }

    /** The token file's path prints; the token is never read here. */
    private static Map<String, Object> api(ApiConfig a) {
        var out = new LinkedHashMap<String, Object>();
        out.put("bind", a.bind());
        putTrue(out, "disable", a.disable());
        putNonEmpty(out, "auth-token-file", a.authTokenFile());
        var tls = new LinkedHashMap<String, Object>();
        putNonEmpty(tls, "cert", a.tlsCert());
        putNonEmpty(tls, "key", a.tlsKey());
        putNonEmpty(tls, "ca", a.tlsCa());
        putNonEmpty(out, "tls", tls);
        return out;
    }

    /** Monitors as a {@code monitors:} list, loadable as a config or a monitor file. */
    public static String monitorsYaml(List<MonitorConfig> monitors) {
        return DUMP.dumpToString(Map.of("monitors", monitors.stream().map(ConfigPrinter::monitor).toList()));
    }

    private static Map<String, Object> monitorLoader(MonitorLoaderConfig l) {
        var out = new LinkedHashMap<String, Object>();
        putNonEmpty(out, "files", l.files());
        putNonEmpty(out, "stop-loss", l.stopLoss());
        putNonEmpty(out, "shard", l.shard());
        var local = new LinkedHashMap<String, Object>();
        putTrue(local, "disable-auto", l.localDisableAuto());
        putTrue(local, "disable-auto-root", l.localDisableAutoRoot());
        putNonEmpty(out, "local", local);
        l.plugins().forEach((name, options) -> out.put(name, options(options)));
        return out;
    }

    private static Map<String, Object> monitor(MonitorConfig m) {
        var out = new LinkedHashMap<String, Object>();
        out.put("id", m.id());
        MysqlConfig my = m.mysql();
        putNonEmpty(out, "hostname", my.hostname());
        putNonEmpty(out, "socket", my.socket());
        putNonEmpty(out, "mycnf", my.mycnf());
        out.put("username", my.username());
        putNonEmpty(out, "password", my.password().isEmpty() ? "" : Secrets.MASK);
        putNonEmpty(out, "password-file", my.passwordFile());
        out.put("timeout-connect", Durations.format(my.timeoutConnect()));
        putNonEmpty(out, "credential-source", my.credentialSource());
        m.sections().forEach((name, section) -> putNonEmpty(out, name, options(section)));
        putNonEmpty(out, "heartbeat", heartbeat(m.heartbeat()));
        putNonEmpty(out, "plans", plans(m.plans()));
        putNonEmpty(out, "plan", m.plan());
        putNonEmpty(out, "sinks", sinks(m.sinks()));
        putNonEmpty(out, "tags", new LinkedHashMap<>(m.tags()));
        putNonEmpty(out, "tls", tls(m.tls()));
        putNonEmpty(out, "meta", new LinkedHashMap<>(m.meta()));
        return out;
    }

    private static Map<String, Object> heartbeat(HeartbeatConfig h) {
        var out = new LinkedHashMap<String, Object>();
        putNonEmpty(out, "freq", h.freq());
        putNonEmpty(out, "source-id", h.sourceId());
        putNonEmpty(out, "role", h.role());
        putNonEmpty(out, "table", h.table());
        return out;
    }

    private static Map<String, Object> plans(PlansConfig p) {
        var out = new LinkedHashMap<String, Object>();
        putNonEmpty(out, "files", p.files());
        putTrue(out, "disable-default-plans", p.disableDefaultPlans());
        putNonEmpty(out, "table", p.table());
        if (p.monitor() != null) {
            putNonEmpty(out, "monitor", monitor(p.monitor()));
        }
        var change = new LinkedHashMap<String, Object>();
        for (String state : PlanChangeConfig.STATES) {
            PlanChangeConfig.StatePlan sp = p.change().of(state);
            var one = new LinkedHashMap<String, Object>();
            if (!sp.after().isZero()) {
                one.put("after", Durations.format(sp.after()));
            }
            putNonEmpty(one, "plan", sp.plan());
            putNonEmpty(change, state, one);
        }
        putNonEmpty(out, "change", change);
        return out;
    }

    private static Map<String, Object> tls(TlsConfig t) {
        var out = new LinkedHashMap<String, Object>();
        putNonEmpty(out, "ca", t.ca());
        putNonEmpty(out, "cert", t.cert());
        putNonEmpty(out, "key", t.key());
        putTrue(out, "skip-verify", t.skipVerify());
        putTrue(out, "disable", t.disable());
        putNonEmpty(out, "server-name", t.serverName());
        putNonEmpty(out, "min-version", t.minVersion());
        return out;
    }

    private static Map<String, Object> sinks(Map<String, Options> sinks) {
        var out = new LinkedHashMap<String, Object>();
        sinks.forEach((name, options) -> out.put(name, options(options)));
        return out;
    }

    /** What the config gave a plugin's node, as written, with every value its declaration calls secret masked. */
    private static Map<String, Object> options(Options options) {
        var out = new LinkedHashMap<String, Object>();
        options.written().forEach((key, value) -> {
            Option declared = options.declared().get(key).orElseThrow();
            if (declared.type() == Option.Type.SECTION) {
                out.put(key, options(options.section(key)));
            } else {
                out.put(key, declared.secret() ? masked(value) : value);
            }
        });
        return out;
    }

    private static Object masked(Object value) {
        return switch (value) {
            case List<?> list -> list.stream().map(v -> Secrets.MASK).toList();
            case Map<?, ?> map -> {
                var out = new LinkedHashMap<Object, Object>();
                map.keySet().forEach(k -> out.put(k, Secrets.MASK));
                yield out;
            }
            default -> String.valueOf(value).isEmpty() ? value : Secrets.MASK;
        };
    }

    private static void putNonEmpty(Map<String, Object> out, String key, Object value) {
        boolean empty = value == null
                || value instanceof String s && s.isEmpty()
                || value instanceof Map<?, ?> m && m.isEmpty()
                || value instanceof List<?> l && l.isEmpty();
        if (!empty) {
            out.put(key, value);
        }
    }

    private static void putTrue(Map<String, Object> out, String key, boolean value) {
        if (value) {
            out.put(key, true);
        }
    }
}
