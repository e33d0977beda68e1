package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedMariaDbTest {
    private static EmbeddedMariaDb db;

    @BeforeAll
    static void startServer() {
        db = EmbeddedMariaDb.start();
    }

    @AfterAll
    static void stopServer() {
        db.close();
    }

    @Test
    void passwordsAreCheckedAndRotationTakesEffect() throws SQLException {
        db.createUser("rot", "first", "SELECT ON *.*");
        try (Connection c = db.connect("rot", "first")) {
            assertTrue(c.isValid(2));
        }
        db.changePassword("rot", "second");
        SQLException denied = assertThrows(SQLException.class, () -> db.connect("rot", "first"));
        assertEquals(1045, denied.getErrorCode());
        try (Connection c = db.connect("rot", "second")) {
            assertTrue(c.isValid(2));
        }
    }

    @Test
    void binaryLogIsOnAndServerRestartsOnTheSamePortWithItsUsers() throws SQLException {
        db.createUser("keep", "kept", "SELECT ON *.*");
        int port = db.port();
        db.restart();
        assertEquals(port, db.port());
        try (Connection c = db.connect("keep", "kept"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@log_bin")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void theServerIsTheChosenReleaseAndSaysSo() {
        String release = EmbeddedMariaDb.VERSION.substring("mariadb-".length());
        assertTrue(db.version().startsWith(release + "-MariaDB"), db.version());
        assertTrue(db.isAtLeast(10, 11));
        assertEquals(release.startsWith("11.4."), db.isAtLeast(11, 4));
        assertFalse(db.isAtLeast(99, 0));
    }
}
