package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.aws.FakeRds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitor-loader.aws.refresh} as a user runs it: the built {@code bin/blip} loads its
 * monitors from a fake RDS API, which later lists one more instance; the next refresh starts its
 * monitor, with no signal or API call, and leaves the first one running.
 */
class RdsRefreshEndToEndTest {
    private static final String USER = "blip_rds_refresh";
    private static final String PASSWORD = "rds-refresh-pw";

    @TempDir
    Path work;

    @Test
    void aRefreshFindsNewInstances() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(USER, PASSWORD, "SELECT, PROCESS, REPLICATION CLIENT ON *.*");
        try (FakeRds rds = FakeRds.start()) {
            rds.add("us-east-1", FakeRds.Instance.of("first-db", "127.0.0.1", db.port()));
            Path config = work.resolve("blip.yaml");
            Files.writeString(config, """
                    api: {bind: "127.0.0.1:0"}
                    mysql:
                      username: %s
                      password: %s
                    sinks:
                      noop: {}
                    monitor-loader:
                      aws:
                        regions: [us-east-1]
                        refresh: 1s
                    """.formatted(USER, PASSWORD));
            ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config",
                    config.toString(), "--log").directory(work.toFile());
            Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.remove("JAVA_OPTS");
            Dist.awsTestEnv(env, work, "AKIDBLIPREFRESH", "blip-refresh-secret-key");
            env.put("AWS_ENDPOINT_URL_RDS", rds.endpoint().toString());
            Process blip = pb.start();
            Signal said = new Signal();
            OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
            OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
            try {
                said.await(() -> out.text().contains("connected: monitor first-db:") || out.ended(),
                        Duration.ofSeconds(60), () -> "the first instance's monitor:\n" + out.text() + err.text());
                rds.add("us-east-1", FakeRds.Instance.of("second-db", "127.0.0.1", db.port()));
                said.await(() -> out.text().contains("connected: monitor second-db:") || out.ended(),
                        Duration.ofSeconds(30), () -> "the new instance's monitor:\n" + out.text() + err.text());
                assertTrue(out.text().contains("monitors-loaded: reload: added [second-db], removed [], changed []"),
                        out.text());
            } finally {
                blip.destroy();
                if (!blip.waitFor(15, TimeUnit.SECONDS)) {
                    blip.destroyForcibly();
                }
            }
        }
    }
}
