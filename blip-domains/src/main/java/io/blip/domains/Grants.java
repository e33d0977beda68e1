package io.blip.domains;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether the monitor's MySQL user holds a privilege, read from {@code information_schema}'s
 * {@code USER_PRIVILEGES}, {@code SCHEMA_PRIVILEGES} and {@code TABLE_PRIVILEGES} (MySQL and MariaDB
 * alike): for a domain that must not run a statement the user may not run, e.g. {@code TRUNCATE} on a
 * performance_schema table (needs DROP). A user sees its own grants there; the rows are matched to
 * {@code CURRENT_USER()}, so an account that may read every grant sees only its own too. Grants
 * through a role are not seen: such a user is told what to grant directly.
 */
public final class Grants {
    private static final String HOLDS = """
            SELECT COUNT(*) FROM (
              SELECT grantee FROM information_schema.USER_PRIVILEGES WHERE privilege_type = ?
              UNION ALL
              SELECT grantee FROM information_schema.SCHEMA_PRIVILEGES
                WHERE privilege_type = ? AND ? LIKE table_schema
              UNION ALL
              SELECT grantee FROM information_schema.TABLE_PRIVILEGES
                WHERE privilege_type = ? AND table_schema = ? AND table_name = ?
            ) g
            WHERE g.grantee = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',
                                     SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')""";

    private Grants() {
    }

    /**
     * Whether the current user holds {@code privilege} (e.g. {@code DROP}) on the table: on all
     * databases, on its database (a grant's database may be a LIKE pattern) or on the table itself.
     */
    public static boolean holds(Connection c, String privilege, String schema, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(HOLDS)) {
            s.setString(1, privilege);
            s.setString(2, privilege);
            s.setString(3, schema);
            s.setString(4, privilege);
            s.setString(5, schema);
            s.setString(6, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** Whether the current user holds a global privilege (e.g. {@code SUPER}, {@code RELOAD}). */
    public static boolean holdsGlobal(Connection c, String privilege) throws SQLException {
        // A schema no grant can name matches only *.* grants.
        return holds(c, privilege, "", "");
    }
}
