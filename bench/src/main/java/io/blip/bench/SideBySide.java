package io.blip.bench;

import io.blip.api.time.Time;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One run of the three side by side, against the one MariaDB: the exporter (scraped by the harness
 * every second at .667), the control (querying at .333) and bin/blip with one monitor on the
 * one-second level (collecting at .000). All three start fresh, warm up, and are then measured over
 * one window: CPU of each process to the nanosecond per thread ({@link Proc.ProcessCpu}), per-thread CPU of
 * Blip, RSS and threads at the window's end, collection latencies, and what MariaDB counted of each.
 */
final class SideBySide {
    static final String EXPORTER_USER = "exporter";
    static final String CONTROL_USER = "control";
    static final String BLIP_USER = "blip";
    static final List<String> USERS = List.of(BLIP_USER, CONTROL_USER, EXPORTER_USER);
    /** The statement every client runs once per collection: MariaDB's count of it counts collections. */
    static final String STATUS_EVENT = "statement/sql/show_status";
    /**
     * When the control queries and the harness scrapes the exporter, in ms past the whole second at
     * which bin/blip's level clock collects: apart, so that the three do not contend with each other.
     */
    static final long CONTROL_OFFSET_MILLIS = 333;
    static final long SCRAPE_OFFSET_MILLIS = 667;

    /**
     * One process over the window.
     *
     * @param collections collections (scrapes, iterations) in the window
     * @param latencies   milliseconds, of each collection in the window (none for bin/blip with the noop sink)
     */
    record Figures(long pid, double cpuMillis, long collections, long rssKiB, long threads, List<Double> latencies) {
        double cpuPerCollection() {
            return cpuMillis / Math.max(1, collections);
        }
    }

    /** A thread name's CPU over the window, in ms per second; {@code count} threads had that name. */
    record ThreadShare(String name, int count, double msPerSecond) {
    }

    /**
     * Blip's CPU by thread over the window.
     *
     * @param endedMsPerSecond the process's CPU that no thread alive at the window's end accounts for
     * @param ended            the names of the threads alive at the window's start and gone at its end
     * @param started          the names of the threads alive at the window's end that were not at its start
     */
    record BlipThreads(List<ThreadShare> byName, double endedMsPerSecond, List<String> ended, List<String> started) {
    }

    /**
     * What else ran while the three were measured, in ms of CPU per second.
     *
     * @param rest the machine's busy CPU beyond the three, MariaDB and the harness
     */
    record Surroundings(double mariadb, double harness, double rest, String loadBefore, String loadAfter) {
    }

    /**
     * What a collection was for each, and what went wrong.
     *
     * @param blipValues metric lines per domain of one whole collection (log sink only)
     */
    record Work(int exporterSamples, int exporterMysqlSamples, long exporterFailedScrapes, String exporterHealth,
                long controlRows, List<String> controlErrors, Map<String, Integer> blipValues, long blipSkipped,
                long blipOtherProblems, List<String> blipProblemExamples) {
    }

    /**
     * @param statements what MariaDB counted of each user's statements in the window, by event name
     * @param generalLog each user's commands during a few seconds after the window (first run only)
     */
    record Result(int run, String blipSink, double windowSeconds, Figures exporter, Figures control,
                  Figures blip, BlipThreads blipThreads, Surroundings surroundings, Work work,
                  Map<String, Map<String, MariaDbSide.Statements>> statements,
                  Map<String, Map<String, Integer>> generalLog, Commands commands) {
    }

    /** How the three were started, as the results file shows them. */
    record Commands(List<String> exporter, List<String> blip, JvmCommand blipJvm, List<String> control) {
    }

    private record Snapshot(long nanos, Proc.ProcessCpu exporter, Proc.ProcessCpu control, Proc.ProcessCpu blip,
                            long mariadb, long harness, Proc.MachineCpu machine,
                            Map<String, Map<String, MariaDbSide.Statements>> statements) {
    }

    private final Settings settings;
    private final Blip blip;
    private final Exporter exporter;
    private final MariaDbSide mariadb;
    private final Map<String, String> passwords;
    private final Path dir;

    SideBySide(Settings settings, Blip blip, Exporter exporter, MariaDbSide mariadb, Map<String, String> passwords,
               Path dir) {
        this.settings = settings;
        this.blip = blip;
        this.exporter = exporter;
        this.mariadb = mariadb;
        this.passwords = passwords;
        this.dir = dir;
    }

