package io.blip.sink.signalfx;

import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.MetricNames;
import io.blip.api.sink.Answers;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.api.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The signalfx sink: {@code POST /v2/datapoint} with the datapoints of one batch of many monitors'
 * collections in one request ({@code {"gauge":[..],"counter":[..],"cumulative_counter":[..]}}), the
 * token in {@code X-SF-Token}.
 *
 * <p>What an answer means for the runtime's delivery: 2xx delivered; 401 and 403 read the token file
 * again and send once more, then refuse; 413, 429 and 5xx may pass and are retried by the runtime
 * (after {@code Retry-After} when SignalFx gives one); 400 and any other answer are refusals, with
 * what SignalFx said. No answer within {@code send-timeout} may pass. The token file is also read
 * again at every reload of Blip ({@link #reload()}).
 */
final class DatapointSink implements Sink<Datapoints> {
    private static final Logger LOG = LoggerFactory.getLogger(DatapointSink.class);
    /** The most of SignalFx's answer a message quotes. */

    private final SignalFxSettings settings;
    private final Time time;
    private final HttpClient client;

    DatapointSink(SignalFxSettings settings, Time time) {
        this.settings = settings;
        this.time = time;
        // The JVM's default proxy selector: Blip's http.proxy.
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Encoder<Datapoints> encoder(MonitorConfig monitor) {
        MetricNames names = MetricNames.of(settings.prefix(), settings.translator(), LOG::warn);
        return metrics -> {
            Datapoints points = Datapoints.of(metrics, names, monitor);
            return points.size() == 0 ? null : new Encoder.Encoded<>(points, points.size(), points.bytes());
        };
    }

    @Override
    public void send(List<Datapoints> batch) throws IOException, InterruptedException, SendException {
        long deadline = time.nanoTime() + settings.timeout().toNanos();
        byte[] body = json(batch);
        HttpResponse<String> answer = request(body, deadline);
        int code = answer.statusCode();
        if (code == 401 || code == 403) {
            String problem = settings.token().reread();
            if (problem != null) {
                throw SendException.reject("HTTP " + code, "SignalFx refused the token (HTTP " + code + ") and "
                        + problem);
            }
            LOG.info("signalfx {}: HTTP {}: token read again from {}; sending once more", settings.datapointUrl(),
                    code, settings.token().describe());
            answer = request(body, deadline);
            code = answer.statusCode();
        }
        if (code / 100 == 2) {
            return;
        }
        String why = "HTTP " + code + Answers.quoted(answer.body());
        if (code == 401 || code == 403) {
            throw SendException.reject("HTTP " + code, "SignalFx refused the token: " + why + "; check "
                    + settings.token().describe());
        }
        if (code == 413 || code == 429 || code / 100 == 5) {
            throw SendException.retry(why, answer.headers().firstValue("Retry-After")
                    .flatMap(v -> Answers.retryAfter(v, time.now())).orElse(null));
        }
        if (code == 400) {
            throw SendException.reject("HTTP 400", "SignalFx refused the datapoints: " + why);
        }
        throw SendException.reject("HTTP " + code, "SignalFx answered " + why);
    }

    /** The batch as one body: each type's datapoints of every collection, in order. */
    static byte[] json(List<Datapoints> batch) {
        var b = new StringBuilder(batch.stream().mapToInt(d -> (int) Math.min(d.bytes() + d.size() + 64,
                Integer.MAX_VALUE / 4)).sum());
        b.append('{');
        boolean any = false;
        any = array(b, "gauge", batch, Datapoints::gauge, any);
        any = array(b, "counter", batch, Datapoints::counter, any);
        array(b, "cumulative_counter", batch, Datapoints::cumulativeCounter, any);
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean array(StringBuilder b, String name, List<Datapoints> batch,
                                 Function<Datapoints, List<String>> of, boolean any) {
        if (batch.stream().allMatch(d -> of.apply(d).isEmpty())) {
            return any;
        }
        if (any) {
            b.append(',');
        }
        b.append('"').append(name).append("\":[");
        boolean first = true;
        for (Datapoints d : batch) {
            for (String point : of.apply(d)) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append(point);
            }
        }
        b.append(']');
        return true;
    }

    private HttpResponse<String> request(byte[] body, long deadline)
            throws IOException, InterruptedException, SendException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.datapointUrl())
                .header("Content-Type", "application/json")
                .header("X-SF-Token", settings.token().current().reveal())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return Answers.send(client, request, deadline, time, settings.timeout());
    }

    /** Blip reloads: the token file is read again; when it cannot be read, the token stays, with a warning. */
    @Override
    public void reload() {
        settings.token().reload();
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
        return "signalfx " + describe();
    }
}
