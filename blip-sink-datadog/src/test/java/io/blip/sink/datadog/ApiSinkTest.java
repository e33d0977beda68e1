package io.blip.sink.datadog;

import com.google.gson.JsonObject;
import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.sink.datadog.FakeDatadog.Answer;
import io.blip.sink.datadog.FakeDatadog.Received;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static io.blip.sink.datadog.TestData.API_KEY;
import static io.blip.sink.datadog.TestData.APP_KEY;
import static io.blip.sink.datadog.TestData.T0;
import static io.blip.sink.datadog.TestData.api;
import static io.blip.sink.datadog.TestData.apiSink;
import static io.blip.sink.datadog.TestData.at;
import static io.blip.sink.datadog.TestData.metric;
import static io.blip.sink.datadog.TestData.monitor;
import static io.blip.sink.datadog.TestData.pairs;
import static io.blip.sink.datadog.TestData.tags;
import static io.blip.sink.datadog.TestData.timestamp;
import static io.blip.sink.datadog.TestData.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API sink against a fake Datadog intake on loopback: the v2 wire format as the fake checks it,
 * the payload cap and 413, what each error answer tells the runtime, key files read again, and no key
 * in any message or log line.
 */
class ApiSinkTest {
    @TempDir
    Path dir;

    private FakeDatadog dd;
    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + " "
                        + java.util.Arrays.toString(r.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        dd = FakeDatadog.start(API_KEY, APP_KEY);
        Logger.getLogger("io.blip.sink.datadog").addHandler(capture);
        Logger.getLogger("io.blip.sink.datadog").setLevel(Level.ALL);
    }

    @AfterEach
    void stop() {
        dd.close();
        Logger.getLogger("io.blip.sink.datadog").removeHandler(capture);
        synchronized (logged) {
            for (String line : logged) {
                assertFalse(line.contains(API_KEY) || line.contains(APP_KEY) || line.contains("rotated-"), line);
            }
        }
    }

    private static List<String> one(ApiSink sink, MonitorConfig monitor, Metrics... collections) {
        Encoder<List<String>> encoder = sink.encoder(monitor);
        List<String> last = null;
        for (Metrics m : collections) {
            Encoder.Encoded<List<String>> e = encoder.encode(m);
            last = e == null ? null : e.value();
        }
        return last;
    }

    private static Metrics collection(long n, double queries) {
        return at("db1", n, n, "status.global", List.of(MetricValue.gauge("threads_running", 4),
                MetricValue.counter("queries", queries)));
    }

    private static String secretFree(Exception e) {
        String text = e.getMessage() + " " + e;
        assertFalse(text.contains(API_KEY) || text.contains(APP_KEY), text);
        return e.getMessage();
    }

    @Test
    void seriesGoOutAsDatadogsV2JsonGzippedWithBothKeys() throws Exception {
        var monitor = monitor("db1", Map.of("host", "db1.local", "env", "prod"));
        var values = List.of(MetricValue.gauge("threads_running", 4), MetricValue.counter("queries", 100),
                new MetricValue("bytes", 16384, MetricType.GAUGE, Map.of("db", "shop", "tbl", "orders"),
                        Map.of("ts", "1767323040000", "engine", "InnoDB")),
                new MetricValue("aborted_clients", 3, MetricType.DELTA_COUNTER, Map.of(), Map.of(),
                        Instant.parse("2026-01-02T03:00:00Z")),
                MetricValue.bool("running", true),
                new MetricValue("event", 1, MetricType.EVENT, Map.of(), Map.of()));
        try (ApiSink sink = apiSink(api(dd, "metric-prefix", "mysql."))) {
            Encoder<List<String>> encoder = sink.encoder(monitor);
            encoder.encode(at("db1", 1, 0, "status.global", values));
            var second = encoder.encode(at("db1", 2, 10, "status.global",
                    values.stream().map(v -> v.name().equals("queries") ? v.withValue(175) : v).toList()));
            assertEquals(5, second.points(), "the event is not sent");
            sink.send(List.of(second.value()));
        }
        Received got = dd.received().getFirst();
        assertEquals(202, got.status(), got.problem());
        assertEquals("gzip", got.encoding());
        assertEquals(API_KEY, got.apiKey());
        assertEquals(APP_KEY, got.appKey());
        List<JsonObject> series = dd.delivered();
        assertEquals(List.of("mysql.status.global.threads_running", "mysql.status.global.queries",
                "mysql.status.global.bytes", "mysql.status.global.aborted_clients", "mysql.status.global.running"),
                series.stream().map(TestData::metric).toList());
        assertEquals(List.of(3, 1, 3, 1, 3), series.stream().map(s -> s.get("type").getAsInt()).toList(),
                "gauge 3, count 1");
        assertEquals(List.of(4.0, 75.0, 16384.0, 3.0, 1.0), series.stream().map(TestData::value).toList(),
                "queries as its change");
        long t10 = T0.getEpochSecond() + 10;
        assertEquals(List.of(t10, t10, 1767323040L, Instant.parse("2026-01-02T03:00:00Z").getEpochSecond(), t10),
                series.stream().map(TestData::timestamp).toList(), "the value's time, its meta ts, or the collection's");
        assertEquals(List.of("env:prod", "host:db1.local"), tags(series.get(0)));
        assertEquals(List.of("env:prod", "host:db1.local", "engine:InnoDB", "db:shop", "tbl:orders"), tags(series.get(2)),
                "meta but ts, then group");
        for (JsonObject s : series) {
            assertEquals("[{\"name\":\"db1.local\",\"type\":\"host\"}]", s.get("resources").toString());
        }
    }

