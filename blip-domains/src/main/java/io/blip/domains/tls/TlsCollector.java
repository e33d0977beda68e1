package io.blip.domains.tls;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.LevelDomain;
import io.blip.api.collect.PerLevel;
import io.blip.api.collect.PerLevelCollector;
import io.blip.domains.MysqlValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Reports whether TLS is enabled and, from {@code tls_channel_status}, each channel's state. Which
 * source {@code enabled} reads is decided once per plan, in {@code prepare}: the channel table where
 * it can be read (it tells the same as have_ssl, "some channel is enabled", and is not deprecated),
 * else {@code @@have_ssl} (MariaDB, MySQL before 8.0.21).
 *
 * <p>A level that lists no metrics collects {@code enabled} and, where the table can be read, the
 * channel metrics. A level that lists a channel metric always reads the table, so a server without
 * it gives error 1146 to the plan's {@code table-not-exist} policy instead of silently nothing.
 */
final class TlsCollector extends PerLevelCollector<TlsCollector.AtLevel> {
    private static final Logger log = LoggerFactory.getLogger(TlsCollector.class);

    static final String HAVE_SSL = "SELECT @@have_ssl";
    private static final int ER_UNKNOWN_SYSTEM_VARIABLE = 1193;
    private static final Set<String> CHANNEL_METRICS = Set.of("channel_enabled", "cert_not_before", "cert_not_after",
            "cert_expires_in", "accepts", "finished_accepts");

    private final String channelsSql;

    /**
     * @param metrics  the metrics to collect
     * @param listed   whether the level lists them (else: every metric the server can give)
     * @param channels whether to read the channel table; set by {@code prepareForServer}
     * @param haveSsl  whether {@code enabled} reads {@code @@have_ssl}, not the channel table; set by
     *                 {@code prepareForServer}
     */
    record AtLevel(Set<String> metrics, boolean listed, boolean channels, boolean haveSsl) {
        boolean wants(String metric) {
            return metrics.contains(metric);
        }

        boolean wantsChannels() {
            return metrics.stream().anyMatch(CHANNEL_METRICS::contains);
        }
    }

    TlsCollector(CollectorContext context) {
        this(context, "performance_schema");
    }

    /**
     * @param schema the schema holding {@code tls_channel_status}: {@code performance_schema}, or in
     *               tests a schema with a copy of MySQL's table (MariaDB has none); never a user option
     */
    TlsCollector(CollectorContext context, String schema) {
        super(context, TlsFactory.HELP);
        this.channelsSql = "SELECT CHANNEL, PROPERTY, VALUE FROM " + schema + ".tls_channel_status";
    }

    @Override
    protected AtLevel prepareLevel(LevelDomain at) {
        boolean listed = !at.metrics().isEmpty();
        return new AtLevel(Set.copyOf(at.metricsOrAllDeclared()), listed, false, false);
    }

    @Override
    protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
        boolean readable = channelTableReadable();
        boolean haveSsl = !readable && hasHaveSsl();
        return levels.map(at -> new AtLevel(at.metrics(), at.listed(),
                at.wantsChannels() && (at.listed() || readable) || at.wants("enabled") && !haveSsl, haveSsl));
    }

    /** Whether the channel table can be read: not on MariaDB (1146), nor without the privilege (1142). */
    private boolean channelTableReadable() {
        try {
            query(channelsSql + " LIMIT 0", row -> { });
            return true;
        } catch (SQLException e) {
            log.debug("{}: tls: cannot read tls_channel_status, enabled reads @@have_ssl: {}", context().monitorId(),
                    e.getMessage());
            return false;
        }
    }

    /** Whether the server has {@code have_ssl}: MySQL 8.4 removed it. */
    private boolean hasHaveSsl() throws SQLException {
        try {
            query(HAVE_SSL, row -> { });
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == ER_UNKNOWN_SYSTEM_VARIABLE) {
                return false; // enabled then reads the channel table, and its error goes to the plan's policy
            }
            throw e;
        }
    }

    @Override
    protected List<MetricValue> collectLevel(AtLevel at) throws SQLException {
        var values = new ArrayList<MetricValue>();
        Map<String, Map<String, String>> channels = at.channels() ? channels() : Map.of();
        if (at.wants("enabled")) {
            boolean enabled = at.haveSsl() ? haveSsl()
                    : channels.values().stream().anyMatch(p -> isYes(p.get("enabled")));
            values.add(MetricValue.bool("enabled", enabled));
        }
        channels.forEach((channel, properties) -> addChannel(at, channel, properties, values));
        return values;
    }

    private boolean haveSsl() throws SQLException {
        var value = new String[1];
        query(HAVE_SSL, row -> value[0] = row.getString(1));
        return isYes(value[0]); // YES; NO or DISABLED is off
    }

    /** Each channel's properties, by lowercase name (MySQL spells Ssl_accept_renegotiates both ways). */
    private Map<String, Map<String, String>> channels() throws SQLException {
        var out = new LinkedHashMap<String, Map<String, String>>();
        query(channelsSql, row -> out.computeIfAbsent(row.getString(1), c -> new LinkedHashMap<>())
                .put(row.getString(2).toLowerCase(Locale.ROOT), row.getString(3)));
        return out;
    }

    private void addChannel(AtLevel at, String channel, Map<String, String> p, List<MetricValue> values) {
        var group = Map.of("channel", channel);
        if (at.wants("channel_enabled")) {
            values.add(new MetricValue("channel_enabled", isYes(p.get("enabled")) ? 1 : 0, MetricType.BOOL, group,
                    Map.of()));
        }
        // A channel without a certificate (disabled) has empty dates: no certificate metrics.
        OptionalDouble notBefore = MysqlValues.parse(p.get("ssl_server_not_before"));
        OptionalDouble notAfter = MysqlValues.parse(p.get("ssl_server_not_after"));
        if (at.wants("cert_not_before") && notBefore.isPresent()) {
            values.add(new MetricValue("cert_not_before", notBefore.getAsDouble(), MetricType.GAUGE, group, Map.of()));
        }
        if (notAfter.isPresent()) {
            double expires = notAfter.getAsDouble();
            if (at.wants("cert_not_after")) {
                values.add(new MetricValue("cert_not_after", expires, MetricType.GAUGE, group, Map.of()));
            }
            if (at.wants("cert_expires_in")) {
                double now = context().time().now().toEpochMilli() / 1000.0;
                values.add(new MetricValue("cert_expires_in", expires - now, MetricType.GAUGE, group, Map.of()));
            }
        }
        counter(at, "accepts", p.get("ssl_accepts"), group, values);
        counter(at, "finished_accepts", p.get("ssl_finished_accepts"), group, values);
    }

    private static void counter(AtLevel at, String name, String value, Map<String, String> group,
                                List<MetricValue> values) {
        OptionalDouble n = MysqlValues.parse(value);
        if (at.wants(name) && n.isPresent()) {
            values.add(new MetricValue(name, n.getAsDouble(), MetricType.CUMULATIVE_COUNTER, group, Map.of()));
        }
    }

    private static boolean isYes(String value) {
        return value != null && value.equalsIgnoreCase("yes");
    }
}
