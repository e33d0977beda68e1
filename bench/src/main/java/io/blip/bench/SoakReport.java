package io.blip.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/** {@code bench/results/soak-<MINUTES>min.md}: the fault timeline, the reconciliation, missed intervals, RSS/heap/threads, secrets. */
final class SoakReport {
    /** After a fault ends, how long its missed intervals are still counted (Blip reconnecting, retrying). */
    static final Duration RECOVERY = Duration.ofSeconds(15);

    record Result(int minutes, int monitors, Instant began, Instant faultsFrom, Instant quietTo, Instant ended,
                  String commit, Distribution dist, Machine machine, List<SoakFaults.Fault> faults,
                  List<SoakLedger.Line> lines, List<Soak.Sample> samples, Map<String, Long> events,
                  List<String> eventExamples, long accepted, long refused, SoakSecrets.Scan secrets,
                  List<String> removable, List<String> command, String blipJvm) {
        long unexplained() {
            return lines.stream().mapToLong(l -> Math.abs(l.unexplained())).sum();
        }
    }

    private SoakReport() {
    }

    static String verdict(Result r) {
        long bad = r.lines().stream().filter(l -> l.unexplained() != 0).count();
        boolean ok = bad == 0 && r.secrets().total() == 0;
        return (ok ? "PASS" : "FAIL") + ": " + r.minutes() + " min, " + r.monitors() + " monitors, "
                + r.faults().size() + " faults; produced " + sum(r, SoakLedger.Line::produced) + " = received "
                + sum(r, SoakLedger.Line::received) + " + drops " + sum(r, SoakLedger.Line::drops)
                + " + MySQL-down " + sum(r, SoakLedger.Line::down) + " + unexplained "
                + sum(r, SoakLedger.Line::unexplained) + " (" + bad + " monitors with unexplained != 0); secret hits "
                + r.secrets().total();
    }

    static void write(Path file, Result r, SoakReceiver receiver) throws IOException {
        List<String> md = new ArrayList<>();
        md.add("# Soak: " + r.monitors() + " monitors under faults for " + r.minutes() + " minutes");
        md.add("");
        md.add("Written by `./dev soak " + r.minutes() + "` (bench/src/main/java/io/blip/bench/Soak.java). bin/blip of the "
                + "built distribution, " + r.monitors() + " monitors of one embedded MariaDB " + "through a TCP proxy, "
                + "Blip's built-in default plan (`default-mysql`, as `--print-plans` prints it) plus a 1 s level "
                + "(`status.global`: uptime, questions, open_tables, open_files, threads_cached), the otlp sink "
                + "(OTLP/HTTP, a secret header, `health: false`) to a receiver that counts each monitor's distinct "
                + "collection times.");
        md.add("");
        md.add("**Verdict:** " + verdict(r));
        md.add("");
        md.add("- Machine: " + r.machine());
        md.add("- JDK: bin/blip runs " + r.blipJvm() + "; the harness " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"));
        md.add("- Commit: " + r.commit() + "; distribution " + r.dist().version() + " built "
                + r.dist().built().truncatedTo(ChronoUnit.SECONDS));
        md.add("- Start " + r.began().truncatedTo(ChronoUnit.SECONDS) + ", faults from "
                + r.quietTo().truncatedTo(ChronoUnit.SECONDS) + ", end " + r.ended().truncatedTo(ChronoUnit.SECONDS));
        md.add("- Command: `" + String.join(" ", r.command()) + "`");
        md.add("");
        timeline(md, r);
        reconciliation(md, r);
        missed(md, r, receiver);
        resources(md, r);
        events(md, r);
        secrets(md, r);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, md, StandardCharsets.UTF_8);
    }

    private static void timeline(List<String> md, Result r) {
        md.add("## Fault timeline");
        md.add("");
        md.add("| # | fault | round | from (s after start) | lasted (s) | what happened |");
        md.add("|---|---|---|---|---|---|");
        int i = 1;
        for (SoakFaults.Fault f : r.faults()) {
            md.add("| " + i++ + " | " + f.kind().what + " | " + f.round() + " | "
                    + secs(Duration.between(r.began(), f.start())) + " | " + num(f.seconds(), 1) + " | " + f.note() + " |");
        }
        md.add("");
    }

