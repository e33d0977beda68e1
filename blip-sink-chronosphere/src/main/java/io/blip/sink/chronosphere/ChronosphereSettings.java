package io.blip.sink.chronosphere;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chronosphere sink's options, declared once ({@link #OPTIONS}; the runtime checks them and adds
 * the delivery options every sink has), and what the declaration cannot check: the URL.
 *
 * @param url           the collector's OpenMetrics write endpoint
 * @param strictTr      refuse a collection with a domain the naming has no names for
 * @param debug         log what would be sent instead of sending it, as Blip does
 * @param exporterNames {@code metric-names: exporter}: mysqld_exporter's names, made by the runtime
 *                      ({@link io.blip.api.sink.ExporterNaming}, as its {@code /metrics} names them);
 *                      else Blip's {@code mysql_<short domain>_<metric>}
 * @param timeout       the most one send may take ({@code send-timeout})
 */
record ChronosphereSettings(URI url, boolean strictTr, boolean debug, boolean exporterNames, Duration timeout) {
    static final String DEFAULT_URL = "http://127.0.0.1:3030/openmetrics/write";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("url", "URL of the Chronosphere collector's OpenMetrics write endpoint")
                    .withDefault(DEFAULT_URL),
            Option.bool("strict-tr", "Refuse a collection with a domain that metric-names cannot name (Blip's:"
                    + " status.global, var.global and innodb; the exporter's: also wait.io.table and size.binlog);"
                    + " no: leave such domains out"),
            Option.bool("debug", "Log the metrics instead of sending them"),
            Option.oneOf("metric-names", "How metrics are named",
                    "blip", "Blip's: mysql_<status|var|innodb>_<metric>, as Blip pushes them",
                    "exporter", "mysqld_exporter's names as /metrics serves them, of status.global, var.global,"
                            + " innodb, wait.io.table and size.binlog (without mysql_version_info and the Galera"
                            + " families, which need a scrape)")
                    .withDefault("blip"));

    /**
     * The settings of a sink's checked options.
     *
     * @throws BlipException listing every problem
     */
    static ChronosphereSettings of(Options options) {
        var problems = new ArrayList<String>();
        URI url = url(options, problems);
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new ChronosphereSettings(url, options.bool("strict-tr"), options.bool("debug"),
                options.string("metric-names").equals("exporter"), options.duration("send-timeout"));
    }

    private static URI url(Options options, List<String> problems) {
        String given = options.string("url").trim();
        try {
            URI uri = new URI(given);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(options.where("url") + ": '" + given + "' is not an HTTP URL; write it like " + DEFAULT_URL);
        return null;
    }

    /** For logs and status: where the metrics go. */
    String describe() {
        return url + (strictTr ? " (strict-tr)" : "") + (debug ? " (debug: logged, not sent)" : "");
    }
}
