package io.blip.plugin.aws.iam;

import static io.blip.plugin.aws.TestMonitors.aws;
import static io.blip.plugin.aws.TestMonitors.iam;
import static io.blip.plugin.aws.TestMonitors.monitor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.BlipException;
import io.blip.api.Secret;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialContext;
import io.blip.api.credential.CredentialReason;
import io.blip.api.credential.CredentialSource;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.credential.Credentials;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.TestMonitors.SystemProperties;
import io.blip.plugin.aws.region.ConfigRegionResolver;
import io.blip.plugin.aws.region.EndpointRegionResolver;
import io.blip.plugin.aws.spi.AwsCredentialsFactory;
import io.blip.testkit.VirtualTime;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

class IamAuthSourceTest {
    private static final String HOST = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com";
    private static final String ACCESS_KEY = "AKIDBLIPTEST0000001";
    private static final String SECRET_KEY = "blip/test/secret+key/0000000000000000000";

    private final SystemProperties properties = new SystemProperties();
    private final VirtualTime time = new VirtualTime(Instant.parse("2024-05-01T12:00:00Z"));

    @AfterEach
    void restore() {
        properties.close();
    }

    /** The runtime's region chain over the plugin's resolvers that do no I/O. */
    private static final RegionLookup CONFIG_THEN_ENDPOINT = monitor -> new ConfigRegionResolver().region(monitor)
            .or(() -> new EndpointRegionResolver().region(monitor));

    private CredentialSource source(MonitorConfig monitor, RegionLookup regions, PluginServices services) {
        return new IamAuthSourceFactory().make(CredentialContext.of(monitor, regions, services, time));
    }

