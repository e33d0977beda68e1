package io.blip.testkit;

import io.blip.api.collect.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;

/** A DataSource that opens a new connection to a test's MariaDB server on every call. */
record SimpleDataSource(MariaDbServer db, String user, String password) implements ConnectionSource {

    @Override
    public Connection getConnection() throws SQLException {
        return db.connect(user, password);
    }

    @Override
    public Connection getConnection(String otherUser, String otherPassword) throws SQLException {
        return db.connect(otherUser, otherPassword);
    }

    @Override
    public String toString() {
        return "SimpleDataSource[" + db.hostPort() + " as " + user + "]";
    }
}
