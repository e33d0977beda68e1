package io.blip.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blip.api.BlipException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** my.cnf files read as the mysql client reads them, from real files in a temp dir. */
class MycnfReaderTest {
    @TempDir
    Path dir;

    Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    Map<String, String> options(Path file) {
        return MycnfReader.read(file).options();
    }

    @Test
    void valuesAreUnquotedThenUnescapedAsMysqlDoes() throws IOException {
        Path cnf = write("my.cnf", String.join("\n",
                "[client]",
                "user = blip   # a trailing comment",
                "password = \"p#ss word\"   # the '#' inside quotes stays",
                "socket = /tmp/a#b",
                "host='db\\s1\\tx'",
                "ssl-ca = C:\\\\certs\\\\ca.pem",
                "ssl_cert = line\\nbreak\\r\\b",
                "ssl-key = \"say \\\"hi\\\" and \\'bye\\'\"",
                "ssl-mode = \\q stays",
                "port = 3307\\",
                ""));
        Map<String, String> o = options(cnf);
        assertEquals("blip", o.get("user"));
        assertEquals("p#ss word", o.get("password"));
        assertEquals("/tmp/a", o.get("socket"), "a '#' outside quotes ends the line, as in MySQL");
        assertEquals("db 1\tx", o.get("host"));
        assertEquals("C:\\certs\\ca.pem", o.get("ssl-ca"));
        assertEquals("line\nbreak\r\b", o.get("ssl-cert"));
        assertEquals("say \"hi\" and 'bye'", o.get("ssl-key"));
        assertEquals("\\q stays", o.get("ssl-mode"));
        assertEquals("3307\\", o.get("port"), "a backslash at the end stays");
    }

    @Test
    void commentLinesDashesUnderscoresAndLoosePrefixes() throws IOException {
        Path cnf = write("my.cnf", String.join("\n",
                "# comment",
                "; comment too",
                "[client]",
                "   ; indented comment",
                "SSL_MODE = verify_identity",
                "loose-ssl_ca = /ca.pem",
                "quick",
                ""));
        Map<String, String> o = options(cnf);
        assertEquals("verify_identity", o.get("ssl-mode"));
        assertEquals("/ca.pem", o.get("ssl-ca"));
        assertEquals("", o.get("quick"));
        assertEquals(3, o.size());
    }

    @Test
    void blipOverClientWhateverTheirOrderAndOtherGroupsIgnored() throws IOException {
        Path cnf = write("my.cnf", String.join("\n",
                "[blip]",
                "user = blip-only",
                "[mysql]",
                "user = mysql-client",
                "[client]",
                "user = everyone",
                "password = shared",
                "[ Client ]",
                "host = db.internal",
                ""));
        Mycnf m = Mycnf.read(cnf);
        assertEquals("blip-only", m.user());
        assertEquals("shared", m.password().reveal());
        assertEquals("db.internal", m.host());
    }

    @Test
    void includesAreReadWhereTheyStandEachFileStartingOutsideAnyGroup() throws IOException {
        Path conf = dir.resolve("conf.d");
        write("conf.d/20-password.cnf", "[client]\npassword = from-20\n");
        write("conf.d/10-password.cnf", "[client]\npassword = from-10\nuser = from-10\n");
        write("conf.d/30-notes.txt", "[client]\npassword = not-a-cnf\n");
        write("conf.d/40-server.cnf", "[mysqld]\nuser = mysql\n");
        Path extra = write("extra.cnf", "[client]\nhost = from-extra\n");
        Path cnf = write("my.cnf", String.join("\n",
                "[client]",
                "host = before",
                "!include " + extra,
                "port = 3307",
                "!includedir " + conf + "/",
                "[mysqld]",
                "port = 1",
                ""));
        MycnfReader.Read read = MycnfReader.read(cnf);
        assertEquals(Map.of("host", "from-extra", "port", "3307", "password", "from-20", "user", "from-10"),
                read.options(), "the [client] line still holds after an include; later files win");
        assertEquals(6, read.files().size(), "my.cnf, extra.cnf, the directory and its three .cnf files");
    }

    @Test
    void aMissingIncludeNamesTheFileAndLine() throws IOException {
        Path cnf = write("my.cnf", "[client]\nuser = blip\n!include " + dir.resolve("gone.cnf") + "\n");
        var e = assertThrows(BlipException.class, () -> MycnfReader.read(cnf));
        assertEquals("mysql.mycnf: " + cnf + " line 3: !include " + dir.resolve("gone.cnf") + ": no such file",
                e.getMessage());
    }

    @Test
    void aMissingIncludedirNamesTheFileAndLine() throws IOException {
        Path cnf = write("my.cnf", "!includedir " + dir.resolve("nowhere") + "\n");
        var e = assertThrows(BlipException.class, () -> MycnfReader.read(cnf));
        assertEquals("mysql.mycnf: " + cnf + " line 1: !includedir " + dir.resolve("nowhere")
                + ": no such directory", e.getMessage());
    }

    @Test
    void aCycleOfIncludesIsAnErrorThatShowsTheCycle() throws IOException {
        Path real = dir.toRealPath();
        Path a = write("a.cnf", "[client]\n!include " + dir.resolve("b.cnf") + "\n");
        write("b.cnf", "# b\n\n!include " + a + "\n");
        var e = assertThrows(BlipException.class, () -> MycnfReader.read(a));
        assertEquals("mysql.mycnf: " + dir.resolve("b.cnf") + " line 3: !include " + a + ": a cycle of includes ("
                + real.resolve("a.cnf") + " -> " + real.resolve("b.cnf") + " -> " + real.resolve("a.cnf") + ")",
                e.getMessage());
    }

    @Test
    void aBrokenLineNamesTheFileAndLineButNotItsValue() throws IOException {
        Path noGroup = write("nogroup.cnf", "# first\npassword = hunter2\n");
        var e = assertThrows(BlipException.class, () -> MycnfReader.read(noGroup));
        assertEquals("mysql.mycnf: " + noGroup + " line 2: an option before any [group]", e.getMessage());

        Path open = write("open.cnf", "[client\npassword = hunter2\n");
        e = assertThrows(BlipException.class, () -> MycnfReader.read(open));
        assertEquals("mysql.mycnf: " + open + " line 1: a group line without its closing ']'", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void aChangedIncludedFileIsReadAgain() throws IOException {
        Path conf = dir.resolve("conf.d");
        Path secret = write("conf.d/password.cnf", "[client]\npassword = first\n");
        Path cnf = write("my.cnf", "[client]\nuser = blip\n!includedir " + conf + "\n");
        var files = new MycnfFiles();
        assertEquals("first", files.read(cnf).password().reveal());

        Files.writeString(secret, "[client]\npassword = second\n");
        Files.setLastModifiedTime(secret, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("second", files.read(cnf).password().reveal());

        write("conf.d/zz-later.cnf", "[client]\npassword = third\n");
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(10)));
        assertEquals("third", files.read(cnf).password().reveal(), "a file added to the directory");
    }
}