    private static void reconciliation(List<String> md, Result r) {
        md.add("## Produced vs received");
        md.add("");
        md.add("Per monitor: *produced* is the sum of its levels' collections in the health the API showed last "
                + "(`/status/monitor/internal`, read every 20 s and at the end; each life of a monitor that a reload "
                + "stopped and started again counted apart); *received* the distinct collection times the receiver "
                + "answered 200, up to that health's time; *drops* the otlp sink's Dropped + Rejected + Failed; "
                + "*MySQL down* the monitor's collections that reached no MySQL and have no values "
                + "(`engine-collect-error ...; no values to send`: Blip goes on ticking while MySQL is unreachable, "
                + "each tick a collection counted in its level, with nothing in it, given to no sink; one that kept "
                + "the values of a domain that answered before the connection was lost is sent like any other). *Tail*: collections of a life "
                + "that ended after its last health read, which the receiver got (added to produced and received). "
                + "unexplained = produced − received − drops − MySQL down.");
        md.add("");
        md.add("| | produced | received | drops | MySQL down | tail | unexplained |");
        md.add("|---|---|---|---|---|---|---|");
        md.add("| total | " + sum(r, SoakLedger.Line::produced) + " | " + sum(r, SoakLedger.Line::received) + " | "
                + sum(r, SoakLedger.Line::drops) + " | " + sum(r, SoakLedger.Line::down) + " | "
                + sum(r, SoakLedger.Line::tail) + " | " + sum(r, SoakLedger.Line::unexplained) + " |");
        md.add("| min per monitor | " + min(r, SoakLedger.Line::produced) + " | " + min(r, SoakLedger.Line::received)
                + " | " + min(r, SoakLedger.Line::drops) + " | " + min(r, SoakLedger.Line::down) + " | "
                + min(r, SoakLedger.Line::tail) + " | " + min(r, SoakLedger.Line::unexplained) + " |");
        md.add("| max per monitor | " + max(r, SoakLedger.Line::produced) + " | " + max(r, SoakLedger.Line::received)
                + " | " + max(r, SoakLedger.Line::drops) + " | " + max(r, SoakLedger.Line::down) + " | "
                + max(r, SoakLedger.Line::tail) + " | " + max(r, SoakLedger.Line::unexplained) + " |");
        md.add("");
        List<SoakLedger.Line> bad = r.lines().stream().filter(l -> l.unexplained() != 0).toList();
        md.add("Requests the receiver answered 200: " + r.accepted() + "; answered 503 (receiver down): " + r.refused()
                + ". Monitors with more than one life (removed and added by a reload): "
                + r.lines().stream().filter(l -> l.lives() > 1).count() + ".");
        md.add("");
        if (bad.isEmpty()) {
            md.add("Every monitor reconciles: unexplained is 0 for all " + r.lines().size() + ".");
        } else {
            md.add("Monitors with unexplained ≠ 0 (" + bad.size() + "):");
            md.add("");
            md.add("| monitor | lives | produced | received | drops | MySQL down | tail | queued at end | unexplained |");
            md.add("|---|---|---|---|---|---|---|---|---|");
            for (SoakLedger.Line l : bad) {
                md.add("| " + l.monitor() + " | " + l.lives() + " | " + l.produced() + " | " + l.received() + " | "
                        + l.drops() + " | " + l.down() + " | " + l.tail() + " | " + l.queuedAtEnd() + " | "
                        + l.unexplained() + " |");
            }
        }
        md.add("");
    }

    private static void missed(List<String> md, Result r, SoakReceiver receiver) {
        md.add("## Missed intervals per fault");
        md.add("");
        md.add("From a fault's start to " + RECOVERY.toSeconds() + " s after its end, over the monitors no reload "
                + "removes (" + (r.monitors() - r.removable().size()) + "): the whole seconds (1 s level) and the "
                + "5 s ticks in the window, less the collections received in it, summed over monitors (a few per "
                + "monitor are the window's edges). The quiet warm-up before the first fault is the baseline.");
        md.add("");
        md.add("| window | seconds | 1 s level: missed (per monitor) | 5 s level: missed (per monitor) |");
        md.add("|---|---|---|---|");
        List<String> steady = r.lines().stream().map(SoakLedger.Line::monitor)
                .filter(m -> !r.removable().contains(m)).toList();
        md.add(missedRow("baseline (no fault)", r.faultsFrom().minus(Duration.ofSeconds(25)), r.quietTo(), steady,
                receiver));
        Map<SoakFaults.Kind, long[]> byKind = new EnumMap<>(SoakFaults.Kind.class);
        for (SoakFaults.Fault f : r.faults()) {
            long[] missed = missed(f.start(), f.end().plus(RECOVERY), steady, receiver);
            md.add(row(f.kind().name().toLowerCase(Locale.ROOT) + " #" + f.round(), missed, steady.size()));
            long[] sum = byKind.computeIfAbsent(f.kind(), k -> new long[3]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += missed[i];
            }
        }
        md.add("");
        md.add("Per fault type, all its rounds together:");
        md.add("");
        md.add("| fault | seconds | 1 s level: missed (per monitor) | 5 s level: missed (per monitor) |");
        md.add("|---|---|---|---|");
        byKind.forEach((kind, missed) -> md.add(row(kind.name().toLowerCase(Locale.ROOT), missed, steady.size())));
        md.add("");
    }

