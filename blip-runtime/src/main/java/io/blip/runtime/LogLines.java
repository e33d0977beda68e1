package io.blip.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import io.blip.api.sink.JsonString;
import io.blip.runtime.config.Secrets;
import io.blip.runtime.event.Event;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes each event as one line, at once (nothing is buffered, so nothing is lost when the JVM stops):
 * text, {@code 2026-01-02T03:04:05.678Z WARN  Monitor: monitor-error: monitor db1: message (error)}, or
 * a JSON object with {@code time}, {@code level}, {@code event}, {@code monitor}, {@code domain},
 * {@code sink}, {@code message} and {@code error}, each absent when unknown. A line break in a
 * message or a stack trace is written as {@code \n}, never as a new line. The config's secrets are
 * masked in every line, whoever logged them.
 */
final class LogLines extends AppenderBase<ILoggingEvent> {
    /** The logger of the minute's summary line, which comes without {@code --log} too (on STDERR then). */
    static final String SUMMARY = Summary.class.getName();

    private static final Set<String> EVENTS = Arrays.stream(Event.values()).map(Event::blipName)
            .collect(Collectors.toUnmodifiableSet());
    /** {@code <event>: monitor <id>: …}, {@code <event>: …} or {@code monitor <id>: …}. */
    private static final Pattern PREFIX = Pattern.compile("^(?:([a-z][a-z0-9-]*)(?:: |$))?(?:monitor ([^\\s:]+): )?");
    /** The MDC keys the runtime sets where collections and sinks run. */
    static final String MONITOR = "monitor";
    static final String DOMAIN = "domain";
    static final String SINK = "sink";

    private final boolean json;
    private final boolean info;
    private final boolean summary;
    private final boolean stacks;
    private final PrintStream out;
    private final PrintStream err;
    private volatile String[] masked;

    /**
     * @param info    INFO lines to STDOUT ({@code --log})
     * @param summary the summary line, to STDERR without {@code info}
     * @param stacks  stack traces in the line's error ({@code --debug})
     */
    LogLines(boolean json, boolean info, boolean summary, boolean stacks, PrintStream out, PrintStream err,
             Collection<String> masked) {
        this.json = json;
        this.info = info;
        this.summary = summary;
        this.stacks = stacks;
        this.out = out;
        this.err = err;
        mask(masked);
        setName("blip");
    }

    /** The values every line has masked, longest first (so a secret that holds another is masked whole). */
    void mask(Collection<String> secrets) {
        masked = secrets.stream().filter(s -> s.length() >= 4).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toArray(String[]::new);
    }

    @Override
    protected void append(ILoggingEvent e) {
        PrintStream to = stream(e);
        if (to != null) {
            to.print(line(e));
            to.flush();
        }
    }

    /** Where a line goes, as Blip does it; null: nowhere. */
    private PrintStream stream(ILoggingEvent e) {
        int level = e.getLevel().toInt();
        if (level >= Level.WARN_INT) {
            return err;
        }
        if (level >= Level.INFO_INT) {
            if (info) {
                return out;
            }
            // Without --log the summary still comes, on STDERR: STDOUT may be the log sink's metrics.
            return summary && SUMMARY.equals(e.getLoggerName()) ? err : null;
        }
        return err; // debug: only made when a logger is at debug (--debug, logging.levels)
    }

    /** The event's line, with its line break. */
    String line(ILoggingEvent e) {
        String message = mask(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
        String error = e.getThrowableProxy() == null ? null : mask(error(e.getThrowableProxy()));
        return json ? json(e, message, error) : text(e, message, error);
    }

    private String text(ILoggingEvent e, String message, String error) {
        var line = new StringBuilder(160).append(Instant.ofEpochMilli(e.getTimeStamp())).append(' ').append(levelName(e.getLevel()))
                .append(' ').append(shortName(e.getLoggerName())).append(": ");
        oneLine(line, message);
        if (error != null) {
            oneLine(line.append(" ("), error).append(')');
        }
        return line.append(System.lineSeparator()).toString();
    }

    private static String json(ILoggingEvent e, String message, String error) {
        Map<String, String> mdc = mdc(e);
        Matcher prefix = PREFIX.matcher(message);
        prefix.lookingAt();
        String event = prefix.group(1) != null && EVENTS.contains(prefix.group(1)) ? prefix.group(1) : null;
        // The prefix is taken off only when it is what it seems: one of Blip's events, or a monitor's id.
        String monitor = event != null || prefix.group(1) == null ? prefix.group(2) : null;
        int rest = monitor != null ? prefix.end()
                : event != null ? Math.min(message.length(), event.length() + 2) : 0;
        var line = new StringBuilder(200);
        field(line.append('{'), "time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        field(line.append(','), "level", e.getLevel().toString());
        optional(line, "event", event);
        optional(line, MONITOR, monitor != null ? monitor : mdc.get(MONITOR));
        optional(line, DOMAIN, mdc.get(DOMAIN));
        optional(line, SINK, mdc.get(SINK));
        field(line.append(','), "message", message.substring(rest));
        optional(line, "error", error);
        return line.append('}').append(System.lineSeparator()).toString();
    }

    private static Map<String, String> mdc(ILoggingEvent e) {
        Map<String, String> mdc = e.getMDCPropertyMap();
        return mdc == null ? Map.of() : mdc;
    }

    private static void optional(StringBuilder b, String name, String value) {
        if (value != null && !value.isEmpty()) {
            field(b.append(','), name, value);
        }
    }

    private static void field(StringBuilder b, String name, String value) {
        JsonString.append(b, name).append(':');
        JsonString.append(b, value);
    }

    /** The throwable and its causes, {@code a.B: message; caused by c.D: message}, with their frames if asked. */
    private String error(IThrowableProxy t) {
        var b = new StringBuilder();
        for (IThrowableProxy c = t; c != null; c = c.getCause()) {
            if (c != t) {
                b.append("; caused by ");
            }
            b.append(c.getClassName());
            if (c.getMessage() != null) {
                b.append(": ").append(c.getMessage());
            }
            if (stacks) {
                for (StackTraceElementProxy frame : c.getStackTraceElementProxyArray()) {
                    b.append("\n\tat ").append(frame.getStackTraceElement());
                }
            }
        }
        return b.toString();
    }

    private String mask(String text) {
        for (String secret : masked) {
            if (text.contains(secret)) {
                text = text.replace(secret, Secrets.MASK);
            }
        }
        return text;
    }

    /** Appends {@code text} with its line breaks and tabs escaped. */
    private static StringBuilder oneLine(StringBuilder b, String text) {
        return b.append(text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"));
    }

    private static String levelName(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARN ";
            case Level.INFO_INT -> "INFO ";
            case Level.DEBUG_INT -> "DEBUG";
            default -> "TRACE";
        };
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
