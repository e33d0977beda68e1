package io.blip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine the figures come from, as the results file names it. */
record Machine(String cpu, int cores, long memoryMiB, String kernel, String os) {
    static Machine describe() throws IOException {
        return new Machine(field(Path.of("/proc/cpuinfo"), "model name", ":"),
                Runtime.getRuntime().availableProcessors(),
                Long.parseLong(field(Path.of("/proc/meminfo"), "MemTotal", ":").replaceAll("\\D", "")) / 1024,
                Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip(),
                field(Path.of("/etc/os-release"), "PRETTY_NAME", "=").replace("\"", ""));
    }

    private static String field(Path file, String key, String separator) throws IOException {
        if (!Files.exists(file)) {
            return "unknown";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.stream().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(separator) + 1).strip())
                .findFirst().orElse("unknown");
    }

    @Override
    public String toString() {
        return cpu + ", " + cores + " cores, " + memoryMiB + " MiB of memory; Linux " + kernel + ", " + os;
    }
}