    private static String missedRow(String name, Instant from, Instant to, List<String> monitors,
                                     SoakReceiver receiver) {
        return row(name, missed(from, to, monitors, receiver), monitors.size());
    }

    /** The window's whole seconds, and the 1 s and 5 s intervals missed in it, summed over {@code monitors}. */
    private static long[] missed(Instant from, Instant to, List<String> monitors, SoakReceiver receiver) {
        long seconds = Duration.between(from, to).toSeconds();
        long missed1 = 0;
        long missed5 = 0;
        for (String m : monitors) {
            long a = SoakLedger.nanos(from);
            long b = SoakLedger.nanos(to);
            missed1 += Math.max(0, seconds - receiver.received(m, a, b, false));
            missed5 += Math.max(0, seconds / 5 - receiver.received(m, a, b, true));
        }
        return new long[] {seconds, missed1, missed5};
    }

    private static String row(String name, long[] missed, int monitors) {
        return "| " + name + " | " + missed[0] + " | " + missed[1] + " (" + num((double) missed[1] / monitors, 1)
                + ") | " + missed[2] + " (" + num((double) missed[2] / monitors, 1) + ") |";
    }

    private static void resources(List<String> md, Result r) {
        md.add("## RSS, heap and threads of bin/blip");
        md.add("");
        md.add("Every 15 s: RSS and threads from /proc, heap from `jcmd <pid> GC.heap_info`, CPU as cores used "
                + "since the sample before.");
        md.add("");
        md.add("| t (s) | RSS (MiB) | heap used (MiB) | heap committed (MiB) | threads | CPU (cores) |");
        md.add("|---|---|---|---|---|---|");
        Soak.Sample prev = null;
        for (Soak.Sample s : r.samples()) {
            String cpu = prev == null ? "" : num((s.cpuMillis() - prev.cpuMillis())
                    / Duration.between(prev.at(), s.at()).toMillis(), 2);
            md.add("| " + secs(Duration.between(r.began(), s.at())) + " | " + num(s.rssKiB() / 1024.0, 0) + " | "
                    + num(s.heapUsedKiB() / 1024.0, 0) + " | " + num(s.heapCommittedKiB() / 1024.0, 0) + " | "
                    + s.threads() + " | " + cpu + " |");
            prev = s;
        }
        if (r.samples().size() > 1) {
            Soak.Sample first = r.samples().getFirst();
            Soak.Sample last = r.samples().getLast();
            md.add("");
            md.add("CPU over the run: " + num((last.cpuMillis() - first.cpuMillis())
                    / Duration.between(first.at(), last.at()).toMillis(), 2) + " cores on average.");
        }
        md.add("");
    }

    private static void events(List<String> md, Result r) {
        md.add("## Blip's events");
        md.add("");
        md.add("Lines of bin/blip's stdout and stderr by event:");
        md.add("");
        md.add("| event | lines |");
        md.add("|---|---|");
        r.events().forEach((e, n) -> md.add("| `" + e + "` | " + n + " |"));
        md.add("");
        md.add("The first line of each (connection events aside):");
        md.add("");
        md.add("```");
        md.addAll(r.eventExamples());
        md.add("```");
        md.add("");
    }

    private static void secrets(List<String> md, Result r) {
        md.add("## Secrets in the output");
        md.add("");
        md.add(r.secrets().secrets() + " secrets looked for (every password the MySQL user had, "
                + "the OTLP header's value; the API has no token here, it listens on 127.0.0.1) in:");
        md.add("");
        md.add("| file | bytes | hits |");
        md.add("|---|---|---|");
        r.secrets().bytes().forEach((f, b) -> md.add("| " + f + " | " + b + " | " + r.secrets().hits().get(f) + " |"));
        md.add("");
        md.add("Secret hits: **" + r.secrets().total() + "**.");
    }

    private static long sum(Result r, ToLongFunction<SoakLedger.Line> f) {
        return r.lines().stream().mapToLong(f).sum();
    }

    private static long min(Result r, ToLongFunction<SoakLedger.Line> f) {
        return r.lines().stream().mapToLong(f).min().orElse(0);
    }

    private static long max(Result r, ToLongFunction<SoakLedger.Line> f) {
        return r.lines().stream().mapToLong(f).max().orElse(0);
    }

    private static String secs(Duration d) {
        return Long.toString(d.toSeconds());
    }

    private static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