    Result run(int run, String blipSink, boolean sampleGeneralLog)
            throws IOException, InterruptedException, SQLException {
        Path config = blip.oneMonitor(blipSink);
        String loadBefore = Proc.loadAverage();
        var blipOut = new BlipOutput();
        var controlOut = new ControlOutput();
        String tag = blipSink + "-" + run;
        try (Exporter.Running exp = exporter.start("exporter-" + tag, EXPORTER_USER, passwords.get(EXPORTER_USER),
                mariadb.hostPort());
             Scraper scraper = Scraper.start(exp.metricsUrl(), SCRAPE_OFFSET_MILLIS);
             Launched blipProcess = blip.start("blip-" + tag, config, List.of(), blipOut::stdout, blipOut::stderr)) {
            JvmCommand blipJvm = JvmCommand.of(blipProcess.pid());
            try (Launched control = ControlProcess.start("control-" + tag, blipJvm, blip.distribution().driverJar(),
                    mariadb.jdbcUrl(), CONTROL_USER, passwords.get(CONTROL_USER), CONTROL_OFFSET_MILLIS, dir,
                    controlOut::stdout)) {
                var three = new Three(exp.process(), control, blipProcess);
                Time.system().sleep(settings.warmup());
                three.requireAlive();
                Snapshot before = snapshot(three);
                Time.system().sleep(settings.window());
                Snapshot after = snapshot(three);
                three.requireAlive();
                var window = new Window(before, after);
                List<Scraper.Scrape> scrapes = scraper.between(before.nanos, after.nanos);
                Map<String, Map<String, MariaDbSide.Statements>> statements =
                        MariaDbSide.delta(before.statements, after.statements);
                long blipCollections = collections(statements, BLIP_USER);
                Figures exporterFigures = window.figures(three.exporter, Snapshot::exporter, scrapes.size(),
                        scrapes.stream().map(sc -> sc.nanos() / 1e6).toList());
                Figures controlFigures = window.figures(three.control, Snapshot::control,
                        controlOut.latenciesBetween(before.nanos, after.nanos));
                Figures blipFigures = window.figures(three.blip, Snapshot::blip, blipCollections,
                        blipOut.collectionsBetween(before.nanos, after.nanos).stream()
                                .map(c -> (double) c.durationMillis()).toList());
                Surroundings surroundings = window.surroundings(loadBefore);
                Map<String, Map<String, Integer>> generalLog = sampleGeneralLog
                        ? mariadb.generalLog(USERS, Duration.ofSeconds(3)) : Map.of();
                return new Result(run, blipSink, window.seconds(), exporterFigures, controlFigures, blipFigures,
                        window.blipThreads(), surroundings, work(scrapes, scraper, controlOut, blipOut, window),
                        statements, generalLog,
                        new Commands(exp.process().shown(), blipProcess.shown(), blipJvm, control.shown()));
            }
        }
    }

    /** A user's collections in the window, as MariaDB counted them: its {@value #STATUS_EVENT} statements. */
    static long collections(Map<String, Map<String, MariaDbSide.Statements>> statements, String user) {
        MariaDbSide.Statements status = statements.getOrDefault(user, Map.of()).get(STATUS_EVENT);
        return status == null ? 0 : status.count();
    }

    private static Work work(List<Scraper.Scrape> scrapes, Scraper scraper, ControlOutput controlOut,
                             BlipOutput blipOut, Window window) {
        Scraper.Scrape last = scrapes.stream().filter(Scraper.Scrape::ok).reduce((x, y) -> y).orElse(null);
        return new Work(last == null ? 0 : last.samples(), last == null ? 0 : last.mysqlSamples(),
                scrapes.stream().filter(sc -> !sc.ok()).count(), Exporter.health(scraper.lastSamples()),
                controlOut.rows(), controlOut.errors(), blipOut.lastValuesByDomain(),
                blipOut.skippedBetween(window.before.nanos, window.after.nanos), blipOut.otherProblemCount(),
                blipOut.otherProblems());
    }

    /** The three processes of a run. */
    private record Three(Launched exporter, Launched control, Launched blip) {
        void requireAlive() {
            exporter.requireAlive();
            control.requireAlive();
            blip.requireAlive();
        }
    }

