package io.blip.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.ModuleJar;
import io.blip.testkit.OutputWatcher;
import io.blip.testkit.Signal;
import io.blip.testkit.aws.FakeSecretsManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blip's {@code AWSConfigFactory}, as a plugin: a module built here, at test time, that requires
 * {@code io.blip.plugin.aws} and provides {@code AwsCredentialsFactory}, dropped into its own
 * directory under {@code plugins/}. {@code bin/blip} loads it in a layer above {@code plugins/aws/},
 * and the Secrets Manager call is signed with its credentials, not the default chain's.
 */
class CustomAwsCredentialsEndToEndTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:blip-custom-AbCdEf";
    private static final String PLUGIN_KEY = "AKIDFROMCUSTOMPLUGIN";
    private static final String CHAIN_KEY = "AKIDFROMDEFAULTCHAIN";

    private static EmbeddedMariaDb db;
    private static FakeSecretsManager secrets;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        db = EmbeddedMariaDb.shared();
        secrets = FakeSecretsManager.start();
    }

    @AfterAll
    static void stop() {
        secrets.close();
    }

    /** The distribution's plugin directories, copied, plus the custom one. */
    private Path pluginsWithCustomCredentials() throws IOException {
        Path plugins = work.resolve("plugins");
        for (String dir : Dist.PLUGIN_DIRS) {
            Path to = Files.createDirectories(plugins.resolve(dir));
            for (Path jar : Dist.jars(Dist.HOME.resolve("plugins").resolve(dir))) {
                Files.copy(jar, to.resolve(jar.getFileName()));
            }
        }
        new ModuleJar("com.example.blip.awscreds")
                .requires("io.blip.plugin.aws")
                .provides("io.blip.plugin.aws.spi.AwsCredentialsFactory", "com.example.blip.awscreds.FixedCredentials")
                .source("com.example.blip.awscreds.FixedCredentials", """
                        package com.example.blip.awscreds;

                        import io.blip.api.config.MonitorConfig;
                        import io.blip.plugin.aws.spi.AwsCredentialsFactory;
                        import java.util.Optional;
                        import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
                        import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
                        import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

                        public final class FixedCredentials implements AwsCredentialsFactory {
                            @Override
                            public String name() {
                                return "fixed";
                            }

                            @Override
                            public Optional<AwsCredentialsProvider> credentials(MonitorConfig monitor,
                                                                                Optional<String> region) {
                                return Optional.of(StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create("%s", "custom-plugin-secret-key")));
                            }
                        }
                        """.formatted(PLUGIN_KEY))
                .compileAgainst(Dist.HOME.resolve("plugins/aws"))
                .writeTo(plugins.resolve("awscreds/awscreds.jar"));
        return plugins;
    }

    @Test
    void aCustomCredentialsPluginSignsTheAwsCalls() throws Exception {
        db.createUser("blip_custom", "custom-pw", "SELECT, PROCESS ON *.*");
        secrets.put(ARN, "{\"password\": \"custom-pw\"}");
        Path plugins = pluginsWithCustomCredentials();
        Path plan = work.resolve("plan.yaml");
        Files.writeString(plan, """
                every-second:
                  freq: 1s
                  collect:
                    status.global:
                      metrics: [queries]
                """);
        Path config = work.resolve("blip.yaml");
        Files.writeString(config, """
                api: {bind: "127.0.0.1:0"}
                plans:
                  files: [%s]
                monitors:
                  - id: custom-creds
                    hostname: %s
                    username: blip_custom
                    aws:
                      password-secret: %s
                      disable-auto-tls: true
                """.formatted(plan, db.hostPort(), ARN));

        ProcessBuilder pb = new ProcessBuilder(Dist.HOME.resolve("bin/blip").toString(), "--config", config.toString(),
                "--plugins", plugins.toString())
                .directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("JAVA_OPTS");
        // The default chain has credentials too: the plugin's must win.
        Dist.awsTestEnv(env, work, CHAIN_KEY, "default-chain-secret-key");
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
        Process blip = pb.start();
        Signal said = new Signal();
        OutputWatcher out = OutputWatcher.of("stdout", blip.getInputStream(), said);
        OutputWatcher err = OutputWatcher.of("stderr", blip.getErrorStream(), said);
        try {
            said.await(() -> out.text().contains("# monitor:  custom-creds") || out.ended(), Duration.ofSeconds(60),
                    () -> "a collection:\n" + out.text() + err.text());
            String stdout = out.text();
            assertTrue(stdout.contains("# monitor:  custom-creds"), "a collection:\n" + stdout + err.text());
            String listing = Dist.printPlugins(plugins);
            assertTrue(listing.lines().anyMatch(l -> l.contains(plugins.resolve("awscreds") + " (parents: "
                    + plugins.resolve("aws")) && l.contains("com.example.blip.awscreds")),
                    "the layer above plugins/aws:\n" + listing);
            assertEquals(PLUGIN_KEY, secrets.lastAccessKeyId().orElseThrow());
            List<String> keys = secrets.calls().stream().map(FakeSecretsManager.Call::accessKeyId).distinct().toList();
            assertEquals(List.of(PLUGIN_KEY), keys);
        } finally {
            blip.destroy();
            blip.waitFor(10, TimeUnit.SECONDS);
            blip.destroyForcibly();
        }
    }
}
