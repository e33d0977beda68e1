package io.blip.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON that Python's {@code json} module writes for {@code promtext.py}, and no more:
 * objects (as maps in the order written), arrays, strings and numbers, where a number is Python's
 * float repr and may be {@code NaN}, {@code Infinity} or {@code -Infinity} (Python writes those;
 * strict JSON has no word for them). The testkit has no JSON library, and one is not worth a
 * dependency for this.
 */
final class PythonJson {
    private final String text;
    private int at;

    private PythonJson(String text) {
        this.text = text;
    }

    /** A map, list, string or {@link Double}. */
    static Object parse(String text) {
        PythonJson json = new PythonJson(text);
        Object value = json.value();
        json.skipSpace();
        if (json.at != text.length()) {
            throw json.error("text after the value");
        }
        return value;
    }

    private Object value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("a value expected");
        }
        return switch (text.charAt(at)) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        at++;
        if (next() == '}') {
            at++;
            return Collections.unmodifiableMap(map);
        }
        do {
            skipSpace();
            String key = string();
            expect(':');
            map.put(key, value());
        } while (comma('}'));
        return Collections.unmodifiableMap(map);
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        at++;
        if (next() == ']') {
            at++;
            return Collections.unmodifiableList(list);
        }
        do {
            list.add(value());
        } while (comma(']'));
        return Collections.unmodifiableList(list);
    }

    /** After an element: true at a comma (another comes), false at {@code close} (the end). */
    private boolean comma(char close) {
        char c = next();
        at++;
        if (c == ',') {
            return true;
        }
        if (c == close) {
            return false;
        }
        throw error("',' or '" + close + "' expected");
    }

    private String string() {
        if (at >= text.length() || text.charAt(at) != '"') {
            throw error("a string expected");
        }
        StringBuilder s = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return s.toString();
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> s.append(unicodeEscape());
                default -> throw error("unknown escape \\" + e);
            }
        }
        throw error("unterminated string");
    }

    /** The four hex digits after {@code \\u}: one UTF-16 unit (a surrogate pair comes as two escapes). */
    private char unicodeEscape() {
        if (at + 4 > text.length()) {
            throw error("short \\u escape");
        }
        try {
            char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
            at += 4;
            return c;
        } catch (NumberFormatException e) {
            throw error("bad \\u escape");
        }
    }

    /** A float as Python's repr writes it; {@link Double#parseDouble} reads NaN and Infinity too. */
    private Double number() {
        int start = at;
        while (at < text.length() && "+-.eEINaftiny0123456789".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        try {
            return Double.parseDouble(text.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("a number expected");
        }
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("'" + c + "' expected");
        }
        at++;
    }

    /** The next character that is not white space, not consumed; 0 at the end. */
    private char next() {
        skipSpace();
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        String near = text.substring(at, Math.min(text.length(), at + 40));
        return new IllegalArgumentException("JSON at offset " + at + ": " + what + ", near '" + near + "'");
    }
}
