package io.blip.domains.repllag;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.api.config.Durations;
import io.blip.api.plan.Plan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reports replication lag one way per plan, chosen in {@code prepare} by the option {@code writer}:
 * {@code pfs} reads MySQL 8's Performance Schema at each collect ({@link PfsLag}); {@code blip}
 * reports what a {@link HeartbeatReader} running in the background has read; {@code auto} tries pfs
 * and falls back to blip (MariaDB and MySQL 5.7 lack the pfs tables).
 *
 * <p>The writer and its settings (table, source, repl-check, latency) come from the fastest level
 * collecting the domain, and every level must name the same writer; what to report and when to
 * drop may differ by level.
 */
final class ReplLagCollector extends PerLevelCollector<ReplLagCollector.AtLevel> {
    private static final Logger log = LoggerFactory.getLogger(ReplLagCollector.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z0-9_$]+");
    private static final String DEFAULT_HEARTBEAT_DATABASE = "blip";

    /** @param way how the plan reads lag, the same for every level; set by {@code prepare} */
    record AtLevel(Set<String> metrics, boolean reportNotAReplica, boolean reportNoHeartbeat,
                   String defaultChannel, Way way) {
        /** A level that names no metrics (as Blip's default plan) collects {@code current}, as Blip does. */
        AtLevel {
            metrics = metrics.isEmpty() ? Set.of("current") : metrics;
        }

        AtLevel readingBy(Way way) {
            return new AtLevel(metrics, reportNotAReplica, reportNoHeartbeat, defaultChannel, way);
        }
    }

    /** MySQL's "table doesn't exist". */
    private static final int ER_NO_SUCH_TABLE = 1146;

    /** How the plan reads lag: exactly one of {@code pfs} and {@code reader} is set. */
    private record Way(PfsLag pfs, ReplCheck replCheck, HeartbeatReader reader) {
    }

    private HeartbeatReader reader; // the prepared plan's, to stop with it; guarded by this
    private volatile boolean toldNoTable;

    ReplLagCollector(CollectorContext context) {
        super(context, ReplLagFactory.HELP);
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        return new AtLevel(Set.copyOf(at.metricsOrAllDeclared()), at.yes("report-not-a-replica"),
                at.yes("report-no-heartbeat"), at.option("default-channel-name"), null);
    }

    @Override
    public void prepare(Plan plan) {
        PerLevel<AtLevel> levels = prepareLevels(plan);
        // The writer and its settings are the fastest level's.
        List<LevelDomain> domains = LevelDomain.in(plan, help());
        if (domains.isEmpty()) {
            swap(levels, null);
            return;
        }
        Way way = way(domains);
        swap(levels.map(at -> at.readingBy(way)), way.reader());
    }

    /** Chooses how to read lag and, for heartbeats, starts reading them. */
    private Way way(List<LevelDomain> domains) {
        LevelDomain first = domains.getFirst();
        String writer = first.option("writer");
        for (LevelDomain at : domains) {
            if (!at.option("writer").equals(writer)) {
                throw at.error("option writer='" + at.option("writer") + "' differs from writer='" + writer
                        + "' at level '" + first.level() + "'; lag is read one way per plan");
            }
        }
        ReplCheck replCheck = ReplCheck.of(first);
        HeartbeatReader.Follow follow = follow(first); // checked now, even if pfs answers
        Duration latency = networkLatency(first);
        if (!writer.equals("blip")) {
            try {
                probePfs(replCheck);
                return new Way(new PfsLag(), replCheck, null);
            } catch (SQLException e) {
                if (writer.equals("pfs")) {
                    throw first.error("writer=pfs: cannot read the Performance Schema replication tables"
                            + " (MySQL 8.0+ with performance_schema=ON): " + e.getMessage(), e);
                }
                log.debug("{}: repl.lag writer=auto: pfs failed ({}), reading Blip heartbeats",
                        context().monitorId(), e.getMessage());
            }
        }
        var reader = new HeartbeatReader(context().db(), context().monitorId(), follow, replCheck, latency,
                context().time());
        reader.start();
        return new Way(null, replCheck, reader);
    }

    /** Puts the new plan's levels in place and stops the old plan's reader, if any. */
    private synchronized void swap(PerLevel<AtLevel> levels, HeartbeatReader next) {
        HeartbeatReader old = reader;
        use(levels);
        reader = next;
        if (old != null) {
            old.close();
        }
    }