    /** AWS credentials from a plugin (the AwsCredentialsFactory SPI) that counts how often the SDK asks. */
    static PluginServices counting(AtomicInteger asked, AtomicBoolean fail) {
        AwsCredentialsProvider provider = () -> {
            asked.incrementAndGet();
            if (fail.get()) {
                throw new IllegalStateException("the test's credentials are switched off");
            }
            return AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY);
        };
        AwsCredentialsFactory factory = new AwsCredentialsFactory() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public Optional<AwsCredentialsProvider> credentials(MonitorConfig monitor, Optional<String> region) {
                return Optional.of(provider);
            }
        };
        return new PluginServices() {
            @Override
            public <S> List<S> load(Class<S> service) {
                return service == AwsCredentialsFactory.class ? List.of(service.cast(factory)) : List.of();
            }
        };
    }

    private static Map<String, String> query(String token) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create("https://" + token).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void theTokenIsAPresignedRdsConnectUrlForHostPortAndUser() throws Exception {
        // Static AWS credentials the way a user gives them to the SDK's default chain
        // (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; system properties inside a test JVM).
        properties.set("aws.accessKeyId", ACCESS_KEY).set("aws.secretAccessKey", SECRET_KEY)
                .set("aws.sessionToken", null);
        CredentialSource source = source(monitor(HOST, iam("")), CONFIG_THEN_ENDPOINT, PluginServices.NONE);

        Credentials c = source.credentials(CredentialReason.CONNECT);

        assertEquals("blip", c.username());
        assertTrue(c.requiresTls(), "an IAM token must never travel in cleartext");
        String token = c.password().reveal();
        URI uri = URI.create("https://" + token);
        assertEquals(HOST, uri.getHost());
        assertEquals(3306, uri.getPort(), "port 3306 when hostname has none");
        assertEquals("/", uri.getPath());
        Map<String, String> q = query(token);
        assertEquals("connect", q.get("Action"));
        assertEquals("blip", q.get("DBUser"));
        assertEquals("AWS4-HMAC-SHA256", q.get("X-Amz-Algorithm"));
        assertTrue(q.get("X-Amz-Credential").matches(ACCESS_KEY + "/\\d{8}/us-east-1/rds-db/aws4_request"),
                q.get("X-Amz-Credential"));
        assertTrue(q.get("X-Amz-Date").matches("\\d{8}T\\d{6}Z"), q.get("X-Amz-Date"));
        // 15 minutes. RdsUtilities (2.41.30 and 2.59.1) sets the expiry at now + 900 s, the signer reads the clock
        // again for the signing time and rounds the difference down: most tokens say 899. Either way
        // a token lives longer than the 870 s it is cached.
        assertTrue(q.get("X-Amz-Expires").matches("900|899"), q.get("X-Amz-Expires"));
        assertEquals("host", q.get("X-Amz-SignedHeaders"));
        assertTrue(q.get("X-Amz-Signature").matches("[0-9a-f]{64}"), q.get("X-Amz-Signature"));
        assertFalse(token.contains(SECRET_KEY) || token.contains(URLDecoder.decode(SECRET_KEY, StandardCharsets.UTF_8)));
        assertFalse(c.toString().contains(token));
        assertFalse(source.toString().contains(token));
    }

    @Test
    void theTokenIsForTheGivenPortAndTheConfiguredRegion() throws Exception {
        var asked = new AtomicInteger();
        MonitorConfig m = monitor(HOST + ":3307", iam("eu-west-3"));
        String token = source(m, CONFIG_THEN_ENDPOINT, counting(asked, new AtomicBoolean()))
                .credentials(CredentialReason.CONNECT).password().reveal();
        assertTrue(token.startsWith(HOST + ":3307/?"), token.substring(0, token.indexOf('?')));
        assertTrue(query(token).get("X-Amz-Credential").contains("/eu-west-3/rds-db/"));
    }

    @Test
    void aTokenIsReusedFor870SecondsThenRenewed() throws Exception {
        var asked = new AtomicInteger();
        CredentialSource source = source(monitor(HOST, iam("")), CONFIG_THEN_ENDPOINT,
                counting(asked, new AtomicBoolean()));

        Secret first = source.credentials(CredentialReason.CONNECT).password();
        assertEquals(1, asked.get());
        time.advance(Duration.ofSeconds(869));
        assertSame(first, source.credentials(CredentialReason.CONNECT).password());
        assertEquals(1, asked.get(), "still within 870 s: cached");
        time.advance(Duration.ofSeconds(1));
        source.credentials(CredentialReason.CONNECT);
        assertEquals(2, asked.get(), "870 s after it was made, 30 s before it expires: renewed");
        time.advance(Duration.ofSeconds(869));
        source.credentials(CredentialReason.CONNECT);
        assertEquals(2, asked.get(), "the renewed token is cached for 870 s from its renewal");
    }

    @Test
    void accessDeniedAlwaysRenews() throws Exception {
        var asked = new AtomicInteger();
        CredentialSource source = source(monitor(HOST, iam("")), CONFIG_THEN_ENDPOINT,
                counting(asked, new AtomicBoolean()));

        source.credentials(CredentialReason.CONNECT);
        source.credentials(CredentialReason.ACCESS_DENIED);
        assertEquals(2, asked.get());
        source.credentials(CredentialReason.ACCESS_DENIED);
        assertEquals(3, asked.get());
        time.advance(Duration.ofSeconds(869));
        source.credentials(CredentialReason.CONNECT);
        assertEquals(3, asked.get(), "the token made after access denied is cached");
    }

    @Test
    void oneRenewalAtATimeAcrossConnections() throws Exception {
        var asked = new AtomicInteger();
        CredentialSource source = source(monitor(HOST, iam("")), CONFIG_THEN_ENDPOINT,
                counting(asked, new AtomicBoolean()));
        List<Callable<Secret>> connects = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            connects.add(() -> source.credentials(CredentialReason.CONNECT).password());
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Secret> tokens = new ArrayList<>();
            for (Future<Secret> f : threads.invokeAll(connects)) {
                tokens.add(f.get());
            }
            assertEquals(1, asked.get());
            assertTrue(tokens.stream().allMatch(t -> t == tokens.get(0)));
        }
    }

    @Test
    void failureMessagesNeverHoldTheToken() throws Exception {
        var asked = new AtomicInteger();
        var fail = new AtomicBoolean();
        CredentialSource source = source(monitor(HOST, iam("")), CONFIG_THEN_ENDPOINT, counting(asked, fail));
        String token = source.credentials(CredentialReason.CONNECT).password().reveal();

        fail.set(true);
        BlipException e = assertThrows(BlipException.class, () -> source.credentials(CredentialReason.ACCESS_DENIED));
        assertTrue(e.getMessage().startsWith("aws.iam-auth: monitor db1: cannot make an RDS auth token for "
                + "blip@" + HOST + ":3306 in us-east-1: "), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(token));
            assertFalse(t.toString().contains(token));
        }
    }

    @Test
    void noRegionIsAClearError(@TempDir Path dir) {
        Assumptions.assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null,
                "AWS_REGION is set in this environment");
        // No aws.region property, no profile files: the SDK has no region either.
        properties.set("aws.region", null)
                .set("aws.configFile", dir.resolve("config").toString())
                .set("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
        var asked = new AtomicInteger();
        MonitorConfig m = monitor("db.example.com:3306", iam(""));
        CredentialSource source = source(m, CONFIG_THEN_ENDPOINT, counting(asked, new AtomicBoolean()));

        BlipException e = assertThrows(BlipException.class, () -> source.credentials(CredentialReason.CONNECT));
        assertEquals("aws.iam-auth: no AWS region for monitor db1: set aws.region (or AWS_REGION); neither EC2 "
                + "instance metadata nor the hostname db.example.com gave one", e.getMessage());
        assertEquals(0, asked.get());
    }

    @Test
    void theSdksRegionSettingsAreTheLastResort(@TempDir Path dir) throws Exception {
        properties.set("aws.region", "ca-central-1")
                .set("aws.configFile", dir.resolve("config").toString())
                .set("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
        String token = source(monitor("db.example.com", iam("")), CONFIG_THEN_ENDPOINT,
                counting(new AtomicInteger(), new AtomicBoolean())).credentials(CredentialReason.CONNECT)
                .password().reveal();
        assertTrue(query(token).get("X-Amz-Credential").contains("/ca-central-1/rds-db/"));
    }

    @Test
    void makeDoesNoIo() {
        var lookups = new AtomicInteger();
        var asked = new AtomicInteger();
        RegionLookup regions = monitor -> {
            lookups.incrementAndGet();
            return Optional.of("us-east-1");
        };
        source(monitor(HOST, iam("")), regions, counting(asked, new AtomicBoolean()));
        assertEquals(0, lookups.get());
        assertEquals(0, asked.get());
    }

    @Test
    void aSocketIsABootError() {
        MonitorConfig m = monitor("db1", "", "/var/run/mysqld/mysqld.sock", iam(""), TlsConfig.EMPTY);
        BlipException e = assertThrows(BlipException.class, () -> source(m, RegionLookup.NONE, PluginServices.NONE));
        assertEquals("blip.yaml: monitors[0].aws.iam-auth: the IAM auth token must travel over TLS, which is not "
                + "used over the Unix socket /var/run/mysqld/mysqld.sock; connect with hostname (the RDS endpoint) "
                + "instead", e.getMessage());
    }

    @Test
    void tlsDisableIsABootError() {
        TlsConfig off = new TlsConfig("", "", "", false, true, "", "", "");
        MonitorConfig m = monitor("db1", HOST, "", iam(""), off);
        BlipException e = assertThrows(BlipException.class, () -> source(m, RegionLookup.NONE, PluginServices.NONE));
        assertEquals("blip.yaml: monitors[0].aws.iam-auth: the IAM auth token must travel over TLS, but tls.disable "
                + "is true; remove tls.disable", e.getMessage());
    }

    @Test
    void noHostnameIsABootError() {
        MonitorConfig m = monitor("db1", "", "", iam(""), TlsConfig.EMPTY);
        BlipException e = assertThrows(BlipException.class, () -> source(m, RegionLookup.NONE, PluginServices.NONE));
        assertEquals("blip.yaml: monitors[0].aws.iam-auth: no hostname: set hostname to the RDS endpoint (host or "
                + "host:port); the token is signed for it", e.getMessage());
    }

    @Test
    void theFactoryHandlesIamAuthWithTheHighestPrecedence() {
        CredentialSourceFactory f = new IamAuthSourceFactory();
        assertEquals("aws-iam", f.name());
        assertEquals(600, f.precedence());
        assertTrue(f.handles(monitor(HOST, iam(""))));
        assertFalse(f.handles(monitor(HOST, aws(Map.of()))));
    }

    @Test
    void theModuleProvidesTheFactory() {
        ModuleDescriptor descriptor = IamAuthSourceTest.class.getModule().getDescriptor();
        Assumptions.assumeTrue(descriptor != null, "tests run on the class path");
        assertTrue(descriptor.provides().stream()
                .filter(p -> p.service().equals(CredentialSourceFactory.class.getName()))
                .anyMatch(p -> p.providers().contains(IamAuthSourceFactory.class.getName())));
    }
}
