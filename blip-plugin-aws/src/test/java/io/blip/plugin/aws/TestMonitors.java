package io.blip.plugin.aws;

import io.blip.api.Secret;
import io.blip.api.config.AwsConfig;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Monitor configs and system properties for the AWS plugin's tests. */
public final class TestMonitors {
    private TestMonitors() {
    }

    /** A monitor {@code id} defined at {@code blip.yaml: monitors[0]}. */
    public static MonitorConfig monitor(String id, String hostname, String socket, AwsConfig aws, TlsConfig tls) {
        MysqlConfig mysql = new MysqlConfig(hostname, socket, "", "blip", Secret.empty(), "", null, "");
        return new MonitorConfig(id, "blip.yaml: monitors[0]", mysql, aws, tls, null, null, "", null, null, null);
    }

    public static MonitorConfig monitor(String hostname, AwsConfig aws) {
        return monitor("db1", hostname, "", aws, TlsConfig.EMPTY);
    }

    public static AwsConfig region(String region) {
        return new AwsConfig(region, false, "", false, false);
    }

    public static AwsConfig iam(String region) {
        return new AwsConfig(region, true, "", false, false);
    }

    /**
     * System properties set for a test and restored on close. The AWS SDK reads its settings from a
     * system property before the environment variable of the same meaning, and environment
     * variables cannot be set inside a running JVM: tests use the properties
     * ({@code aws.ec2MetadataServiceEndpoint} for {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, ...).
     */
    public static final class SystemProperties implements AutoCloseable {
        private final Map<String, Optional<String>> saved = new HashMap<>();

        public SystemProperties set(String key, String value) {
            saved.putIfAbsent(key, Optional.ofNullable(System.getProperty(key)));
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
            return this;
        }

        @Override
        public void close() {
            saved.forEach((key, value) -> value.ifPresentOrElse(v -> System.setProperty(key, v),
                    () -> System.clearProperty(key)));
            saved.clear();
        }
    }
}
