package io.blip.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How a running JVM was started, read from {@code /proc}: its java, the JVM options (everything
 * between the java binary and the module path, class path, module or main class; {@code @argfiles}
 * expanded), and the environment variables the launcher or the JVM read options from. The control
 * runs with exactly these, so when bin/blip's defaults change it follows.
 *
 * @param cmdline the whole command line, for the results file
 */
record JvmCommand(String java, List<String> options, Map<String, String> optionsEnv, List<String> cmdline) {
    /** The arguments after which come the program, not JVM options. */
    private static final Set<String> PROGRAM_STARTS = Set.of("-p", "--module-path", "-m", "--module", "-cp",
            "-classpath", "--class-path", "-jar", "--upgrade-module-path");
    /** JVM options whose value may be the next argument. */
    private static final Set<String> TAKES_NEXT = Set.of("--add-modules", "--add-opens", "--add-exports",
            "--add-reads", "--limit-modules", "--patch-module", "--enable-native-access", "--illegal-native-access",
            "--source");
    private static final List<String> OPTIONS_ENV = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");
    private static final String SHARED_ARCHIVE = "-XX:SharedArchiveFile=";

    /**
     * The JVM command of a running process, once it is java: bin/blip is a shell script until it execs
     * java, and /proc shows an empty command line at the moment of the exec.
     */
    static JvmCommand of(long pid) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> cmdline = Proc.cmdline(pid);
        while (!isJava(cmdline) && System.nanoTime() - end < 0) {
            Thread.sleep(20); // a harness waiting for another process, not a test waiting for an outcome
            cmdline = Proc.cmdline(pid);
        }
        if (!isJava(cmdline)) {
            throw new IllegalStateException("process " + pid + " is not java after 10 s: " + cmdline);
        }
        return parse(cmdline, Proc.environ(pid));
    }

    private static boolean isJava(List<String> cmdline) {
        return !cmdline.isEmpty() && Path.of(cmdline.getFirst()).getFileName().toString().equals("java");
    }

    /** The JVM command of a process started with {@code cmdline} in {@code environ}. */
    static JvmCommand parse(List<String> cmdline, Map<String, String> environ) {
        List<String> args = expandArgFiles(cmdline.subList(1, cmdline.size()));
        List<String> options = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (PROGRAM_STARTS.contains(name) || !arg.startsWith("-")) {
                break;
            }
            options.add(arg);
            if (TAKES_NEXT.contains(arg) && i + 1 < args.size()) {
                options.add(args.get(++i));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        OPTIONS_ENV.forEach(k -> {
            if (environ.containsKey(k)) {
                env.put(k, environ.get(k));
            }
        });
        return new JvmCommand(cmdline.getFirst(), List.copyOf(options), env, List.copyOf(cmdline));
    }

    /**
     * The options for another program in the same JVM: the same, except that a CDS archive is a copy
     * in {@code dir}, so that the other program neither uses nor rewrites bin/blip's
     * ({@code -XX:+AutoCreateSharedArchive} would).
     */
    List<String> optionsFor(Path dir) {
        return options.stream().map(o -> o.startsWith(SHARED_ARCHIVE) ? SHARED_ARCHIVE + copyArchive(o, dir) : o)
                .toList();
    }

    /**
     * What this java makes of these options on this machine ({@code -XX:+PrintCommandLineFlags}: heap
     * sizes, collector) and its version, from a JVM of its own started with them.
     */
    String ergonomics(Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(optionsFor(dir));
        command.addAll(List.of("-XX:+PrintCommandLineFlags", "-version"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeAll(OPTIONS_ENV);
        pb.environment().putAll(optionsEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.strip();
    }

    private static Path copyArchive(String option, Path dir) {
        Path archive = Path.of(option.substring(SHARED_ARCHIVE.length()));
        Path copy = dir.resolve("control-" + archive.getFileName());
        try {
            if (Files.exists(archive)) {
                Files.copy(archive, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /**
     * {@code @file} arguments replaced by the file's words, as the java launcher reads them (whitespace
     * separates, quotes group within a line, {@code #} between words comments out the rest of the line).
     */
    private static List<String> expandArgFiles(List<String> args) {
        List<String> expanded = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("@") && !arg.startsWith("@@")) {
                try {
                    expanded.addAll(words(Files.readString(Path.of(arg.substring(1)))));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the java argument file " + arg, e);
                }
            } else {
                expanded.add(arg);
            }
        }
        return expanded;
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (String line : text.split("\n")) {
            for (char ch : (line + "\n").toCharArray()) {
                if (quote != 0 && ch != '\n') {
                    if (ch == quote) {
                        quote = 0;
                    } else {
                        word.append(ch);
                    }
                } else if (ch == '"' || ch == '\'') {
                    quote = ch;
                    inWord = true;
                } else if (ch == '#' && !inWord) {
                    break; // a comment, to the end of the line
                } else if (Character.isWhitespace(ch)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(ch);
                    inWord = true;
                }
            }
            quote = 0; // a quote ends with its line
        }
        return words;
    }
}
