package io.blip.domains.sizebinlog;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.blip.domains.TestingCollectors.admin;
import static io.blip.domains.TestingCollectors.collectOnce;
import static io.blip.domains.TestingCollectors.context;
import static io.blip.domains.TestingCollectors.db;
import static io.blip.domains.TestingCollectors.domain;
import static io.blip.domains.TestingCollectors.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeBinlogTest {
    private final SizeBinlogFactory factory = new SizeBinlogFactory();

    @Test
    void bytesIsTheSumOfTheBinaryLogs() throws Exception {
        db().execute("FLUSH BINARY LOGS"); // at least two files to sum
        long before = binaryLogBytes();
        List<MetricValue> values = collectOnce(factory, admin(), plan(domain("size.binlog", List.of(), Map.of())));
        long after = binaryLogBytes();
        assertEquals(1, values.size());
        MetricValue bytes = values.getFirst();
        assertEquals("bytes", bytes.name());
        assertEquals(MetricType.GAUGE, bytes.type());
        assertTrue(bytes.value() > 0);
        assertTrue(before <= bytes.value() && bytes.value() <= after, before + " <= " + bytes.value() + " <= " + after);
    }

    @Test
    void accessDeniedIsThrownWithItsCode() {
        db().createUser("binlog_nopriv", "pw", "SELECT ON *.*");
        var e = assertThrows(SQLException.class, () -> collectOnce(factory,
                context(db().dataSource("binlog_nopriv", "pw")), plan(domain("size.binlog", List.of(), Map.of()))));
        assertEquals(1227, e.getErrorCode());
    }

    @Test
    void helpDeclaresBytesAndBothErrors() {
        var help = factory.help();
        assertEquals("By", help.metric("bytes").orElseThrow().unit());
        assertTrue(help.options().isEmpty());
        assertEquals(Set.of(1227), help.errors().get("access-denied").mysqlErrorCodes());
        assertEquals(Set.of(1381), help.errors().get("binlog-not-enabled").mysqlErrorCodes());
    }

    private static long binaryLogBytes() throws SQLException {
        long total = 0;
        try (Connection c = db().admin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                total += rs.getLong(2);
            }
        }
        return total;
    }
}
