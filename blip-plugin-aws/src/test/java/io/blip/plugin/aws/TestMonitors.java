package io.blip.plugin.aws;

import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.config.TlsConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Monitor configs and system properties for the AWS plugin's tests. */
public final class TestMonitors {
    /** {@code host[:port]}, an IPv6 host in brackets. */
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^\\]]+)]|([^:\\[\\]]*))(?::(\\d{1,5}))?");

    private TestMonitors() {
    }

    /** A monitor {@code id} defined at {@code blip.yaml: monitors[0]}. */
    public static MonitorConfig monitor(String id, String hostname, String socket, Options aws, TlsConfig tls) {
        Address address = socket.isEmpty() ? address(hostname) : new Address("", Address.MYSQL_PORT, socket);
        return MonitorConfig.of(id).withOrigin("blip.yaml: monitors[0]").withAddress(address).withTls(tls)
                .withSection(AwsSection.NAME, aws);
    }

    public static MonitorConfig monitor(String hostname, Options aws) {
        return monitor("db1", hostname, "", aws, TlsConfig.EMPTY);
    }

    /**
     * The address the runtime makes of {@code hostname}; none when it is not {@code host[:port]}
     * (the runtime reports that, and builds no monitor).
     */
    public static Address address(String hostname) {
        Matcher m = HOST_PORT.matcher(hostname.trim());
        if (hostname.isBlank() || !m.matches()) {
            return Address.NONE;
        }
        return new Address(m.group(1) != null ? m.group(1) : m.group(2),
                m.group(3) == null ? Address.MYSQL_PORT : Integer.parseInt(m.group(3)), "");
    }

    /** A monitor's {@code aws} section with these keys given, as the runtime checks it. */
    public static Options aws(Map<String, ?> values) {
        return aws(values, Map.of());
    }

    /**
     * A monitor's {@code aws} section with these keys given and these system properties (or
     * environment variables: the IMDS settings look in both, under different names).
     */
    public static Options aws(Map<String, ?> values, Map<String, String> environment) {
        return AwsSection.OPTIONS.read(new OptionSet.Input("monitors[0].aws", values, environment, environment,
                Path.of(""), null, false));
    }

    public static Options region(String region) {
        return new Environment().region(region);
    }

    public static Options iam(String region) {
        var values = new LinkedHashMap<String, Object>();
        values.put(AwsSection.IAM_AUTH, "true");
        if (!region.isEmpty()) {
            values.put(AwsSection.REGION, region);
        }
        return aws(values);
    }

    /**
     * The environment variables and system properties that the runtime reads the monitors'
     * {@code aws} sections with (the IMDS settings), for the monitors of one test.
     */
    public static final class Environment {
        private final Map<String, String> values = new HashMap<>();

        /** Sets a variable or property; null removes it. */
        public Environment set(String key, String value) {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return this;
        }

        public Options aws(Map<String, ?> keys) {
            return TestMonitors.aws(keys, values);
        }

        public Options region(String region) {
            return aws(region.isEmpty() ? Map.of() : Map.of(AwsSection.REGION, region));
        }
    }

    /**
     * System properties set for a test and restored on close. The AWS SDK reads its settings from a
     * system property before the environment variable of the same meaning, and environment
     * variables cannot be set inside a running JVM: tests use the properties
     * ({@code aws.accessKeyId} for {@code AWS_ACCESS_KEY_ID}, ...).
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
