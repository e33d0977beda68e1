package io.blip.runtime.config;

import io.blip.api.BlipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a MySQL option file as the {@code mysql} client does (MySQL's {@code my_default.cc}):
 * {@code [group]} lines; {@code #} and {@code ;} comment lines, and a {@code #} outside quotes ending
 * any line; {@code key = value} with the key's {@code -} and {@code _} alike and a {@code loose-}
 * prefix dropped; a value's surrounding quotes (single or double) removed, then its escapes
 * ({@code \n \t \r \b \s \\ \" \'}; a backslash before anything else stays); {@code !include FILE}
 * and {@code !includedir DIR} (its files ending {@code .cnf}, by name, as MariaDB sorts them), each
 * included file starting outside any group, as in MySQL. Only the groups {@link #GROUPS} are kept,
 * a later group's keys over an earlier's. Unlike MySQL, which skips an include it cannot open, a
 * missing included file is an error: Blip would otherwise connect with half its settings. Every
 * error names the file and line; none quotes a value (it may be a password).
 */
final class MycnfReader {
    /** The groups Blip reads, in order: a key of a later one wins. */
    static final List<String> GROUPS = List.of("client", "blip");

    /**
     * What was read.
     *
     * @param options the groups' keys merged, later groups over earlier ones
     * @param files   every file read, the top one first, and every {@code !includedir} directory,
     *                so a change to any of them is seen
     */
    record Read(Map<String, String> options, List<Path> files) {
    }

    private final Map<String, Map<String, String>> groups = new LinkedHashMap<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Path> including = new ArrayList<>();

    private MycnfReader() {
        GROUPS.forEach(g -> groups.put(g, new LinkedHashMap<>()));
    }

    /** Reads the file and what it includes; a missing or unreadable top file is an error naming it. */
    static Read read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BlipException("mysql.mycnf: file " + file + " does not exist");
        } catch (IOException e) {
            throw new BlipException("mysql.mycnf: cannot read " + file + ": " + e.getMessage());
        }
        return lines(file, lines);
    }

    /** Reads lines as if they were the file's (includes are followed). */
    static Read lines(Path file, List<String> lines) {
        var reader = new MycnfReader();
        reader.files.add(file);
        reader.parse(file, lines);
        Map<String, String> merged = new LinkedHashMap<>();
        reader.groups.values().forEach(merged::putAll);
        return new Read(merged, List.copyOf(reader.files));
    }

    private void parse(Path file, List<String> lines) {
        including.add(canonical(file));
        Map<String, String> group = null;
        boolean inGroup = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Where at = new Where(file, i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("!")) {
                directive(at, line.substring(1).stripLeading());
            } else if (line.startsWith("[")) {
                int end = line.indexOf(']');
                if (end < 0) {
                    throw at.error("a group line without its closing ']'");
                }
                group = groups.get(line.substring(1, end).strip().toLowerCase(Locale.ROOT));
                inGroup = true;
            } else if (!inGroup) {
                throw at.error("an option before any [group]");
            } else if (group != null) {
                option(withoutComment(line), group);
            }
        }
        including.removeLast();
    }

    private void directive(Where at, String line) {
        if (isDirective(line, "includedir")) {
            includeDir(at, Path.of(line.substring("includedir".length()).strip()));
        } else if (isDirective(line, "include")) {
            include(at, Path.of(line.substring("include".length()).strip()), "!include");
        }
        // MySQL ignores any other '!' line.
    }

    private static boolean isDirective(String line, String word) {
        return line.startsWith(word) && line.length() > word.length()
                && Character.isWhitespace(line.charAt(word.length()));
    }

    private void include(Where at, Path file, String how) {
        Path key = canonical(file);
        if (including.contains(key)) {
            List<String> chain = new ArrayList<>(including.subList(including.indexOf(key), including.size()).stream()
                    .map(Path::toString).toList());
            chain.add(key.toString());
            throw at.error(how + " " + file + ": a cycle of includes (" + String.join(" -> ", chain) + ")");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw at.error(how + " " + file + ": no such file");
        } catch (IOException e) {
            throw at.error(how + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        files.add(file);
        parse(file, lines);
    }

    private void includeDir(Where at, Path dir) {
        List<Path> found;
        try (Stream<Path> entries = Files.list(dir)) {
            found = entries.filter(p -> p.getFileName().toString().endsWith(".cnf") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (NoSuchFileException | NotDirectoryException e) {
            throw at.error("!includedir " + dir + ": no such directory");
        } catch (IOException e) {
            throw at.error("!includedir " + dir + ": cannot list it (" + e.getMessage() + ")");
        }
        files.add(dir);
        for (Path file : found) {
            include(at, file, "!includedir " + dir + ": file");
        }
    }

    private static void option(String line, Map<String, String> group) {
        int eq = line.indexOf('=');
        String key = (eq < 0 ? line : line.substring(0, eq)).strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (key.startsWith("loose-")) {
            key = key.substring("loose-".length());
        }
        group.put(key, eq < 0 ? "" : unescape(unquote(line.substring(eq + 1).strip())));
    }

    /** The line up to a {@code #} outside quotes (MySQL's {@code remove_end_comment}). */
    static String withoutComment(String line) {
        char quote = 0;
        boolean escaped = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == '\'' || c == '"') && !escaped) {
                if (quote == 0) {
                    quote = c;
                } else if (quote == c) {
                    quote = 0;
                }
            }
            if (quote == 0 && c == '#') {
                return line.substring(0, i).strip();
            }
            escaped = quote != 0 && c == '\\' && !escaped;
        }
        return line;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(0) == v.charAt(v.length() - 1)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** MySQL's escapes in a value; a backslash before any other character, or at the end, stays. */
    static String unescape(String v) {
        var out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '\\' || i == v.length() - 1) {
                out.append(c);
                continue;
            }
            char next = v.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 's' -> out.append(' ');
                case '"', '\'', '\\' -> out.append(next);
                default -> out.append('\\').append(next);
            }
        }
        return out.toString();
    }

    private static Path canonical(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    private record Where(Path file, int line) {
        BlipException error(String what) {
            return new BlipException("mysql.mycnf: " + file + " line " + line + ": " + what);
        }
    }
}
