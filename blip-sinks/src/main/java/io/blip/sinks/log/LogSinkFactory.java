package io.blip.sinks.log;

import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code log} sink, the default: prints each collection to STDOUT in Blip's format.
 *
 * <pre>
 * # monitor:  db1
 * # plan:     default-mysql
 * # level:    performance
 * # ts:       2026-11-25T08:00:05.000312Z
 * # duration: 12 ms
 * status.global.queries = 1234
 * size.table.bytes = 16384 (group: db=test,tbl=t1)
 * </pre>
 *
 * Values are printed as whole numbers, as Blip does. A whole collection is printed at once, so
 * the collections of several monitors never interleave.
 */
public final class LogSinkFactory extends SinkFactory.Base {
    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ISO_INSTANT;
    private final PrintStream out;

    public LogSinkFactory() {
        this(System.out);
    }

    public LogSinkFactory(PrintStream out) {
        super("log", "Prints metrics to STDOUT in Blip's log format (the default sink)", OptionSet.EMPTY);
        this.out = out;
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    /** Each collection is formatted on its monitor's thread; a batch is printed at once, in order. */
    @Override
    public Sink<String> make(SinkContext context) {
        return new Sink<>() {
            @Override
            public Encoder<String> encoder(MonitorConfig monitor) {
                return metrics -> {
                    String text = format(metrics);
                    return new Encoder.Encoded<>(text, Math.max(1, metrics.size()), text.length());
                };
            }

            @Override
            public void send(List<String> batch) {
                synchronized (out) {
                    batch.forEach(out::print);
                    out.flush();
                }
            }
        };
    }

    /** The text the log sink prints for one collection. */
    public static String format(Metrics m) {
        StringBuilder b = new StringBuilder(64 + m.size() * 48);
        b.append("# monitor:  ").append(m.monitorId()).append('\n');
        b.append("# plan:     ").append(m.plan()).append('\n');
        b.append("# level:    ").append(m.level()).append('\n');
        b.append("# ts:       ").append(RFC3339_NANO.format(m.begin().atOffset(ZoneOffset.UTC))).append('\n');
        b.append("# duration: ").append(Duration.between(m.begin(), m.end()).toMillis()).append(" ms\n");
        for (Map.Entry<String, List<MetricValue>> domain : m.values().entrySet()) {
            for (MetricValue v : domain.getValue()) {
                b.append(domain.getKey()).append('.').append(v.name()).append(" = ").append((long) v.value());
                if (!v.group().isEmpty()) {
                    b.append(" (group: ").append(tuples(v.group())).append(')');
                }
                if (!v.meta().isEmpty()) {
                    b.append(" (meta: ").append(tuples(v.meta())).append(')');
                }
                b.append('\n');
            }
        }
        return b.append('\n').toString();
    }

    private static String tuples(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(map).forEach((k, v) -> {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(k).append('=').append(v);
        });
        return b.toString();
    }
}
