package io.blip.domains.repllag;

import io.blip.api.collect.LevelDomain;
import io.blip.domains.MysqlValues;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Option {@code repl-check}: a global variable that is 0 when the instance is not a replica, such
 * as {@code server_id} on cloud readers, which see the source's heartbeats without replicating.
 *
 * @param sysvar the variable, or empty for no check (the instance is taken to be a replica)
 */
record ReplCheck(String sysvar) {
    static final ReplCheck NONE = new ReplCheck("");

    // Only a plain name goes into the SQL: it cannot be bound as a parameter.
    private static final Pattern SYSVAR = Pattern.compile("[a-zA-Z0-9_]+");

    static ReplCheck of(LevelDomain at) {
        String sysvar = at.option("repl-check");
        if (!sysvar.isEmpty() && !SYSVAR.matcher(sysvar).matches()) {
            throw at.error("option repl-check='" + sysvar + "' is not a system variable name (letters, digits, _)");
        }
        return sysvar.isEmpty() ? NONE : new ReplCheck(sysvar);
    }

    /** Whether the instance is a replica; without a check, always. */
    boolean isReplica(Connection c) throws SQLException {
        if (sysvar.isEmpty()) {
            return true;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@GLOBAL." + sysvar)) {
            rs.next();
            OptionalDouble value = MysqlValues.parse(rs.getString(1));
            return value.isEmpty() || value.getAsDouble() != 0;
        }
    }
}
