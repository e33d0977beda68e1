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
    public static final String DEFAULT_PLAN = "default-exporter";

    public static final OptionSet OPTIONS = OptionSet.of(
            Option.oneOf(MODE, "Serve Prometheus scrapes in mysqld_exporter's format on a listener of the monitor's own",
                    "", "no listener (Blip's default)",
                    "dual", "the listener, and the monitor runs its plan and sinks as well",
                    "legacy", "the listener only (not supported yet)").withDefault(""),
            Option.section(FLAGS, "mysqld_exporter's flags that Blip reads", OptionSet.of(
                    Option.string(LISTEN_ADDRESS, "host:port of the monitor's listener").withDefault("127.0.0.1:9104"),
                    Option.string(TELEMETRY_PATH, "the path that answers scrapes").withDefault("/metrics"),
                    Option.string(WEB_CONFIG_FILE, "exporter-toolkit TLS and basic auth (not supported yet)"))),
            Option.string(PLAN, "the plan a scrape collects: one level").withDefault(DEFAULT_PLAN),
            Option.duration(SCRAPE_TIMEOUT, "the most one scrape may take").withDefault("10s"));

    /**
     * A monitor's exporter settings, read from its section.
     *
     * @param mode           empty (no listener), {@code dual} or {@code legacy}
     * @param listenAddress  {@code host:port}
     * @param telemetryPath  the path of scrapes, from {@code /}
     * @param webConfigFile  the exporter-toolkit file, if set
     */
    public record Settings(String mode, String listenAddress, String telemetryPath, String webConfigFile, String plan,
                           Duration scrapeTimeout) {
        public boolean on() {
            return !mode.isEmpty();
        }

        /** Read from the monitor's section; a monitor without one (built in a test) has no listener. */
        public static Settings of(Options exporter) {
            if (exporter == null) {
                return new Settings("", "", "", "", DEFAULT_PLAN, Duration.ofSeconds(10));
            }
            Options flags = exporter.section(FLAGS);
            return new Settings(exporter.string(MODE), flags.string(LISTEN_ADDRESS), flags.string(TELEMETRY_PATH),
                    flags.string(WEB_CONFIG_FILE), exporter.string(PLAN), exporter.duration(SCRAPE_TIMEOUT));
        }
    }

    private ExporterSection() {
    }
}
