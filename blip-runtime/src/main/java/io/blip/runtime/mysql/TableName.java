package io.blip.runtime.mysql;

import java.util.Optional;
import java.util.regex.Pattern;

/** A table named in the config as Blip does ({@code sqlutil.SanitizeTable}): {@code db.table}, or {@code table} in {@value #DEFAULT_DATABASE}. */
public final class TableName {
    /** Blip's {@code blip.DEFAULT_DATABASE}: where a table written without a database is. */
    public static final String DEFAULT_DATABASE = "blip";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z0-9_$]+");

    private TableName() {
    }

    /** {@code table} quoted for SQL, or empty when it is not such a name. */
    public static Optional<String> quoted(String table) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || java.util.Arrays.stream(parts).anyMatch(p -> !IDENTIFIER.matcher(p).matches())) {
            return Optional.empty();
        }
        return Optional.of(parts.length == 2 ? "`" + parts[0] + "`.`" + parts[1] + "`"
                : "`" + DEFAULT_DATABASE + "`.`" + parts[0] + "`");
    }
}
