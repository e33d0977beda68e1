package io.blip.kit;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A MySQL that is down: a DataSource whose every connection attempt fails (SQLState 08S01, error
 * 2003, as the driver says when it cannot connect) and is counted. {@link CollectorContract} gives it
 * to collectors to show they do no I/O when made and let the failure surface when collecting.
 */
public final class DownMysql implements DataSource {
    public static final String MESSAGE = "test: MySQL is down";

    private final AtomicInteger attempts = new AtomicInteger();

    /** How many connections were asked for. */
    public int attempts() {
        return attempts.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        attempts.incrementAndGet();
        throw new SQLException(MESSAGE, "08S01", 2003);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
