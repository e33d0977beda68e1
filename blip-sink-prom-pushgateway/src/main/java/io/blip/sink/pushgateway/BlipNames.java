package io.blip.sink.pushgateway;

import io.blip.api.MetricValue;
import io.blip.api.sink.PromFamily;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blip's Prometheus translators (prom/tr in Blip's code), the names Blip's prom-pushgateway sink
 * pushes: {@code status.global} as {@code mysql_global_status_*} (with the exporter's folds:
 * {@code commands_total{command}}, {@code handlers_total{handler}}, ...), {@code var.global} as
 * {@code mysql_global_variables_*}, {@code innodb} as {@code mysql_info_schema_innodb_metrics_*}.
 * Blip translates no other domain; their values are not pushed. Delta counters are not pushed
 * (Prometheus has no delta type), as in Blip; bools are gauges.
 */
final class BlipNames {
    static final Map<String, String> DOMAINS = Map.of("status.global", "global_status", "var.global",
            "global_variables", "innodb", "info_schema_innodb");
    private static final String PREFIX = "mysql_";
    private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_]");
    private static final Pattern STATUS_FOLD = Pattern.compile(
            "^(com|handler|connection_errors|innodb_buffer_pool_pages|innodb_rows|performance_schema)_(.*)$");
    private static final Pattern BUFFER = Pattern.compile("^buffer_(pool_pages)_(.*)$");
    private static final Pattern BUFFER_PAGE = Pattern.compile("^buffer_page_(read|written)_(.*)$");
    private static final String INNODB = PREFIX + "info_schema_innodb_metrics_";

    /** A family: its help, type ({@code counter}, {@code gauge}) and label name (null for none), and samples. */
    static final class Family {
        final String name;
        final String help;
        final String type;
        final String label;
        /** By label value ("" without a label); the first of a repeated one wins. */
        final Map<String, Double> samples = new LinkedHashMap<>();

        Family(String name, String help, String type, String label) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.label = label;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** The families of a collection's values. */
    static List<PromFamily> families(Map<String, List<MetricValue>> values) {
        return of(values).values().stream().map(f -> new PromFamily(f.name, f.help,
                PromFamily.Type.valueOf(f.type.toUpperCase(Locale.ROOT)), f.label == null ? List.of() : List.of(f.label),
                f.samples.entrySet().stream().map(s -> new PromFamily.Sample(f.label == null ? List.of()
                        : List.of(s.getKey()), s.getValue())).toList())).toList();
    }

    /** The families of a collection's values, by name. */
    static Map<String, Family> of(Map<String, List<MetricValue>> values) {
        var names = new BlipNames();
        values.forEach((domain, list) -> {
            for (MetricValue v : list) {
                String type = switch (v.type()) {
                    case CUMULATIVE_COUNTER -> "counter";
                    case GAUGE, BOOL -> "gauge";
                    case DELTA_COUNTER, EVENT -> null;
                };
                if (type == null) {
                    continue;
                }
                switch (domain) {
                    case "status.global" -> names.status(v, type);
                    case "var.global" -> names.add(PREFIX + "global_variables_" + valid(v.name()),
                            "Generic " + type + " metric.", type, null, "", v.value());
                    case "innodb" -> names.innodb(v, type);
                    default -> {
                    }
                }
            }
        });
        return names.families;
    }

    private void status(MetricValue v, String type) {
        String generic = "Generic " + type + " metric from SHOW GLOBAL STATUS.";
        Matcher m = STATUS_FOLD.matcher(v.name());
        if (!m.matches()) {
            add(PREFIX + "global_status_" + valid(v.name()), generic, type, null, "", v.value());
            return;
        }
        String rest = m.group(2);
        String status = PREFIX + "global_status_";
        switch (m.group(1)) {
            case "com" -> add(status + "commands_total", "Total number of executed MySQL commands.", "counter",
                    "command", rest, v.value());
            case "handler" -> add(status + "handlers_total", "Total number of executed MySQL handlers.", "counter",
                    "handler", rest, v.value());
            case "connection_errors" -> add(status + "connection_errors_total",
                    "Total number of MySQL connection errors.", "counter", "error", rest, v.value());
            case "innodb_buffer_pool_pages" -> {
                switch (rest) {
                    case "data", "free", "misc", "old" -> add(status + "buffer_pool_pages",
                            "Innodb buffer pool pages by state.", "gauge", "state", rest, v.value());
                    case "dirty" -> add(status + "buffer_pool_dirty_pages", "Innodb buffer pool dirty pages.",
                            "gauge", null, "", v.value());
                    case "total" -> {
                        // the sum of the others
                    }
                    default -> add(status + "buffer_pool_page_changes_total",
                            "Innodb buffer pool page state changes.", "counter", "operation", rest, v.value());
                }
            }
            case "innodb_rows" -> add(status + "innodb_row_ops_total", "Total number of MySQL InnoDB row operations.",
                    "counter", "operation", rest, v.value());
            default -> add(status + "performance_schema_lost_total", "Total number of MySQL instrumentations that"
                    + " could not be loaded or created due to memory constraints.", "counter", "instrumentation", rest,
                    v.value());
        }
    }

    private void innodb(MetricValue v, String type) {
        String subsystem = v.meta().get("subsystem");
        if (subsystem == null) {
            return; // Blip's translator names a metric by its subsystem
        }
        if (subsystem.equals("buffer_page_io")) {
            Matcher m = BUFFER_PAGE.matcher(v.name());
            if (m.matches()) {
                boolean read = m.group(1).equals("read");
                add(INNODB + (read ? "buffer_page_read_total" : "buffer_page_written_total"), read
                        ? "Total number of buffer pages read total." : "Total number of buffer pages written total.",
                        type, "type", m.group(2), v.value());
            }
            return;
        }
        if (subsystem.equals("buffer")) {
            Matcher m = BUFFER.matcher(v.name());
            if (m.matches()) {
                switch (m.group(2)) {
                    case "total" -> {
                        // the sum of the others
                    }
                    case "dirty" -> add(INNODB + "buffer_pool_dirty_pages",
                            "Total number of dirty pages in the buffer pool.", "gauge", null, "", v.value());
                    default -> add(INNODB + "buffer_pool_pages", "Total number of buffer pool pages by state.",
                            "gauge", "state", m.group(2), v.value());
                }
                return;
            }
        }
        add(INNODB + subsystem + "_" + v.name() + "_total", "Generic " + type + " metric from SHOW GLOBAL STATUS.",
                type, null, "", v.value());
    }

    private void add(String name, String help, String type, String label, String labelValue, double value) {
        families.computeIfAbsent(name, n -> new Family(n, help, type, label)).samples.putIfAbsent(labelValue, value);
    }

    /** Blip's validPrometheusName: lowercase, every character but a-z, 0-9 and _ as _. */
    static String valid(String name) {
        return INVALID.matcher(name).replaceAll("_").toLowerCase(Locale.ROOT);
    }
}
