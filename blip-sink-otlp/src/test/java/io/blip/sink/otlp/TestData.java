package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class TestData {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    /** Where the first monitor's otlp options are in the config. */
    static final String PATH = "monitors[0].sinks.otlp";
    /** What the runtime checks a {@code sinks.otlp} node against: the delivery options and the sink's own. */
    static final OptionSet DECLARED = Delivery.OPTIONS.with(OtlpSettings.OPTIONS);

    private TestData() {
    }

    /** A monitor of MySQL at {@code host:port}, as the runtime resolves its address. */
    static MonitorConfig monitor(String id, String host, int port, Map<String, String> tags) {
        var mysql = new MysqlConfig(host + ":" + port, "", "", "blip", null, "", null, "");
        return MonitorConfig.of(id).withOrigin("blip.yaml: monitors[0]").withMysql(mysql)
                .withAddress(new Address(host, port, "")).withTags(tags);
    }

    /** The checked options of {@code sinks.otlp} at {@link #PATH}, as the runtime reads them. */
    static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of(PATH, values));
    }

    /** The checked options with these environment variables. */
    static Options options(Map<String, ?> values, Map<String, String> env) {
        return DECLARED.read(OptionSet.Input.of(PATH, values).withEnv(env));
    }

    /** Options as pairs of key and value, for short calls. */
    static Map<String, String> pairs(String... keysAndValues) {
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
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

    static long nanos(long seconds) {
        return (T0.getEpochSecond() + seconds) * 1_000_000_000L;
    }
}