    private HeartbeatReader.Follow follow(LevelDomain at) {
        String table = at.option("table");
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || !IDENTIFIER.matcher(parts[0]).matches()
                || parts.length == 2 && !IDENTIFIER.matcher(parts[1]).matches()) {
            throw at.error("option table='" + table + "' is not a table name like blip.heartbeat");
        }
        String quoted = parts.length == 2 ? "`" + parts[0] + "`.`" + parts[1] + "`"
                : "`" + DEFAULT_HEARTBEAT_DATABASE + "`.`" + parts[0] + "`";
        String ownId = context().monitor().heartbeat().sourceId();
        return new HeartbeatReader.Follow(quoted, at.option("source-id"), at.option("source-role"),
                ownId.isEmpty() ? context().monitorId() : ownId);
    }

    /** A duration ({@code 50ms}, as Blip's docs write it) or whole milliseconds ({@code 50}, as its code reads it). */
    private static Duration networkLatency(LevelDomain at) {
        String value = at.option("network-latency").trim();
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() < 10) {
            return Duration.ofMillis(Long.parseLong(value));
        }
        try {
            return Durations.parse("network-latency", value);
        } catch (RuntimeException e) {
            throw at.error("option network-latency='" + value + "' is not a duration such as 50ms");
        }
    }

    private void probePfs(ReplCheck replCheck) throws SQLException {
        try (Connection c = context().db().getConnection()) {
            replCheck.isReplica(c); // fails now if the variable does not exist
            PfsLag.workers(c);
        }
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        if (at.way().reader() == null) {
            return fromPfs(at.way(), at);
        }
        try {
            return fromHeartbeat(at.way().reader().report(), at);
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_NO_SUCH_TABLE) {
                throw e;
            }
            // No heartbeat table is the usual case on a server that is not a replica and has no heartbeat
            // writer (e.g. MariaDB, where auto falls back to blip heartbeats): no heartbeat, not a failure.
            if (!toldNoTable) {
                toldNoTable = true;
                log.info("monitor {}: repl.lag: {}; reporting no heartbeat until it exists (heartbeat.freq turns on "
                        + "Blip's heartbeat writer on the source)", context().monitorId(), e.getMessage());
            }
            return at.metrics().contains("current") && at.reportNoHeartbeat()
                    ? List.of(current(-1, Map.of(), "")) : List.of();
        }
    }

    private static List<MetricValue> fromHeartbeat(HeartbeatReader.Lag lag, AtLevel at) {
        if (!at.metrics().contains("current")) {
            return List.of();
        }
        if (!lag.replica()) {
            return at.reportNotAReplica() ? List.of(current(-1, Map.of(), "")) : List.of();
        }
        if (lag.millis() < 0) {
            return at.reportNoHeartbeat() ? List.of(current(-1, Map.of(), "")) : List.of();
        }
        return List.of(current(lag.millis(), Map.of(), lag.source()));
    }

    private List<MetricValue> fromPfs(Way way, AtLevel at) throws SQLException {
        Map<String, List<PfsLag.Worker>> channels;
        try (Connection c = context().db().getConnection()) {
            if (!way.replCheck().isReplica(c)) {
                return notAReplica(at);
            }
            channels = PfsLag.workers(c);
        }
        if (channels.isEmpty()) {
            return notAReplica(at);
        }
        var values = new ArrayList<MetricValue>();
        channels.forEach((channel, workers) -> {
            PfsLag.ChannelLag lag = way.pfs().lagOf(channel, workers);
            var group = Map.of("channel_name", channel.isEmpty() ? at.defaultChannel() : channel);
            if (at.metrics().contains("current")) {
                values.add(current(lag.currentMs(), group, null));
            }
            if (at.metrics().contains("backlog")) {
                values.add(new MetricValue("backlog", lag.backlog(), MetricType.GAUGE, group, Map.of()));
            }
            if (at.metrics().contains("worker_usage")) {
                values.add(new MetricValue("worker_usage", lag.workerUsage(), MetricType.GAUGE, group, Map.of()));
            }
        });
        return values;
    }

    /** -1 for the default channel when asked for, as a replica with that channel would report it. */
    private static List<MetricValue> notAReplica(AtLevel at) {
        return at.reportNotAReplica() && at.metrics().contains("current")
                ? List.of(current(-1, Map.of("channel_name", at.defaultChannel()), null))
                : List.of();
    }

    private static MetricValue current(double millis, Map<String, String> group, String source) {
        return new MetricValue("current", millis, MetricType.GAUGE, group,
                source == null ? Map.of() : Map.of("source", source));
    }

    @Override
    public void close() {
        swap(PerLevel.none(help().domain()), null);
    }
}
