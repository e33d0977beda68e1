package io.blip.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The events one class (or package) logs, as SLF4J hands them to java.util.logging in tests: {@code LEVEL message}.
 * Closing stops listening.
 */
public final class LogEvents extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<String> events = new CopyOnWriteArrayList<>();

    public LogEvents(Class<?> of) {
        this(of.getName());
    }

    /** The events of a logger and those below it: {@code io.blip.runtime} for all of the runtime's. */
    public LogEvents(String loggerName) {
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
            String level = record.getLevel() == Level.WARNING ? "WARN" : record.getLevel().getName();
            events.add(level + " " + record.getMessage());
        }
    }

    /** The events so far, oldest first. */
    public List<String> all() {
        return List.copyOf(events);
    }

    /** The events so far at {@code level} ({@code WARN}, {@code INFO}). */
    public List<String> at(String level) {
        return events.stream().filter(e -> e.startsWith(level + " ")).map(e -> e.substring(level.length() + 1)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
