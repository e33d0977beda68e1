package io.blip.runtime;

import io.blip.api.BlipException;
import io.blip.runtime.plugin.Plugins;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Blip's command line: the flags of Blip ({@code --config}, {@code --run}, {@code --print-*},
 * {@code --debug}, {@code --log}, {@code --version}) and their environment variables, plus
 * {@code --plugins} and {@code --print-plugins}. A flag's value follows {@code =} or comes as the
 * next argument ({@code --config blip.yaml}); a yes/no flag alone means yes ({@code --run} is
 * {@code --run=true}).
 *
 * <p>Parsed by hand, not by a library: it is a dozen flags, and a reflective parser cost more of
 * Blip's start-up than everything else before the plugins.
 */
public final class Cli {
    /** Exit code for bad usage or a failed boot. */
    public static final int EXIT_ERROR = 1;

    static final String USAGE = """
            Usage: blip [--config=FILE] [--plugins=DIR] [--run[=BOOL]] [--debug[=BOOL]] [--log[=BOOL]]
                        [--log-format=text|json] [--quiet[=BOOL]]
                        [--print-config] [--print-domains] [--print-monitors] [--print-plans]
                        [--print-plugins] [-v|--version] [-h|--help]
            Blip: a MySQL metrics monitor. One monitor per MySQL instance; plans of metrics collected at
            different frequencies; sinks that send them.
                  --config=FILE     Config file, YAML (blip.yaml) or HOCON (blip.conf). Default: blip.yaml in
                                      the working directory, if it exists.
                  --plugins=DIR     Plugins directory: each subdirectory of jars is one plugin layer.
                                      Default: <blip home>/plugins.
                  --run[=BOOL]      Run after boot (default true). --run=false boots, validates, prints,
                                      then exits.
                  --debug[=BOOL]    Print debug to STDERR.
                  --log[=BOOL]      Print info events to STDOUT.
                  --log-format=FMT  text (default) or json: one JSON object per line. Default: the
                                      config's logging.format.
                  --quiet[=BOOL]    No summary line each minute (also logging.quiet).
                  --print-config    Print the final config (secrets masked).
                  --print-domains   Print every metric domain with its options and metrics, then exit.
                  --print-monitors  Print the final monitors (secrets masked): this shard's, with monitor-loader.shard.
                  --print-plans     Print the shared plans.
                  --print-plugins   Print every plugin provider: name, kind, module, directory.
              -v, --version         Print the version and exit.
              -h, --help            Print this help and exit.

            Environment: BLIP_CONFIG, BLIP_DEBUG, BLIP_LOG, BLIP_RUN, BLIP_PLUGINS, BLIP_QUIET set the flags of the same
            name; a flag on the command line wins.
            """;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    // What the arguments said; null where they said nothing.
    private Path config;
    private Path plugins;
    private Boolean run;
    private Boolean debug;
    private Boolean log;
    private String logFormat;
    private Boolean quiet;
    private boolean printConfig;
    private boolean printDomains;
    private boolean printMonitors;
    private boolean printPlans;
    private boolean printPlugins;
    private boolean version;
    private boolean help;
    /** bin/blip's training run for the JVM's ahead-of-time cache ({@link AotTraining}); not in the help. */
    private boolean aotTraining;

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
        try {
            parse(args);
        } catch (BlipException e) {
            err.println("blip: " + e.getMessage());
            err.println("Run 'blip --help' for the flags.");
            return EXIT_ERROR;
        }
        if (help) {
            out.print(USAGE);
            return 0;
        }
        if (version) {
            out.println("blip " + Version.get());
            return 0;
        }
        if (aotTraining) {
            return AotTraining.run(plugins == null ? Plugins.defaultPluginsDir() : plugins);
        }
        CliOptions options;
        try {
            options = options();
        } catch (BlipException e) {
            err.println("blip: " + e.getMessage());
            return EXIT_ERROR;
        }
        Logging.configure(new Logging.Settings(options.debug(), options.log(), logFormat,
                flag(quiet, "BLIP_QUIET", false), out, err));
        return Server.main(options, env, out, err);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            String value = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
            // A flag that takes a value takes the next argument when it has no "=".
            boolean next = value == null && i + 1 < args.length;
            switch (name) {
                case "--config" -> config = Path.of(value != null ? value : valueAfter(args, i++, name));
                case "--plugins" -> plugins = Path.of(value != null ? value : valueAfter(args, i++, name));
                case "--log-format" -> logFormat = logFormat(value != null ? value : valueAfter(args, i++, name));
                case "--run", "--debug", "--log", "--quiet" -> {
                    // A yes/no flag takes the next argument only when it is a yes or no.
                    if (value == null && next && bool(args[i + 1]) != null) {
                        value = args[++i];
                    }
                    boolean on = value == null || yesNo(name, value);
                    switch (name) {
                        case "--run" -> run = on;
                        case "--debug" -> debug = on;
                        case "--quiet" -> quiet = on;
                        default -> log = on;
                    }
                }
                case "--print-config" -> printConfig = yesNo(name, value);
                case "--print-domains" -> printDomains = yesNo(name, value);
                case "--print-monitors" -> printMonitors = yesNo(name, value);
                case "--print-plans" -> printPlans = yesNo(name, value);
                case "--print-plugins" -> printPlugins = yesNo(name, value);
                case "--version", "-v" -> version = true;
                case "--help", "-h" -> help = true;
                case "--aot-training" -> aotTraining = true;
                default -> throw new BlipException(arg.startsWith("-") ? "Unknown option: '" + name + "'"
                        : "Unexpected argument: '" + arg + "' (flags start with --)");
            }
        }
    }

    private static String logFormat(String value) {
        if (!value.equals("text") && !value.equals("json")) {
            throw new BlipException("--log-format=" + value + ": use text or json");
        }
        return value;
    }

    private static String valueAfter(String[] args, int at, String name) {
        if (at + 1 >= args.length || args[at + 1].startsWith("--")) {
            String example = name + "=" + name.substring(2).toUpperCase(Locale.ROOT);
            throw new BlipException("Missing value for " + name + " (e.g. " + example + ")");
        }
        return args[at + 1];
    }

    /** A yes/no flag's value: yes when it has none. */
    private static boolean yesNo(String name, String value) {
        if (value == null) {
            return true;
        }
        Boolean b = bool(value);
        if (b == null) {
            throw new BlipException(name + "=" + value + ": not a boolean; use true or false");
        }
        return b;
    }

    private static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> null;
        };
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
        Boolean b = bool(v);
        if (b == null) {
            throw new BlipException(envName + "=" + v + ": not a boolean; use true or false");
        }
        return b;
    }
}
