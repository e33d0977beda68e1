package io.blip.runtime.prom;

import io.blip.api.MetricValue;
import io.blip.runtime.prom.Exposition.Type;
import java.util.List;
import java.util.Map;

/**
 * Blip's domains in mysqld_exporter's names, labels, types and help (the exporter's collectors
 * {@code global_status} and {@code global_variables}, 0.14): {@code status.global} folds into
 * {@code mysql_global_status_commands_total{command}}, {@code handlers_total{handler}}, ... as the
 * exporter does; {@code var.global} becomes {@code mysql_global_variables_*} and
 * {@code mysql_version_info}.
 */
public final class ExporterNames {
    static final String NAMESPACE = "mysql";
    private static final String STATUS = NAMESPACE + "_global_status_";
    private static final String VARIABLES = NAMESPACE + "_global_variables_";

    /** The folded groups of SHOW GLOBAL STATUS, by prefix, and the family each folds into. */
    private record Fold(String prefix, Exposition.Family family) {
        Fold(String prefix, String family, String help, String label, Type type) {
            this(prefix, new Exposition.Family(family, help, type, label));
        }
    }

    private static final List<Fold> FOLDS = List.of(
            new Fold("com_", STATUS + "commands_total", "Total number of executed MySQL commands.", "command",
                    Type.COUNTER),
            new Fold("handler_", STATUS + "handlers_total", "Total number of executed MySQL handlers.", "handler",
                    Type.COUNTER),
            new Fold("connection_errors_", STATUS + "connection_errors_total", "Total number of MySQL connection errors.",
                    "error", Type.COUNTER),
            new Fold("innodb_rows_", STATUS + "innodb_row_ops_total", "Total number of MySQL InnoDB row operations.",
                    "operation", Type.COUNTER),
            new Fold("performance_schema_", STATUS + "performance_schema_lost_total",
                    "Total number of MySQL instrumentations that could not be loaded or created due to memory "
                            + "constraints.", "instrumentation", Type.COUNTER));

    private static final String BUFFER_POOL_PAGES = "innodb_buffer_pool_pages_";

    private ExporterNames() {
    }

    /** {@code status.global}'s values as the exporter's {@code global_status} collector writes them. */
    public static void globalStatus(List<MetricValue> values, Exposition out) {
        globalStatus(values, Map.of(), out);
    }

    /**
     * {@code status.global}'s values, and the Galera ({@code wsrep_*}) variables the server has as
     * text, which the exporter reads where Blip's domain does not ({@code Primary} 1,
     * {@code non-Primary} and {@code Disconnected} 0), with {@code mysql_galera_status_info}.
     */
    static void globalStatus(List<MetricValue> values, Map<String, String> wsrep, Exposition out) {
        var seen = new java.util.HashSet<String>();
        for (MetricValue v : values) {
            String name = v.name();
            if (name.startsWith("wsrep")) {
                seen.add(name);
            }
            StatusName t = known(name);
            if (t != LEFT_OUT) {
                out.add(t.line(), v.value());
            }
        }
        wsrep.forEach((name, text) -> {
            if (!seen.contains(name)) {
                StatusName t = known(name);
                ServerExtras.parseStatus(text).ifPresent(value -> out.add(t.line(), value));
            }
        });
        Exposition.Line info = galeraStatusInfo(wsrep);
        if (info != null) {
            out.add(info, 1);
        }
    }

    /**
     * One row of {@code SHOW GLOBAL STATUS} as the exporter's {@code global_status} collector reads it:
     * its value as the exporter parses one ({@code Primary} 1, ...), unless the exporter leaves the
     * variable out, or {@code kept} does.
     *
     * @param serverName the name as the server spells it ({@code Aborted_clients})
     * @param kept       the variables to write (lowercase), or null for all
     */
    static void statusRow(String serverName, String text, java.util.Set<String> kept, ServerExtras.Samples out) {
        StatusName t = STATUS_BY_SERVER_NAME.get(serverName);
        if (t == null) {
            t = known(serverName.toLowerCase(java.util.Locale.ROOT));
            if (STATUS_BY_SERVER_NAME.size() < MAX_CACHED) {
                STATUS_BY_SERVER_NAME.put(serverName, t);
            }
        }
        if (t == LEFT_OUT || (kept != null && !kept.contains(t.name()))) {
            return;
        }
        java.util.OptionalDouble value = ServerExtras.parseStatus(text);
        if (value.isPresent()) {
            out.add(t.line(), value.getAsDouble());
        }
    }

