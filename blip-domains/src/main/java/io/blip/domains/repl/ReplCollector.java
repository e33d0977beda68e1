package io.blip.domains.repl;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reports {@code running}: 1 when every replication channel has its IO and SQL threads running and
 * no error, 0 when one does not, and -1 (or nothing) when the server is not a replica.
 *
 * <p>Column names depend on the server, not on the statement: MySQL 8.0.22+ answers {@code SHOW
 * REPLICA STATUS} with {@code Replica_IO_Running} and {@code Source_Host}, MariaDB with the old
 * {@code Slave_IO_Running} and {@code Master_Host}. Both spellings are read.
 *
 * <p>Access denied (1227) is thrown as is: the plan's {@code access-denied} error policy handles it.
 */
final class ReplCollector extends PerLevelCollector<ReplCollector.AtLevel> {
    static final String SHOW_REPLICA_STATUS = "SHOW REPLICA STATUS";
    static final String SHOW_SLAVE_STATUS = "SHOW SLAVE STATUS";
    static final int NOT_A_REPLICA = -1;

    /**
     * @param statement the status statement this server understands, which {@code prepare} learns from
     *                  its version
     */
    record AtLevel(boolean running, boolean reportNotAReplica, String statement) {
        AtLevel withStatement(String statement) {
            return new AtLevel(running, reportNotAReplica, statement);
        }
    }

    ReplCollector(CollectorContext context) {
        super(context, ReplFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        return new AtLevel(at.metricsOrAllDeclared().contains("running"), at.yes("report-not-a-replica"),
                SHOW_SLAVE_STATUS);
    }

    /** Reads the server's version for the status statement it understands. */
    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        var versions = new ArrayList<String>(1);
        query("SELECT @@version", row -> versions.add(row.getString(1)));
        boolean replicaTerms = ServerVersion.parse(versions.getFirst()).hasShowReplicaStatus();
        String statement = replicaTerms ? SHOW_REPLICA_STATUS : SHOW_SLAVE_STATUS;
        return levels.map(at -> at.withStatement(statement));
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (!at.running()) {
            return List.of();
        }
        List<Map<String, String>> channels = status(at.statement());
        if (channels.isEmpty()) {
            return at.reportNotAReplica() ? List.of(running(NOT_A_REPLICA, "")) : List.of();
        }
        boolean running = true;
        var sources = new LinkedHashSet<String>();
        for (Map<String, String> channel : channels) {
            running &= isRunning(channel);
            sources.add(either(channel, "Source_Host", "Master_Host"));
        }
        return List.of(running(running ? 1 : 0, String.join(",", sources)));
    }

    private static boolean isRunning(Map<String, String> channel) {
        return "Yes".equals(either(channel, "Replica_IO_Running", "Slave_IO_Running"))
                && "Yes".equals(either(channel, "Replica_SQL_Running", "Slave_SQL_Running"))
                && "0".equals(channel.get("Last_Errno"));
    }

    private static String either(Map<String, String> row, String newName, String oldName) {
        String value = row.containsKey(newName) ? row.get(newName) : row.get(oldName);
        return value == null ? "" : value;
    }

    private static MetricValue running(int value, String source) {
        return new MetricValue("running", value, MetricType.GAUGE, Map.of(), Map.of("source", source));
    }

    /** One map of column to value per replication channel; none when not a replica. */
    private List<Map<String, String>> status(String statement) throws SQLException {
        var rows = new ArrayList<Map<String, String>>();
        query(statement, row -> {
            ResultSetMetaData md = row.getMetaData();
            var columns = new HashMap<String, String>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.put(md.getColumnLabel(i), row.getString(i));
            }
            rows.add(columns);
        });
        return rows;
    }
}
