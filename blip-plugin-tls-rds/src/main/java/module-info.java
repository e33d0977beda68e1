/**
 * The Amazon RDS CA bundle and the rules that turn TLS on for RDS endpoints automatically.
 * Loaded as its own layer from {@code plugins/tls-rds/}.
 */
module io.blip.plugin.tls.rds {
    requires io.blip.api;
    requires org.slf4j;

    provides io.blip.api.tls.TlsProvider with io.blip.plugin.tls.rds.RdsTlsProvider;
    provides io.blip.api.config.MonitorSection with io.blip.plugin.tls.rds.RdsTlsSection;
}