    /** {@code mysql_galera_status_info} from the Galera status variables (lowercase names); null on a server without. */
    static Exposition.Line galeraStatusInfo(Map<String, String> wsrep) {
        String uuid = wsrep.getOrDefault("wsrep_local_state_uuid", "");
        if (uuid.isEmpty()) {
            return null;
        }
        return GALERA_STATUS_INFO.line(uuid, wsrep.getOrDefault("wsrep_cluster_state_uuid", ""),
                wsrep.getOrDefault("wsrep_provider_version", ""));
    }

    private static final Exposition.Family GALERA_STATUS_INFO = new Exposition.Family(NAMESPACE
            + "_galera_status_info", "PXC/Galera status information.", Type.GAUGE, "wsrep_local_state_uuid",
            "wsrep_cluster_state_uuid", "wsrep_provider_version");

    /** How one status variable is written: its sample line (family, help, type, and label when folded). */
    private record StatusName(String name, Exposition.Line line) {
        StatusName(String name, Exposition.Family family, String... labelValues) {
            this(name, family.line(labelValues));
        }
    }

    /** A status variable the exporter leaves out. */
    private static final StatusName LEFT_OUT = new StatusName(null, (Exposition.Line) null);
    /** Names repeat every scrape: each one's translation is kept (at most this many: the server's names). */
    private static final int MAX_CACHED = 4096;
    private static final Map<String, StatusName> STATUS_NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    /** The same by the name as the server spells it (a scrape reads the server's rows). */
    private static final Map<String, StatusName> STATUS_BY_SERVER_NAME = new java.util.concurrent.ConcurrentHashMap<>();
    /** A system variable's lowercase name and sample line, by Blip's name or the server's spelling. */
    private record VariableName(String name, Exposition.Line line) {
    }

    private static final Map<String, VariableName> VARIABLE_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private static final Exposition.Family BUFFER_POOL_PAGES_BY_STATE = new Exposition.Family(
            STATUS + "buffer_pool_pages", "Innodb buffer pool pages by state.", Type.GAUGE, "state");
    private static final Exposition.Family BUFFER_POOL_DIRTY_PAGES = new Exposition.Family(
            STATUS + "buffer_pool_dirty_pages", "Innodb buffer pool dirty pages.", Type.GAUGE);
    private static final Exposition.Family BUFFER_POOL_PAGE_CHANGES = new Exposition.Family(
            STATUS + "buffer_pool_page_changes_total", "Innodb buffer pool page state changes.", Type.COUNTER,
            "operation");
    private static final String GENERIC_STATUS = "Generic metric from SHOW GLOBAL STATUS.";

    /** How a status variable is written, made once and kept. */
    private static StatusName known(String name) {
        StatusName t = STATUS_NAMES.get(name);
        if (t == null) {
            t = statusName(name);
            if (STATUS_NAMES.size() < MAX_CACHED) {
                STATUS_NAMES.put(name, t);
            }
        }
        return t;
    }

    private static StatusName statusName(String name) {
        if (name.startsWith(BUFFER_POOL_PAGES)) {
            String state = name.substring(BUFFER_POOL_PAGES.length());
            return switch (state) {
                case "data", "free", "misc", "old" -> new StatusName(name, BUFFER_POOL_PAGES_BY_STATE, state);
                case "dirty" -> new StatusName(name, BUFFER_POOL_DIRTY_PAGES);
                case "total" -> LEFT_OUT; // the sum of the others: the exporter leaves it out
                default -> new StatusName(name, BUFFER_POOL_PAGE_CHANGES, state);
            };
        }
        Fold fold = fold(name);
        if (fold != null) {
            return new StatusName(name, fold.family(), name.substring(fold.prefix().length()));
        }
        return new StatusName(name, new Exposition.Family(STATUS + name, GENERIC_STATUS, Type.UNTYPED));
    }

