package io.blip.sink.signalfx;

import io.blip.api.BlipException;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.SendException;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import io.blip.testkit.LogEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.blip.sink.signalfx.SignalFxSinkContractTest.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The signalfx sink's options, its datapoints as the fake ingest API reads them, and what each answer means. */
class SignalFxSinkTest {
    static final OptionSet DECLARED = Delivery.OPTIONS.with(SignalFxSettings.OPTIONS);
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path dir;
    private FakeSignalFx sfx;

    @BeforeEach
    void start() throws Exception {
        sfx = FakeSignalFx.start(TOKEN);
    }

    @AfterEach
    void stop() {
        sfx.close();
    }

    static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of("sinks.signalfx", values));
    }

    private DatapointSink sink(Map<String, String> values) {
        return (DatapointSink) new SignalFxSinkFactory().make(SignalFxSinkContext.of(options(values)));
    }

    private Map<String, String> api(String... more) {
        var out = new LinkedHashMap<String, String>(Map.of("ingest-url", sfx.url(), "auth-token", TOKEN,
                "send-timeout", "2s"));
        for (int i = 0; i < more.length; i += 2) {
            out.put(more[i], more[i + 1]);
        }
        return out;
    }

    private static String problem(Map<String, ?> values) {
        String message = assertThrows(BlipException.class, () -> SignalFxSettings.of(options(values), Map.of())).getMessage();
        assertFalse(message.contains(TOKEN), message);
        return message;
    }

    private static Metrics collection(String domain, MetricValue... values) {
        return new Metrics("db1", "p", "l", 1, T0, T0.plusMillis(5), Map.of(domain, List.of(values)));
    }

    private void send(DatapointSink sink, MonitorConfig monitor, Metrics metrics) throws Exception {
        sink.send(List.of(sink.encoder(monitor).encode(metrics).value()));
    }

    @Test
    void declaresTheTokenSecret() {
        assertTrue(SignalFxSettings.OPTIONS.get("auth-token").orElseThrow().secret());
    }

    @Test
    void whereTheDatapointsGo() {
        assertEquals("https://ingest.signalfx.com/v2/datapoint",
                SignalFxSettings.of(options(Map.of("auth-token", TOKEN)), Map.of()).datapointUrl().toString());
        assertEquals("https://ingest.us1.signalfx.com/v2/datapoint",
                SignalFxSettings.of(options(Map.of("auth-token", TOKEN, "realm", "us1")), Map.of()).datapointUrl()
                        .toString());
        assertEquals("http://proxy:8080/v2/datapoint", SignalFxSettings.of(options(Map.of("auth-token", TOKEN,
                "ingest-url", "http://proxy:8080/")), Map.of()).datapointUrl().toString());
    }

    @Test
    void eachMistakeIsABootErrorAndAllAreReportedAtOnce() {
        assertEquals("sinks.signalfx.auth-token: not set; set auth-token or auth-token-file", problem(Map.of()));
        assertEquals("sinks.signalfx.metric-translator: no metric translator named 'sfx'. None is installed; a"
                + " translator is a plugin providing io.blip.api.sink.MetricTranslator, its jar in a directory under"
                + " plugins/\n"
                + "sinks.signalfx.realm and sinks.signalfx.ingest-url: both say where the ingest API is; keep one",
                problem(Map.of("auth-token", TOKEN, "metric-translator", "sfx", "metric-prefix", "",
                        "realm", "us1", "ingest-url", "http://x")));
        assertEquals("sinks.signalfx.ingest-url: 'ftp://x' is not the base URL of an HTTP API; write it like"
                + " https://ingest.us1.signalfx.com or http://sfx-proxy:8080",
                problem(Map.of("auth-token", TOKEN, "ingest-url", "ftp://x")));
        Path token = dir.resolve("token");
        assertEquals("sinks.signalfx.auth-token-file: file " + token + " does not exist",
                problem(Map.of("auth-token-file", token.toString())));
        assertEquals("sinks.signalfx.auth-token-file: the token file " + token + " is empty; write the token in it",
                problem(Map.of("auth-token-file", write(token, "\n").toString())));
        assertEquals("sinks.signalfx.auth-token and sinks.signalfx.auth-token-file: both give the token; keep one",
                problem(Map.of("auth-token", TOKEN, "auth-token-file", token.toString())));
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void datapointsCarryBlipsNamesTypesDimensionsAndTimes() throws Exception {
        var monitor = MonitorConfig.of("db1").withTags(Map.of("env", "prod", "db", "tag-loses"));
        try (DatapointSink sink = sink(api("metric-prefix", "mysql."))) {
            send(sink, monitor, collection("status.global",
                    MetricValue.gauge("threads_running", 3.5),
                    MetricValue.counter("queries", 1234),
                    new MetricValue("x", 7.9, MetricType.DELTA_COUNTER, Map.of(), Map.of()),
                    MetricValue.bool("up", true),
                    new MetricValue("rows", 5, MetricType.GAUGE, Map.of("db", "d1"), Map.of("ts", "1767323000123",
                            "sql", "select")),
                    new MetricValue("bad_ts", 5, MetricType.GAUGE, Map.of(), Map.of("ts", "soon")),
                    MetricValue.gauge("nan", Double.NaN),
                    new MetricValue("cpu", 12, MetricType.GAUGE, Map.of(), Map.of(), T0.minusSeconds(60))));
        }
        List<FakeSignalFx.Point> points = sfx.delivered();
        assertEquals(List.of("gauge mysql.status.global.threads_running 3.5", "gauge mysql.status.global.up 1.0",
                "gauge mysql.status.global.rows 5.0", "gauge mysql.status.global.cpu 12.0",
                "counter mysql.status.global.x 7.0", "cumulative_counter mysql.status.global.queries 1234.0"),
                points.stream().map(p -> p.type() + " " + p.metric() + " " + p.value()).toList());
        assertEquals(T0.toEpochMilli(), points.getFirst().timestamp());
        assertEquals(Map.of("env", "prod", "db", "tag-loses"), points.getFirst().dimensions());
        assertEquals(Map.of("env", "prod", "db", "d1", "sql", "select"), points.get(2).dimensions());
        assertEquals(1767323000123L, points.get(2).timestamp());
        assertEquals(T0.minusSeconds(60).toEpochMilli(), points.get(3).timestamp());
    }

    @Test
    void aBadRequestIsRefusedWithSignalFxsWords() throws Exception {
        sfx.script(new FakeSignalFx.Answer(400, Map.of(), "Unable to process datapoints: bad metric"));
        try (DatapointSink sink = sink(api())) {
            var e = assertThrows(SendException.class, () -> send(sink, MonitorConfig.of("db1"),
                    collection("status.global", MetricValue.gauge("a", 1))));
            assertFalse(e.retryable());
            assertEquals("HTTP 400", e.kind());
            assertEquals("SignalFx refused the datapoints: HTTP 400: Unable to process datapoints: bad metric",
                    e.getMessage());
        }
    }

    @Test
    void tooLargeRateLimitedAndServerErrorsAreLeftToTheRuntimesRetry() throws Exception {
        for (int status : List.of(413, 429, 500, 503)) {
            sfx.script(FakeSignalFx.Answer.of(status).withHeader("Retry-After", "7"));
            try (DatapointSink sink = sink(api())) {
                var e = assertThrows(SendException.class, () -> send(sink, MonitorConfig.of("db1"),
                        collection("status.global", MetricValue.gauge("a", 1))));
                assertTrue(e.retryable(), status + ": " + e.getMessage());
                assertEquals("HTTP " + status + ": scripted " + status, e.getMessage());
                assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
            }
        }
        assertEquals(4, sfx.received().size(), "one request each: no retry of the sink's own");
    }

    @Test
    void aTokenFileIsReadAgainWhenItChangesAndAfterARefusalThenSentOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "old-token-SECRET\n");
        sfx.expectToken("old-token-SECRET");
        try (DatapointSink sink = sink(Map.of("ingest-url", sfx.url(), "auth-token-file", file.toString(),
                "send-timeout", "2s"))) {
            Metrics metrics = collection("status.global", MetricValue.gauge("a", 1));
            send(sink, MonitorConfig.of("db1"), metrics);
            // Rotated on disk: the change is seen before the next send.
            Files.writeString(file, "new-token-SECRET");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
            sfx.expectToken("new-token-SECRET");
            send(sink, MonitorConfig.of("db1"), metrics);
            // Refused (the file unchanged as far as its stamp tells): read again, sent once more.
            sfx.script(FakeSignalFx.Answer.of(401));
            send(sink, MonitorConfig.of("db1"), metrics);
            // Refused twice: refused for good, naming the file and never the token.
            sfx.script(FakeSignalFx.Answer.of(403), FakeSignalFx.Answer.of(403));
            var e = assertThrows(SendException.class, () -> send(sink, MonitorConfig.of("db1"), metrics));
            assertFalse(e.retryable());
            assertEquals("SignalFx refused the token: HTTP 403: scripted 403; check sinks.signalfx.auth-token-file ("
                    + file + ")", e.getMessage());
            assertFalse(sink.toString().contains("SECRET"), sink.toString());
        }
        assertEquals(List.of("old-token-SECRET", "new-token-SECRET", "new-token-SECRET", "new-token-SECRET",
                "new-token-SECRET", "new-token-SECRET"), sfx.received().stream().map(FakeSignalFx.Received::token)
                .toList());
        assertEquals(List.of(200, 200, 401, 200, 403, 403), sfx.received().stream()
                .map(FakeSignalFx.Received::status).toList());
    }

    @Test
    void aReloadReadsTheTokenFileAgainEvenWhenItLooksUnchanged() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "old-token-SECRET\n");
        FileTime stamp = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, stamp);
        sfx.expectToken("old-token-SECRET");
        try (DatapointSink sink = sink(Map.of("ingest-url", sfx.url(), "auth-token-file", file.toString(),
                "send-timeout", "2s"));
             var events = new LogEvents(DatapointSink.class)) {
            Metrics metrics = collection("status.global", MetricValue.gauge("a", 1));
            send(sink, MonitorConfig.of("db1"), metrics);
            // Rotated with a token of the same length, the time set back: the file's stamp cannot tell.
            Files.writeString(file, "new-token-SECRET\n");
            Files.setLastModifiedTime(file, stamp);

            sink.reload();

            sfx.expectToken("new-token-SECRET");
            send(sink, MonitorConfig.of("db1"), metrics);
            assertEquals(List.of("INFO sinks.signalfx.auth-token-file: read the token again from " + file
                    + ": Blip reloaded"), events.all());
        }
        assertEquals(List.of("old-token-SECRET", "new-token-SECRET"), sfx.received().stream()
                .map(FakeSignalFx.Received::token).toList());
        assertEquals(List.of(200, 200), sfx.received().stream().map(FakeSignalFx.Received::status).toList());
    }

    @Test
    void aTokenFileUnreadableAtAReloadKeepsTheTokenReadBeforeWithAWarning() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        try (DatapointSink sink = sink(Map.of("ingest-url", sfx.url(), "auth-token-file", file.toString(),
                "send-timeout", "2s"));
             var events = new LogEvents(DatapointSink.class)) {
            Files.writeString(file, "\n");

            sink.reload();

            assertEquals(List.of("WARN sinks.signalfx.auth-token-file: the token file " + file + " is empty; write the"
                    + " token in it; the token read before stays in use"), events.all());
            assertFalse(events.all().toString().contains(TOKEN), events.all().toString());
            send(sink, MonitorConfig.of("db1"), collection("status.global", MetricValue.gauge("a", 1)));
        }
        assertEquals(List.of(TOKEN), sfx.received().stream().map(FakeSignalFx.Received::token).toList());
        assertEquals(List.of(200), sfx.received().stream().map(FakeSignalFx.Received::status).toList());
    }

    /** The runtime's context for a sink made in a test. */
    private static final class SignalFxSinkContext {
        static SinkContext of(Options options) {
            return SinkContext.of("signalfx", options, Map.of(), Time.system());
        }
    }
}
