package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * R28: the distribution's jlinked {@code runtime/} has no {@code jdk.charsets} (MySQL bug #116120: without it,
 * Connector/J picked {@code eucjpms} when UTF-8 was asked for). A probe compiled here runs on that runtime with
 * the shipped driver from {@code lib/}, connects as Blip does (no {@code characterEncoding}) and as the bug
 * report did ({@code characterEncoding=UTF-8}), and reads the session's character sets and a non-ASCII round
 * trip: utf8mb4 both ways ({@code character_set_results} is NULL: the driver asks for results unconverted).
 */
class R28CharsetWithoutJdkCharsetsTest {
    private static final String PASSWORD = TestSecrets.secret("R28CharsetWithoutJdkCharsetsTest.PASSWORD", "r28-pw");
    private static final String PROBE = """
            import java.sql.*;
            import java.util.Properties;

            public class CharsetProbe {
                public static void main(String[] a) throws Exception {
                    for (String encoding : new String[] {"", "UTF-8"}) {
                        Properties p = new Properties();
                        p.setProperty("user", a[1]);
                        p.setProperty("password", System.getenv("R28_PASSWORD"));
                        p.setProperty("sslMode", "DISABLED");
                        p.setProperty("allowPublicKeyRetrieval", "true");
                        if (!encoding.isEmpty()) {
                            p.setProperty("characterEncoding", encoding);
                        }
                        try (Connection c = DriverManager.getConnection(a[0], p);
                             Statement s = c.createStatement();
                             ResultSet rs = s.executeQuery("SELECT @@character_set_client, @@character_set_connection,"
                                     + " @@character_set_results, '\\u00fc\\u5bc6\\ud83d\\udd11'")) {
                            rs.next();
                            System.out.println((encoding.isEmpty() ? "default" : encoding) + " " + rs.getString(1) + " "
                                    + rs.getString(2) + " " + rs.getString(3) + " "
                                    + rs.getString(4).equals("\\u00fc\\u5bc6\\ud83d\\udd11"));
                        }
                    }
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void theSessionIsUtf8mb4OnTheJlinkedRuntime() throws Exception {
        Path java = Dist.HOME.resolve("runtime/bin/java");
        assertTrue(Files.isExecutable(java), "the distribution has runtime/");
        Dist.Result modules = Dist.run(List.of(java.toString(), "--list-modules"), work, Map.of());
        assertFalse(modules.stdout().contains("jdk.charsets"), "runtime/ is without jdk.charsets:\n" + modules);

        Path source = Files.writeString(work.resolve("CharsetProbe.java"), PROBE);
        Path classes = Files.createDirectories(work.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d",
                classes.toString(), source.toString()));
        Path driver;
        try (var jars = Files.list(Dist.HOME.resolve("lib"))) {
            driver = jars.filter(p -> p.getFileName().toString().startsWith("mysql-connector-j")).findFirst()
                    .orElseThrow();
        }
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("blip_r28", PASSWORD, "USAGE ON *.*");
        long start = System.nanoTime();
        // The password in the environment, not the command line: the JDK logs a started command at FINER.
        Dist.Result r = Dist.run(List.of(java.toString(), "-cp", classes + ":" + driver, "CharsetProbe",
                "jdbc:mysql://" + db.hostPort() + "/", "blip_r28"), work, Map.of("R28_PASSWORD", PASSWORD));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exit(), r.toString());
        // character_set_results NULL: the driver asks for results unconverted and decodes them itself.
        assertEquals(List.of("default utf8mb4 utf8mb4 null true", "UTF-8 utf8mb4 utf8mb4 null true"),
                r.stdout().lines().toList(), r.toString());
        Reliability.figure("R28", R28CharsetWithoutJdkCharsetsTest.class, "runtime/ (jlink, " + modules.stdout()
                .lines().count() + " modules, no jdk.charsets) with lib/" + driver.getFileName() + " against MariaDB "
                + db.version() + ": @@character_set_client and _connection utf8mb4 (_results NULL: the driver decodes) with"
                + " the driver's default and with characterEncoding=UTF-8, a 4-byte character round-tripped (probe ran in "
                + millis + " ms).");
    }
}