    private static Fold fold(String name) {
        for (Fold f : FOLDS) {
            if (name.startsWith(f.prefix()) && name.length() > f.prefix().length()) {
                return f;
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern GCACHE_SIZE =
            java.util.regex.Pattern.compile("gcache.size = (\\d+)([MG]?);");

    /** {@code gcache.size} of {@code wsrep_provider_options} in bytes, as the exporter reads it; 0 without one. */
    static double gcacheSize(String providerOptions) {
        var m = GCACHE_SIZE.matcher(providerOptions);
        if (!m.find()) {
            return 0;
        }
        double size = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "M" -> size * 1024 * 1024;
            case "G" -> size * 1024 * 1024 * 1024;
            default -> size;
        };
    }

    static final String INNODB = NAMESPACE + "_info_schema_innodb_metrics_";
    private static final Exposition.Family PAGES_READ = new Exposition.Family(INNODB + "buffer_page_read_total",
            "Total number of buffer pages read total.", Type.COUNTER, "type");
    private static final Exposition.Family PAGES_WRITTEN = new Exposition.Family(INNODB + "buffer_page_written_total",
            "Total number of buffer pages written total.", Type.COUNTER, "type");
    private static final Exposition.Family INNODB_DIRTY_PAGES = new Exposition.Family(INNODB
            + "buffer_pool_dirty_pages", "Total number of dirty pages in the buffer pool.", Type.GAUGE);
    private static final Exposition.Family INNODB_POOL_PAGES = new Exposition.Family(INNODB + "buffer_pool_pages",
            "Total number of buffer pool pages by state.", Type.GAUGE, "state");

    /**
     * {@code innodb}'s values as the exporter's {@code info_schema.innodb_metrics} collector writes
     * them: {@code buffer_page_io} folded by {@code type}, the buffer pool's pages by {@code state},
     * every other metric {@code mysql_info_schema_innodb_metrics_<subsystem>_<name>} with the
     * server's comment as help, a counter ({@code _total}) when the server says so and the value is
     * not negative (MySQL bug 75966).
     *
     * @param described every InnoDB metric's subsystem, type and comment, by name
     */
    static void innodbMetrics(List<MetricValue> values, Map<String, ServerExtras.InnodbMetric> described,
                              Exposition out) {
        for (MetricValue v : values) {
            ServerExtras.InnodbMetric m = described.get(v.name());
            if (m == null) {
                continue; // gone from the server since it was described: the next scrape reads them again
            }
            String name = v.name();
            if (m.subsystem().equals("buffer_page_io")) {
                if (name.startsWith("buffer_page_read_")) {
                    out.add(PAGES_READ.line(name.substring("buffer_page_read_".length())), v.value());
                } else if (name.startsWith("buffer_page_written_")) {
                    out.add(PAGES_WRITTEN.line(name.substring("buffer_page_written_".length())), v.value());
                }
                continue;
            }
            if (m.subsystem().equals("buffer") && name.startsWith("buffer_pool_pages_")) {
                String state = name.substring("buffer_pool_pages_".length());
                switch (state) {
                    case "total" -> {
                        // The sum of the others: the exporter leaves it out.
                    }
                    case "dirty" -> out.add(INNODB_DIRTY_PAGES.line(), v.value());
                    default -> out.add(INNODB_POOL_PAGES.line(state), v.value());
                }
                continue;
            }
            // Named as the server spells it (buffer_LRU_...).
            out.add(m.line(m.counter() && v.value() >= 0), v.value());
        }
    }

    /**
     * {@code var.global}'s values as the exporter's {@code global_variables} collector writes them,
     * with {@code mysql_version_info} from the server's text variables ({@code version},
     * {@code version_comment}, {@code innodb_version}; empty when unknown, as the exporter leaves them).
     */
    public static void globalVariables(List<MetricValue> values, Map<String, String> text, Exposition out) {
        variables(values, out);
        var extras = new ServerExtras.Samples(4);
        textVariables(text, extras);
        extras.writeTo(out);
    }

    /** {@code var.global}'s values as {@code mysql_global_variables_*}, without the text variables' families. */
    static void variables(List<MetricValue> values, Exposition out) {
        for (MetricValue v : values) {
            out.add(variable(v.name()).line(), v.value());
        }
    }

    /** The text variables the exporter's {@code global_variables} collector writes as labels. */
    static final java.util.Set<String> TEXT_VARIABLES = java.util.Set.of("version", "version_comment",
            "innodb_version", "wsrep_cluster_name", "wsrep_provider_options", "transaction_isolation", "tx_isolation");

    /**
     * One row of {@code SHOW GLOBAL VARIABLES} as the exporter's {@code global_variables} collector
     * reads it: its value as the exporter parses one, and its text kept in {@code text} when it is one
     * of {@link #TEXT_VARIABLES}.
     */
    static void variableRow(String serverName, String value, ServerExtras.Samples out, Map<String, String> text) {
        VariableName v = variable(serverName);
        java.util.OptionalDouble number = ServerExtras.parseStatus(value);
        if (number.isPresent()) {
            out.add(v.line(), number.getAsDouble());
        }
        if (value != null && TEXT_VARIABLES.contains(v.name())) {
            text.put(v.name(), value);
        }
    }

    private static VariableName variable(String serverName) {
        VariableName known = VARIABLE_NAMES.get(serverName);
        if (known == null) {
            String name = serverName.toLowerCase(java.util.Locale.ROOT);
            known = new VariableName(name, new Exposition.Family(VARIABLES + name,
                    "Generic gauge metric from SHOW GLOBAL VARIABLES.", Type.GAUGE).line());
            if (VARIABLE_NAMES.size() < MAX_CACHED) {
                VARIABLE_NAMES.put(serverName, known);
            }
        }
        return known;
    }

    private static final Exposition.Family VERSION_INFO = new Exposition.Family(NAMESPACE + "_version_info",
            "MySQL version and distribution.", Type.GAUGE, "innodb_version", "version", "version_comment");
    private static final Exposition.Family GALERA_VARIABLES_INFO = new Exposition.Family(NAMESPACE
            + "_galera_variables_info", "PXC/Galera variables information.", Type.GAUGE, "wsrep_cluster_name");
    private static final Exposition.Line GCACHE_SIZE_BYTES = new Exposition.Family(NAMESPACE
            + "_galera_gcache_size_bytes", "PXC/Galera gcache size.", Type.GAUGE).line();
    private static final Exposition.Family TRANSACTION_ISOLATION = new Exposition.Family(NAMESPACE
            + "_transaction_isolation", "MySQL transaction isolation.", Type.GAUGE, "level");

    /**
     * What the exporter's {@code global_variables} collector makes of the server's text variables
     * (lowercase names): {@code mysql_version_info} ({@code version}, {@code version_comment},
     * {@code innodb_version}; empty when unknown, as the exporter leaves them), and on a Galera node
     * or a server that says its isolation, their families.
     */
    static void textVariables(Map<String, String> text, ServerExtras.Samples out) {
        out.add(VERSION_INFO.line(text.getOrDefault("innodb_version", ""), text.getOrDefault("version", ""),
                text.getOrDefault("version_comment", "")), 1);
        String cluster = text.getOrDefault("wsrep_cluster_name", "");
        if (!cluster.isEmpty()) {
            out.add(GALERA_VARIABLES_INFO.line(cluster), 1);
        }
        String provider = text.getOrDefault("wsrep_provider_options", "");
        if (!provider.isEmpty()) {
            out.add(GCACHE_SIZE_BYTES, gcacheSize(provider));
        }
        String isolation = text.getOrDefault("transaction_isolation", "");
        if (isolation.isEmpty()) {
            isolation = text.getOrDefault("tx_isolation", "");
        }
        if (!isolation.isEmpty()) {
            out.add(TRANSACTION_ISOLATION.line(isolation), 1);
        }
    }
}
