package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class MycnfTest {
    @Test
    void readsTheClientSectionOnly() {
        Mycnf m = Mycnf.parse(List.of(
                "# a comment",
                "[mysqld]",
                "user = mysql",
                "[client]",
                "user=blip",
                "password = \"p#ss word\"",
                "host = db.internal",
                "port = 3307",
                "ssl_mode = verify_identity",
                "ssl-ca = /etc/ca.pem  # trailing comment",
                "[mysql]",
                "user = other"));
        assertEquals("blip", m.user());
        assertEquals("p#ss word", m.password().reveal());
        assertEquals("db.internal:3307", m.hostname());
        assertEquals("VERIFY_IDENTITY", m.sslMode());
        assertEquals("/etc/ca.pem", m.sslCa());
        assertFalse(m.toString().contains("p#ss"));
    }
}
