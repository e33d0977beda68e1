package io.blip.runtime.prom;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import java.time.Duration;

/**
 * Blip's {@code exporter} keys, a monitor default or per monitor: a monitor that serves scrapes in
 * mysqld_exporter's format on a listener of its own ({@code mode: dual}: besides its plan and sinks),
 * at {@code flags.web.listen-address} and {@code flags.web.telemetry-path}, collecting
 * {@code plan} (one level) within {@code scrape-timeout}. Declared as a monitor section of Blip's
 * own ({@code config.Declarations} adds it), so that its options are checked, defaulted and printed
 * as every section's are.
 */
public final class ExporterSection {
    public static final String NAME = "exporter";
    static final String MODE = "mode";
    static final String FLAGS = "flags";
    static final String LISTEN_ADDRESS = "web.listen-address";
    static final String TELEMETRY_PATH = "web.telemetry-path";
    static final String WEB_CONFIG_FILE = "web.config.file";
    static final String PLAN = "plan";
    static final String SCRAPE_TIMEOUT = "scrape-timeout";
    static final String SERVE_LATEST = "serve-latest";
    public static final String DEFAULT_PLAN = "default-exporter";

    public static final OptionSet OPTIONS = OptionSet.of(
            Option.oneOf(MODE, "Serve Prometheus scrapes in mysqld_exporter's format on a listener of the monitor's own",
                    "", "no listener (Blip's default)",
                    "dual", "the listener, and the monitor runs its plan and sinks as well",
                    "legacy", "the listener only: no plan, no sinks (a heartbeat writer still runs)").withDefault(""),
            Option.section(FLAGS, "mysqld_exporter's flags that Blip reads", OptionSet.of(
                    Option.string(LISTEN_ADDRESS, "host:port of the monitor's listener").withDefault("127.0.0.1:9104"),
                    Option.string(TELEMETRY_PATH, "the path that answers scrapes").withDefault("/metrics"),
                    Option.path(WEB_CONFIG_FILE, "the exporter-toolkit web config: TLS and basic auth of the listener"))),
            Option.string(PLAN, "the plan a scrape collects: one level").withDefault(DEFAULT_PLAN),
            Option.duration(SCRAPE_TIMEOUT, "the most one scrape may take").withDefault("10s"),
            Option.bool(SERVE_LATEST, "answer a scrape from the latest collection of a level of the monitor's plan"
                    + " that collects what the exporter plan does, when younger than that level's interval"));

    /**
     * A monitor's exporter settings, read from its section.
     *
     * @param mode           empty (no listener), {@code dual} or {@code legacy}
     * @param listenAddress  {@code host:port}
     * @param telemetryPath  the path of scrapes, from {@code /}
     * @param webConfigFile  the exporter-toolkit file, if set
     * @param serveLatest    {@code serve-latest}: scrapes answered from the monitor's latest matching collection
     */
    public record Settings(String mode, String listenAddress, String telemetryPath, String webConfigFile, String plan,
                           Duration scrapeTimeout, boolean serveLatest) {
        public boolean on() {
            return !mode.isEmpty();
        }

        /** {@code legacy}: the monitor only serves scrapes, as mysqld_exporter does; no plan, no sinks. */
        public boolean legacy() {
            return mode.equals("legacy");
        }

        /** Read from the monitor's section; a monitor without one (built in a test) has no listener. */
        public static Settings of(Options exporter) {
            if (exporter == null) {
                return new Settings("", "", "", "", DEFAULT_PLAN, Duration.ofSeconds(10), false);
            }
            Options flags = exporter.section(FLAGS);
            return new Settings(exporter.string(MODE), flags.string(LISTEN_ADDRESS), flags.string(TELEMETRY_PATH),
                    flags.file(WEB_CONFIG_FILE).map(java.nio.file.Path::toString).orElse(""), exporter.string(PLAN), exporter.duration(SCRAPE_TIMEOUT),
                    exporter.bool(SERVE_LATEST));
        }
    }

    private ExporterSection() {
    }
}
