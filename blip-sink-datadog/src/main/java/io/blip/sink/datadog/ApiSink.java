package io.blip.sink.datadog;

import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SecretFile;
import io.blip.api.sink.Answers;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.api.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * The datadog sink through Datadog's API: {@code POST /api/v2/series}, the series of one batch of many
 * monitors' collections in as few requests as Datadog takes. A request is at most
 * {@value #MAX_PAYLOAD} bytes as sent and, gzipped, {@value #MAX_DECOMPRESSED} bytes of JSON (Datadog's
 * limits); a batch larger is sent in several, and one Datadog refuses as too large (413) is split in
 * two and each half sent again.
 *
 * <p>What an answer means for the runtime's delivery: 2xx delivered (errors Datadog reports beside a
 * 202 are logged); 401 and 403 re-read the key files and send once more, then refuse; 429 and 5xx may
 * pass and are retried by the runtime, after {@code Retry-After} or {@code X-RateLimit-Reset} when
 * Datadog gives one; 400 and any other answer are refusals, with what Datadog said. No answer within
 * {@code send-timeout} may pass. The key files are also read again at every reload of Blip
 * ({@link #reload()}).
 */
final class ApiSink implements Sink<List<String>> {
    static final int MAX_PAYLOAD = 512_000;
    static final int MAX_DECOMPRESSED = 5_242_880;
    private static final Logger LOG = LoggerFactory.getLogger(ApiSink.class);
    private static final byte[] OPEN = "{\"series\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern ERRORS = Pattern.compile("\"errors\"\\s*:\\s*\\[(.*?)]", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The most of Datadog's answer a message quotes. */

    private final DatadogSettings settings;
    private final Time time;
    private final HttpClient client;

    ApiSink(DatadogSettings settings, Time time) {
        this.settings = settings;
        this.time = time;
        // The JVM's default proxy selector: Blip's http.proxy.
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Encoder<List<String>> encoder(MonitorConfig monitor) {
        var points = new Points(settings.prefix(), settings.translator(), settings.delta(), monitor);
        String host = Points.host(monitor);
        return (Metrics metrics) -> {
            List<String> series = points.of(metrics).stream().map(p -> Wire.series(p, host)).toList();
            long bytes = series.stream().mapToLong(s -> s.length() + 1).sum();
            return series.isEmpty() ? null : new Encoder.Encoded<>(series, series.size(), bytes);
        };
    }

    @Override
    public void send(List<List<String>> batch) throws IOException, InterruptedException, SendException {
        var send = new Send(time.nanoTime() + settings.timeout().toNanos());
        var series = new ArrayList<byte[]>();
        batch.forEach(collection -> collection.forEach(s -> series.add(s.getBytes(StandardCharsets.UTF_8))));
        int limit = settings.compress() ? MAX_DECOMPRESSED : MAX_PAYLOAD;
        for (List<byte[]> request : requests(series, limit)) {
            post(request, send);
        }
    }

    /** The series in order, in requests of at most {@code limit} bytes of JSON (a longer series alone). */
    static List<List<byte[]>> requests(List<byte[]> series, int limit) {
        var out = new ArrayList<List<byte[]>>();
        var request = new ArrayList<byte[]>();
        long size = OPEN.length + CLOSE.length;
        for (byte[] s : series) {
            long more = s.length + (request.isEmpty() ? 0 : 1);
            if (!request.isEmpty() && size + more > limit) {
                out.add(request);
                request = new ArrayList<>();
                size = OPEN.length + CLOSE.length;
                more = s.length;
            }
            request.add(s);
            size += more;
        }
        if (!request.isEmpty()) {
            out.add(request);
        }
        return out;
    }

    /** One send of the runtime: its deadline, and whether it already re-read the keys. */
    private static final class Send {
        final long deadline;
        boolean keysReread;

        Send(long deadline) {
            this.deadline = deadline;
        }
    }

    private void post(List<byte[]> series, Send send) throws IOException, InterruptedException, SendException {
        byte[] json = json(series);
        byte[] body = settings.compress() ? gzip(json) : json;
        if (body.length > MAX_PAYLOAD) {
            if (series.size() == 1) {
                throw tooLarge(body.length);
            }
            halves(series, send);
            return;
        }
        HttpResponse<String> answer = request(body, send);
        int code = answer.statusCode();
        if (code / 100 == 2) {
            List<String> errors = errors(answer.body());
            if (!errors.isEmpty()) {
                LOG.warn("datadog {}: Datadog took {} series and reported: {}", settings.seriesUrl(), series.size(),
                        String.join("; ", errors));
            }
            return;
        }
        String why = "HTTP " + code + said(answer.body());
        if (code == 413) {
            if (series.size() == 1) {
                throw tooLarge(body.length);
            }
            LOG.debug("datadog {}: HTTP 413 for {} series in {} bytes; sending them in two requests",
                    settings.seriesUrl(), series.size(), body.length);
            halves(series, send);
        } else if ((code == 401 || code == 403) && !send.keysReread) {
            send.keysReread = true;
            rereadKeys(code);
            post(series, send);
        } else if (code == 401 || code == 403) {
            throw SendException.reject("HTTP " + code, "Datadog refused the keys: " + why + "; check "
                    + settings.apiKey().describe() + " and " + settings.appKey().describe());
        } else if (code == 429 || code / 100 == 5) {
            throw SendException.retry(why, retryAfter(answer).orElse(null));
        } else if (code == 400) {
            throw SendException.reject("HTTP 400", "Datadog refused the series: " + why);
        } else {
            throw SendException.reject("HTTP " + code, "Datadog answered " + why);
        }
    }

    private void halves(List<byte[]> series, Send send) throws IOException, InterruptedException, SendException {
        int half = series.size() / 2;
        post(series.subList(0, half), send);
        post(series.subList(half, series.size()), send);
    }

    private SendException tooLarge(int bytes) {
        return SendException.reject("payload too large", "one series is " + bytes + " bytes as sent, more than"
                + " Datadog takes in a request (" + MAX_PAYLOAD + "); its tags are too many or too long");
    }

    private void rereadKeys(int code) throws SendException {
        var problems = new ArrayList<String>();
        for (SecretFile key : List.of(settings.apiKey(), settings.appKey())) {
            String problem = key.reread();
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw SendException.reject("HTTP " + code, "Datadog refused the keys (HTTP " + code + ") and "
                    + String.join("; ", problems));
        }
        LOG.info("datadog {}: HTTP {}: keys read again from {} and {}; sending once more", settings.seriesUrl(),
                code, settings.apiKey().describe(), settings.appKey().describe());
    }

    private HttpResponse<String> request(byte[] body, Send send)
            throws IOException, InterruptedException, SendException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.seriesUrl())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("DD-API-KEY", settings.apiKey().current().reveal())
                .header("DD-APPLICATION-KEY", settings.appKey().current().reveal())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (settings.compress()) {
            request.header("Content-Encoding", "gzip");
        }
        return Answers.send(client, request, send.deadline, time, settings.timeout());
    }

    /** {@code Retry-After} (seconds or an HTTP date), else Datadog's {@code X-RateLimit-Reset} (seconds). */
    private Optional<Duration> retryAfter(HttpResponse<?> answer) {
        Optional<String> after = answer.headers().firstValue("Retry-After");
        if (after.isPresent()) {
            return Answers.retryAfter(after.get(), time.now());
        }
        return answer.headers().firstValue("X-RateLimit-Reset").map(String::trim)
                .filter(v -> v.matches("[0-9]{1,9}")).map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }

    /** {@code : <Datadog's errors>}, or the start of its answer; empty when it said nothing. */
    static String said(String body) {
        List<String> errors = errors(body);
        if (!errors.isEmpty()) {
            return ": " + String.join("; ", errors);
        }
        return Answers.quoted(body);
    }

    /** The strings of the {@code errors} array of Datadog's JSON answer. */
    static List<String> errors(String body) {
        if (body == null) {
            return List.of();
        }
        Matcher m = ERRORS.matcher(body);
        if (!m.find()) {
            return List.of();
        }
        var out = new ArrayList<String>();
        Matcher s = STRING.matcher(m.group(1));
        while (s.find()) {
            String error = s.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            out.add(Answers.shortened(error));
        }
        return out;
    }

    private static byte[] json(List<byte[]> series) {
        int size = OPEN.length + CLOSE.length + Math.max(0, series.size() - 1);
        for (byte[] s : series) {
            size += s.length;
        }
        var out = new ByteArrayOutputStream(size);
        out.writeBytes(OPEN);
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(series.get(i));
        }
        out.writeBytes(CLOSE);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] json) throws IOException {
        var out = new ByteArrayOutputStream(json.length / 8 + 64);
        try (var gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(json);
        }
        return out.toByteArray();
    }

    /** Blip reloads: both key files are read again; one that cannot be read keeps its key, with a warning. */
    @Override
    public void reload() {
        settings.apiKey().reload();
        settings.appKey().reload();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public String toString() {
        return "datadog " + describe();
    }
}
