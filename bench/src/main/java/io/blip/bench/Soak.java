package io.blip.bench;

import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.TcpProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./dev soak MINUTES}: bin/blip of the built distribution with 200 monitors of one embedded
 * MariaDB (through a TCP proxy), Blip's default plan plus a 1 s level, sending OTLP to a counting
 * receiver, while {@link SoakFaults} kills MariaDB, freezes the network, rotates the password, takes the
 * receiver down and reloads, in turn, every few minutes. Then it reconciles what Blip produced with
 * what the receiver got ({@link SoakLedger}), and writes {@code bench/results/soak-<MINUTES>min.md}
 * ({@link SoakReport}). Not part of CI. Run it from the repository root (the dev script does).
 */
@Command(name = "soak", sortOptions = false, usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = "bin/blip with 200 monitors under faults for MINUTES; writes bench/results/soak-<MINUTES>min.md.")
public final class Soak implements Callable<Integer> {
    /** RSS, heap and threads of bin/blip's JVM at one moment, and its CPU time so far. */
    record Sample(Instant at, long rssKiB, long heapUsedKiB, long heapCommittedKiB, long threads, double cpuMillis) {
    }

    private static final Duration WARMUP = Duration.ofSeconds(30);
    private static final Duration TAIL = Duration.ofSeconds(45);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(15);
    private static final Duration POLL_EVERY = Duration.ofSeconds(20);
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");

    @Parameters(index = "0", paramLabel = "MINUTES", description = "How long the faults run (at least 3).")
    private int minutes;

    @Option(names = "--monitors", paramLabel = "N", description = "Monitors (default 200).")
    private int monitors = 200;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the report.")
    private Path out;

    @Option(names = "--keep-logs", paramLabel = "DIR",
            description = "Copy what the secrets scan reads (bin/blip's output, the API's answers...) to DIR.")
    private Path keepLogs;

