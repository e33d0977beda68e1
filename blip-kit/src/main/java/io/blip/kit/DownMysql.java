package io.blip.kit;

import io.blip.api.collect.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MySQL that is down: a DataSource whose every connection attempt fails (SQLState 08S01, error
 * 2003, as the driver says when it cannot connect) and is counted. {@link CollectorContract} gives it
 * to collectors to show they do no I/O when made and let the failure surface when collecting.
 */
public final class DownMysql implements ConnectionSource {
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
}
