package io.blip.bench;

import io.blip.api.time.Time;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.ShopSchema;
import io.blip.testkit.PromText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dev record-exporter-fixtures}: records what the real prometheus-mysqld-exporter 0.14
 * serves for a MariaDB source and for a replica of it, the golden files Blip's Prometheus output is
 * compared with. It starts an embedded MariaDB and a replica, gives the source a small schema with
 * rows (replicated), an exporter account with the grants the exporter's README asks for, and a few
 * statements on both; runs the exporter against each with its default collectors and
 * {@link #WANTED}, drops a wanted flag whose collector fails on this server, and writes one scrape
 * of each, as received, after a header of {@code #} comment lines that say how it was made.
 *
 * <p>Run it from the repository root (the dev script does). Every process it starts is stopped when
 * it ends, fails or is interrupted.
 */
@Command(name = "record-exporter-fixtures", sortOptions = false, usageHelpAutoWidth = true,
        mixinStandardHelpOptions = true, description = "Records prometheus-mysqld-exporter 0.14's scrape of an "
        + "embedded MariaDB source and replica into the golden files of Blip's Prometheus output.")
public final class RecordExporterFixtures implements Callable<Integer> {
    static final String NAME = "record-exporter-fixtures";
    static final Path GOLDEN = Path.of("blip-runtime/src/test/resources/io/blip/runtime/prom/golden");
    /**
     * Collectors beyond the exporter's defaults whose metrics Blip translates. A flag whose collector
     * fails on the server is dropped, and the header says so with the exporter's error.
     */
    static final List<String> WANTED = List.of("--collect.info_schema.innodb_metrics",
            "--collect.info_schema.tables", "--collect.binlog_size", "--collect.info_schema.innodb_tablespaces",
            "--collect.perf_schema.tableiowaits", "--collect.perf_schema.indexiowaits",
            "--collect.perf_schema.eventsstatements", "--collect.perf_schema.eventswaits",
            "--collect.perf_schema.tablelocks", "--collect.perf_schema.file_events");
    static final String USER = "exporter";
    /** The exporter's README: {@code GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.*}, and MariaDB's own. */
    static final List<String> GRANTS = List.of("PROCESS, REPLICATION CLIENT, SELECT ON *.*",
            // MariaDB 10.5+ wants it for SHOW SLAVE STATUS (REPLICATION CLIENT became BINLOG MONITOR).
            "SLAVE MONITOR ON *.*");
    /** A table name with characters a label value escapes: {@code say "hi" \ now}. */
    static final String ODD_TABLE = ShopSchema.ODD_TABLE;
    /** How long the servers have run, at least, when the recorded scrape is taken. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    /**
     * 0.14's count of a collector's failures, by {@code collector="collect.<name>"}; only failed
     * collectors have one (later versions have {@code mysql_exporter_collector_success} instead).
     */
    private static final String SCRAPE_ERRORS = "mysql_exporter_scrape_errors_total";

    /** One server the exporter scrapes, and the my.cnf with the exporter's credentials for it. */
    private record Server(String role, String describe, EmbeddedMariaDb db, Path myCnf) {
    }

    /**
     * The flags every recording runs with.
     *
     * @param dropped       wanted flags left out, with the exporter's error on the server where it failed
     * @param defaultErrors default collectors that failed somewhere, with the error (kept: they are the default)
     */
    private record Flags(List<String> flags, Map<String, String> dropped, Map<String, String> defaultErrors) {
    }

    /** One answer to GET /metrics. */
    private record Scrape(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write mariadb-source.prom and "
            + "mariadb-replica.prom (default: ${DEFAULT-VALUE}).")
    private Path out = GOLDEN;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) {
        Cli.run(NAME, new RecordExporterFixtures(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isExecutable(Path.of("dev"))) {
            throw new IllegalStateException("run this from the repository root: ./dev " + NAME);
        }
        Exporter exporter = Exporter.ensureInstalled(NAME, "The fixtures are its output: nothing else will do.");
        Path dir = Files.createTempDirectory("blip-fixtures-");
        Cleanup cleanup = Cleanup.of(dir, NAME);
        try {
            record(exporter, dir);
        } finally {
            cleanup.close();
        }
        return 0;
    }

    private void record(Exporter exporter, Path dir) throws Exception {
        say("starting a MariaDB source and a replica of it");
        Instant started = Instant.now();
        try (EmbeddedMariaDb source = EmbeddedMariaDb.start();
             EmbeddedMariaDb replica = EmbeddedMariaDb.replicaOf(source)) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            String password = HexFormat.of().formatHex(random);
            prepare(source, replica, password);
            List<Server> servers = List.of(
                    new Server("source", "binary log on, server_id 1, no replication configured", source,
                            myCnf(dir, "source", source, password)),
                    new Server("replica", "replica of the source (server_id 2), SHOW SLAVE STATUS: IO and SQL "
                            + "threads running", replica, myCnf(dir, "replica", replica, password)));
            Flags flags = chooseFlags(exporter, servers);
            Duration left = Duration.between(Instant.now(), started.plus(SETTLE));
            if (left.isPositive()) {
                Time.system().sleep(left);
            }
            Files.createDirectories(out);
            for (Server server : servers) {
                recordOne(exporter, server, flags);
            }
        }
    }

    /** The schema, the exporter's account, and a few statements on both servers. */
    private static void prepare(EmbeddedMariaDb source, EmbeddedMariaDb replica, String password)
            throws SQLException {
        source.execute(ShopSchema.statements().toArray(String[]::new));
        source.createUser(USER, password, GRANTS.toArray(String[]::new));
        source.execute("ALTER USER '" + USER + "'@'%' WITH MAX_USER_CONNECTIONS 3");
        replica.awaitCaughtUp(source, Duration.ofSeconds(30));
        // With a default schema: the exporter's statement digests leave out those without one.
        source.execute("USE shop", "UPDATE orders SET total = total + 1 WHERE id <= 10",
                "DELETE FROM audit WHERE id = 1");
        replica.awaitCaughtUp(source, Duration.ofSeconds(30));
        for (EmbeddedMariaDb db : List.of(source, replica)) {
            db.execute("USE shop",
                    "SELECT c.name, SUM(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id",
                    "SELECT * FROM orders WHERE customer_id = 3",
                    "SELECT COUNT(*) FROM audit", "SELECT * FROM `" + ODD_TABLE + "`",
                    "ANALYZE TABLE customers, orders, audit, `" + ODD_TABLE + "`");
        }
    }


    private static String single(EmbeddedMariaDb db, String sql) throws SQLException {
        try (Connection c = db.admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The exporter's credentials, readable by this user alone: never on its command line. */
    private static Path myCnf(Path dir, String role, EmbeddedMariaDb db, String password) throws IOException {
        Path file = dir.resolve(role + ".my.cnf");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, String.join("\n", "[client]", "user=" + USER, "password=" + password,
                "host=" + db.host(), "port=" + db.port(), ""));
        return file;
    }

    /**
     * The exporter's defaults and every wanted flag whose collector works on both servers: it runs
     * against each, and while a scrape shows a wanted collector failing, drops that flag and runs
     * again.
     */
    private Flags chooseFlags(Exporter exporter, List<Server> servers) throws Exception {
        List<String> flags = new ArrayList<>(WANTED);
        Map<String, String> dropped = new LinkedHashMap<>();
        Map<String, String> defaultErrors = new LinkedHashMap<>();
        for (Server server : servers) {
            boolean again = true;
            while (again) {
                again = false;
                try (Exporter.Running running = exporter.start("exporter-" + server.role(), server.myCnf(), flags)) {
                    Scrape probe = scrapeWhenReady(running);
                    for (String collector : failedCollectors(PromText.parse(probe.text()))) {
                        String error = server.role() + ": " + scraperError(running, collector);
                        String flag = "--" + collector;
                        if (flags.remove(flag)) {
                            say("dropping " + flag + ", its collector fails on the " + error);
                            dropped.put(flag, error);
                            again = true;
                        } else {
                            say("default collector " + collector + " fails on the " + error);
                            defaultErrors.putIfAbsent(collector, error);
                        }
                    }
                }
            }
        }
        return new Flags(List.copyOf(flags), dropped, defaultErrors);
    }

    private void recordOne(Exporter exporter, Server server, Flags flags) throws Exception {
        Path file = out.resolve("mariadb-" + server.role() + ".prom");
        try (Exporter.Running running = exporter.start("exporter-" + server.role(), server.myCnf(), flags.flags())) {
            Scrape scrape = scrapeWhenReady(running);
            List<PromText.Family> families = PromText.parse(scrape.text());
            List<String> failed = failedCollectors(families);
            failed.removeAll(flags.defaultErrors().keySet());
            if (!failed.isEmpty()) {
                List<String> errors = new ArrayList<>();
                for (String collector : failed) {
                    errors.add(collector + ": " + scraperError(running, collector));
                }
                throw new IllegalStateException("on the " + server.role() + ", collectors failed in the recorded "
                        + "scrape although they had not before: " + errors);
            }
            String header = header(exporter, server, running, flags, scrape);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(header.getBytes(StandardCharsets.UTF_8));
            bytes.write(scrape.body());
            Files.write(file, bytes.toByteArray());
            List<PromText.Family> written = PromText.parse(Files.readString(file));
            if (!written.equals(families)) {
                throw new IllegalStateException(file + " parses otherwise than the scrape: the header is to blame");
            }
            say("wrote " + file + ": " + written.size() + " families (" + written.stream()
                    .filter(f -> f.name().startsWith("mysql_")).count() + " mysql_*), " + scrape.body().length
                    + " bytes; " + summary(written));
        }
    }

    /**
     * The {@code #} lines before the scrape. Each is {@code # <key>: <value>} on one line, so that no
     * parser can take it for a HELP or TYPE line (their second token is the bare word).
     */
    private static String header(Exporter exporter, Server server, Exporter.Running running, Flags flags,
                                 Scrape scrape) throws SQLException {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("recorded", "by ./dev " + NAME + " on " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "; after these comment lines, the exporter's answer to one GET /metrics, byte for byte");
        lines.put("exporter", exporter.versionLine());
        lines.put("command", String.join(" ", running.process().shown()));
        lines.put("my.cnf", "[client] user=" + USER + " password=(random) host=" + server.db().host()
                + " port=(the server's)");
        lines.put("grants", String.join("; ", GRANTS));
        lines.put("collectors", "the exporter's log says it enabled " + String.join(", ", enabledScrapers(running)));
        flags.dropped().forEach((flag, error) -> lines.merge("dropped", flag + ", its collector fails on the "
                + error, (a, b) -> a + "; " + b));
        flags.defaultErrors().forEach((collector, error) -> lines.merge("failing-default", collector
                + " fails on the " + error, (a, b) -> a + "; " + b));
        lines.put("server", single(server.db(), "SELECT VERSION()") + " (embedded " + EmbeddedMariaDb.VERSION
                + ", performance_schema " + single(server.db(), "SELECT @@GLOBAL.performance_schema") + ")");
        lines.put("role", server.role() + ": " + server.describe());
        lines.put("answer", "HTTP " + scrape.status() + ", Content-Type: " + scrape.contentType());
        StringBuilder text = new StringBuilder();
        lines.forEach((key, value) -> text.append("# ").append(key).append(": ")
                .append(value.replaceAll("\\s*\\R\\s*", " ")).append('\n'));
        return text.toString();
    }

    /** The collectors the exporter said it enabled when it started ({@code msg="Scraper enabled"}). */
    private static List<String> enabledScrapers(Exporter.Running running) {
        return running.process().stderr().last().stream().filter(l -> l.contains("msg=\"Scraper enabled\""))
                .map(l -> logField(l, "scraper")).sorted().toList();
    }

    /**
     * The exporter's logged error for a collector ({@code collect.<name>}), e.g. {@code Error 1054: ...}.
     * It logs it before it answers, but the line may still be on its way through the pipe.
     */
    private static String scraperError(Exporter.Running running, String collector) throws InterruptedException {
        String scraper = collector.substring(collector.indexOf('.') + 1);
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            var error = running.process().stderr().last().stream()
                    .filter(l -> l.contains("level=error") && scraper.equals(logField(l, "scraper")))
                    .map(l -> logField(l, "err")).findFirst();
            if (error.isPresent() || System.nanoTime() - end > 0) {
                return error.orElse("no error logged for scraper " + scraper);
            }
            Time.system().sleep(Duration.ofMillis(50));
        }
    }

    /** A field of a logfmt line: {@code key=value} or {@code key="value with \"quotes\""}. */
    static String logField(String line, String key) {
        int at = (" " + line).indexOf(" " + key + "=");
        if (at < 0) {
            return "";
        }
        int start = at + key.length() + 1;
        if (start < line.length() && line.charAt(start) == '"') {
            StringBuilder value = new StringBuilder();
            for (int i = start + 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    value.append(line.charAt(++i));
                } else if (c == '"') {
                    break;
                } else {
                    value.append(c);
                }
            }
            return value.toString();
        }
        int end = line.indexOf(' ', start);
        return line.substring(start, end < 0 ? line.length() : end);
    }

    /** The collectors that failed, by their {@value #SCRAPE_ERRORS} label, e.g. {@code collect.slave_status}. */
    private static List<String> failedCollectors(List<PromText.Family> families) {
        return new ArrayList<>(samples(families, SCRAPE_ERRORS).stream().filter(s -> s.value() > 0)
                .map(s -> s.labels().get("collector")).toList());
    }

    /** What the exporter says of its own scrape, for the console. */
    private static String summary(List<PromText.Family> families) {
        List<String> parts = new ArrayList<>();
        for (String name : List.of("mysql_up", "mysql_exporter_last_scrape_error")) {
            samples(families, name).forEach(s -> parts.add(name + " " + s.value()));
        }
        samples(families, SCRAPE_ERRORS).forEach(s -> parts.add(SCRAPE_ERRORS + "{collector=\"" + s.labels()
                .get("collector") + "\"} " + s.value()));
        return String.join(", ", parts);
    }

    private static List<PromText.Sample> samples(List<PromText.Family> families, String name) {
        return families.stream().flatMap(f -> f.samples().stream()).filter(s -> s.name().equals(name)).toList();
    }

    /** The first answer, once the exporter listens; fails if it exits or does not listen in time. */
    private Scrape scrapeWhenReady(Exporter.Running running) throws InterruptedException {
        long end = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() - end < 0) {
            running.process().requireAlive();
            try {
                return scrape(running);
            } catch (IOException e) {
                last = e;
                Time.system().sleep(Duration.ofMillis(100)); // nothing to wait on but its port
            }
        }
        throw new IllegalStateException(running.process().name() + " did not answer at " + running.metricsUrl()
                + " within " + READY_TIMEOUT.toSeconds() + " s: " + last);
    }

    /** GET /metrics as Prometheus asks for it (its Accept header), without compression. */
    private Scrape scrape(Exporter.Running running) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(running.metricsUrl())).timeout(Duration.ofSeconds(30))
                .header("Accept", Scraper.ACCEPT).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        Scrape scrape = new Scrape(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
        if (scrape.status() != 200) {
            throw new IllegalStateException(running.process().name() + " answered HTTP " + scrape.status() + ": "
                    + scrape.text());
        }
        return scrape;
    }

    private static void say(String what) {
        System.out.println(NAME + ": " + what);
    }
}
