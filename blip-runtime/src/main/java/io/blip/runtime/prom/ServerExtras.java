package io.blip.runtime.prom;

import io.blip.runtime.prom.Exposition.Type;
import io.blip.api.collect.ReusableStatements;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What mysqld_exporter writes that Blip's domains do not carry, read from the server the way the
 * exporter reads it: the version strings of {@code mysql_version_info}, the subsystem, type and
 * comment of each InnoDB metric (its help and whether it is a counter), and every column of
 * {@code SHOW SLAVE STATUS} ({@code mysql_slave_status_*}).
 */
final class ServerExtras {
    /**
     * MariaDB first (one row per connection), then MySQL's, with the lock-free suffixes the exporter
     * tries; last {@code SHOW REPLICA STATUS}, which MySQL 8.4 has instead (the exporter reads it since
     * 0.16; 0.14 cannot scrape a replica of 8.4).
     */
    private static final List<String> SLAVE_STATUS = List.of("SHOW ALL SLAVES STATUS", "SHOW SLAVE STATUS NONBLOCKING",
            "SHOW SLAVE STATUS NOLOCK", "SHOW SLAVE STATUS", "SHOW REPLICA STATUS");
    private static final String[] SLAVE_LABELS = {"master_host", "master_uuid", "channel_name", "connection_name"};
    private static final DateTimeFormatter CERT_DATE =
            DateTimeFormatter.ofPattern("MMM dd HH:mm:ss yyyy z", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    /**
     * One InnoDB metric's description: what the exporter names and helps it by. The same on every
     * server of a version: one instance for all monitors ({@link #intern}), which keeps the bytes of
     * its sample lines once made.
     *
     * @param name the name as the server spells it (Blip's domain lowercases it: {@code buffer_LRU_...})
     */
    record InnodbMetric(String name, String subsystem, String type, String comment, Lines lines) {
        InnodbMetric(String name, String subsystem, String type, String comment) {
            this(name, subsystem, type, comment, new Lines());
        }

        boolean counter() {
            return type.equals("counter") || type.equals("status_counter");
        }

        /** The sample line of this metric as a counter or as a gauge (a counter's negative value), made once. */
        Exposition.Line line(boolean asCounter) {
            Exposition.Line made = asCounter ? lines.counter : lines.gauge;
            if (made == null) {
                String family = ExporterNames.INNODB + subsystem + "_" + name;
                made = asCounter ? new Exposition.Family(family + "_total", comment, Type.COUNTER).line()
                        : new Exposition.Family(family, comment, Type.GAUGE).line();
                if (asCounter) {
                    lines.counter = made;
                } else {
                    lines.gauge = made;
                }
            }
            return made;
        }

        /** Equal when the description is: the lines follow from it. */
        @Override
        public boolean equals(Object o) {
            return o instanceof InnodbMetric m && name.equals(m.name) && subsystem.equals(m.subsystem)
                    && type.equals(m.type) && comment.equals(m.comment);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(name, subsystem, type, comment);
        }
    }

    /** An {@link InnodbMetric}'s lines, made when first written (a benign race: both made are the same). */
    static final class Lines {
        private volatile Exposition.Line counter;
        private volatile Exposition.Line gauge;
    }

    /** Every description read, one instance each (a server's are some 300; a fleet has a few versions). */
    private static final Map<InnodbMetric, InnodbMetric> DESCRIBED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_DESCRIBED = 8192;

    private static InnodbMetric intern(InnodbMetric m) {
        InnodbMetric known = DESCRIBED.get(m);
        if (known != null) {
            return known;
        }
        if (DESCRIBED.size() < MAX_DESCRIBED) {
            known = DESCRIBED.putIfAbsent(m, m);
        }
        return known == null ? m : known;
    }

    private ServerExtras() {
    }

    /**
     * The text variables the exporter's {@code global_variables} collector writes as labels:
     * {@code version}, {@code version_comment}, {@code innodb_version}, {@code wsrep_cluster_name},
     * {@code wsrep_provider_options}, {@code transaction_isolation} (MySQL 8, MariaDB 11) or
     * {@code tx_isolation}; those the server has.
     */
    static Map<String, String> versions(Connection c) throws SQLException {
        var out = new HashMap<String, String>();
        try (ResultSet rs = query(c, "SHOW GLOBAL VARIABLES WHERE Variable_name"
                + " IN ('version', 'version_comment', 'innodb_version', 'wsrep_cluster_name', 'wsrep_provider_options',"
                + " 'transaction_isolation', 'tx_isolation')")) {
            while (rs.next()) {
                out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return out;
    }

    /** The Galera status variables ({@code wsrep_*}) as text, by lowercase name; none without Galera's. */
    static Map<String, String> wsrepStatus(Connection c) throws SQLException {
        var out = new java.util.TreeMap<String, String>();
        try (ResultSet rs = query(c, "SHOW GLOBAL STATUS LIKE 'wsrep%'")) {
            while (rs.next()) {
                out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return out;
    }

    /** Every InnoDB metric by name: the same for the life of the server, so read once. */
    static Map<String, InnodbMetric> innodbMetrics(Connection c) throws SQLException {
        var out = new HashMap<String, InnodbMetric>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT name, subsystem, type, comment FROM information_schema.innodb_metrics")) {
            while (rs.next()) {
                String name = rs.getString(1);
                out.put(name.toLowerCase(Locale.ROOT), intern(new InnodbMetric(name, rs.getString(2),
                        rs.getString(3), rs.getString(4))));
            }
        }
        return out;
    }

    /**
     * Samples read, to be written once the scrape may (not cut off): each a line and its value, in the
     * order read.
     */
    static final class Samples {
        private Exposition.Line[] lines;
        private double[] values;
        private int size;

        Samples(int expected) {
            lines = new Exposition.Line[Math.max(4, expected)];
            values = new double[lines.length];
        }

        void add(Exposition.Line line, double value) {
            if (size == lines.length) {
                lines = java.util.Arrays.copyOf(lines, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            lines[size] = line;
            values[size++] = value;
        }

        int size() {
            return size;
        }

        void writeTo(Exposition out) {
            for (int i = 0; i < size; i++) {
                out.add(lines[i], values[i]);
            }
        }
    }

    /**
     * {@code sql}'s rows, on the connection's statement kept for it when it keeps them (a monitor's
     * pool: the same statement every scrape, where a new one costs the driver its objects and buffers
     * each time); closing the result set closes a statement made for it.
     */
    private static ResultSet query(Connection c, String sql) throws SQLException {
        if (c.isWrapperFor(ReusableStatements.class)) {
            return c.unwrap(ReusableStatements.class).reusable(sql).executeQuery();
        }
        Statement s = c.createStatement();
        try {
            s.closeOnCompletion();
            return s.executeQuery(sql);
        } catch (SQLException e) {
            s.close();
            throw e;
        }
    }

    /**
     * {@code SHOW GLOBAL STATUS} as the exporter's {@code global_status} collector reads it: every
     * variable's value as the exporter parses one ({@link #parseStatus}), in its names
     * ({@link ExporterNames#statusRow}), and {@code mysql_galera_status_info} on a Galera node.
     *
     * @param kept the variables to write (lowercase; the plan's list), or null for all
     */
    static Samples globalStatus(Connection c, java.util.Set<String> kept) throws SQLException {
        var out = new Samples(kept == null ? 640 : kept.size());
        Map<String, String> galera = Map.of();
        try (ResultSet rs = query(c, "SHOW GLOBAL STATUS")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String text = rs.getString(2);
                ExporterNames.statusRow(name, text, kept, out);
                if (name.regionMatches(true, 0, "wsrep_", 0, 6)) {
                    if (galera.isEmpty()) {
                        galera = new HashMap<>();
                    }
                    galera.put(name.toLowerCase(Locale.ROOT), text);
                }
            }
        }
        Exposition.Line info = ExporterNames.galeraStatusInfo(galera);
        if (info != null) {
            out.add(info, 1);
        }
        return out;
    }

    /**
     * {@code SHOW GLOBAL VARIABLES} as the exporter's {@code global_variables} collector reads it: every
     * variable's value as the exporter parses one, in its names, then what it makes of the text ones
     * ({@code mysql_version_info}, ...: {@link ExporterNames#textVariables}).
     */
    static Samples globalVariables(Connection c) throws SQLException {
        var out = new Samples(700);
        var text = new HashMap<String, String>();
        try (ResultSet rs = query(c, "SHOW GLOBAL VARIABLES")) {
            while (rs.next()) {
                ExporterNames.variableRow(rs.getString(1), rs.getString(2), out, text);
            }
        }
        ExporterNames.textVariables(text, out);
        return out;
    }

    /** {@code SHOW SLAVE STATUS} as the exporter's {@code slave_status} collector writes it; nothing when not a replica. */
    static Samples slaveStatus(Connection c) throws SQLException {
        SQLException last = null;
        for (String sql : SLAVE_STATUS) {
            try (ResultSet rs = query(c, sql)) {
                var out = new Samples(64);
                read(rs, out);
                return out;
            } catch (SQLException e) {
                last = e; // not this server's syntax: the next
            }
        }
        throw last;
    }

    private static final String GENERIC_SLAVE = "Generic metric from SHOW SLAVE STATUS.";

    /** The exporter's {@code info_schema.tables} query, for every database but the three it leaves out. */
    static final String TABLES = "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ifnull(ENGINE, 'NONE'),"
            + " ifnull(VERSION, '0'), ifnull(ROW_FORMAT, 'NONE'), ifnull(TABLE_ROWS, '0'), ifnull(DATA_LENGTH, '0'),"
            + " ifnull(INDEX_LENGTH, '0'), ifnull(DATA_FREE, '0'), ifnull(CREATE_OPTIONS, 'NONE')"
            + " FROM information_schema.tables"
            + " WHERE TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'information_schema')";
    private static final Exposition.Family TABLE_VERSION = new Exposition.Family(
            ExporterNames.NAMESPACE + "_info_schema_table_version", "The version number of the table's .frm file",
            Type.GAUGE, "schema", "table", "type", "engine", "row_format", "create_options");
    private static final Exposition.Family TABLE_ROWS = new Exposition.Family(
            ExporterNames.NAMESPACE + "_info_schema_table_rows",
            "The estimated number of rows in the table from information_schema.tables", Type.GAUGE, "schema", "table");
    private static final Exposition.Family TABLE_SIZE = new Exposition.Family(
            ExporterNames.NAMESPACE + "_info_schema_table_size",
            "The size of the table components from information_schema.tables", Type.GAUGE, "schema", "table",
            "component");

    /**
     * {@code information_schema.tables} as the exporter's {@code info_schema.tables} collector writes it
     * (its version, rows and the size of each component of every table), for the tables {@code keep}
     * accepts by database and name.
     */
    static Samples tables(Connection c, java.util.function.BiPredicate<String, String> keep) throws SQLException {
        var out = new Samples(64);
        try (ResultSet rs = query(c, TABLES)) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                if (!keep.test(schema, table)) {
                    continue;
                }
                out.add(TABLE_VERSION.line(schema, table, rs.getString(3), rs.getString(4), rs.getString(6),
                        rs.getString(11)), number(rs.getString(5)));
                out.add(TABLE_ROWS.line(schema, table), number(rs.getString(7)));
                out.add(TABLE_SIZE.line(schema, table, "data_length"), number(rs.getString(8)));
                out.add(TABLE_SIZE.line(schema, table, "index_length"), number(rs.getString(9)));
                out.add(TABLE_SIZE.line(schema, table, "data_free"), number(rs.getString(10)));
            }
        }
        return out;
    }

    /** The exporter's {@code perf_schema.tableiowaits} query. */
    static final String TABLE_IO_WAITS = "SELECT OBJECT_SCHEMA, OBJECT_NAME, COUNT_FETCH, COUNT_INSERT, COUNT_UPDATE,"
            + " COUNT_DELETE, SUM_TIMER_FETCH, SUM_TIMER_INSERT, SUM_TIMER_UPDATE, SUM_TIMER_DELETE"
            + " FROM performance_schema.table_io_waits_summary_by_table"
            + " WHERE OBJECT_SCHEMA NOT IN ('mysql', 'performance_schema')";
    static final Exposition.Family TABLE_IO_WAITS_COUNT = new Exposition.Family(
            ExporterNames.NAMESPACE + "_perf_schema_table_io_waits_total",
            "The total number of table I/O wait events for each table and operation.", Type.COUNTER, "schema", "name",
            "operation");
    static final Exposition.Family TABLE_IO_WAITS_SECONDS = new Exposition.Family(
            ExporterNames.NAMESPACE + "_perf_schema_table_io_waits_seconds_total",
            "The total time of table I/O wait events for each table and operation.", Type.COUNTER, "schema", "name",
            "operation");
    private static final String[] IO_OPERATIONS = {"fetch", "insert", "update", "delete"};

    /**
     * {@code performance_schema.table_io_waits_summary_by_table} as the exporter's
     * {@code perf_schema.tableiowaits} collector writes it (counts, and times in seconds from the
     * Performance Schema's picoseconds), for the tables {@code keep} accepts; never truncated (a
     * scrape's counters are cumulative, as the exporter's).
     */
    static Samples tableIoWaits(Connection c, java.util.function.BiPredicate<String, String> keep) throws SQLException {
        var out = new Samples(64);
        try (ResultSet rs = query(c, TABLE_IO_WAITS)) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                if (!keep.test(schema, table)) {
                    continue;
                }
                for (int i = 0; i < IO_OPERATIONS.length; i++) {
                    out.add(TABLE_IO_WAITS_COUNT.line(schema, table, IO_OPERATIONS[i]), rs.getDouble(3 + i));
                }
                for (int i = 0; i < IO_OPERATIONS.length; i++) {
                    out.add(TABLE_IO_WAITS_SECONDS.line(schema, table, IO_OPERATIONS[i]), rs.getDouble(7 + i) / 1e12);
                }
            }
        }
        return out;
    }

    static final Exposition.Line BINLOG_SIZE = new Exposition.Family(ExporterNames.NAMESPACE
            + "_binlog_size_bytes", "Combined size of all registered binlog files.", Type.GAUGE).line();
    private static final Exposition.Line BINLOG_FILES = new Exposition.Family(ExporterNames.NAMESPACE
            + "_binlog_files", "Number of registered binlog files.", Type.GAUGE).line();
    private static final Exposition.Line BINLOG_FILE_NUMBER = new Exposition.Family(ExporterNames.NAMESPACE
            + "_binlog_file_number", "The last binlog file number.", Type.GAUGE).line();

    /**
     * {@code SHOW BINARY LOGS} as the exporter's {@code binlog_size} collector writes it: the files'
     * combined size, their number and the number of the last (its name's extension); nothing when the
     * binary log is off (which the exporter asks first, as the statement would fail).
     */
    static Samples binlogs(Connection c) throws SQLException {
        var out = new Samples(3);
        try (ResultSet rs = query(c, "SELECT @@log_bin")) {
            if (!rs.next() || rs.getLong(1) == 0) {
                return out;
            }
        }
        double size = 0;
        long files = 0;
        String last = "";
        try (ResultSet rs = query(c, "SHOW BINARY LOGS")) {
            while (rs.next()) {
                last = rs.getString(1);
                size += number(rs.getString(2));
                files++;
            }
        }
        int dot = last.lastIndexOf('.');
        double number = dot < 0 ? 0 : goFloat(last.substring(dot + 1)).orElse(0);
        out.add(BINLOG_SIZE, size);
        out.add(BINLOG_FILES, files);
        out.add(BINLOG_FILE_NUMBER, number);
        return out;
    }

    /** A column the exporter scans into a number; 0 when it is not one. */
    private static double number(String text) {
        return text == null ? 0 : goFloat(text).orElse(0);
    }

    private static void read(ResultSet rs, Samples out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        var columns = new ArrayList<String>(n);
        for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnLabel(i));
        }
        while (rs.next()) {
            // SHOW REPLICA STATUS says Source_ where the others say Master_.
            String[] labels = {column(rs, columns, "Master_Host", "Source_Host"),
                    column(rs, columns, "Master_UUID", "Source_UUID"), column(rs, columns, "Channel_Name", ""),
                    column(rs, columns, "Connection_name", "")};
            for (int i = 0; i < n; i++) {
                OptionalDouble value = parseStatus(rs.getString(i + 1));
                if (value.isPresent()) {
                    out.add(new Exposition.Family(ExporterNames.NAMESPACE + "_slave_status_"
                            + columns.get(i).toLowerCase(Locale.ROOT), GENERIC_SLAVE, Type.UNTYPED, SLAVE_LABELS)
                            .line(labels), value.getAsDouble());
                }
            }
        }
    }

    /** The value of the column {@code name}, else of {@code orName}; empty when neither is there. */
    private static String column(ResultSet rs, List<String> columns, String name, String orName) throws SQLException {
        int i = columns.indexOf(name);
        if (i < 0) {
            i = columns.indexOf(orName);
        }
        String v = i < 0 ? null : rs.getString(i + 1);
        return v == null ? "" : v;
    }

    /**
     * A value as the exporter reads one ({@code parseStatus}): yes/on 1; no/off/disabled 0;
     * connecting 0; primary 1, non-primary/disconnected 0; the two date formats MySQL prints as Unix
     * seconds; else a number, or nothing (the exporter skips what it cannot read).
     */
    static OptionalDouble parseStatus(String raw) {
        if (raw == null) {
            return OptionalDouble.empty();
        }
        long whole = wholeNumber(raw);
        if (whole >= 0) {
            return OptionalDouble.of(whole); // most values: read without a pattern or a lowercase copy
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "yes", "on", "primary" -> {
                return OptionalDouble.of(1);
            }
            case "no", "off", "disabled", "connecting", "non-primary", "disconnected" -> {
                return OptionalDouble.of(0);
            }
            default -> {
            }
        }
        if (raw.isEmpty()) {
            return OptionalDouble.empty();
        }
        // Parsed as dates only when they have a date's shape: a failed parse throws, which costs (text
        // variables such as innodb_data_file_path, ibdata1:12M:autoextend, are read every scrape).
        if (raw.length() == 19 && raw.charAt(4) == '-' && raw.charAt(7) == '-' && raw.charAt(10) == ' '
                && raw.charAt(13) == ':' && raw.charAt(16) == ':') {
            try {
                return OptionalDouble.of(LocalDateTime.parse(raw, DATE_TIME).toEpochSecond(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                // not a date and time
            }
        }
        // Jan 02 15:04:05 2006 MST
        if (raw.length() >= 22 && raw.charAt(3) == ' ' && raw.charAt(6) == ' ' && raw.charAt(9) == ':'
                && raw.charAt(12) == ':' && raw.charAt(15) == ' ') {
            try {
                return OptionalDouble.of(java.time.ZonedDateTime.parse(raw, CERT_DATE).toEpochSecond());
            } catch (DateTimeParseException e) {
                // not a certificate date
            }
        }
        return goFloat(raw);
    }

    /** Digits only, at most 15 (exact in a double): their number; else -1. */
    private static long wholeNumber(String s) {
        int n = s.length();
        if (n == 0 || n > 15) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** A number as Go's {@code strconv.ParseFloat} reads one in decimal (not Java's {@code 1d} or {@code 0x1p3}). */
    static OptionalDouble goFloat(String s) {
        int first = s.length() > 1 && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (s.isEmpty() || "0123456789.iInN".indexOf(s.charAt(first)) < 0) {
            return OptionalDouble.empty(); // text (a path, a mode): not worth the pattern
        }
        if (!GO_FLOAT.matcher(s).matches()) {
            return OptionalDouble.empty();
        }
        String lower = s.toLowerCase(Locale.ROOT);
        boolean negative = lower.startsWith("-");
        String unsigned = negative || lower.startsWith("+") ? lower.substring(1) : lower;
        if (unsigned.equals("nan")) {
            return OptionalDouble.of(Double.NaN);
        }
        if (unsigned.startsWith("inf")) {
            return OptionalDouble.of(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        return OptionalDouble.of(Double.parseDouble(s));
    }

    /** What Go's {@code strconv.ParseFloat} reads in decimal (not Java's suffixes such as {@code 1d}). */
    private static final java.util.regex.Pattern GO_FLOAT = java.util.regex.Pattern.compile(
            "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|(?i:inf|infinity|nan))");
}
