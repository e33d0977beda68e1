package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.runtime.plugin.Plugins;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Blip's command line: the flags of Blip ({@code --config}, {@code --run}, {@code --print-*},
 * {@code --debug}, {@code --log}, {@code --version}) and their environment variables, plus
 * {@code --plugins} and {@code --print-plugins}.
 */
@Command(name = "blip", sortOptions = false, usageHelpAutoWidth = true,
        description = "Blip: a MySQL metrics monitor. One monitor per MySQL instance; plans of metrics "
                + "collected at different frequencies; sinks that send them.",
        footer = {"", "Environment: BLIP_CONFIG, BLIP_DEBUG, BLIP_LOG, BLIP_RUN, BLIP_PLUGINS set the flags of the "
                + "same name; a flag on the command line wins."})
public final class Cli {
    /** Exit code for bad usage or a failed boot. */
    public static final int EXIT_ERROR = 1;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file, YAML (blip.yaml) or HOCON (blip.conf). Default: blip.yaml in the "
                    + "working directory, if it exists.")
    private Path config;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Plugins directory: each subdirectory of jars is one plugin layer. Default: "
                    + "<blip home>/plugins.")
    private Path plugins;

    @Option(names = "--run", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            description = "Run after boot (default true). --run=false boots, validates, prints, then exits.")
    private Boolean run;

    @Option(names = "--debug", arity = "0..1", fallbackValue = "true", description = "Print debug to STDERR.")
    private Boolean debug;

    @Option(names = "--log", arity = "0..1", fallbackValue = "true", description = "Print info events to STDOUT.")
    private Boolean log;

    @Option(names = "--print-config", description = "Print the final config (secrets masked).")
    private boolean printConfig;

    @Option(names = "--print-domains", description = "Print every metric domain with its options and metrics, "
            + "then exit.")
    private boolean printDomains;

    @Option(names = "--print-monitors", description = "Print the final monitors (secrets masked).")
    private boolean printMonitors;

    @Option(names = "--print-plans", description = "Print the shared plans.")
    private boolean printPlans;

    @Option(names = "--print-plugins", description = "Print every plugin provider: name, kind, module, "
            + "directory.")
    private boolean printPlugins;

    @Option(names = {"--version", "-v"}, versionHelp = true, description = "Print the version and exit.")
    private boolean version;

    @Option(names = {"--help", "-h"}, usageHelp = true, description = "Print this help and exit.")
    private boolean help;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    public Cli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /**
     * Parses the arguments and does what they ask: prints, boots, runs until a stop signal.
     *
     * @return the exit code
     */
    public int run(String... args) {
        CommandLine cmd = new CommandLine(this);
        try {
            cmd.parseArgs(args);
        } catch (ParameterException e) {
            err.println("blip: " + e.getMessage());
            err.println("Run 'blip --help' for the flags.");
            return EXIT_ERROR;
        }
        if (cmd.isUsageHelpRequested()) {
            cmd.usage(out);
            return 0;
        }
        if (cmd.isVersionHelpRequested()) {
            out.println("blip " + Version.get());
            return 0;
        }
        CliOptions options;
        try {
            options = options();
        } catch (BlipException e) {
            err.println("blip: " + e.getMessage());
            return EXIT_ERROR;
        }
        Logging.configure(options.debug(), options.log(), out, err);
        return Server.main(options, env, out, err);
    }

    private CliOptions options() {
        Path configFile = config;
        if (configFile == null && !env.getOrDefault("BLIP_CONFIG", "").isEmpty()) {
            configFile = Path.of(env.get("BLIP_CONFIG"));
        }
        Path pluginsDir = plugins;
        if (pluginsDir == null && !env.getOrDefault("BLIP_PLUGINS", "").isEmpty()) {
            pluginsDir = Path.of(env.get("BLIP_PLUGINS"));
        }
        if (pluginsDir == null) {
            pluginsDir = Plugins.defaultPluginsDir();
        }
        return new CliOptions(configFile, pluginsDir,
                flag(debug, "BLIP_DEBUG", false), flag(log, "BLIP_LOG", false),
                printConfig, printDomains, printMonitors, printPlans, printPlugins,
                flag(run, "BLIP_RUN", true));
    }

    private boolean flag(Boolean fromArgs, String envName, boolean fallback) {
        if (fromArgs != null) {
            return fromArgs;
        }
        String v = env.getOrDefault(envName, "");
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new BlipException(envName + "=" + v + ": not a boolean; use true or false");
        };
    }
}
