/**
 * AWS for Blip: region resolvers, RDS IAM and Secrets Manager credential sources, RDS monitor
 * loader, the {@code aws.rds} CloudWatch domain. Loaded as its own layer from {@code plugins/aws/}.
 */
module io.blip.plugin.aws {
    requires io.blip.api;
}
