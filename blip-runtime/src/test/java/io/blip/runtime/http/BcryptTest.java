package io.blip.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.DebianPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bcrypt against the real thing: hashes made by Apache's {@code htpasswd -B} (the tool the
 * exporter-toolkit's docs name; Debian's apache2-utils, installed with apt-get when missing) are
 * checked here, and hashes made here are checked by {@code htpasswd -v}.
 */
class BcryptTest {
    private static final List<String> PASSWORDS = List.of("prometheus", "p\u00e4ssw\u00f6rd \u2603", "x",
            "a".repeat(71), "b".repeat(72) + "ignored past 72 bytes");

    @TempDir
    Path dir;

    @BeforeAll
    static void htpasswd() {
        DebianPackage.ensure("apache2-utils", "BcryptTest", () -> Files.isExecutable(Path.of("/usr/bin/htpasswd")),
                "The bcrypt test compares with Apache's htpasswd.");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return p.exitValue() + ":" + out.strip();
    }

    @Test
    void piGivesBlowfishsInitialState() {
        int[] pi = Bcrypt.piWords();
        assertEquals(0x243F6A88, pi[0], "P1");
        assertEquals(0x85A308D3, pi[1], "P2");
        assertEquals(0x8979FB1B, pi[17], "P18");
        assertEquals(0xD1310BA6, pi[18], "S1[0]");
        assertEquals(0x3AC372E6, pi[pi.length - 1], "S4[255]");
    }

    @Test
    void hashesOfHtpasswdMatchTheirPasswordAndNoOther() throws Exception {
        for (String password : PASSWORDS) {
            String line = run("/usr/bin/htpasswd", "-nbBC", "5", "user", password);
            assertTrue(line.startsWith("0:user:$2y$05$"), line);
            String hash = line.substring("0:user:".length());
            assertTrue(Bcrypt.readable(hash), hash);
            assertTrue(Bcrypt.matches(password, hash), "htpasswd's hash of a password of " + password.length());
            boolean beyond72 = password.getBytes(StandardCharsets.UTF_8).length >= 72;
            assertEquals(beyond72, Bcrypt.matches(password + "!", hash),
                    "another password, unless they differ only past the 72 bytes bcrypt reads");
        }
        assertFalse(Bcrypt.matches("prometheus", "$2y$05$" + "A".repeat(53)), "a hash of another password");
    }

    @Test
    void hashesMadeHereAreHtpasswdsToo() throws Exception {
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        for (String password : PASSWORDS) {
            Path file = Files.writeString(dir.resolve("htpasswd"), "user:" + Bcrypt.hash(password, salt, 4) + "\n");
            assertTrue(run("/usr/bin/htpasswd", "-vb", file.toString(), "user", password).startsWith("0:"),
                    "htpasswd -v accepts the hash of a password of " + password.length());
        }
    }

    @Test
    void whatIsNotABcryptHashIsNotReadable() {
        assertFalse(Bcrypt.readable("$apr1$abc$def"));
        assertFalse(Bcrypt.readable("$2x$10$" + "a".repeat(53)), "an unknown variant");
        assertFalse(Bcrypt.readable("$2y$03$" + "a".repeat(53)), "cost below 4");
        assertFalse(Bcrypt.readable("$2y$10$" + "a".repeat(52) + "!"));
        assertFalse(Bcrypt.matches("anything", "plain"));
    }
}
