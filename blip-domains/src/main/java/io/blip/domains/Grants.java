package io.blip.domains;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether the monitor's MySQL user holds a privilege, read from {@code information_schema}'s
 * {@code USER_PRIVILEGES}, {@code SCHEMA_PRIVILEGES} and {@code TABLE_PRIVILEGES} (MySQL and MariaDB
 * alike): for a domain that must not run a statement the user may not run, e.g. {@code TRUNCATE} on a
 * performance_schema table (needs DROP). A user sees its own grants there; the rows are matched to
 * {@code CURRENT_USER()}, so an account that may read every grant sees only its own too. Grants
 * through a role are not seen: such a user is told what to grant directly.
 */
public final class Grants {
    private static final String HOLDS = "SELECT"
            + " (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = ?)"
            + " + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = ? AND ? LIKE TABLE_SCHEMA)"
            + " + (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES"
            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = ? AND TABLE_SCHEMA = ? AND TABLE_NAME = ?)";

    private Grants() {
    }

    /**
     * Whether the current user holds {@code privilege} (e.g. {@code DROP}) on the table: on all
     * databases, on its database (a grant's database may be a LIKE pattern) or on the table itself.
     */
    public static boolean holds(Connection c, String privilege, String schema, String table) throws SQLException {
        String grantee = grantee(c);
        try (PreparedStatement s = c.prepareStatement(HOLDS)) {
            s.setString(1, grantee);
            s.setString(2, privilege);
            s.setString(3, grantee);
            s.setString(4, privilege);
            s.setString(5, schema);
            s.setString(6, grantee);
            s.setString(7, privilege);
            s.setString(8, schema);
            s.setString(9, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /**
     * Whether the current user holds the global {@code privilege} (granted {@code ON *.*}), e.g.
     * {@code RELOAD} or {@code SUPER}, which MySQL grants at no other level.
     */
    public static boolean holdsGlobal(Connection c, String privilege) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
                + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = ?")) {
            s.setString(1, grantee(c));
            s.setString(2, privilege);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    /** The account as information_schema writes grantees: {@code 'blip'@'%'}. */
    private static String grantee(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String account = rs.getString(1);
            int at = account.lastIndexOf('@');
            return "'" + account.substring(0, at) + "'@'" + account.substring(at + 1) + "'";
        }
    }
}
