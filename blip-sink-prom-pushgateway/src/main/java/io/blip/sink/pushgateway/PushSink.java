package io.blip.sink.pushgateway;

import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.ExporterNaming;
import io.blip.api.sink.Answers;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;
import io.blip.api.time.Time;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * The prom-pushgateway sink: each monitor's collection pushed with {@code POST} (Blip's
 * {@code pusher.Add()}: metrics of the same name in the group are replaced, others kept) to
 * {@code <addr>/metrics/job/blip/monitor/<id>}, in the text format.
 *
 * <p>What an answer means for the runtime's delivery: 2xx delivered; 413, 429 and 5xx may pass and
 * are retried by the runtime (after {@code Retry-After} when given); 400 and any other answer are
 * refusals, with what the Pushgateway said. The batch's pushes are sent in order; a failure ends the
 * send, and a retry pushes the batch again (a push replaces what it pushed before, so a group pushed
 * twice holds the same). No answer within {@code send-timeout} may pass.
 */
final class PushSink implements Sink<Push> {
    /** The most of the Pushgateway's answer a message quotes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PushgatewaySettings settings;
    private final ExporterNaming exporterNaming;
    private final Time time;
    private final HttpClient client;

    /** @param exporterNaming the runtime's mysqld_exporter names, for {@code metric-names: exporter} */
    PushSink(PushgatewaySettings settings, ExporterNaming exporterNaming, Time time) {
        this.settings = settings;
        this.exporterNaming = exporterNaming;
        this.time = time;
        // The JVM's default proxy selector: Blip's http.proxy.
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Encoder<Push> encoder(MonitorConfig monitor) {
        return metrics -> {
            Push push = Push.of(monitor.id(), settings.exporterNames() ? exporterNaming.families(metrics)
                    : BlipNames.families(metrics.values()));
            return push == null ? null : new Encoder.Encoded<>(push, push.samples(), push.text().length);
        };
    }

    @Override
    public void send(List<Push> batch) throws IOException, InterruptedException, SendException {
        long deadline = time.nanoTime() + settings.timeout().toNanos();
        for (Push push : batch) {
            URI url = settings.groupUrl(push.monitorId());
            HttpResponse<String> answer = request(url, push.text(), deadline);
            int code = answer.statusCode();
            if (code / 100 == 2) {
                continue;
            }
            String why = "HTTP " + code + Answers.quoted(answer.body());
            if (code == 413 || code == 429 || code / 100 == 5) {
                throw SendException.retry(why, answer.headers().firstValue("Retry-After")
                    .flatMap(v -> Answers.retryAfter(v, time.now())).orElse(null));
            }
            if (code == 400) {
                throw SendException.reject("HTTP 400", "the Pushgateway refused the metrics of monitor "
                        + push.monitorId() + ": " + why);
            }
            throw SendException.reject("HTTP " + code, "the Pushgateway at " + url + " answered " + why);
        }
    }

    private HttpResponse<String> request(URI url, byte[] body, long deadline)
            throws IOException, InterruptedException, SendException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return Answers.send(client, request, deadline, time, settings.timeout());
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
        return "prom-pushgateway " + describe();
    }
}
