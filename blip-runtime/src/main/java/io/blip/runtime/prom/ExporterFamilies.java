package io.blip.runtime.prom;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.Metrics;
import io.blip.api.sink.ExporterNaming;
import io.blip.api.sink.PromFamily;
import io.blip.api.collect.ConnectionSource;
import io.blip.api.time.Time;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mysqld_exporter's names for a collection's values, for sinks ({@code metric-names: exporter} of the
 * Pushgateway and Chronosphere sinks): what a scrape writes of the same domains, with what a sink
 * cannot have left out, since it has the collection and not the server:
 * <ul>
 *   <li>{@code status.global}: {@code mysql_global_status_*} with the exporter's folds
 *       ({@link ExporterNames#globalStatus}); no Galera text values;</li>
 *   <li>{@code var.global}: {@code mysql_global_variables_*}; no {@code mysql_version_info} or other
 *       families of text variables;</li>
 *   <li>{@code innodb}: {@code mysql_info_schema_innodb_metrics_<subsystem>_<name>} as the server
 *       spells the name, a counter ({@code _total}) when the server says so and the value is not
 *       negative, with the server's comment as help: read from the monitor's server (its
 *       {@link #serve registered} connections) once, and again when a metric is new to it (at most
 *       once a minute). While that cannot be read: Blip's lowercase name and type, generic help;</li>
 *   <li>{@code wait.io.table}: {@code mysql_perf_schema_table_io_waits_total} and
 *       {@code _seconds_total{schema,name,operation}} from the cumulative {@code count_<op>} and
 *       {@code sum_timer_<op>} of fetch, insert, update, delete (a truncating plan's deltas have no
 *       exporter name);</li>
 *   <li>{@code size.binlog}: {@code mysql_binlog_size_bytes}.</li>
 * </ul>
 */
public final class ExporterFamilies implements ExporterNaming {
    private static final Set<String> DOMAINS = Set.of("status.global", "var.global", "innodb", "wait.io.table",
            "size.binlog");
    private static final Set<String> IO_OPERATIONS = Set.of("fetch", "insert", "update", "delete");

    private static final Logger LOG = LoggerFactory.getLogger(ExporterFamilies.class);
    private static final Duration DESCRIBE_AGAIN = Duration.ofMinutes(1);

    /** InnoDB metrics described from Blip's values, by subsystem, name and counter or not: their lines are made once. */
    private final Map<String, ServerExtras.InnodbMetric> innodb = new ConcurrentHashMap<>();
    /** Each monitor's server, by monitor id: where its InnoDB metrics are described. */
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final Time time;

    /**
     * A monitor's server: its connections (held weakly, so a stopped monitor's pool is not kept), and
     * its InnoDB metrics as the server describes them, with when they were read.
     */
    private static final class Server {
        final WeakReference<ConnectionSource> db;
        Map<String, ServerExtras.InnodbMetric> described; // guarded by this
        long readAt; // guarded by this
        boolean warned; // guarded by this

        Server(ConnectionSource db) {
            this.db = new WeakReference<>(db);
        }
    }

    public ExporterFamilies(Time time) {
        this.time = time;
    }

    /**
     * The connections of a monitor's server, where its InnoDB metrics are described: at its start,
     * in place of its predecessor's of the same id.
     */
    public void serve(String monitorId, ConnectionSource db) {
        servers.values().removeIf(s -> s.db.get() == null);
        servers.put(monitorId, new Server(db));
    }

    @Override
    public Set<String> domains() {
        return DOMAINS;
    }

    @Override
    public List<PromFamily> families(Metrics metrics) {
        var out = new Exposition(Math.max(256, metrics.size() * 64));
        metrics.values().forEach((domain, values) -> {
            switch (domain) {
                case "status.global" -> ExporterNames.globalStatus(values, out);
                case "var.global" -> ExporterNames.variables(values, out);
                case "innodb" -> innodb(described(metrics.monitorId(), values), values, out);
                case "wait.io.table" -> tableIoWaits(values, out);
                case "size.binlog" -> values.stream().filter(v -> v.name().equals("bytes"))
                        .forEach(v -> out.add(ServerExtras.BINLOG_SIZE, v.value()));
                default -> {
                    // no exporter name
                }
            }
        });
        return out.asFamilies();
    }

    /**
     * The server's descriptions of the monitor's InnoDB metrics, read again when one of the values is
     * new to them and the last read is a minute old; null while they cannot be read.
     */
    private Map<String, ServerExtras.InnodbMetric> described(String monitorId, List<MetricValue> values) {
        Server server = servers.get(monitorId);
        if (server == null) {
            return null;
        }
        synchronized (server) {
            boolean complete = server.described != null
                    && values.stream().allMatch(v -> server.described.containsKey(v.name()));
            long now = time.nanoTime();
            if (complete || server.readAt != 0 && now - server.readAt < DESCRIBE_AGAIN.toNanos()) {
                return server.described;
            }
            server.readAt = now == 0 ? 1 : now;
            ConnectionSource db = server.db.get();
            if (db == null) {
                return server.described;
            }
            try (Connection c = db.getConnection()) {
                server.described = ServerExtras.innodbMetrics(c);
            } catch (SQLException e) {
                if (!server.warned) {
                    server.warned = true;
                    LOG.warn("monitor {}: cannot read information_schema.innodb_metrics to name InnoDB metrics as"
                            + " mysqld_exporter does ({}); until it can, they are sent by Blip's lowercase names and"
                            + " types", monitorId, e.getMessage());
                }
            }
            return server.described;
        }
    }

    /** With the server's descriptions, the scrape's names; without, from Blip's values. */
    private void innodb(Map<String, ServerExtras.InnodbMetric> byServer, List<MetricValue> values, Exposition out) {
        if (byServer != null) {
            ExporterNames.innodbMetrics(values, byServer, out);
            return;
        }
        var described = new java.util.HashMap<String, ServerExtras.InnodbMetric>();
        for (MetricValue v : values) {
            String subsystem = v.meta().get("subsystem");
            if (subsystem == null || v.type() == MetricType.DELTA_COUNTER || v.type() == MetricType.EVENT) {
                continue;
            }
            String type = v.type() == MetricType.CUMULATIVE_COUNTER ? "counter" : "value";
            described.put(v.name(), innodb.computeIfAbsent(subsystem + "\0" + v.name() + "\0" + type,
                    k -> new ServerExtras.InnodbMetric(v.name(), subsystem, type,
                            "Generic metric from information_schema.innodb_metrics.")));
        }
        ExporterNames.innodbMetrics(values, described, out);
    }

    private static void tableIoWaits(List<MetricValue> values, Exposition out) {
        for (MetricValue v : values) {
            if (v.type() != MetricType.CUMULATIVE_COUNTER) {
                continue;
            }
            String name = v.name();
            boolean count = name.startsWith("count_");
            String operation = name.substring(name.indexOf('_', count ? 0 : "sum_".length()) + 1);
            if (!IO_OPERATIONS.contains(operation) || !(count || name.startsWith("sum_timer_"))) {
                continue;
            }
            String schema = v.group().getOrDefault("db", "");
            String table = v.group().getOrDefault("tbl", "");
            if (count) {
                out.add(ServerExtras.TABLE_IO_WAITS_COUNT.line(schema, table, operation), v.value());
            } else {
                out.add(ServerExtras.TABLE_IO_WAITS_SECONDS.line(schema, table, operation), v.value() / 1e12);
            }
        }
    }
}
