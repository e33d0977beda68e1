package io.blip.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lines Blip writes, on a Logback context of the test's own (this JVM's SLF4J writes to
 * java.util.logging for {@code LogEvents}): one line per event, text or JSON, split by level onto
 * STDOUT and STDERR, secrets masked.
 */
class LogLinesTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private LogLines lines(boolean json, boolean info, boolean summary) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        var lines = new LogLines(json, info, summary, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Set.of("s3cret-pw", "ab"));
        lines.setContext(context);
        lines.start();
        return lines;
    }

    private void log(LogLines lines, String logger, Level level, String message, Throwable t, Object... args) {
        var event = new LoggingEvent(Logging.class.getName(), context.getLogger(logger), level, message, t, args);
        event.setTimeStamp(1_767_323_045_678L); // 2026-01-02T03:04:05.678Z
        lines.doAppend(event);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textIsTodaysLineWithTheStackFoldedIn() {
        LogLines lines = lines(false, true, true);
        var cause = new IOException("refused\nby peer");
        log(lines, "io.blip.runtime.monitor.Monitor", Level.WARN, "{}: monitor {}: not ready: {}",
                new IllegalStateException("no connection with s3cret-pw", cause), "monitor-error", "db1", "down\nhard");
        assertEquals("2026-01-02T03:04:05.678Z WARN  Monitor: monitor-error: monitor db1: not ready: down\\nhard"
                + " (java.lang.IllegalStateException: no connection with ...; caused by java.io.IOException:"
                + " refused\\nby peer)" + System.lineSeparator(), err());
        assertEquals("", out());
    }

    @Test
    void levelsSplitAsBlipDoes() {
        LogLines quiet = lines(false, false, true);
        log(quiet, "io.blip.runtime.Boot", Level.INFO, "boot-start: blip 0.1.0", null);
        log(quiet, LogLines.SUMMARY, Level.INFO, "summary: monitors 1/1 up; 12 collections", null);
        log(quiet, "io.blip.runtime.delivery.SinkQueue", Level.DEBUG, "sent", null);
        log(quiet, "io.blip.runtime.Server", Level.ERROR, "boot-error: no", null);
        assertEquals("", out(), "STDOUT may be the log sink's metrics: nothing without --log");
        assertEquals(List.of("2026-01-02T03:04:05.678Z INFO  Summary: summary: monitors 1/1 up; 12 collections",
                "2026-01-02T03:04:05.678Z DEBUG SinkQueue: sent",
                "2026-01-02T03:04:05.678Z ERROR Server: boot-error: no"), err().lines().toList());

        err.reset();
        LogLines noSummary = lines(false, false, false);
        log(noSummary, LogLines.SUMMARY, Level.INFO, "summary: monitors 1/1 up; 12 collections", null);
        assertEquals("", out() + err());

        LogLines withLog = lines(false, true, true);
        log(withLog, LogLines.SUMMARY, Level.INFO, "summary: monitors 1/1 up; 12 collections", null);
        assertEquals(List.of("2026-01-02T03:04:05.678Z INFO  Summary: summary: monitors 1/1 up; 12 collections"),
                out().lines().toList());
    }

    @Test
    void jsonHasTheEventsFieldsFromThePrefixAndTheMdc() {
        LogLines lines = lines(true, true, true);
        log(lines, "io.blip.runtime.monitor.Monitor", Level.INFO, "connected: monitor db1: collecting plan p", null);
        log(lines, "io.blip.runtime.Server", Level.INFO, "server-stopped", null);
        log(lines, "io.blip.runtime.tls.TlsResolver", Level.INFO, "monitor db2: TLS \"on\"", null);
        log(lines, "io.blip.runtime.Boot", Level.INFO, "not-an-event: monitor db3: kept whole", null);
        var event = new LoggingEvent(Logging.class.getName(), context.getLogger("x.SinkQueue"), Level.WARN,
                "sink-send-error: monitors [db1]: 3 collections not sent", new RuntimeException("a\tb"), null);
        event.setTimeStamp(1_767_323_045_678L);
        event.setMDCPropertyMap(Map.of("sink", "signalfx", "domain", "status.global"));
        lines.doAppend(event);
        assertEquals(List.of(
                "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"INFO\",\"event\":\"connected\",\"monitor\":\"db1\","
                        + "\"message\":\"collecting plan p\"}",
                "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"INFO\",\"event\":\"server-stopped\",\"message\":\"\"}",
                "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"INFO\",\"monitor\":\"db2\","
                        + "\"message\":\"TLS \\\"on\\\"\"}",
                "{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"INFO\","
                        + "\"message\":\"not-an-event: monitor db3: kept whole\"}"), out().lines().toList());
        assertEquals(List.of("{\"time\":\"2026-01-02T03:04:05.678Z\",\"level\":\"WARN\",\"event\":\"sink-send-error\","
                + "\"domain\":\"status.global\",\"sink\":\"signalfx\",\"message\":\"monitors [db1]: 3 collections not sent\","
                + "\"error\":\"java.lang.RuntimeException: a\\tb\"}"), err().lines().toList());
    }

    @Test
    void shortValuesAreNotMaskedEverywhere() {
        LogLines lines = lines(false, true, true);
        log(lines, "io.blip.runtime.Boot", Level.INFO, "about a cab", null);
        assertTrue(out().endsWith("Boot: about a cab" + System.lineSeparator()), out());
    }

    @Test
    void theSummaryCountsWhatHappenedSinceTheLastLine() {
        assertEquals("summary: monitors 1/2 up; 7 collections; sink log: sent 5, dropped 1",
                Summary.line(1, 2, Map.of("a\u0000collections", 3L, "a\u0000sent\u0000log", 2L),
                        Map.of("a\u0000collections", 8L, "b\u0000collections", 2L, "a\u0000sent\u0000log", 7L,
                                "a\u0000dropped\u0000log", 1L)));
    }
}
