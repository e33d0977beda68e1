package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.sink.Delivery;
import io.blip.api.time.Time;
import io.blip.runtime.config.Declarations;
import io.blip.runtime.config.LoadContext;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.plugin.Plugins;
import io.blip.testkit.EmbeddedMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local auto-detection ({@code monitor-loader.local}) against a real MariaDB, its socket and TCP
 * address given as the candidates (this host's would be {@code /proc/net/unix} and 127.0.0.1:3306).
 */
class LocalDetectTest {
    @TempDir
    Path dir;

    private EmbeddedMariaDb db;

    @BeforeEach
    void user() {
        db = EmbeddedMariaDb.shared();
        db.createUser("local", "local-pw", "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
    }

    private List<MonitorConfig> load(String config, LocalCandidates candidates) throws Exception {
        Path file = dir.resolve("blip.yaml");
        Files.writeString(file, config);
        Plugins plugins = Plugins.load(dir.resolve("no-plugins"));
        Declarations declarations = plugins.declarations(Delivery.OPTIONS);
        var context = new LoadContext(Map.of(), Map.of(), declarations, new MycnfFiles());
        Fleet.Loaded loaded = new Fleet(file, plugins, declarations, context, Time.system(), () -> candidates).load();
        loaded.discard();
        return loaded.monitors();
    }

    private static String config(String user, String local) {
        return """
                mysql:
                  username: %s
                  password: local-pw
                sinks:
                  noop: {}
                monitor-loader:
                  local: {%s}
                """.formatted(user, local);
    }

    @Test
    void withNoMonitorsTheFirstCandidateSocketThatAnswersIsTheMonitorLocalhost() throws Exception {
        var candidates = new LocalCandidates(List.of(dir.resolve("not-a-socket"), db.socket()), db.hostPort());

        List<MonitorConfig> found = load(config("local", ""), candidates);

        assertEquals(1, found.size());
        assertEquals("localhost", found.getFirst().id());
        assertEquals(db.socket().toString(), found.getFirst().mysql().socket());
        assertEquals("local", found.getFirst().mysql().username());
        assertEquals(MysqlConfig.DEFAULT_TIMEOUT_CONNECT, found.getFirst().mysql().timeoutConnect());
    }

    @Test
    void withoutASocketThatAnswersTcpIsTried() throws Exception {
        var candidates = new LocalCandidates(List.of(), db.hostPort());

        List<MonitorConfig> found = load(config("local", ""), candidates);

        assertEquals(1, found.size());
        assertEquals(db.hostPort(), found.getFirst().mysql().hostname());
    }

    @Test
    void disableAutoTurnsItOffAndDisableAutoRootTriesOnlyTheConfiguredUser() throws Exception {
        var candidates = new LocalCandidates(List.of(db.socket()), db.hostPort());

        assertEquals(List.of(), load(config("local", "disable-auto: true"), candidates));
        assertEquals(List.of(), load(config("nobody-here", "disable-auto-root: true"), candidates));
    }

    @Test
    void monitorsOfTheConfigLeaveAutoDetectionOut() throws Exception {
        var candidates = new LocalCandidates(List.of(db.socket()), db.hostPort());

        List<MonitorConfig> found = load(config("local", "") + "monitors:\n  - id: db1\n    hostname: "
                + db.hostPort() + "\n", candidates);

        assertEquals(List.of("db1"), found.stream().map(MonitorConfig::id).toList());
    }

    @Test
    void theSocketsOfThisHostComeFromProcNetUnixWithoutMysqlx() throws Exception {
        Path listing = dir.resolve("unix");
        Files.writeString(listing, """
                Num       RefCount Protocol Flags    Type St Inode Path
                0000000000000000: 00000002 00000000 00010000 0001 01 1234 %s
                0000000000000000: 00000002 00000000 00010000 0001 01 1235 /run/mysqld/mysqlx.sock
                0000000000000000: 00000002 00000000 00010000 0001 01 1236 /run/other.sock
                0000000000000000: 00000003 00000000 00000000 0001 03 1237
                """.formatted(db.socket()));

        assertEquals(List.of(db.socket()), LocalCandidates.listening(listing));
        assertEquals(List.of(), LocalCandidates.listening(dir.resolve("no-such-file")));
    }
}