    private Snapshot snapshot(Three three) throws SQLException {
        long blipPid = three.blip.pid();
        return new Snapshot(System.nanoTime(), Proc.ProcessCpu.of(three.exporter.pid()),
                Proc.ProcessCpu.of(three.control.pid()), Proc.ProcessCpu.of(blipPid), Proc.cpuTicks(mariadb.pid()),
                Proc.cpuTicks(ProcessHandle.current().pid()), Proc.machineCpu(), mariadb.statementsByUser(USERS));
    }

    /** The measured window: the readings at its two ends. */
    private record Window(Snapshot before, Snapshot after) {
        double seconds() {
            return (after.nanos - before.nanos) / 1e9;
        }

        Figures figures(Launched p, Function<Snapshot, Proc.ProcessCpu> cpu, List<Double> latencies) {
            return figures(p, cpu, latencies.size(), latencies);
        }

        Figures figures(Launched p, Function<Snapshot, Proc.ProcessCpu> cpu, long collections,
                        List<Double> latencies) {
            return new Figures(p.pid(), cpu.apply(before).millisUntil(cpu.apply(after)), collections,
                    Proc.status(p.pid(), "VmRSS"), Proc.status(p.pid(), "Threads"), latencies);
        }

        BlipThreads blipThreads() {
            List<Proc.ThreadCpu> start = before.blip.threads();
            List<Proc.ThreadCpu> end = after.blip.threads();
            return new BlipThreads(threadShares(start, end, seconds()),
                    endedThreads(start, end, after.blip.ticks() - before.blip.ticks(), seconds()),
                    namesNotIn(start, end), namesNotIn(end, start));
        }

        /** MariaDB's and the harness's CPU, and the machine's that none of them nor the three account for. */
        Surroundings surroundings(String loadBefore) {
            long known = after.exporter.ticks() - before.exporter.ticks() + after.control.ticks()
                    - before.control.ticks() + after.blip.ticks() - before.blip.ticks()
                    + after.mariadb - before.mariadb + after.harness - before.harness;
            long rest = after.machine.busyTicks() - before.machine.busyTicks() - known;
            return new Surroundings(Proc.millis(after.mariadb - before.mariadb) / seconds(),
                    Proc.millis(after.harness - before.harness) / seconds(), Proc.millis(rest) / seconds(), loadBefore,
                    Proc.loadAverage());
        }
    }

    /**
     * CPU per thread name over the window (to the nanosecond), most first; threads that started in the
     * window count from zero.
     */
    private static List<ThreadShare> threadShares(List<Proc.ThreadCpu> before, List<Proc.ThreadCpu> after,
                                                  double seconds) {
        Map<Long, Long> start = new HashMap<>();
        before.forEach(t -> start.put(t.tid(), t.nanos()));
        Map<String, long[]> byName = new TreeMap<>(); // name -> {threads, nanoseconds}
        for (Proc.ThreadCpu t : after) {
            long[] acc = byName.computeIfAbsent(t.name(), n -> new long[2]);
            acc[0]++;
            acc[1] += t.nanos() - start.getOrDefault(t.tid(), 0L);
        }
        return byName.entrySet().stream()
                .map(e -> new ThreadShare(e.getKey(), (int) e.getValue()[0], e.getValue()[1] / 1e6 / seconds))
                .sorted(Comparator.comparingDouble(ThreadShare::msPerSecond).reversed()
                        .thenComparing(ThreadShare::name))
                .toList();
    }

    /** The names of the threads of {@code these} that {@code others} does not have, by thread id, sorted. */
    private static List<String> namesNotIn(List<Proc.ThreadCpu> these, List<Proc.ThreadCpu> others) {
        Set<Long> ids = new HashSet<>();
        others.forEach(t -> ids.add(t.tid()));
        return these.stream().filter(t -> !ids.contains(t.tid())).map(Proc.ThreadCpu::name).sorted().toList();
    }

    /** The process's CPU in the window that no thread alive at its end accounts for (threads that ended). */
    private static double endedThreads(List<Proc.ThreadCpu> before, List<Proc.ThreadCpu> after, long processTicks,
                                       double seconds) {
        Map<Long, Long> start = new HashMap<>();
        before.forEach(t -> start.put(t.tid(), t.ticks()));
        long live = after.stream().mapToLong(t -> t.ticks() - start.getOrDefault(t.tid(), 0L)).sum();
        return Proc.millis(processTicks - live) / seconds;
    }
}
