package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api section: Blip's bind and disable, our auth-token-file and tls, each bad value a boot error. */
class ApiConfigTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private BlipConfig load(String yaml) throws Exception {
        return ConfigLoader.load(write("blip.yaml", yaml), TestDeclarations.context(Map.of()));
    }

    private List<String> problems(String yaml) throws Exception {
        Path file = write("blip.yaml", yaml);
        return assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, TestDeclarations.context(Map.of()))).problems();
    }

    @Test
    void apiKeysLoadWithPathsResolvedAgainstTheConfigFile() throws Exception {
        write("token", "t0ken\n");
        write("cert.pem", "");
        write("key.pem", "");
        write("ca.pem", "");

        BlipConfig c = load("""
                api:
                  bind: :9070
                  auth-token-file: token
                  tls:
                    cert: cert.pem
                    key: key.pem
                    ca: ca.pem
                """);

        assertEquals(new ApiConfig(":9070", false, dir.resolve("token").toString(), dir.resolve("cert.pem").toString(),
                dir.resolve("key.pem").toString(), dir.resolve("ca.pem").toString()), c.api());
        assertEquals("""
                api:
                  bind: :9070
                  auth-token-file: %s
                  tls:
                    cert: %s
                    key: %s
                    ca: %s
                """.formatted(dir.resolve("token"), dir.resolve("cert.pem"), dir.resolve("key.pem"), dir.resolve("ca.pem")),
                ConfigPrinter.yaml(c).substring(0, ConfigPrinter.yaml(c).indexOf("monitors:")));
    }

    @Test
    void theDefaultIsOnAtLocalhost7522() throws Exception {
        assertEquals(new ApiConfig("127.0.0.1:7522", false, "", "", "", ""), load("mysql:\n  username: blip\n").api());
        assertEquals(ApiConfig.DEFAULT, ConfigLoader.empty(TestDeclarations.context(Map.of())).api());
    }

    @Test
    void everyBadApiValueIsReportedAtOnceWithFileLineAndKey() throws Exception {
        Path file = dir.resolve("blip.yaml");
        write("empty-token", "  \n");

        assertEquals(List.of(
                file + ":2: api.bind: 'localhost' has no port; write host:port or :port, e.g. 127.0.0.1:7522",
                file + ":3: api.disable: 'maybe' is not a boolean; use true or false (or yes/no, on/off, 1/0)",
                file + ":4: api.auth-token-file: " + dir.resolve("empty-token") + " is empty; write the token in it",
                file + ":6: api.tls.cert: file " + dir.resolve("missing.pem") + " does not exist",
                file + ":5: api.tls: cert is set but key is not; the API serves TLS with both (and ca to require"
                        + " client certificates)"),
                problems("""
                        api:
                          bind: localhost
                          disable: maybe
                          auth-token-file: empty-token
                          tls:
                            cert: missing.pem
                        """));
        assertEquals(List.of(file + ":2: api.auth-token-file: file " + dir.resolve("nope") + " does not exist"),
                problems("api:\n  auth-token-file: nope\n"));
        write("ca.pem", "");
        assertEquals(List.of(file + ":2: api.tls: ca is set but cert and key are not; client certificates need TLS:"
                + " set cert and key too"), problems("api:\n  tls:\n    ca: ca.pem\n"));
        assertEquals(List.of(file + ":3: api.tls.crt: unknown key; did you mean cert?"),
                problems("api:\n  tls:\n    crt: cert.pem\n"));
    }

    @Test
    void theTokenNeverAppearsInAProblem() throws Exception {
        write("token", "sekrit-token sekrit-token\n");

        List<String> problems = problems("api:\n  auth-token-file: token\n  port: 1\n");

        assertEquals(2, problems.size(), problems.toString());
        problems.forEach(p -> assertFalse(p.contains("sekrit"), p));
    }
}
