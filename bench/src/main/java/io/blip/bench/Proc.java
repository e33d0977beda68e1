package io.blip.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Linux's {@code /proc} says about a process, its threads and the machine: CPU time in clock
 * ticks (utime + stime, as {@code /proc/<pid>/stat} counts them, threads that ended included) and,
 * per thread, in nanoseconds ({@code /proc/<pid>/task/<tid>/schedstat}), RSS
 * and threads from {@code /proc/<pid>/status}, the command line and environment a process was
 * started with.
 */
final class Proc {
    /** A thread's CPU time so far: clock ticks (utime + stime) and nanoseconds on a CPU ({@code schedstat}). */
    record ThreadCpu(long tid, String name, long ticks, long nanos) {
    }

    /** A process's CPU at one moment: its clock ticks (threads that ended included) and each live thread's. */
    record ProcessCpu(long ticks, List<ThreadCpu> threads) {
        static ProcessCpu of(long pid) {
            List<ThreadCpu> threads = Proc.threads(pid);
            return new ProcessCpu(cpuTicks(pid), threads);
        }

        /**
         * Milliseconds of CPU from this reading to {@code later}: each thread alive at the later one to
         * the nanosecond (Linux's {@code schedstat}; a thread that started in between from zero), and
         * threads that ended in between from clock ticks (the whole process's less the live threads').
         * Clock ticks alone are 10 ms each, too coarse for a few ms a second.
         */
        double millisUntil(ProcessCpu later) {
            Map<Long, ThreadCpu> start = new java.util.HashMap<>();
            threads.forEach(t -> start.put(t.tid(), t));
            long nanos = 0;
            long liveTicks = 0;
            for (ThreadCpu t : later.threads) {
                ThreadCpu s = start.get(t.tid());
                nanos += t.nanos() - (s == null ? 0 : s.nanos());
                liveTicks += t.ticks() - (s == null ? 0 : s.ticks());
            }
            long endedTicks = Math.max(0, later.ticks - ticks - liveTicks);
            return nanos / 1e6 + millis(endedTicks);
        }
    }

    /** The machine's CPU time so far, all cores: busy (not idle, not waiting for I/O) and in all. */
    record MachineCpu(long busyTicks, long allTicks) {
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}), the unit of every CPU time here. */
    static final long TICKS_PER_SECOND = clockTicksPerSecond();

    private Proc() {
    }

    static double millis(long ticks) {
        return ticks * 1000.0 / TICKS_PER_SECOND;
    }

    /** User + system CPU time of the whole process, every thread it ever had included. */
    static long cpuTicks(long pid) {
        return ticks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** A number from {@code /proc/<pid>/status}, e.g. {@code VmRSS} (KiB) or {@code Threads}; -1 if absent. */
    static long status(long pid, String key) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** The live threads of a process, with their names ({@code comm}, at most 15 characters). */
    static List<ThreadCpu> threads(long pid) {
        List<ThreadCpu> threads = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // ended between the listing and the read
                }
                String schedstat;
                try {
                    schedstat = Files.readString(task.resolve("schedstat"));
                } catch (NoSuchFileException e) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                long nanos = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                threads.add(new ThreadCpu(Long.parseLong(task.getFileName().toString()), name, ticks(stat), nanos));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return threads;
    }

    /** The arguments a process was started with, the program first. */
    static List<String> cmdline(long pid) {
        return nulSeparated(Path.of("/proc", Long.toString(pid), "cmdline"));
    }

    /** The environment a process was started with. */
    static Map<String, String> environ(long pid) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : nulSeparated(Path.of("/proc", Long.toString(pid), "environ"))) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** The program a process runs now ({@code /proc/<pid>/exe}), e.g. java once bin/blip has exec'd it. */
    static String exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    static MachineCpu machineCpu() {
        String cpu = read(Path.of("/proc/stat")).lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
        long[] f = Arrays.stream(cpu.substring(4).trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        long idle = f[3] + f[4];
        long all = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
        return new MachineCpu(all - idle, all);
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + ", " + f[1] + ", " + f[2];
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux we know of
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** utime + stime from a stat line; the name in parentheses may hold spaces, so fields count from its end. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static List<String> nulSeparated(Path file) {
        String text = read(file);
        if (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\0", -1));
    }

    /** Leniently: an environment may hold bytes that are not UTF-8. */
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
