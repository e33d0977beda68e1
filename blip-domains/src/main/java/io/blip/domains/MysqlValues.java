package io.blip.domains;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Reads a MySQL status or variable value as a number the way Blip does ({@code sqlutil.Float64}):
 * plain numbers; {@code ON}/{@code YES}/{@code Yes} as 1; {@code OFF}/{@code NO}/{@code No}/{@code
 * DISABLED}/{@code Connecting} as 0; and the two date formats MySQL prints (certificate dates such as
 * {@code Ssl_server_not_after}, and {@code 2006-01-02 15:04:05}) as Unix seconds, read as UTC.
 * Anything else is not a number, and collectors skip it, as every MySQL exporter does.
 */
public final class MysqlValues {
    private static final DateTimeFormatter CERT_DATE =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Whole numbers of up to this many digits are exact in a double and read without parsing text. */
    private static final int EXACT_DIGITS = 15;

    private MysqlValues() {
    }

    /**
     * The value as a number, or empty when it is not one (or is null). Runs for every row of every
     * collection, so it reads the characters itself: no pattern, and no exception for text that is
     * not a date.
     */
    public static OptionalDouble parse(String value) {
        if (value == null || value.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (isDecimal(value)) {
            return OptionalDouble.of(wholeUpTo15Digits(value) ? digits(value) : Double.parseDouble(value));
        }
        return switch (value) {
            case "ON", "YES", "Yes" -> OptionalDouble.of(1);
            case "OFF", "NO", "No", "DISABLED", "Connecting" -> OptionalDouble.of(0);
            default -> date(value);
        };
    }

    /**
     * Decimal notation only, {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?}: Double.parseDouble
     * alone would also take "NaN", "Infinity" and "1d".
     */
    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            i++;
        }
        int intDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits == 0 && fracDigits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean wholeUpTo15Digits(String s) {
        if (s.length() > EXACT_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static double digits(String s) {
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static OptionalDouble date(String value) {
        try {
            if (looksLikeCertDate(value)) {
                // OpenSSL pads one-digit days with a space: "Apr  1 12:00:00 2031 GMT".
                return OptionalDouble.of(ZonedDateTime.parse(value.replaceAll(" +", " "), CERT_DATE).toEpochSecond());
            }
            if (looksLikeDateTime(value)) {
                return OptionalDouble.of(LocalDateTime.parse(value, DATE_TIME).toEpochSecond(ZoneOffset.UTC));
            }
        } catch (DateTimeParseException notADate) {
            // the shape of a date, not one
        }
        return OptionalDouble.empty();
    }

    /** {@code Jul 11 12:00:00 2031 GMT}: three letters, a space, then a time somewhere. */
    private static boolean looksLikeCertDate(String s) {
        return s.length() >= 20 && Character.isLetter(s.charAt(0)) && Character.isLetter(s.charAt(1))
                && Character.isLetter(s.charAt(2)) && s.charAt(3) == ' ' && s.indexOf(':') > 0;
    }

    /** {@code 2006-01-02 15:04:05}. */
    private static boolean looksLikeDateTime(String s) {
        return s.length() == 19 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == ' '
                && s.charAt(13) == ':' && s.charAt(16) == ':';
    }
}
