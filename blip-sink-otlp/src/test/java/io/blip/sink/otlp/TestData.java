package io.blip.sink.otlp;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class TestData {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private TestData() {
    }

    static MonitorConfig monitor(String id, String hostname, Map<String, String> tags) {
        var mysql = new MysqlConfig(hostname, "", "", "blip", Secret.empty(), "", MysqlConfig.DEFAULT_TIMEOUT_CONNECT, "");
        return new MonitorConfig(id, "blip.yaml: monitors[0]", mysql, null, null, null, null, "", null, tags, null);
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
