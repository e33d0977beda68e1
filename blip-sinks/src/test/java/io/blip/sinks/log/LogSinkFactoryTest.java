package io.blip.sinks.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSinkFactoryTest {
    @Test
    void printsBlipsFormatWithSortedGroupsAndMeta() throws Exception {
        Map<String, List<MetricValue>> values = new LinkedHashMap<>();
        values.put("status.global", List.of(MetricValue.counter("queries", 1234.9),
                MetricValue.gauge("threads_running", 2)));
        values.put("size.table", List.of(new MetricValue("bytes", 16384, MetricType.GAUGE,
                Map.of("tbl", "t1", "db", "test"), Map.of("ts", "1"))));
        Metrics m = new Metrics("db1", "default-mysql", "performance", 7,
                Instant.parse("2026-11-25T08:00:05.000312Z"), Instant.parse("2026-11-25T08:00:05.012999Z"), values);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MonitorConfig monitor = MonitorConfig.of("db1");
        Sink<String> sink = new LogSinkFactory(new PrintStream(bytes, true, StandardCharsets.UTF_8))
                .make(SinkContext.of("log", Options.empty("sinks.log"), Map.of(), Time.system()));
        sink.send(List.of(sink.encoder(monitor).encode(m).value()));

        assertEquals("""
                # monitor:  db1
                # plan:     default-mysql
                # level:    performance
                # ts:       2026-11-25T08:00:05.000312Z
                # duration: 12 ms
                status.global.queries = 1234
                status.global.threads_running = 2
                size.table.bytes = 16384 (group: db=test,tbl=t1) (meta: ts=1)

                """, bytes.toString(StandardCharsets.UTF_8));
    }
}
