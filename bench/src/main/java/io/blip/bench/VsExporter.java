package io.blip.bench;

import io.blip.testkit.EmbeddedMariaDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dev bench vs-exporter}: bin/blip side by side with prometheus-mysqld-exporter and a
 * bare-JDBC control ({@link Control}) against one embedded MariaDB 10.11, then bin/blip's start-up
 * and bin/blip with many monitors; writes what it measured, and how, to
 * {@code bench/results/vs-exporter.md}. Figures are written, never asserted: the goals column
 * only says whether each goal was met.
 *
 * <p>Run it from the repository root (the dev script does). Every process it starts is stopped when it
 * ends, fails or is interrupted.
 */
@Command(name = "vs-exporter", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = "Measures bin/blip against prometheus-mysqld-exporter 0.14 and a bare-JDBC control on one "
                + "embedded MariaDB, and writes bench/results/vs-exporter.md.")
public final class VsExporter implements Callable<Integer> {
    @Option(names = "--quick", description = "For development: shorter windows, 1 run, 100 monitors; writes "
            + "/tmp/blip-bench/vs-exporter.md.")
    private boolean quick;

    @Option(names = "--runs", paramLabel = "N", description = "Side-by-side runs for the median CPU (default 3).")
    private Integer runs;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up of each side-by-side run (default 60).")
    private Integer warmup;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "Measured window of each side-by-side run and of the many-monitors CPU (default 60).")
    private Integer window;

    @Option(names = "--startups", paramLabel = "N", description = "bin/blip starts timed (default 5).")
    private Integer startups;

    @Option(names = "--monitors", paramLabel = "N", description = "Monitors of the many-monitors phase (default 1000).")
    private Integer monitors;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the results.")
    private Path out;

    public static void main(String[] args) {
        Cli.run("vs-exporter", new VsExporter(), args);
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.of(quick, warmup, window, runs, startups, monitors, out);
        Path repo = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(repo.resolve("dev"))) {
            throw new IllegalStateException("run this from the repository root: ./dev bench vs-exporter");
        }
        Exporter exporter = Exporter.ensureInstalled("vs-exporter",
                "The benchmark compares bin/blip with it: without it a run is no evidence.");
        Report.Context context = new Report.Context(settings, Instant.now(), Proc.loadAverage(), Machine.describe(),
                gitDescribe(repo), exporter, Distribution.findOrBuild(repo));
        Path dir = Files.createTempDirectory("blip-bench-");
        Cleanup cleanup = Cleanup.of(dir, "vs-exporter");
        String report;
        try {
            report = measure(settings, context, dir);
        } finally {
            cleanup.close();
        }
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Files.writeString(settings.out(), report, StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("vs-exporter: wrote " + settings.out().toAbsolutePath());
        return 0;
    }

    private static String measure(Settings settings, Report.Context context, Path dir) throws Exception {
        int n = settings.monitors();
        say("starting MariaDB (max_connections " + (n * 3 + 100) + ")");
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start("--max-connections=" + (n * 3 + 100),
                "--thread-cache-size=" + Math.min(n * 3, 16384));
             MariaDbSide mariadb = new MariaDbSide(db)) {
            Map<String, String> passwords = new LinkedHashMap<>();
            SecureRandom random = new SecureRandom();
            for (String user : SideBySide.USERS) {
                byte[] password = new byte[12];
                random.nextBytes(password);
                passwords.put(user, HexFormat.of().formatHex(password));
                mariadb.createMonitoringUser(user, passwords.get(user));
            }
            Blip blip = new Blip(context.dist(), dir, db.hostPort(), passwords.get(SideBySide.BLIP_USER));
            for (Path config : List.of(blip.oneMonitor("noop"), blip.oneMonitor("log"), blip.manyMonitors(n))) {
                blip.check(config);
            }
            var sideBySide = new SideBySide(settings, blip, context.exporter(), mariadb, passwords, dir);
            List<SideBySide.Result> cpuRuns = new ArrayList<>();
            for (int run = 1; run <= settings.runs(); run++) {
                say("side by side, run " + run + " of " + settings.runs() + " (bin/blip with the noop sink): warm-up "
                        + settings.warmup().toSeconds() + " s, window " + settings.window().toSeconds() + " s");
                cpuRuns.add(sideBySide.run(run, "noop", run == 1));
            }
            say("side by side, latency run (bin/blip with the log sink)");
            SideBySide.Result latencyRun = sideBySide.run(1, "log", false);
            say("whole-second probe: two controls, at .000 and .500");
            PhaseProbe.Result probe = PhaseProbe.measure(cpuRuns.getFirst().commands().blipJvm(), context.dist(),
                    mariadb, passwords.get(SideBySide.CONTROL_USER), settings, dir);
            say("start-up to first metric, " + settings.startups() + " starts");
            StartUp.Result startUp = StartUp.measure(blip, settings.startups());
            say(n + " monitors through bin/blip");
            ManyMonitors.Result many = ManyMonitors.measure(blip, mariadb, settings);
            say("scrapes: bin/blip in exporter.mode legacy beside the exporter");
            ScrapeSideBySide.Result scrapes = ScrapeSideBySide.measure(settings, blip, context.exporter(), mariadb,
                    passwords);
            String ergonomics = cpuRuns.getFirst().commands().blipJvm().ergonomics(dir);
            return new Report(context, mariadb.version(), mariadb.variable("max_connections"), db.hostPort(),
                    ergonomics, cpuRuns, latencyRun, probe, startUp, many, scrapes).markdown(Proc.loadAverage());
        }
    }

    /** The commit measured, and whether the tree had changes. */
    private static String gitDescribe(Path repo) {
        try {
            String commit = git(repo, "log", "-1", "--format=%h %cI %s");
            String changes = git(repo, "status", "--porcelain", "--untracked-files=no");
            return commit + (changes.isBlank() ? "" : " (with uncommitted changes to tracked files)");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String git(Path repo, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static void say(String what) {
        System.out.println("vs-exporter: " + what);
    }
}
