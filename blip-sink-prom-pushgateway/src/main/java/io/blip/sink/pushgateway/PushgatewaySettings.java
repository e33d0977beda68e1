package io.blip.sink.pushgateway;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;

/**
 * The prom-pushgateway sink's options, declared once ({@link #OPTIONS}; the runtime checks them and
 * adds the delivery options every sink has), and what the declaration cannot check: the address.
 *
 * @param addr          the Pushgateway's base URL ({@code http://host:9091})
 * @param exporterNames {@code metric-names: exporter}: mysqld_exporter's names, made by the runtime
 *                      ({@link io.blip.api.sink.ExporterNaming}, as its {@code /metrics} names them);
 *                      else Blip's translators' names ({@link BlipNames})
 * @param timeout       the most one send may take ({@code send-timeout})
 */
record PushgatewaySettings(URI addr, boolean exporterNames, Duration timeout) {
    static final String DEFAULT_ADDR = "http://127.0.0.1:9091";
    /** Blip's job name. */
    static final String JOB = "blip";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("addr", "URL of the Pushgateway to push to (http:// or https://)")
                    .withDefault(DEFAULT_ADDR),
            Option.oneOf("metric-names", "How metrics are named",
                    "blip", "Blip's Prometheus translators (status.global, var.global, innodb), as Blip pushes them",
                    "exporter", "mysqld_exporter's names as /metrics serves them, of status.global, var.global,"
                            + " innodb, wait.io.table and size.binlog (without mysql_version_info and the Galera"
                            + " families, which need a scrape)")
                    .withDefault("blip"));

    /**
     * The settings of a sink's checked options.
     *
     * @throws BlipException listing every problem
     */
    static PushgatewaySettings of(Options options) {
        var problems = new ArrayList<String>();
        URI addr = url(options, problems);
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new PushgatewaySettings(addr, options.string("metric-names").equals("exporter"),
                options.duration("send-timeout"));
    }

    private static URI url(Options options, java.util.List<String> problems) {
        String given = options.string("addr").trim();
        String how = "; write it like " + DEFAULT_ADDR + " (http:// required, as in Blip)";
        try {
            URI uri = new URI(given);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getQuery() == null && uri.getFragment() == null) {
                return URI.create(given.endsWith("/") ? given.substring(0, given.length() - 1) : given);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(options.where("addr") + ": '" + given + "' is not the URL of a Pushgateway" + how);
        return null;
    }

    /** {@code <addr>/metrics/job/blip/monitor/<id>}: one group per monitor (base64 when the id has a /). */
    URI groupUrl(String monitorId) {
        String group = monitorId.isEmpty() || monitorId.contains("/")
                ? "monitor@base64/" + (monitorId.isEmpty() ? "=" : java.util.Base64.getUrlEncoder()
                .encodeToString(monitorId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                : "monitor/" + java.net.URLEncoder.encode(monitorId, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        return URI.create(addr + "/metrics/job/" + JOB + "/" + group);
    }

    /** For logs and status: where the metrics go. */
    String describe() {
        return addr.toString();
    }
}
