package io.blip.api.collect;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that is nothing but a way to get a connection: what a monitor's pool is, and
 * what a test gives a collector in its place ({@code ConnectionSource down = () -> { throw ...; }}).
 * The rest of {@code DataSource} has the answers of a source whose connections come with their
 * credentials: no user and password of the caller's, no log writer (Blip logs through SLF4J), no
 * login timeout of its own, and it wraps nothing but itself.
 */
@FunctionalInterface
public interface ConnectionSource extends DataSource {

    /** A connection, to be closed by the caller (to give it back, for a pool). */
    @Override
    Connection getConnection() throws SQLException;

    /**
     * A connection for work that can wait: a pool gives its idle connection, or waits for one given
     * back, and never opens another while one is lent (the borrower waits at most the pool's own
     * limit). For background reads that time nothing, e.g. a heartbeat reader checking whether the
     * instance is a replica, so that they never make a monitor hold a second connection. A source
     * without that distinction gives {@link #getConnection()}.
     */
    default Connection awaitConnection() throws SQLException {
        return getConnection();
    }

    /** Not supported: the connections come with their credentials. */
    @Override
    default Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials of a monitor's connections are its own");
    }

    @Override
    default PrintWriter getLogWriter() {
        return null;
    }

    /** Ignored: nothing here logs through a writer. */
    @Override
    default void setLogWriter(PrintWriter out) {
    }

    /** Ignored: the time a connection may take is the source's own. */
    @Override
    default void setLoginTimeout(int seconds) {
    }

    /** 0: the time a connection may take is the source's own. */
    @Override
    default int getLoginTimeout() {
        return 0;
    }

    @Override
    default Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("logging goes through SLF4J");
    }

    @Override
    default <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    default boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
