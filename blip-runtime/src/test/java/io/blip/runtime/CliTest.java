package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import io.blip.testkit.EmbeddedMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: flags, exit codes and messages. */
class CliTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();

    private int run(String... args) {
        env.putIfAbsent("BLIP_PLUGINS", dir.resolve("no-plugins").toString());
        return new Cli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run("--version"));
        assertEquals("blip " + Version.get() + "\n", out());
        assertFalse(Version.get().contains("${"), Version.get());
        out.reset();
        assertEquals(0, run("--help"));
        assertTrue(out().contains("--print-domains"), out());
        assertTrue(out().contains("--run"), out());
    }

    @Test
    void aValueFollowsTheFlagOrItsEqualsSign() throws Exception {
        Path cfg = config("monitors: []\n");
        assertEquals(0, run("--config", cfg.toString(), "--run", "false", "--print-config"), err());
        assertTrue(out().contains("monitors"), out());
        assertEquals(0, run("--config=" + cfg, "--run=no"), err());
    }

    @Test
    void aMissingValueOrAStrayArgumentIsAnError() {
        assertEquals(Cli.EXIT_ERROR, run("--config"));
        assertTrue(err().startsWith("blip: Missing value for --config (e.g. --config=CONFIG)"), err());
        assertEquals(Cli.EXIT_ERROR, run("blip.yaml"));
        assertTrue(err().contains("blip: Unexpected argument: 'blip.yaml' (flags start with --)"), err());
        assertEquals(Cli.EXIT_ERROR, run("--run=maybe"));
        assertTrue(err().contains("blip: --run=maybe: not a boolean; use true or false"), err());
        assertEquals(Cli.EXIT_ERROR, run("--log-format", "xml"));
        assertTrue(err().contains("blip: --log-format=xml: use text or json"), err());
        assertEquals(Cli.EXIT_ERROR, run("--quiet=maybe"));
        assertTrue(err().contains("blip: --quiet=maybe: not a boolean; use true or false"), err());
    }

    @Test
    void anUnknownFlagIsAnError() {
        assertEquals(Cli.EXIT_ERROR, run("--bogus"));
        assertTrue(err().startsWith("blip: Unknown option: '--bogus'"), err());
    }

    @Test
    void runFalseExits2WhenAValidConfigsMonitorCannotConnectAndMasksSecretsInPrintedConfig() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path cfg = config("""
                monitors:
                  - id: db1
                    hostname: 127.0.0.1:%d
                    username: blip
                    password: hunter2-secret
                """.formatted(closedPort));
        assertEquals(Server.EXIT_UNREACHABLE, run("--config", cfg.toString(), "--run=false", "--print-config",
                "--print-monitors"), err());
        assertTrue(out().contains("id: db1"), out());
        assertTrue(out().contains("\nmonitor db1: cannot connect: "), out());
        assertTrue(out().contains("\nblip: config valid; 1 of 1 monitor(s) could not connect\n"), out());
        assertFalse(out().contains("hunter2-secret"), out());
        assertFalse(err().contains("hunter2-secret"), err());
    }

    @Test
    void runFalseExitsZeroWhenEveryMonitorConnects() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser("cli", "cli-pw", "SELECT ON *.*");
        Path cfg = config("""
                mysql:
                  username: cli
                  password: cli-pw
                monitors:
                  - id: db1
                    hostname: %s
                  - id: db2
                    socket: %s
                """.formatted(db.hostPort(), db.socket()));
        assertEquals(0, run("--config", cfg.toString(), "--run=false"), err());
        assertTrue(out().contains("blip: config valid; all 2 monitor(s) connected\n"), out());
    }

    @Test
    void runFalseExitsNonZeroWithEveryProblem() throws Exception {
        Path cfg = config("""
                monitors:
                  - id: db1
                    hostname: 127.0.0.1:3306
                    password: hunter2-secret
                    credential-source: nope
                    plan: no-such-plan
                """);
        assertEquals(Cli.EXIT_ERROR, run("--config", cfg.toString(), "--run=false"));
        String e = err();
        assertTrue(e.startsWith("blip: boot failed:\n"), e);
        assertTrue(e.contains("no plan named 'no-such-plan'"), e);
        assertTrue(e.contains("no credential source named 'nope'. Available: ["), e);
        assertFalse(e.contains("hunter2-secret"), e);
    }

    @Test
    void runFalseRefusesASinkNoMonitorUses() throws Exception {
        Path cfg = config("""
                sinks:
                  nope: {}
                monitor-loader:
                  local:
                    disable-auto: true
                """);
        assertEquals(Cli.EXIT_ERROR, run("--config", cfg.toString(), "--run=false"));
        assertTrue(err().contains(cfg + ":2: sinks.nope: no sink named 'nope'. Available: [log, noop]"), err());
    }

    @Test
    void aDomainFromAMissingPluginSaysWhereItShips() throws Exception {
        Files.writeString(dir.resolve("rds.yaml"), """
                cloud:
                  freq: 60s
                  collect:
                    aws.rds:
                      metrics: [CPUUtilization]
                """);
        Path cfg = config("""
                plans:
                  files: [rds.yaml]
                monitors:
                  - hostname: db1
                """);
        assertEquals(Cli.EXIT_ERROR, run("--config", cfg.toString(), "--run=false"));
        assertTrue(err().contains("rds.yaml:4: plans.files: plan 'rds.yaml': cloud.collect.aws.rds: no collector for domain "
                + "'aws.rds'. Available: [autoinc, error.account, "), err());
        assertTrue(err().contains("It ships in plugins/aws/; is that directory present?"), err());
    }

    @Test
    void anUnknownKeyNamesTheFileLineAndKey() throws Exception {
        Path cfg = config("""
                mysql:
                  pasword-file: /etc/blip/password
                monitors:
                  - hostname: db1
                """);
        assertEquals(Cli.EXIT_ERROR, run("--config", cfg.toString(), "--run=false"));
        assertTrue(err().contains(cfg + ":2: mysql.pasword-file: unknown key"), err());
    }

    @Test
    void anExplicitConfigThatDoesNotExistIsAnError() {
        assertEquals(Cli.EXIT_ERROR, run("--config", dir.resolve("missing.yaml").toString(), "--run=false"));
        assertTrue(err().contains("missing.yaml: file not found"), err());
    }

    @Test
    void theEnvironmentSetsFlags() throws Exception {
        Path cfg = config("monitors: []\n");
        env.put("BLIP_CONFIG", cfg.toString());
        env.put("BLIP_RUN", "false");
        assertEquals(0, run("--print-config"));
        env.put("BLIP_RUN", "maybe");
        assertEquals(Cli.EXIT_ERROR, run());
        assertTrue(err().contains("BLIP_RUN=maybe: not a boolean; use true or false"), err());
    }

    @Test
    void printDomainsListsEveryBuiltInDomain() {
        assertEquals(0, run("--print-domains"));
        for (String domain : new String[] {"status.global", "var.global", "innodb", "repl", "repl.lag",
                "size.database", "size.table", "size.binlog", "trx", "error.global", "error.account", "error.host",
                "error.thread", "error.user"}) {
            assertTrue(out().contains("\n" + domain + "\n") || out().startsWith(domain + "\n"), domain);
        }
        assertTrue(out().contains("access-denied"), out());
    }
}
