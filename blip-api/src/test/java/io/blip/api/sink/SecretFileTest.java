package io.blip.api.sink;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A credential inline or from its file: exactly one of the two, the file's problems in the sink's
 * words, the file read again when it changes and when asked, the last good one kept when it cannot be,
 * and the credential never in a message or a log line.
 */
class SecretFileTest {
    private static final OptionSet DECLARED = OptionSet.of(
            Option.string("auth-token", "the token").asSecret(),
            Option.path("auth-token-file", "the token's file"));
    private static final SecretFile.Wording TOKEN = new SecretFile.Wording("token", "the token", "");
    private static final SecretFile.Wording KEY = new SecretFile.Wording("key", "one key", " (or dogstatsd-host)");

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();
    private final SecretFile.Log log = new SecretFile.Log(m -> logged.add("INFO " + m), m -> logged.add("WARN " + m));

    private static Options options(Map<String, ?> values) {
        return DECLARED.read(OptionSet.Input.of("sinks.sfx", values));
    }

    private SecretFile of(Map<String, ?> values, SecretFile.Wording wording, List<String> problems) {
        return SecretFile.of(options(values), "auth-token", "auth-token-file", wording, log, problems);
    }

    @Test
    void inlineIsTrimmedAndNamesItsKeyOnly() {
        var problems = new ArrayList<String>();
        SecretFile secret = of(Map.of("auth-token", " s3cret "), TOKEN, problems);
        assertEquals(List.of(), problems);
        assertEquals("s3cret", secret.current().reveal());
        assertNull(secret.reread());
        assertEquals("sinks.sfx.auth-token", secret.describe());
        assertEquals("SecretFile[sinks.sfx.auth-token]", secret.toString());
    }

    @Test
    void exactlyOneOfTheTwoInTheSinksWords() throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "x");
        var problems = new ArrayList<String>();
        assertNull(of(Map.of("auth-token", "s3cret", "auth-token-file", file.toString()), TOKEN, problems));
        assertNull(of(Map.of(), TOKEN, problems));
        assertNull(of(Map.of(), KEY, problems));
        assertEquals(List.of(
                "sinks.sfx.auth-token and sinks.sfx.auth-token-file: both give the token; keep one",
                "sinks.sfx.auth-token: not set; set auth-token or auth-token-file",
                "sinks.sfx.auth-token: not set; set auth-token or auth-token-file (or dogstatsd-host)"), problems);
    }

    @Test
    void aFileMustHoldOneCredentialAndNoMore() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path two = Files.writeString(dir.resolve("two"), "one two\n");
        var problems = new ArrayList<String>();
        assertNull(of(Map.of("auth-token-file", empty.toString()), TOKEN, problems));
        assertNull(of(Map.of("auth-token-file", two.toString()), TOKEN, problems));
        assertNull(of(Map.of("auth-token-file", two.toString()), KEY, problems));
        assertEquals(List.of(
                "sinks.sfx.auth-token-file: the token file " + empty + " is empty; write the token in it",
                "sinks.sfx.auth-token-file: the token file " + two + " holds more than the token (white space or"
                        + " other characters a token has not); write only the token in it",
                "sinks.sfx.auth-token-file: the key file " + two + " holds more than one key (white space or"
                        + " other characters a key has not); write only the key in it"), problems);
    }

    @Test
    void aChangedFileIsReadAgainAndAnUnreadableOneKeepsTheLastCredential() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        var problems = new ArrayList<String>();
        SecretFile secret = of(Map.of("auth-token-file", file.toString()), TOKEN, problems);
        assertNotNull(secret, problems.toString());
        assertEquals("sinks.sfx.auth-token-file (" + file + ")", secret.describe());
        assertEquals("first", secret.current().reveal());
        assertEquals(List.of(), logged, "unchanged: not read again");

        Files.writeString(file, "second-one\n");
        assertEquals("second-one", secret.current().reveal());
        assertEquals(List.of("INFO sinks.sfx.auth-token-file: read the token again from " + file
                + ": the file changed"), logged);

        Files.delete(file);
        assertEquals("second-one", secret.current().reveal());
        assertEquals("WARN sinks.sfx.auth-token-file: cannot read the token file " + file
                + ": no such file; the token read before stays in use", logged.get(1));
        assertEquals("sinks.sfx.auth-token-file: cannot read the token file " + file + ": no such file",
                secret.reread());
        assertEquals("second-one", secret.current().reveal());
        for (String line : logged) {
            assertFalse(line.contains("first") || line.contains("second-one"), line);
        }
    }

    /**
     * The token file written with {@code text} and its time set to one fixed time: a rewrite of the same
     * size looks unchanged to {@link SecretFile#current()}.
     */
    private Path stamped(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        return file;
    }

    @Test
    void aReloadReadsTheFileEvenWhenItLooksUnchangedAndKeepsTheCredentialWhenItCannot() throws Exception {
        Path file = stamped("aaaa");
        SecretFile secret = of(Map.of("auth-token-file", file.toString()), TOKEN, new ArrayList<>());
        secret.reload();
        assertEquals(List.of(), logged, "read, unchanged: nothing to tell");

        stamped("bbbb");
        secret.reload();
        assertEquals("bbbb", secret.current().reveal());
        assertEquals(List.of("INFO sinks.sfx.auth-token-file: read the token again from " + file + ": Blip reloaded"),
                logged);

        Files.writeString(file, "two words");
        secret.reload();
        assertEquals("WARN sinks.sfx.auth-token-file: the token file " + file + " holds more than the token (white"
                + " space or other characters a token has not); write only the token in it; the token read before"
                + " stays in use", logged.get(1));
        assertEquals(2, logged.size());
        for (String line : logged) {
            assertFalse(line.contains("bbbb") || line.contains("words"), line);
        }
    }

    @Test
    void rereadReadsTheFileEvenWhenItLooksUnchanged() throws Exception {
        Path file = stamped("aaaa");
        SecretFile secret = of(Map.of("auth-token-file", file.toString()), TOKEN, new ArrayList<>());
        stamped("bbbb");
        assertEquals("aaaa", secret.current().reveal());
        assertNull(secret.reread());
        assertEquals("bbbb", secret.current().reveal());
        assertTrue(logged.isEmpty(), logged.toString());
    }
}