    @Test
    void withoutCompressionOrHostOrTagsTheJsonIsPlainAndHasNoResources() throws Exception {
        try (ApiSink sink = apiSink(api(dd, "api-compress", "false", "delta", "false"))) {
            sink.send(List.of(one(sink, monitor("db1", Map.of()), collection(1, 100))));
        }
        assertEquals("", dd.received().getFirst().encoding());
        List<JsonObject> series = dd.delivered();
        assertEquals(2, series.size());
        assertEquals("{\"metric\":\"status.global.queries\",\"type\":3,\"points\":[{\"timestamp\":"
                + (T0.getEpochSecond() + 1) + ",\"value\":100}]}", series.get(1).toString(),
                "without delta a cumulative counter is a gauge of its value");
    }

    @Test
    void aBatchOverTheCapGoesInSeveralRequestsEachUnder512000Bytes() throws Exception {
        // Each series about 1.1 KB of JSON: 1,000 of them are twice the cap uncompressed.
        String tag = "x".repeat(1000);
        var values = IntStream.range(0, 1000).mapToObj(i -> new MetricValue("bytes", i, MetricType.GAUGE,
                Map.of("tbl", "t" + i, "note", tag), Map.of())).toList();
        try (ApiSink sink = apiSink(api(dd, "api-compress", "false"))) {
            sink.send(List.of(one(sink, monitor("db1", Map.of()), at("db1", 1, 1, "size.table", values))));
        }
        List<Received> got = dd.received();
        assertTrue(got.size() >= 3, got.size() + " requests");
        assertTrue(got.stream().allMatch(r -> r.ok() && r.bytes() <= ApiSink.MAX_PAYLOAD), got.toString());
        assertEquals(IntStream.range(0, 1000).mapToDouble(i -> i).boxed().toList(),
                dd.delivered().stream().map(TestData::value).toList(), "every series once, in order");
    }

