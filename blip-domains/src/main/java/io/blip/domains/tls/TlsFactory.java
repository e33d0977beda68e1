package io.blip.domains.tls;

import io.blip.api.MetricType;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.DomainFactory;

/**
 * The {@code tls} domain: whether the server accepts TLS connections and, where the server has
 * {@code performance_schema.tls_channel_status} (MySQL 8.0.21+), each TLS channel's state, certificate
 * validity and handshakes. Blip reads only {@code @@have_ssl}, which MySQL 8.4 removed (Blip issue
 * #133).
 */
public final class TlsFactory extends DomainFactory {
    static final String DOMAIN = "tls";

    static final CollectorHelp HELP = CollectorHelp.builder(DOMAIN, "TLS status: enabled, and per TLS channel"
                    + " (mysql_main, mysql_admin) certificate expiry from performance_schema.tls_channel_status"
                    + " (MySQL 8.0.21+; not on MariaDB)")
            .metric("enabled", MetricType.BOOL, "True (1) if the server accepts TLS connections, else false (0):"
                    + " some channel of performance_schema.tls_channel_status is enabled where the server has the"
                    + " table, else have_ssl = YES")
            .metric("channel_enabled", MetricType.BOOL, "True (1) if the channel accepts TLS connections (its"
                    + " Enabled property), else false (0); group channel")
            .metric("cert_not_before", MetricType.GAUGE, "s", "When the channel's server certificate becomes valid"
                    + " (Ssl_server_not_before), Unix time in seconds; group channel")
            .metric("cert_not_after", MetricType.GAUGE, "s", "When the channel's server certificate expires"
                    + " (Ssl_server_not_after), Unix time in seconds; group channel")
            .metric("cert_expires_in", MetricType.GAUGE, "s", "Seconds until the channel's server certificate"
                    + " expires, by the monitor's clock; negative once it has expired; group channel")
            .metric("accepts", MetricType.CUMULATIVE_COUNTER, "Server-side TLS handshakes started on the channel"
                    + " (Ssl_accepts); group channel")
            .metric("finished_accepts", MetricType.CUMULATIVE_COUNTER, "Server-side TLS handshakes completed on the"
                    + " channel (Ssl_finished_accepts); accepts minus finished_accepts failed; group channel")
            .strictMetrics()
            .group("channel")
            .error("table-not-exist", "MySQL error 1146: performance_schema.tls_channel_status does not exist"
                    + " (MariaDB, MySQL before 8.0.21) and the plan lists a channel metric", 1146)
            .error("access-denied", "MySQL error 1142: SELECT denied on performance_schema.tls_channel_status"
                    + " (grant SELECT ON performance_schema.*)", 1142)
            .build();

    public TlsFactory() {
        super(HELP, TlsCollector::new);
    }
}
