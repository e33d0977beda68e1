/**
 * AWS for Blip: the {@code aws} section of every monitor, region resolvers, RDS IAM and Secrets
 * Manager credential sources, RDS monitor loader, the {@code aws.rds} CloudWatch domain. Loaded as its own layer from {@code plugins/aws/}.
 *
 * <p>Another plugin supplies its own AWS credentials by requiring this module and providing
 * {@link io.blip.plugin.aws.spi.AwsCredentialsFactory} (Blip's {@code AWSConfigFactory}); the
 * runtime loads such a plugin in a layer above this one.
 */
module io.blip.plugin.aws {
    // AwsCredentialsFactory, which further plugins implement, has MonitorConfig in its signature.
    requires transitive io.blip.api;
    requires org.slf4j;
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.identity.spi;
    requires transitive software.amazon.awssdk.regions;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.protocols.jsoncore;
    requires software.amazon.awssdk.services.rds;
    requires software.amazon.awssdk.services.secretsmanager;
    requires software.amazon.awssdk.services.sts;
    requires software.amazon.awssdk.services.cloudwatch;
    requires software.amazon.awssdk.retries;
    requires software.amazon.awssdk.retries.api;

    exports io.blip.plugin.aws.spi;

    uses io.blip.plugin.aws.spi.AwsCredentialsFactory;

    provides io.blip.api.config.MonitorSection with io.blip.plugin.aws.AwsSection;
    provides io.blip.api.region.RegionResolver with
            io.blip.plugin.aws.region.ConfigRegionResolver,
            io.blip.plugin.aws.region.ImdsRegionResolver,
            io.blip.plugin.aws.region.EndpointRegionResolver;
    provides io.blip.api.credential.CredentialSourceFactory with
            io.blip.plugin.aws.iam.IamAuthSourceFactory,
            io.blip.plugin.aws.secret.SecretSourceFactory;
    provides io.blip.api.monitor.MonitorLoader with io.blip.plugin.aws.rds.RdsMonitorLoader;
    provides io.blip.api.collect.CollectorFactory with io.blip.plugin.aws.cloudwatch.AwsRdsFactory;
}
