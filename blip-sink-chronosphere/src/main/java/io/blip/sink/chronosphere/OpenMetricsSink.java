package io.blip.sink.chronosphere;

import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.ExporterNaming;
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
import java.util.List;

/**
 * The chronosphere sink: the families of one batch of many monitors' collections as one OpenMetrics
 * {@code MetricSet{metric_families=1}} in protobuf, snappy-compressed (the block format, as Go's
 * {@code snappy.Encode}), {@code POST}ed as {@code application/octet-stream}, as Blip does.
 *
 * <p>What an answer means for the runtime's delivery: 2xx delivered; 413, 429 and 5xx may pass and are
 * retried by the runtime (after {@code Retry-After} when given); 400 and any other answer are
 * refusals, with what the collector said. No answer within {@code send-timeout} may pass. With
 * {@code strict-tr}, a collection with a domain Blip has no translator for is refused when it is
 * encoded (the runtime counts it failed and logs {@code sink-invalid-metrics} for its monitor);
 * without, such domains are left out, and said so once per monitor and domain at debug level.
 */
final class OpenMetricsSink implements Sink<Families> {
    private static final Logger LOG = LoggerFactory.getLogger(OpenMetricsSink.class);

    private final ChronosphereSettings settings;
    private final ExporterNaming exporterNaming;
    private final Time time;
    private final HttpClient client;

    /** @param exporterNaming the runtime's mysqld_exporter names, for {@code metric-names: exporter} */
    OpenMetricsSink(ChronosphereSettings settings, ExporterNaming exporterNaming, Time time) {
        this.settings = settings;
        this.exporterNaming = exporterNaming;
        this.time = time;
        // The JVM's default proxy selector: Blip's http.proxy.
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }

    @Override
    public Encoder<Families> encoder(MonitorConfig monitor) {
        var told = new java.util.HashSet<String>();
        return metrics -> {
            Families families = settings.exporterNames()
                    ? Families.of(metrics, monitor, exporterNaming.families(metrics), exporterNaming.domains())
                    : Families.of(metrics, monitor);
            if (!families.untranslated().isEmpty()) {
                if (settings.strictTr()) {
                    throw new IllegalStateException("no translator for " + String.join(", ",
                            families.untranslated()) + " (strict-tr: yes); only " + (settings.exporterNames()
                            ? String.join(", ", new java.util.TreeSet<>(exporterNaming.domains()))
                            : "status.global, var.global and innodb") + " have one");
                }
                for (String domain : families.untranslated()) {
                    if (told.add(domain)) {
                        LOG.debug("chronosphere: monitor {}: no translator for {}, left out (strict-tr: no)",
                                monitor.id(), domain);
                    }
                }
            }
            return families.families().isEmpty() ? null
                    : new Encoder.Encoded<>(families, families.families().size(), families.bytes());
        };
    }

    @Override
    public void send(List<Families> batch) throws IOException, InterruptedException, SendException {
        if (settings.debug()) {
            batch.forEach(f -> f.text().forEach(line -> LOG.info("chronosphere debug (not sent): {}", line)));
            return;
        }
        byte[] body = SnappyBlock.compress(metricSet(batch));
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> answer = Answers.send(client, request, time.nanoTime() + settings.timeout().toNanos(),
                time, settings.timeout());
        int code = answer.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String why = "HTTP " + code + Answers.quoted(answer.body());
        if (code == 413 || code == 429 || code / 100 == 5) {
            throw SendException.retry(why, answer.headers().firstValue("Retry-After")
                    .flatMap(v -> Answers.retryAfter(v, time.now())).orElse(null));
        }
        if (code == 400) {
            throw SendException.reject("HTTP 400", "the Chronosphere collector refused the metrics: " + why);
        }
        throw SendException.reject("HTTP " + code, "the Chronosphere collector answered " + why);
    }

    /** {@code MetricSet{metric_families=1}} of every family in the batch, in order. */
    static byte[] metricSet(List<Families> batch) {
        var out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE / 2,
                batch.stream().mapToLong(Families::bytes).sum() + 16));
        for (Families f : batch) {
            for (byte[] family : f.families()) {
                Proto.message(out, 1, family);
            }
        }
        return out.toByteArray();
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
        return "chronosphere " + describe();
    }
}
