package io.blip.api.collect;

import io.blip.api.MetricValue;
import io.blip.api.plan.Plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A collector that prepares each level of the plan once and then, at each {@code collect}, reads
 * what that level asks for: the shape of most MySQL domains. A subclass says what a level needs
 * ({@link #prepareLevel}) and how to collect it ({@link #collectLevel}); this class keeps the
 * prepared levels, swaps a new plan's in whole, finds the level {@code collect} is called for, and
 * runs queries on the monitor's pool ({@link #query}).
 *
 * <pre>{@code
 * final class UptimeCollector extends PerLevelCollector<Boolean> {
 *     UptimeCollector(CollectorContext context) {
 *         super(context, UptimeFactory.HELP);
 *     }
 *
 *     // Checks the level's options and builds what collect needs; no query here.
 *     protected Boolean prepareLevel(LevelDomain at) {
 *         return at.yes("report-zero");
 *     }
 *
 *     protected List<MetricValue> collectLevel(Boolean reportZero) throws SQLException {
 *         var values = new ArrayList<MetricValue>();
 *         query("SHOW GLOBAL STATUS LIKE 'Uptime'",
 *                 row -> values.add(MetricValue.gauge("uptime", row.getDouble(2))));
 *         return values.isEmpty() && reportZero ? List.of(MetricValue.gauge("uptime", 0)) : values;
 *     }
 * }
 * }</pre>
 *
 * <p><b>Asking the server in {@code prepare}.</b> A domain that must learn something from MySQL
 * before it can build its queries (the server's version, which columns a table has) overrides
 * {@link #prepareForServer}. It is called once every level is built and checked, so a mistake in the
 * plan is reported before any query, even when MySQL is down; and only when some level collects the
 * domain, so a plan without it costs no query:
 *
 * <pre>{@code
 * protected PerLevel<AtLevel> prepareForServer(PerLevel<AtLevel> levels) throws SQLException {
 *     String version = serverVersion(); // e.g. with query("SELECT @@version", ...)
 *     return levels.map(at -> at.forVersion(version));
 * }
 * }</pre>
 *
 * <p>A domain whose {@code prepare} does more still (e.g. starts a background reader that the next
 * plan must stop) overrides {@link #prepare} itself, builds the levels with {@link #prepareLevels} and
 * puts them in place with {@link #use}.
 *
 * <p><b>Threads.</b> {@code collect} may run for different levels at the same time, and while a new
 * plan is prepared: the prepared levels are immutable and swapped in one volatile write, so a
 * {@code collect} reads either the old plan's state or the new one's, never a mix. State that a
 * subclass changes in {@code collectLevel} (e.g. the last value seen) must be guarded by the subclass.
 *
 * <p><b>Errors.</b> Before {@code prepare}, or for a level the prepared plan does not collect the
 * domain in, {@code collect} throws an {@link IllegalStateException}:
 * {@code status.global: collect(kpi) before prepare}, {@code status.global: level 'kpi' does not
 * collect this domain in the prepared plan; levels: [fast, slow]}.
 *
 * @param <T> what {@code prepare} builds for one level and {@code collect} reads: usually a record
 *            of the level's query and options; immutable
 */
public abstract class PerLevelCollector<T> implements Collector {

    /**
     * Reads the row a result set is on. It must not move the result set ({@code next()}) or close it.
     */
    @FunctionalInterface
    public interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private final CollectorContext context;
    private final CollectorHelp help;
    private volatile PerLevel<T> levels;

    /**
     * A collector for one monitor; no I/O here (the factory's {@code make} calls it).
     *
     * @param context the monitor and its connection pool
     * @param help    the domain's help, which {@code prepare} checks each level against
     */
    protected PerLevelCollector(CollectorContext context, CollectorHelp help) {
        this.context = Objects.requireNonNull(context, "context");
        this.help = Objects.requireNonNull(help, "help");
        this.levels = PerLevel.none(help.domain());
    }

    /** The monitor and its connection pool. */
    protected final CollectorContext context() {
        return context;
    }

    /** The domain's help. */
    protected final CollectorHelp help() {
        return help;
    }

    /**
     * Prepares for the plan: every level that collects the domain is checked against the help and
     * built with {@link #prepareLevel}, finished with {@link #prepareForServer} when there is any, and
     * the result replaces the previous plan's. When something fails, the previous plan stays in place.
     */
    @Override
    public void prepare(Plan plan) throws Exception {
        PerLevel<T> prepared = prepareLevels(plan);
        use(prepared.levels().isEmpty() ? prepared : prepareForServer(prepared));
    }

    /**
     * What one level needs at each {@code collect}: its query, its options read. Checks what the help
     * cannot (e.g. that a list of metrics is given when an option says it must be) and throws
     * {@link LevelDomain#error} for a mistake. It must not query MySQL.
     *
     * @param at the level's options and metrics, already checked against the help
     */
    protected abstract T prepareLevel(LevelDomain at);

    /**
     * Finishes the prepared levels with what only the server can tell, e.g. which statement its
     * version understands; may query MySQL (with {@link #query}). Called by {@link #prepare} after
     * every level was built and checked, and only when some level collects the domain. Default: the
     * levels as they are.
     *
     * @param levels what {@link #prepareLevel} built for each level, fastest first
     * @return the levels {@code collect} will read; {@link PerLevel#map} makes them
     */
    protected PerLevel<T> prepareForServer(PerLevel<T> levels) throws Exception {
        return levels;
    }

    /**
     * Collects one level. (Not an overload of {@code collect}, so that {@code T} may be a
     * {@code String}, e.g. a level's SQL.)
     *
     * @param level what {@link #prepareLevel} (and {@link #prepareForServer}) built for the level
     */
    protected abstract List<MetricValue> collectLevel(T level) throws Exception;

    /**
     * Collects the level with what the prepared plan built for it.
     *
     * @throws IllegalStateException before {@code prepare}, or when the prepared plan's level does not
     *                               collect the domain (see the class comment for the messages)
     */
    @Override
    public final List<MetricValue> collect(String level) throws Exception {
        return collectLevel(levels.at(level));
    }

    /**
     * Every level of the plan that collects the domain, fastest first, checked against the help and
     * built with {@link #prepareLevel}; no query. For an overridden {@link #prepare}.
     *
     * @throws io.blip.api.BlipException naming the domain, level and first mistake
     */
    protected final PerLevel<T> prepareLevels(Plan plan) {
        return PerLevel.of(plan, help, this::prepareLevel);
    }

    /**
     * Puts the prepared levels in place: from now on {@code collect} reads them. For an overridden
     * {@link #prepare}, once everything that can fail has; also to forget a plan, e.g. in
     * {@code close}, with {@link PerLevel#none}.
     */
    protected final void use(PerLevel<T> prepared) {
        this.levels = Objects.requireNonNull(prepared, "prepared");
    }

    /**
     * Runs a query that takes no parameters on a connection from the monitor's pool and hands each
     * row to the reader; the result, the statement and the connection are closed (the connection goes
     * back to the pool) when it returns or throws.
     */
    protected final void query(String sql, RowReader reader) throws SQLException {
        query(sql, List.of(), reader);
    }

    /**
     * Like {@link #query(String, RowReader)}, as a prepared statement with one string bound to each
     * {@code ?}, in order: how names from a plan reach MySQL without being written into the SQL.
     */
    protected final void query(String sql, List<String> parameters, RowReader reader) throws SQLException {
        try (Connection c = context.db().getConnection()) {
            query(c, sql, parameters, reader);
        }
    }

    /**
     * Like {@link #query(String, List, RowReader)}, on a connection the caller holds and closes: for
     * several queries on one connection, e.g. trying sources one after another in {@code prepare}.
     */
    protected static void query(Connection c, String sql, List<String> parameters, RowReader reader)
            throws SQLException {
        if (c.isWrapperFor(ReusableStatements.class)) {
            // The pool's connection keeps the statement for the next collection.
            execute(c.unwrap(ReusableStatements.class).reusable(sql), parameters, reader);
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            execute(s, parameters, reader);
        }
    }

    private static void execute(PreparedStatement s, List<String> parameters, RowReader reader) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            s.setString(i + 1, parameters.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
            readAll(rs, reader);
        }
    }

    private static void readAll(ResultSet rs, RowReader reader) throws SQLException {
        while (rs.next()) {
            reader.read(rs);
        }
    }
}
