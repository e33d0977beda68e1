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
 * adds the delivery options every sink has), and what the declaration cannot check: the address, and
 * {@code metric-names: exporter}, which a plugin cannot make (below).
 *
 * <p>mysqld_exporter's own names, labels and help are written by the runtime's
 * {@code io.blip.runtime.prom} ({@code ExporterNames}, {@code Exposition}) for {@code /metrics}. A plugin
 * compiles against blip-api alone and the module graph is a star around it (ArchitectureTest), so
 * this plugin cannot call them; and they are not pure: {@code mysql_version_info}, the Galera
 * families and the InnoDB metrics' help read what the exporter reads beside Blip's domains, on the
 * monitor's connection. Copying them here would make two translations to keep equal, so
 * {@code exporter} is refused until the runtime offers them to sinks.
 *
 * @param addr    the Pushgateway's base URL ({@code http://host:9091})
 * @param timeout the most one send may take ({@code send-timeout})
 */
record PushgatewaySettings(URI addr, Duration timeout) {
    static final String DEFAULT_ADDR = "http://127.0.0.1:9091";
    /** Blip's job name. */
    static final String JOB = "blip";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("addr", "URL of the Pushgateway to push to (http:// or https://)")
                    .withDefault(DEFAULT_ADDR),
            Option.oneOf("metric-names", "How metrics are named",
                    "blip", "Blip's Prometheus translators (status.global, var.global, innodb), as Blip pushes them",
                    "exporter", "mysqld_exporter's names as /metrics serves them: not supported by this sink")
                    .withDefault("blip"));

    /**
     * The settings of a sink's checked options.
     *
     * @throws BlipException listing every problem
     */
    static PushgatewaySettings of(Options options) {
        var problems = new ArrayList<String>();
        if (options.string("metric-names").equals("exporter")) {
            problems.add(options.where("metric-names") + ": 'exporter': not supported: mysqld_exporter's names are"
                    + " made by the runtime (with what it reads beside Blip's domains), which a sink plugin cannot"
                    + " reach; use metric-names: blip (Blip's translators, mostly the exporter's names), or Blip's"
                    + " exporter section to serve mysqld_exporter's names for scraping");
        }
        URI addr = url(options, problems);
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new PushgatewaySettings(addr, options.duration("send-timeout"));
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
