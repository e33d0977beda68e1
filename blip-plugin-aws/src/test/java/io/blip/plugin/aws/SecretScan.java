package io.blip.plugin.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log event of Blip and the AWS SDK at every level, TRACE included, while open (SLF4J hands
 * them to java.util.logging in tests), and the scan of reliability.md §9: none may hold a secret.
 * Closing puts the loggers' levels back.
 */
public final class SecretScan extends Handler implements AutoCloseable {
    private static final List<String> LOGGERS = List.of("io.blip", "software.amazon");

    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    public SecretScan() {
        setLevel(Level.ALL);
        for (String name : LOGGERS) {
            Logger logger = Logger.getLogger(name);
            loggers.add(logger);
            levels.add(logger.getLevel());
            logger.setLevel(Level.ALL);
            logger.addHandler(this);
        }
    }

    @Override
    public void publish(LogRecord r) {
        StringBuilder line = new StringBuilder(r.getLevel() + " " + r.getLoggerName() + " " + r.getMessage());
        Object[] params = r.getParameters();
        if (params != null) {
            for (Object p : params) {
                line.append(" | ").append(p);
            }
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            line.append(" | ").append(t);
        }
        events.add(line.toString());
    }

    /** The events so far, oldest first. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** How many events so far are at {@code level} or above and hold {@code text}. */
    public long count(Level level, String text) {
        return events.stream().filter(e -> Level.parse(e.substring(0, e.indexOf(' '))).intValue() >= level.intValue())
                .filter(e -> e.contains(text)).count();
    }

    /** Fails naming the event (never the secret) when any event or {@code more} text holds a secret. */
    public void assertNoSecret(List<String> secrets, String... more) {
        List<String> all = new ArrayList<>(events);
        all.addAll(List.of(more));
        for (String secret : secrets) {
            long hits = all.stream().filter(e -> e.contains(secret)).count();
            assertEquals(0, hits, "a secret of " + secret.length() + " characters appears in " + hits + " of "
                    + all.size() + " events and messages");
        }
    }

    /** An exception's messages, causes included. */
    public static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(this);
            loggers.get(i).setLevel(levels.get(i));
        }
    }
}
