package io.blip.runtime.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every one of Blip's events is logged somewhere in the code, or documented as impossible here: read
 * from the sources, so that an event no code names any more, or one said impossible that some code
 * logs after all, fails the build.
 */
class EventCoverageTest {
    /** Blip's {@code event/list.go}, as written there (its misspelling included). */
    private static final List<String> BLIPS_LIST = List.of(
            "boot-config-invalid", "boot-config-loaded", "boot-config-loading", "boot-error", "boot-start",
            "boot-success", "monitors-loaded", "monitors-loading", "monitors-reload-error", "monitors-started",
            "monitors-starting", "monitors-stoploss", "monitor-loader-panic", "plans-load-monitor",
            "plans-load-shared", "server-api-panic", "server-api-error", "server-run", "server-stopped",
            "change-plan", "change-plan-error", "change-plan-success", "db-reload-password-error",
            "engine-collect-error", "engine-prepare", "engine-prepare-error", "engine-prepare-success",
            "engine-emr-timeout", "lco-collect-panic", "lco-receiver-panic", "lco-paused", "lco-running",
            "lco-metrics-fault", "connected", "connecting", "monitor-error", "monitor-panic", "monitor-started",
            "monitor-stopped", "state-change-abort", "state-change-begin", "state-change-end",
            "repl-soruce-change", "collector-cmr-timeout", "collector-error", "collector-panic", "collector-fault",
            "drop-metrics-fence", "drop-metrics-flush", "drop-metrics-runtime", "sink-invalid-metrics",
            "sink-server-error", "sink-send-error");

    /** Where events are logged: the runtime, and the built-in domains (which cannot see the enum). */
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"),
            Path.of("../blip-domains/src/main/java"));
    private static final Path ENUM = Path.of("src/main/java/io/blip/runtime/event/Event.java");

    @Test
    void theEnumHasBlipsNamesExactly() {
        assertEquals(BLIPS_LIST.stream().sorted().toList(),
                Arrays.stream(Event.values()).map(Event::blipName).sorted().toList());
        assertEquals("repl-soruce-change", Event.REPL_SOURCE_CHANGE.toString(), "Blip's spelling, as Blip emits it");
    }

    @Test
    void everyEventIsLoggedSomewhereOrSaidImpossible() throws IOException {
        Map<Path, String> code = new TreeMap<>();
        for (Path root : SOURCES) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + ": run from the blip-runtime module");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.normalize().equals(ENUM.normalize()))
                        .forEach(f -> code.put(f, read(f)));
            }
        }
        List<String> wrong = new ArrayList<>();
        for (Event e : Event.values()) {
            List<Path> users = code.entrySet().stream().filter(f -> logs(f.getValue(), e)).map(Map.Entry::getKey)
                    .toList();
            if (e.notEmitted().isPresent() && !users.isEmpty()) {
                wrong.add(e + ": said impossible, but logged in " + users);
            } else if (e.notEmitted().isEmpty() && users.isEmpty()) {
                wrong.add(e + ": logged nowhere; log it where Blip would, or say in the enum why it cannot happen");
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Whether the code names the constant, or writes the event's name at the start of a log message. */
    private static boolean logs(String code, Event e) {
        return code.matches("(?s).*\\bEvent\\." + e.name() + "\\b.*") || code.contains("(\"" + e.blipName() + ": ");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
