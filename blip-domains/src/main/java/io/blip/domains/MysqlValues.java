package io.blip.domains;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Reads a MySQL status or variable value as a number the way Blip does ({@code sqlutil.Float64}):
 * plain numbers; {@code ON}/{@code YES}/{@code Yes} as 1; {@code OFF}/{@code NO}/{@code No}/{@code
 * DISABLED}/{@code Connecting} as 0; and the two date formats MySQL prints (certificate dates such as
 * {@code Ssl_server_not_after}, and {@code 2006-01-02 15:04:05}) as Unix seconds, read as UTC.
 * Anything else is not a number, and collectors skip it, as every MySQL exporter does.
 */
public final class MysqlValues {
    // Only decimal notation: Double.parseDouble alone would also take "NaN", "Infinity" and "1d".
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final DateTimeFormatter CERT_DATE =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private MysqlValues() {
    }

    /** The value as a number, or empty when it is not one (or is null). */
    public static OptionalDouble parse(String value) {
        if (value == null || value.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (NUMBER.matcher(value).matches()) {
            return OptionalDouble.of(Double.parseDouble(value));
        }
        return switch (value) {
            case "ON", "YES", "Yes" -> OptionalDouble.of(1);
            case "OFF", "NO", "No", "DISABLED", "Connecting" -> OptionalDouble.of(0);
            default -> date(value);
        };
    }

    private static OptionalDouble date(String value) {
        if (value.indexOf(':') < 0) {
            return OptionalDouble.empty(); // not a date; spares the cost of a parse exception
        }
        try {
            // OpenSSL pads one-digit days with a space: "Apr  1 12:00:00 2031 GMT".
            var cert = ZonedDateTime.parse(value.replaceAll(" +", " "), CERT_DATE);
            return OptionalDouble.of(cert.toEpochSecond());
        } catch (DateTimeParseException notACertDate) {
            try {
                return OptionalDouble.of(LocalDateTime.parse(value, DATE_TIME).toEpochSecond(ZoneOffset.UTC));
            } catch (DateTimeParseException notADate) {
                return OptionalDouble.empty();
            }
        }
    }
}
