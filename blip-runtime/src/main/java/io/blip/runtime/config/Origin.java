package io.blip.runtime.config;

import java.util.Objects;

/**
 * Where a config value was written: a file (or another source, such as a monitor loader plugin)
 * and a line, 0 when the source has no lines.
 *
 * @param file the file as the user named it, or a source description
 * @param line the 1-based line, or 0
 */
public record Origin(String file, int line) {

    public Origin {
        Objects.requireNonNull(file, "file");
    }

    /** {@code blip.yaml:12}, or just the source when there is no line. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
