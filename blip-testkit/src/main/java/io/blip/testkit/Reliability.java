package io.blip.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The figures of the reliability matrix (docs/reliability.md): a test of row {@code R<n>}, named
 * {@code R<n><What>Test}, says what it measured, and {@code ./dev reliability} gathers every module's
 * {@code target/reliability/} into the matrix. A row's figure is what the row's goal asks for (a bounded
 * wait, missed intervals, losses and counted drops, threads), measured in that run, never a constant.
 */
public final class Reliability {
    /** Where figures go; a module's tests run in the module's directory. */
    public static final String DIR_PROPERTY = "blip.reliability.dir";
    private static final Pattern ROW = Pattern.compile("R([1-9]|[12][0-9]|3[0-2])");

    private Reliability() {
    }

    /** This module's {@code target/reliability/} (or what {@value #DIR_PROPERTY} names). */
    public static Path dir() {
        return Path.of(System.getProperty(DIR_PROPERTY, "target/reliability"));
    }

    /**
     * Records a row's figure, replacing what the same test recorded for it before.
     *
     * @param row    {@code R1} ... {@code R32}
     * @param test   the test class that measured it
     * @param figure what was measured, in a sentence (Markdown)
     */
    public static void figure(String row, Class<?> test, String figure) {
        if (!ROW.matcher(row).matches()) {
            throw new IllegalArgumentException("not a row of the matrix: " + row + " (R1 to R32)");
        }
        Path dir = dir();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(row + "-" + test.getName() + ".txt"),
                    row + "\n" + test.getName() + "\n" + figure.strip() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
