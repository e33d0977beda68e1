package io.blip.plugin.aws;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points the AWS SDK at a loopback fake the way a user would, with system properties (the same as
 * {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), and
 * puts the previous values back on {@link #close}.
 */
public final class FakeEndpointProperties implements AutoCloseable {
    public static final String ACCESS_KEY = "AKIATESTONLY0000";
    public static final String SECRET_KEY = "test-only-secret-key";

    private final Map<String, String> before = new LinkedHashMap<>();

    private FakeEndpointProperties(Map<String, String> values) {
        values.forEach((k, v) -> {
            before.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
    }

    /**
     * Static test credentials and the endpoint for one service.
     *
     * @param endpointProperty e.g. {@code aws.endpointUrlRds}, {@code aws.endpointUrlCloudWatch}
     */
    public static FakeEndpointProperties endpoint(String endpointProperty, URI endpoint) {
        return new FakeEndpointProperties(Map.of(
                endpointProperty, endpoint.toString(),
                "aws.accessKeyId", ACCESS_KEY,
                "aws.secretAccessKey", SECRET_KEY));
    }

    @Override
    public void close() {
        before.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }
}
