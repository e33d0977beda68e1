package io.blip.sink.datadog;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class TestData {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    static final String PATH = "sinks.datadog";
    /** What the runtime checks {@code sinks.datadog} against: the delivery options and the sink's own. */
    static final OptionSet DECLARED = Delivery.OPTIONS.with(DatadogSettings.OPTIONS);
    static final String API_KEY = "dd-api-0123456789abcdef-SECRET";
    static final String APP_KEY = "dd-app-fedcba9876543210-SECRET";

    private TestData() {
    }

    static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of(PATH, values));
    }

    static Options options(Map<String, ?> values, Map<String, String> env) {
        return DECLARED.read(OptionSet.Input.of(PATH, values).withEnv(env));
    }

    /** Options as pairs of key and value. */
    static Map<String, String> pairs(String... keysAndValues) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** Options of a sink that sends to the fake with the keys it takes, and these more. */
    static Map<String, String> api(FakeDatadog dd, String... more) {
        var out = pairs("api-url", dd.url(), "api-key-auth", API_KEY, "app-key-auth", APP_KEY);
        out.putAll(pairs(more));
        return out;
    }

    static ApiSink apiSink(Map<String, String> values) {
        return (ApiSink) new DatadogSinkFactory().make(SinkContext.of("datadog", options(values), Map.of(),
                Time.system()));
    }

    static MonitorConfig monitor(String id, Map<String, String> tags) {
        return MonitorConfig.of(id).withTags(tags);
    }

    /** A collection at T0 + seconds with domain, values pairs. */
    static Metrics at(String monitorId, long interval, long seconds, Object... domainAndValues) {
        var values = new LinkedHashMap<String, List<MetricValue>>();
        for (int i = 0; i < domainAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<MetricValue> list = (List<MetricValue>) domainAndValues[i + 1];
            values.put((String) domainAndValues[i], list);
        }
        Instant begin = T0.plusSeconds(seconds);
        return new Metrics(monitorId, "p", "l", interval, begin, begin.plusMillis(5), values);
    }

    static String metric(JsonObject series) {
        return series.get("metric").getAsString();
    }

    static double value(JsonObject series) {
        return series.getAsJsonArray("points").get(0).getAsJsonObject().get("value").getAsDouble();
    }

    static long timestamp(JsonObject series) {
        return series.getAsJsonArray("points").get(0).getAsJsonObject().get("timestamp").getAsLong();
    }

    static List<String> tags(JsonObject series) {
        return series.has("tags") ? series.getAsJsonArray("tags").asList().stream().map(JsonElement::getAsString)
                .toList() : List.of();
    }
}
