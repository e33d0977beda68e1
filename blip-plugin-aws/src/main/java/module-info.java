/**
 * AWS for Blip: region resolvers, RDS IAM and Secrets Manager credential sources, RDS monitor
 * loader, the {@code aws.rds} CloudWatch domain. Loaded as its own layer from {@code plugins/aws/}.
 *
 * <p>Another plugin supplies its own AWS credentials by requiring this module and providing
 * {@link io.blip.plugin.aws.spi.AwsCredentialsFactory} (Blip's {@code AWSConfigFactory}); the
 * runtime loads such a plugin in a layer above this one.
 */
module io.blip.plugin.aws {
    requires io.blip.api;
    requires org.slf4j;
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.identity.spi;
    requires transitive software.amazon.awssdk.regions;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.utils;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.imds;
    requires software.amazon.awssdk.services.rds;
    requires software.amazon.awssdk.services.secretsmanager;
    requires software.amazon.awssdk.services.sts;
    requires software.amazon.awssdk.services.cloudwatch;

    exports io.blip.plugin.aws.spi;

    uses io.blip.plugin.aws.spi.AwsCredentialsFactory;

    provides io.blip.api.monitor.MonitorLoader with io.blip.plugin.aws.rds.RdsMonitorLoader;
    provides io.blip.api.collect.CollectorFactory with io.blip.plugin.aws.cloudwatch.AwsRdsFactory;
}
