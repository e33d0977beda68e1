package io.blip.domains;

import io.blip.api.collect.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Runs a statement on every new connection before handing it out, e.g. {@code SET timestamp = ...}
 * to move the server's clock for that session instead of waiting for real time to pass.
 */
public final class SessionSqlDataSource implements ConnectionSource {
    private final DataSource delegate;
    private final String sql;

    public SessionSqlDataSource(DataSource delegate, String sql) {
        this.delegate = delegate;
        this.sql = sql;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = delegate.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
