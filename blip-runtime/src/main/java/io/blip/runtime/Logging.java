package io.blip.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.blip.runtime.config.LogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Blip's logging, set up in code on Logback: errors and warnings always to STDERR; info events to
 * STDOUT only with {@code --log} (the minute's {@link Summary} line also without, on STDERR, unless quiet);
 * debug lines to STDERR when a logger is at debug ({@code --debug}, {@code logging.levels}). One line per
 * event, text or JSON ({@link LogLines}). Libraries that log through {@code java.util.logging} (gRPC,
 * OpenTelemetry, the JDK) reach the same lines through jul-to-slf4j, their levels kept in step with
 * Logback's ({@link LevelChangePropagator}), so a line that is off costs them nothing.
 *
 * <p>Logback finds this class as its {@link Configurator} (module-info {@code provides}), so it never
 * looks for an XML file and, until {@link #configure} runs, writes warnings and errors to STDERR.
 * When tests choose another SLF4J provider (slf4j-jdk14, to read events through JUL), this class
 * leaves that provider alone.
 */
public final class Logging extends ContextAwareBase implements Configurator {
    /** The loggers whose level Blip sets unless {@code logging.levels} does. */
    private static final Map<String, Level> LIBRARIES = Map.of(
            // The driver and other libraries log at INFO/DEBUG about their own internals.
            "com.mysql", Level.WARN,
            // The AWS SDK's debug lines include request signing details; they are not Blip's to show.
            "software.amazon.awssdk", Level.INFO,
            // The JDK's HttpURLConnection (the AWS SDK's HTTP client) logs every request's headers at FINE:
            // the SSO bearer token, X-Amz-Security-Token, Authorization.
            "sun.net.www.protocol.http", Level.INFO);
    /**
     * The loggers of {@link #LIBRARIES} that print credentials below their level there, which not even
     * {@code logging.levels} lowers (for them or a logger under them): the AWS SDK's request signer logs its
     * canonical request, with X-Amz-Security-Token (the session token), at DEBUG; the JDK's HttpURLConnection
     * every request header at FINE (R26).
     */
    private static final Set<String> FLOORED = Set.of("software.amazon.awssdk", "sun.net.www.protocol.http");
    /**
     * The OTLP exporter logs every failed export as SEVERE with a stack trace; Blip's delivery reports
     * failures itself (when they start and end, with counts), so those lines only with --debug.
     */
    private static final String OTEL_EXPORTER = "io.opentelemetry.exporter.internal";

    /** What {@link #configure} and {@link #apply} set: the process's one logging set-up. */
    private static Settings settings = new Settings(false, false, null, false, System.out, System.err);
    private static LogConfig config = LogConfig.DEFAULT;
    private static LogLines lines;

    /**
     * What the command line asked for.
     *
     * @param format {@code --log-format}, {@code text} or {@code json}; null: the config's {@code logging.format}
     * @param quiet  {@code --quiet}: no summary line
     */
    record Settings(boolean debug, boolean log, String format, boolean quiet, PrintStream out, PrintStream err) {
    }

    /** For Logback's {@code ServiceLoader}; Blip itself uses the static methods. */
    public Logging() {
    }

    /** Logback's first set-up, before the command line is read: warnings and errors to STDERR, as text. */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets logging up for the command line's flags, the config's {@code logging} section not yet read. */
    static synchronized void configure(Settings flags) {
        settings = flags;
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            install(context);
        }
    }

    /** Applies the config's {@code logging} section (checked by the config loader), and its secrets to mask. */
    static synchronized void apply(LogConfig log) {
        config = log;
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            install(context);
        }
        log.levels().forEach((name, level) -> {
            if (floored(name, level) != level) {
                LoggerFactory.getLogger(Logging.class).warn("logging.levels.{}: {} would log credentials (request "
                        + "signing, HTTP headers); kept at {}", name, level.toString().toLowerCase(Locale.ROOT),
                        floored(name, level).toString().toLowerCase(Locale.ROOT));
            }
        });
    }

    /** What {@code logging.levels} asks of a logger, raised to its floor if it would print credentials. */
    static Level floored(String logger, Level asked) {
        for (String f : FLOORED) {
            Level floor = LIBRARIES.get(f);
            boolean under = logger.equals(f) || logger.startsWith(f + ".");
            if (under && asked.toInt() < floor.toInt()) {
                return floor;
            }
        }
        return asked;
    }

    /** Adds values no line may show (at reloads: the secrets of the config read again). */
    static synchronized void mask(Collection<String> secrets) {
        config = config.withMasked(secrets);
        if (lines != null) {
            lines.mask(config.masked());
        }
    }

    /** Turns debug logging on if it was off, off if it was on ({@code SIGUSR1}, {@code GET /debug}); the new state. */
    static synchronized boolean toggleDebug() {
        Settings s = settings;
        configure(new Settings(!s.debug(), s.log(), s.format(), s.quiet(), s.out(), s.err()));
        LoggerFactory.getLogger(Logging.class).info("debug logging {}", settings.debug() ? "on" : "off");
        return settings.debug();
    }

    /**
     * Writes what is still buffered and stops the backend: the shutdown hook's last step, after the
     * sinks' last flush and the {@code server-stopped} line, so that no line is lost.
     */
    static synchronized void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            settings.out().flush();
            settings.err().flush();
            context.stop();
        }
    }

    /** Whether the summary line is off ({@code --quiet} or {@code logging.quiet}). */
    static synchronized boolean quiet() {
        return settings.quiet() || config.quiet();
    }

    private static void install(LoggerContext context) {
        // One context for the process: reset drops appenders and levels but keeps its loggers.
        context.reset();
        var propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        context.addListener(propagator);
        propagator.start();

        boolean debug = settings.debug() || config.level() == Level.DEBUG || config.level() == Level.TRACE;
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(settings.debug() ? Level.DEBUG : config.level());
        LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
        context.getLogger(OTEL_EXPORTER).setLevel(debug ? Level.DEBUG : Level.OFF);
        config.levels().forEach((name, level) -> context.getLogger(name).setLevel(floored(name, level)));

        boolean json = settings.format() != null ? settings.format().equals("json") : config.json();
        lines = new LogLines(json, settings.log(), !(settings.quiet() || config.quiet()), debug,
                settings.out(), settings.err(), config.masked());
        lines.setContext(context);
        lines.start();
        root.addAppender(lines);

        // JUL's loggers into SLF4J: its own handlers (a ConsoleHandler) go, the bridge comes once.
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
