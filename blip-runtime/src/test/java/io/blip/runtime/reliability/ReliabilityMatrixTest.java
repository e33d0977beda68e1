package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every row of the reliability matrix (docs/reliability-rows.tsv, R1 to R32) has its test, a class
 * {@code R<n><What>Test} in some module's {@code src/test/java}, or is listed here as pending with the
 * reason; and a pending row with a test is no longer pending, so the list stays true.
 */
class ReliabilityMatrixTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern ROW_TEST = Pattern.compile("(R([1-9]|[12][0-9]|3[0-2]))[A-Z]\\w*Test\\.java");

    /** Rows without a test yet, and why. */
    private static final Map<String, String> PENDING = Map.of();

    @Test
    void everyRowHasATestOrIsPendingWithAReason() {
        Map<String, Set<String>> tests = rowTests();
        Set<String> untested = new TreeSet<>();
        Set<String> pendingButTested = new TreeSet<>();
        for (String row : rows()) {
            boolean tested = tests.containsKey(row);
            if (!tested && !PENDING.containsKey(row)) {
                untested.add(row);
            }
            if (tested && PENDING.containsKey(row)) {
                pendingButTested.add(row + " " + tests.get(row));
            }
        }
        assertEquals(Set.of(), untested, "rows with no R<n><What>Test class in any module's src/test/java");
        assertEquals(Set.of(), pendingButTested, "rows listed as pending that have a test: take them off PENDING");
    }

    @Test
    void theRowsFileHasTheMatrixRowsInOrder() throws IOException {
        List<String> inFile = Files.readAllLines(REPO.resolve("docs/reliability-rows.tsv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t", -1)[0])
                .toList();
        assertEquals(rows(), inFile);
    }

    private static List<String> rows() {
        return IntStream.rangeClosed(1, 32).mapToObj(n -> "R" + n).toList();
    }

    /** Row to the test classes named for it, in every module's src/test/java (modules are the repository's folders). */
    private static Map<String, Set<String>> rowTests() {
        Map<String, Set<String>> found = new TreeMap<>();
        try (Stream<Path> modules = Files.list(REPO)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    files.forEach(p -> {
                        Matcher m = ROW_TEST.matcher(p.getFileName().toString());
                        if (m.matches()) {
                            found.computeIfAbsent(m.group(1), r -> new TreeSet<>()).add(REPO.relativize(p).toString());
                        }
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
