package io.blip.plugin.aws;

import io.blip.api.config.MonitorConfig;
import io.blip.api.plugin.PluginServices;
import io.blip.api.region.RegionLookup;
import io.blip.plugin.aws.AwsSettings.AssumeRole;
import io.blip.plugin.aws.spi.AwsCredentialsFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Configures AWS SDK clients for one monitor, the same way for every AWS call Blip makes: the
 * region from the runtime's region chain (none: the SDK's default chain), credentials from the
 * first {@link AwsCredentialsFactory} plugin that answers (none: the SDK's default chain, its
 * web-identity step in that region, {@link DefaultChain}) or, with
 * {@code aws.assume-role}, those of the role as STS hands them out, the URL-connection HTTP client,
 * and every API call bounded in time. Endpoints follow the SDK's own conventions
 * ({@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>}; STS's is {@code AWS_ENDPOINT_URL_STS}).
 */
public final class AwsClients {
    /** Connect and read timeouts of the HTTP client. */
    public static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    /** The limit of one STS AssumeRole call for {@code aws.assume-role}, its retry included. */
    public static final Duration STS_CALL_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

    private final RegionLookup regions;
    private final PluginServices services;

    public AwsClients(RegionLookup regions, PluginServices services) {
        this.regions = regions;
        this.services = services;
    }

    /** The monitor's region through the runtime's chain. */
    public Optional<String> region(MonitorConfig monitor) {
        return regions.region(monitor);
    }

    /**
     * The credentials for the monitor: a plugin's, else the SDK's default chain; with
     * {@code aws.assume-role}, those of the role, which STS hands out to the former.
     */
    public AwsCredentialsProvider credentials(MonitorConfig monitor) {
        Optional<String> region = region(monitor);
        Optional<AwsCredentialsProvider> plugin = pluginCredentials(monitor, region);
        AwsCredentialsProvider base = plugin.orElseGet(() -> DefaultChain.of(region, STS_CALL_TIMEOUT));
        Optional<AssumeRole> role = AwsSettings.of(monitor).assumeRole();
        if (role.isEmpty()) {
            return base;
        }
        AssumeRole named = role.get();
        LOG.debug("monitor {}: AWS calls as role {} (session {}), assumed with {}", monitor.id(), named.roleArn(),
                named.sessionName(), plugin.isPresent() ? "a plugin's credentials" : "the SDK's default chain");
        // A plugin may answer each monitor with other base credentials: they are part of the key.
        var key = new RoleKey(named, region, plugin.<Object>map(p -> p).orElse(DEFAULT_CHAIN));
        return ASSUMED_ROLES.get(key, () -> new AssumedRoleCredentials(named, STS_CALL_TIMEOUT,
                () -> configure(StsClient.builder(), region, base, STS_CALL_TIMEOUT)));
    }

    private Optional<AwsCredentialsProvider> pluginCredentials(MonitorConfig monitor, Optional<String> region) {
        List<AwsCredentialsFactory> factories = services.load(AwsCredentialsFactory.class);
        for (AwsCredentialsFactory f : factories) {
            Optional<AwsCredentialsProvider> provider = f.credentials(monitor, region);
            if (provider.isPresent()) {
                LOG.debug("monitor {}: AWS credentials from plugin {}", monitor.id(), f.name());
                return provider;
            }
        }
        return Optional.empty();
    }

    /** A role assumed in a region with some base credentials: the SDK's default chain or a plugin's provider. */
    private record RoleKey(AssumeRole role, Optional<String> region, Object base) {
    }

    private static final Object DEFAULT_CHAIN = "the SDK's default chain";

    /** The assumed roles of the process, by role, region and base credentials. */
    private static final SharedProviders<RoleKey> ASSUMED_ROLES = new SharedProviders<>(256);

    /**
     * One retry, soon enough to fit a short call limit: the SDK's defaults (legacy mode, four
     * attempts, 30 s reads) let a stalled endpoint hold a caller for about two minutes. A throttled
     * call waits half jitter, 100 to 200 ms, before its retry: full jitter may retry at once, which is
     * no backing off from a service that asked for it (R9 measures the wait).
     */
    public static RetryStrategy retry() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(2)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofMillis(200)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelayHalfJitter(Duration.ofMillis(200),
                        Duration.ofMillis(500)))
                .build();
    }

    /** One timer thread for the call limits of every client (by default each client starts a pool). */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("blip-aws-timeouts").factory());
    }

    /**
     * Configures a client builder for the monitor; each API call, its retry included, must end
     * within {@code apiCallTimeout}.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
            MonitorConfig monitor, Duration apiCallTimeout) {
        return configure(builder, region(monitor), credentials(monitor), apiCallTimeout);
    }

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C configure(B builder,
            Optional<String> region, AwsCredentialsProvider credentials, Duration apiCallTimeout) {
        region.map(Region::of).ifPresent(builder::region);
        return builder
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(HTTP_TIMEOUT)
                        .socketTimeout(HTTP_TIMEOUT))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(apiCallTimeout)
                        .retryStrategy(retry())
                        .scheduledExecutorService(Timer.INSTANCE)
                        .build())
                .build();
    }
}
