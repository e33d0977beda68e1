package io.blip.runtime;

import java.io.PrintStream;
import java.time.Instant;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Where log lines go, as Blip does it: errors and warnings always to STDERR; info events to
 * STDOUT only with {@code --log}; debug to STDERR only with {@code --debug}. SLF4J writes through
 * {@code java.util.logging} (slf4j-jdk14).
 */
final class Logging {
    /** java.util.logging keeps loggers weakly: hold the ones whose level is set here. */
    private static final Logger DRIVER = Logger.getLogger("com.mysql");
    private static final Logger AWS_SDK = Logger.getLogger("software.amazon.awssdk");
    private static final Logger JDK_HTTP_URL_CONNECTION = Logger.getLogger("sun.net.www.protocol.http");
    private static final Logger OTEL_EXPORTER = Logger.getLogger("io.opentelemetry.exporter.internal");

    private Logging() {
    }

    /** What the last {@link #configure} set: the JVM's one logging set-up, changed by {@link #toggleDebug}. */
    private static boolean debugging;
    private static boolean logging;
    private static PrintStream stdout = System.out;
    private static PrintStream stderr = System.err;

    /** Turns debug logging on if it was off, off if it was on ({@code SIGUSR1}, {@code GET /debug}); the new state. */
    static synchronized boolean toggleDebug() {
        configure(!debugging, logging, stdout, stderr);
        Logger.getLogger(Logging.class.getName()).info("debug logging " + (debugging ? "on" : "off"));
        return debugging;
    }

    static synchronized void configure(boolean debug, boolean log, PrintStream out, PrintStream err) {
        debugging = debug;
        logging = log;
        stdout = out;
        stderr = err;
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(debug ? Level.FINE : Level.INFO);
        Formatter formatter = new LineFormatter();
        root.addHandler(handler(err, formatter, r -> r.getLevel().intValue() >= Level.WARNING.intValue()
                || (debug && r.getLevel().intValue() < Level.INFO.intValue())));
        if (log) {
            root.addHandler(handler(out, formatter, r -> r.getLevel().intValue() >= Level.INFO.intValue()
                    && r.getLevel().intValue() < Level.WARNING.intValue()));
        }
        // The driver and other libraries log at INFO/FINE about their own internals.
        DRIVER.setLevel(Level.WARNING);
        // The AWS SDK's debug lines include request signing details; they are not Blip's to show.
        AWS_SDK.setLevel(Level.INFO);
        // The JDK's HttpURLConnection, the AWS SDK's HTTP client, logs every request's headers at FINE: the SSO
        // portal's x-amz-sso_bearer_token, X-Amz-Security-Token, Authorization. Never shown, --debug or not.
        JDK_HTTP_URL_CONNECTION.setLevel(Level.INFO);
        // The OTLP exporter logs every failed export as SEVERE with a stack trace; Blip's delivery reports
        // failures itself (when they start and end, with counts), so those lines only with --debug.
        OTEL_EXPORTER.setLevel(debug ? Level.FINE : Level.OFF);
    }

    private static Handler handler(PrintStream stream, Formatter formatter, Filter filter) {
        StreamHandler h = new StreamHandler(stream, formatter) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        h.setLevel(Level.ALL);
        h.setFilter(filter);
        return h;
    }

    /** {@code 2026-01-02T03:04:05.678Z WARN  io.blip.runtime.monitor.Monitor: message}. */
    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder line = new StringBuilder(160)
                    .append(Instant.ofEpochMilli(r.getMillis()))
                    .append(' ').append(levelName(r.getLevel()))
                    .append(' ').append(shortName(r.getLoggerName()))
                    .append(": ").append(formatMessage(r));
            if (r.getThrown() != null) {
                line.append(" (").append(r.getThrown()).append(')');
            }
            return line.append(System.lineSeparator()).toString();
        }

        private static String levelName(Level level) {
            int v = level.intValue();
            if (v >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (v >= Level.WARNING.intValue()) {
                return "WARN ";
            }
            if (v >= Level.INFO.intValue()) {
                return "INFO ";
            }
            return "DEBUG";
        }

        private static String shortName(String logger) {
            if (logger == null) {
                return "";
            }
            int dot = logger.lastIndexOf('.');
            return dot < 0 ? logger : logger.substring(dot + 1);
        }
    }
}
