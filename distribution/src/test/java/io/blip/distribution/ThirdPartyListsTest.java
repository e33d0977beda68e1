package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The licences that ship: LICENSE and NOTICE, and in lib/ and each plugin directory a THIRD-PARTY.txt (made by the
 * license-maven-plugin from the module's dependencies) that names exactly the jars beside it but Blip's own.
 */
class ThirdPartyListsTest {
    /** {@code (Apache-2.0) okio (com.squareup.okio:okio-jvm:3.18.1 - https://...)}: licence, then artifact and version. */
    private static final Pattern LINE = Pattern.compile("^\\s+\\((.+)\\) .* \\(([^:() ]+):([^:() ]+):([^:() ]+) - .*\\)$");

    @Test
    void licenceAndNoticeAreAtTheTop() throws IOException {
        assertTrue(Files.readString(Dist.HOME.resolve("LICENSE")).contains("Apache License"));
        String notice = Files.readString(Dist.HOME.resolve("NOTICE"));
        assertTrue(notice.contains("THIRD-PARTY.txt") && notice.contains("runtime/legal/"), notice);
    }

    @Test
    void eachDirectoryListsEveryJarBesideItsListWithItsLicence() throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(Dist.HOME.resolve("lib")));
        Dist.PLUGIN_DIRS.forEach(d -> dirs.add(Dist.HOME.resolve("plugins").resolve(d)));
        for (Path dir : dirs) {
            Path list = dir.resolve("THIRD-PARTY.txt");
            assertTrue(Files.isRegularFile(list), list.toString());
            Set<String> listed = new TreeSet<>();
            for (String line : Files.readAllLines(list)) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    assertTrue(!m.group(1).equals("Unknown license"), list + ": " + line);
                    listed.add(m.group(3) + "-" + m.group(4) + ".jar");
                }
            }
            Set<String> shipped = new TreeSet<>();
            Dist.jars(dir).stream().map(j -> j.getFileName().toString()).forEach(shipped::add);
            Set<String> unlisted = new TreeSet<>(shipped);
            unlisted.removeAll(listed);
            unlisted.removeIf(j -> j.startsWith("blip-"));
            assertEquals(Set.of(), unlisted, list + " names every third-party jar of " + dir.getFileName());
            Set<String> notShipped = new TreeSet<>(listed);
            notShipped.removeAll(shipped);
            assertEquals(Set.of(), notShipped, list + " names only jars that ship");
        }
        assertTrue(Files.readString(Dist.HOME.resolve("lib/THIRD-PARTY.txt"))
                .contains("(The GNU General Public License, v2 with Universal FOSS Exception, v1.0) MySQL Connector/J"));
    }
}