    @Test
    void a413SplitsTheRequestInTwoAndSendsEachHalfAgain() throws Exception {
        var values = IntStream.range(0, 40).mapToObj(i -> new MetricValue("bytes", i, MetricType.GAUGE,
                Map.of("tbl", "t" + i), Map.of())).toList();
        try (ApiSink sink = apiSink(api(dd))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), at("db1", 1, 1, "size.table", values));
            int whole = encoded.stream().mapToInt(String::length).sum();
            dd.maxPayload(whole / 3); // uncompressed would not fit; gzipped, only smaller parts do
            dd.script(Answer.of(413));
            sink.send(List.of(encoded));
        }
        List<Received> got = dd.received();
        assertEquals(413, got.getFirst().status());
        assertTrue(got.stream().skip(1).allMatch(Received::ok), got.toString());
        assertEquals(3, got.size(), "the scripted 413, then the two halves: " + got);
        assertEquals(IntStream.range(0, 40).mapToDouble(i -> i).boxed().toList(),
                dd.delivered().stream().map(TestData::value).toList());
    }

    @Test
    void a413ForOneSeriesIsARefusal() throws Exception {
        try (ApiSink sink = apiSink(api(dd))) {
            List<String> encoded = List.of(one(sink, monitor("db1", Map.of()), collection(1, 1)).getFirst());
            dd.script(Answer.of(413));
            var e = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertFalse(e.retryable());
            assertEquals("payload too large", e.kind());
            assertTrue(secretFree(e).startsWith("one series is "), e.getMessage());
        }
    }

    @Test
    void answers429And5xxAreForTheRuntimeToRetryAfterWhatDatadogAsks() throws Exception {
        try (ApiSink sink = apiSink(api(dd))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            dd.script(Answer.of(429).withHeader("X-RateLimit-Reset", "7"), Answer.of(503).withHeader("Retry-After", "2"),
                    Answer.of(500).withBody(""));
            var limited = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertTrue(limited.retryable());
            assertEquals("HTTP 429: scripted 429", secretFree(limited));
            assertEquals(Duration.ofSeconds(7), limited.retryAfter().orElseThrow());
            var unavailable = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertTrue(unavailable.retryable());
            assertEquals(Duration.ofSeconds(2), unavailable.retryAfter().orElseThrow());
            var error = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertEquals("HTTP 500", secretFree(error));
            assertTrue(error.retryable());
            assertTrue(error.retryAfter().isEmpty());
            sink.send(List.of(encoded));
        }
        assertEquals(List.of(429, 503, 500, 202), dd.received().stream().map(Received::status).toList(),
                "one request each: the sink has no retry loop of its own");
    }

    @Test
    void a400IsARefusalThatSaysWhatDatadogSaid() throws Exception {
        try (ApiSink sink = apiSink(api(dd))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            dd.script(Answer.of(400).withBody("{\"errors\":[\"Payload is not in the expected format\","
                    + "\"metric \\\"x\\\" is bad\"]}"));
            var e = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertFalse(e.retryable());
            assertEquals("HTTP 400", e.kind());
            assertEquals("Datadog refused the series: HTTP 400: Payload is not in the expected format; metric \"x\" is"
                    + " bad", secretFree(e));
        }
        assertEquals(1, dd.received().size());
    }

    @Test
    void a403ReadsTheKeyFilesAgainAndSendsOnceMore() throws Exception {
        Path apiFile = Files.writeString(dir.resolve("api.key"), API_KEY + "\n");
        Path appFile = Files.writeString(dir.resolve("app.key"), APP_KEY + "\n");
        try (ApiSink sink = apiSink(pairs("api-url", dd.url(), "api-key-auth-file", apiFile.toString(),
                "app-key-auth-file", appFile.toString()))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            // Datadog revoked the key; the new one is written while the refused request is answered.
            dd.expectKeys("rotated-api-key", APP_KEY);
            dd.script(Answer.of(403).withBody("{\"errors\":[\"Forbidden\"]}").before(() -> write(apiFile,
                    "rotated-api-key\n")));
            sink.send(List.of(encoded));
            assertEquals(List.of(403, 202), dd.received().stream().map(Received::status).toList());
            assertEquals("rotated-api-key", dd.received().get(1).apiKey());

            // Refused again after reading the files: a refusal, not a loop.
            dd.expectKeys("another-key", APP_KEY);
            var e = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertFalse(e.retryable());
            assertEquals("HTTP 403", e.kind());
            assertEquals("Datadog refused the keys: HTTP 403: Forbidden; check sinks.datadog.api-key-auth-file ("
                    + apiFile + ") and sinks.datadog.app-key-auth-file (" + appFile + ")", secretFree(e));
            assertEquals(List.of(403, 202, 403, 403), dd.received().stream().map(Received::status).toList());
        }
        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(l -> l.contains("keys read again")), logged.toString());
        }
    }

    @Test
    void aKeyFileThatChangedIsReadBeforeTheNextSend() throws Exception {
        Path apiFile = Files.writeString(dir.resolve("api.key"), API_KEY);
        try (ApiSink sink = apiSink(pairs("api-url", dd.url(), "api-key-auth-file", apiFile.toString(),
                "app-key-auth", APP_KEY))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            sink.send(List.of(encoded));
            write(apiFile, "rotated-key-of-another-length");
            dd.expectKeys("rotated-key-of-another-length", APP_KEY);
            sink.send(List.of(encoded));
        }
        assertEquals(List.of(202, 202), dd.received().stream().map(Received::status).toList());
    }

    @Test
    void aReloadReadsTheKeyFilesAgainEvenWhenTheyLookUnchanged() throws Exception {
        Path apiFile = Files.writeString(dir.resolve("api.key"), API_KEY + "\n");
        Path appFile = Files.writeString(dir.resolve("app.key"), APP_KEY + "\n");
        FileTime stamp = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(apiFile, stamp);
        String rotated = "rotated-" + "k".repeat(API_KEY.length() - "rotated-".length());
        try (ApiSink sink = apiSink(pairs("api-url", dd.url(), "api-key-auth-file", apiFile.toString(),
                "app-key-auth-file", appFile.toString()));
             var events = new LogEvents(ApiSink.class)) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            sink.send(List.of(encoded));
            // Rotated with a key of the same length, the time set back: the file's stamp cannot tell.
            Files.writeString(apiFile, rotated + "\n");
            Files.setLastModifiedTime(apiFile, stamp);

            sink.reload();

            dd.expectKeys(rotated, APP_KEY);
            sink.send(List.of(encoded));
            assertEquals(List.of("INFO sinks.datadog.api-key-auth-file: read the key again from " + apiFile
                    + ": Blip reloaded"), events.all(), "the application key did not change: nothing to tell");
        }
        assertEquals(List.of(202, 202), dd.received().stream().map(Received::status).toList());
        assertEquals(List.of(API_KEY, rotated), dd.received().stream().map(Received::apiKey).toList());
    }

    @Test
    void aKeyFileUnreadableAtAReloadKeepsTheKeyReadBeforeWithAWarning() throws Exception {
        Path apiFile = Files.writeString(dir.resolve("api.key"), API_KEY + "\n");
        Path appFile = Files.writeString(dir.resolve("app.key"), APP_KEY + "\n");
        try (ApiSink sink = apiSink(pairs("api-url", dd.url(), "api-key-auth-file", apiFile.toString(),
                "app-key-auth-file", appFile.toString()));
             var events = new LogEvents(ApiSink.class)) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            Files.writeString(apiFile, "");
            Files.delete(appFile);

            sink.reload();

            assertEquals(List.of("WARN sinks.datadog.api-key-auth-file: the key file " + apiFile + " is empty; write"
                    + " the key in it; the key read before stays in use",
                    "WARN sinks.datadog.app-key-auth-file: cannot read the key file " + appFile + ": no such file;"
                            + " the key read before stays in use"), events.all());
            sink.send(List.of(encoded));
        }
        assertEquals(List.of(202), dd.received().stream().map(Received::status).toList());
        assertEquals(API_KEY, dd.received().getFirst().apiKey());
        assertEquals(APP_KEY, dd.received().getFirst().appKey());
    }

    @Test
    void aDeadIntakeIsRetriedByTheRuntimeAndASlowOneEndsWithinTheSendTimeout() throws Exception {
        String url = dd.url();
        dd.close();
        try (ApiSink sink = apiSink(pairs("api-url", url, "api-key-auth", API_KEY, "app-key-auth", APP_KEY,
                "send-timeout", "1s"))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            var e = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertTrue(e.retryable());
            assertTrue(secretFree(e).startsWith("ConnectException"), e.getMessage());
        }
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ApiSink sink = apiSink(pairs("api-url", "http://127.0.0.1:" + silent.getLocalPort(), "api-key-auth",
                     API_KEY, "app-key-auth", APP_KEY, "send-timeout", "500ms"))) {
            List<String> encoded = one(sink, monitor("db1", Map.of()), collection(1, 1));
            long start = System.nanoTime();
            var e = assertThrows(SendException.class, () -> sink.send(List.of(encoded)));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
            assertTrue(e.retryable());
            assertEquals("no answer within send-timeout 500 ms", e.getMessage());
        }
    }

    @Test
    void errorsDatadogReportsBesideA202AreLogged() throws Exception {
        try (ApiSink sink = apiSink(api(dd))) {
            dd.script(Answer.of(202).withBody("{\"errors\":[\"Point timestamp is too old\"]}"));
            sink.send(List.of(one(sink, monitor("db1", Map.of()), collection(1, 1))));
        }
        synchronized (logged) {
            assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARNING") && l.contains("Point timestamp is too old")),
                    logged.toString());
        }
    }

    @Test
    void itsDescriptionNamesTheUrlAndNeverAKey() {
        try (ApiSink sink = apiSink(api(dd))) {
            assertEquals("datadog API " + dd.url() + "/api/v2/series (gzip), keys from sinks.datadog.api-key-auth and"
                    + " sinks.datadog.app-key-auth", sink.toString());
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