    public static void main(String[] args) {
        Cli.run("soak", new Soak(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (minutes < 3) {
            throw new IllegalStateException("MINUTES must be at least 3 (every fault once), got " + minutes);
        }
        Path repo = Path.of("").toAbsolutePath();
        Path report = out != null ? out : repo.resolve("bench/results/soak-" + minutes + "min.md");
        Distribution dist = Distribution.findOrBuild(repo);
        Path dir = Files.createTempDirectory("blip-soak-");
        Instant began = Instant.now();
        String commit = git(repo);
        try (Cleanup cleanup = Cleanup.of(dir, "soak");
             EmbeddedMariaDb db = EmbeddedMariaDb.start("--max-connections=" + (monitors * 3 + 100));
             TcpProxy proxy = TcpProxy.start(db.host(), db.port());
             SoakReceiver receiver = SoakReceiver.start();
             SoakOutput output = new SoakOutput(dir.resolve("blip-stdout.log"), dir.resolve("blip-stderr.log"))) {
            SoakSetup setup = new SoakSetup(dir, monitors, proxy.hostPort());
            db.createUser(SoakSetup.USER, setup.password(), "SELECT, PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.*");
            int apiPort = freePort();
            Path config = setup.config(setup.plan(defaultPlan(dist, setup.noMonitors())), apiPort,
                    receiver.endpoint());
            Path configDump = dir.resolve("print-config.txt");
            Files.writeString(configDump, run(dist.bin().toString(), "--config", config.toString(), "--print-config"));
            SoakApi api = new SoakApi("127.0.0.1:" + apiPort, dir.resolve("api-answers.log"));
            SoakLedger ledger = new SoakLedger();
            List<String> ids = setup.monitorIds();
            List<Sample> samples = new CopyOnWriteArrayList<>();
            Time time = Time.system();
            List<String> command = List.of(dist.bin().toString(), "--config", config.toString(), "--log");
            Launched blip = Launched.start("blip", new ProcessBuilder(command), command, output::stdout,
                    output::stderr);
            try (blip) {
                awaitAllCollecting(api, ids, blip, time);
                long javaPid = javaPid(blip, time);
                String blipJvm = Proc.exe(javaPid) + " (" + run(Proc.exe(javaPid), "-version").lines().findFirst()
                        .orElse("") + ")";
                Instant faultsFrom = Instant.now().plus(WARMUP);
                Thread sampler = Thread.ofVirtual().name("soak-sampler").start(() -> sample(javaPid, samples, time));
                Thread poller = Thread.ofVirtual().name("soak-poller").start(() -> poll(api, ids, ledger, time));
                SoakFaults faults = new SoakFaults(db, proxy, receiver, setup, api);
                time.sleep(WARMUP);
                Instant quietTo = Instant.now();
                runFaults(faults, setup, api, ledger, blip, time);
                time.sleep(TAIL);
                blip.requireAlive();
                sampler.interrupt();
                poller.interrupt();
                sampler.join();
                poller.join();
                ids.forEach(id -> api.health(id).ifPresent(ledger::observe));
                time.sleep(Duration.ofSeconds(10)); // what was queued at the last health read arrives
                api.get("/config");
                api.get("/status/monitors");
                api.get("/metrics");
                Instant ended = Instant.now();
                blip.close();
                output.close(); // what bin/blip wrote last is in the files the scan reads
                Files.write(dir.resolve("receiver-attributes.txt"), receiver.attributes(), StandardCharsets.UTF_8);
                var lines = ledger.reconcile(ids, receiver, output.noMysql());
                var secrets = SoakSecrets.scan(dir, faults.passwords(), setup.headerSecret());
                var result = new SoakReport.Result(minutes, monitors, began, faultsFrom, quietTo, ended, commit, dist,
                        Machine.describe(), faults.done(), lines, samples, output.events(), output.examples(),
                        receiver.accepted(), receiver.refused(), secrets, setup.removable(), command, blipJvm);
                SoakReport.write(report, result, receiver);
                keep(dir);
                System.out.println(SoakReport.verdict(result));
                System.out.println("soak: wrote " + report);
            }
            return 0;
        }
    }

    /** Each fault kind in turn, evenly over MINUTES less the warm-up and the quiet tail; twice or more for 20+. */
    private void runFaults(SoakFaults faults, SoakSetup setup, SoakApi api, SoakLedger ledger, Launched blip,
                           Time time) throws Exception {
        SoakFaults.Kind[] kinds = SoakFaults.Kind.values();
        int rounds = Math.max(1, minutes / 10);
        Duration span = Duration.ofMinutes(minutes).minus(WARMUP).minus(TAIL);
        Duration slot = span.dividedBy((long) rounds * kinds.length);
        Duration length = Duration.ofSeconds(Math.clamp(slot.toSeconds() / 3, 8, 45));
        Instant start = Instant.now();
        for (int round = 1; round <= rounds; round++) {
            for (int k = 0; k < kinds.length; k++) {
                blip.requireAlive();
                if (kinds[k] == SoakFaults.Kind.RELOAD) {
                    setup.removable().forEach(id -> api.health(id).ifPresent(ledger::observe));
                }
                faults.run(kinds[k], round, length);
                Instant next = start.plus(slot.multipliedBy((long) (round - 1) * kinds.length + k + 1));
                Duration wait = Duration.between(Instant.now(), next);
                if (!wait.isNegative()) {
                    time.sleep(wait);
                }
            }
        }
    }

    private void keep(Path dir) throws IOException {
        if (keepLogs == null) {
            return;
        }
        Files.createDirectories(keepLogs);
        for (String name : SoakSecrets.SCANNED) {
            Files.copy(dir.resolve(name), keepLogs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("soak: kept " + String.join(", ", SoakSecrets.SCANNED) + " in " + keepLogs);
    }

    private static void sample(long pid, List<Sample> samples, Time time) {
        try {
            while (true) {
                try {
                    Matcher heap = HEAP.matcher(run(jcmd(), Long.toString(pid), "GC.heap_info"));
                    boolean found = heap.find();
                    samples.add(new Sample(Instant.now(), Proc.status(pid, "VmRSS"),
                            found ? Long.parseLong(heap.group(2)) : -1, found ? Long.parseLong(heap.group(1)) : -1,
                            Proc.status(pid, "Threads"), Proc.millis(Proc.cpuTicks(pid))));
                } catch (RuntimeException e) {
                    System.out.println("soak: no sample: " + e.getMessage()); // the next one may do
                }
                time.sleep(SAMPLE_EVERY);
            }
        } catch (InterruptedException | IOException e) {
            // the soak is over
        }
    }

    private static void poll(SoakApi api, List<String> ids, SoakLedger ledger, Time time) {
        try {
            while (true) {
                time.sleep(POLL_EVERY);
                for (String id : ids) {
                    try {
                        api.health(id).ifPresent(ledger::observe);
                    } catch (RuntimeException e) {
                        System.out.println("soak: no health of " + id + ": " + e.getMessage()); // read again later
                    }
                }
            }
        } catch (InterruptedException e) {
            // the soak is over
        }
    }

    /** Waits (at most 120 s) until every monitor has made a collection. */
    private static void awaitAllCollecting(SoakApi api, List<String> ids, Launched blip, Time time)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<String> waiting = new ArrayList<>(ids);
        while (!waiting.isEmpty()) {
            blip.requireAlive();
            if (deadline - System.nanoTime() < 0) {
                throw new IllegalStateException(waiting.size() + " monitors made no collection within 120 s, e.g. "
                        + waiting.getFirst());
            }
            time.sleep(Duration.ofSeconds(1));
            try {
                waiting.removeIf(id -> api.health(id).isPresent());
            } catch (RuntimeException notYet) {
                // the API is not up yet
            }
        }
    }

    private static long javaPid(Launched blip, Time time) throws InterruptedException {
        while (!Proc.exe(blip.pid()).endsWith("/java")) {
            blip.requireAlive();
            time.sleep(Duration.ofMillis(50));
        }
        return blip.pid();
    }

    /**
     * The levels of Blip's built-in default-mysql plan, as {@code --print-plans} prints them. With a config
     * of no monitors: without one, Blip looks for a local MySQL (auto-detection) and logs in to any it finds.
     */
    private static String defaultPlan(Distribution dist, Path noMonitors) throws IOException, InterruptedException {
        String all = run(dist.bin().toString(), "--config", noMonitors.toString(), "--print-plans");
        int from = all.indexOf("# plan: default-mysql");
        int to = all.indexOf("# plan:", from + 1);
        if (from < 0) {
            throw new IllegalStateException("bin/blip --print-plans printed no default-mysql plan:\n" + all);
        }
        String plan = all.substring(all.indexOf('\n', from) + 1, to < 0 ? all.length() : to).strip();
        return plan + "\n";
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + text);
        }
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String git(Path repo) {
        try {
            String commit = run("git", "-C", repo.toString(), "log", "-1", "--format=%h %cI %s").strip();
            String changes = run("git", "-C", repo.toString(), "status", "--porcelain", "--untracked-files=no");
            return commit + (changes.isBlank() ? "" : " (with uncommitted changes to tracked files)");
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
