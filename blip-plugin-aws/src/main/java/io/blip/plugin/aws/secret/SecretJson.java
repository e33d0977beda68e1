package io.blip.plugin.aws.secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON parser for secret values, written here rather than borrowed because the
 * one the AWS SDK ships ({@code software.amazon.awssdk.protocols.jsoncore}) is marked SDK-internal
 * ({@code @SdkProtectedApi}) and its Jackson errors quote the input, which here is a password. This
 * one's errors give a position and what was expected, never the text; it rejects trailing content
 * and duplicate keys (which {@code password} would win is otherwise a guess).
 *
 * <p>Values come back as {@code Map<String, Object>} (in order), {@code List<Object>},
 * {@code String}, {@link Num}, {@code Boolean} or {@link #NULL}.
 */
final class SecretJson {
    /** JSON {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, kept as its text: secret values only need to know it is not a string. */
    record Num(String text) {
    }

    /** The text is not JSON; the message holds a position and an expectation, never the text. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private static final int MAX_DEPTH = 64;

    private final String s;
    private int i;

    private SecretJson(String s) {
        this.s = s;
    }

    /** The one JSON value in {@code text}. */
    static Object parse(String text) throws Invalid {
        SecretJson p = new SecretJson(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i < text.length()) {
            throw p.invalid("more content after the JSON value");
        }
        return v;
    }

    /** What a value is, for messages: "object", "array", "string", "number", "boolean" or "null". */
    static String kind(Object v) {
        return switch (v) {
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            case String str -> "string";
            case Num n -> "number";
            case Boolean b -> "boolean";
            default -> "null";
        };
    }

    private Object value(int depth) throws Invalid {
        if (depth > MAX_DEPTH) {
            throw invalid("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (i >= s.length()) {
            throw invalid("expected a value but the text ended");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw invalid("expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) throws Invalid {
        Map<String, Object> map = new LinkedHashMap<>();
        i++;
        space();
        if (peek() == '}') {
            i++;
            return map;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw invalid("expected a key in double quotes");
            }
            int at = i;
            String key = string();
            space();
            expect(':');
            space();
            Object v = value(depth + 1);
            if (map.putIfAbsent(key, v) != null) {
                i = at;
                throw invalid("a key that appears twice in the same object");
            }
            space();
            char c = peek();
            i++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                i--;
                throw invalid("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws Invalid {
        List<Object> list = new ArrayList<>();
        i++;
        space();
        if (peek() == ']') {
            i++;
            return list;
        }
        while (true) {
            space();
            list.add(value(depth + 1));
            space();
            char c = peek();
            i++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                i--;
                throw invalid("expected ',' or ']'");
            }
        }
    }

    private String string() throws Invalid {
        StringBuilder out = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) {
                throw invalid("a string that is not closed");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                i--;
                throw invalid("a control character inside a string (write it as an escape like \\n)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw invalid("a string that is not closed");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicode());
                default -> {
                    i -= 2;
                    throw invalid("an unknown escape in a string");
                }
            }
        }
    }

    private char unicode() throws Invalid {
        if (i + 4 > s.length()) {
            i -= 2;
            throw invalid("a \\u escape with fewer than four hex digits");
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) {
                i -= 2;
                throw invalid("a \\u escape with fewer than four hex digits");
            }
            v = v * 16 + d;
        }
        i += 4;
        return (char) v;
    }

    private Num number() throws Invalid {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (!digits()) {
            throw invalid("a number without digits");
        }
        if (peek() == '.') {
            i++;
            if (!digits()) {
                throw invalid("a number without digits after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digits()) {
                throw invalid("a number without digits in its exponent");
            }
        }
        return new Num(s.substring(start, i));
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start;
    }

    private Object literal(String word, Object v) throws Invalid {
        if (!s.startsWith(word, i)) {
            throw invalid("expected a value");
        }
        i += word.length();
        return v;
    }

    private void expect(char c) throws Invalid {
        if (peek() != c) {
            throw invalid("expected '" + c + "'");
        }
        i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }

    private Invalid invalid(String what) {
        return new Invalid("at character " + (i + 1) + ": " + what);
    }
}
