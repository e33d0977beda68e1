package io.blip.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A real MariaDB server a test started on loopback ({@link EmbeddedMariaDb}, {@link DebianMariaDb}),
 * with the admin account {@value #ADMIN_USER} and grants enforced: how a test connects and makes the
 * accounts it needs.
 */
public interface MariaDbServer extends AutoCloseable {
    String ADMIN_USER = "blip_admin";
    String ADMIN_PASSWORD = TestSecrets.secret("MariaDbServer.ADMIN_PASSWORD", "admin-test-only");

    String host();

    int port();

    /** {@code 127.0.0.1:<port>}, the form of Blip's {@code mysql.hostname}. */
    default String hostPort() {
        return host() + ":" + port();
    }

    default String jdbcUrl() {
        return "jdbc:mysql://" + hostPort() + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true";
    }

    /** A new connection as the admin account. */
    default Connection admin() throws SQLException {
        return connect(ADMIN_USER, ADMIN_PASSWORD);
    }

    default Connection connect(String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /**
     * A plain, unpooled {@link javax.sql.DataSource} for the given account: each
     * {@code getConnection()} opens a new connection. For tests of collectors.
     */
    default javax.sql.DataSource dataSource(String user, String password) {
        return new SimpleDataSource(this, user, password);
    }

    /** Runs statements as the admin account. */
    default void execute(String... sql) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("admin SQL failed: " + e.getMessage(), e);
        }
    }

    /**
     * Creates (or replaces) {@code user@'%'} with the given password and grants, e.g.
     * {@code "SELECT, PROCESS, REPLICATION CLIENT ON *.*"}.
     */
    default void createUser(String user, String password, String... grants) {
        List<String> sql = new ArrayList<>();
        sql.add("DROP USER IF EXISTS " + account(user));
        sql.add("CREATE USER " + account(user) + " IDENTIFIED BY " + quote(password));
        for (String grant : grants) {
            sql.add("GRANT " + grant + " TO " + account(user));
        }
        execute(sql.toArray(String[]::new));
    }

    /** Changes a user's password, as a rotation does. */
    default void changePassword(String user, String newPassword) {
        execute("ALTER USER " + account(user) + " IDENTIFIED BY " + quote(newPassword));
    }

    default void dropUser(String user) {
        execute("DROP USER IF EXISTS " + account(user));
    }

    /** Stops the server and deletes its directory. */
    @Override
    void close();

    private static String account(String user) {
        return quote(user) + "@'%'";
    }

    /** A string literal for SQL. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * What the server's {@code --init-file} runs at every start: the admin account, and no anonymous
     * accounts, because {@code ''@'localhost'} (made by mariadb-install-db) would otherwise win over
     * {@code 'blip'@'%'} for a client on 127.0.0.1.
     */
    static String initSql() {
        String admin = quote(ADMIN_USER);
        return String.join("\n",
                "DELETE FROM mysql.global_priv WHERE User = '';",
                "FLUSH PRIVILEGES;",
                "CREATE USER IF NOT EXISTS " + admin + "@'localhost' IDENTIFIED BY " + quote(ADMIN_PASSWORD) + ";",
                "CREATE USER IF NOT EXISTS " + admin + "@'%' IDENTIFIED BY " + quote(ADMIN_PASSWORD) + ";",
                "GRANT ALL ON *.* TO " + admin + "@'localhost' WITH GRANT OPTION;",
                "GRANT ALL ON *.* TO " + admin + "@'%' WITH GRANT OPTION;",
                "");
    }
}
