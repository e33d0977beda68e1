package io.blip.sink.datadog;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.sink.MetricNames;
import io.blip.api.sink.MetricTranslator;
import io.blip.api.sink.SecretFile;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The datadog sink's options, declared once ({@link #OPTIONS}; the runtime checks them and adds the
 * delivery options every sink has), and what the declaration cannot check: which of the two ways to
 * Datadog the config chose, the keys each way needs, the API URL and the DogStatsD address. Key values
 * never appear in a message.
 *
 * @param api         true for the Datadog API, false for DogStatsD
 * @param seriesUrl   the API's series endpoint ({@code .../api/v2/series}); null for DogStatsD
 * @param apiKey      the API key (inline or from its file); null for DogStatsD
 * @param appKey      the application key; null for DogStatsD
 * @param compress    gzip the API's requests
 * @param statsdHost  the Agent's host; empty for the API
 * @param statsdPort  the Agent's DogStatsD port
 * @param prefix      put before {@code <domain>.<metric>}
 * @param translator  {@code metric-translator}: names a metric instead of {@code <domain>.<metric>}; null for none
 * @param delta       send cumulative counters as deltas (as Blip does); false: as gauges of their value
 * @param timeout     the most one send may take ({@code send-timeout})
 */
record DatadogSettings(boolean api, URI seriesUrl, SecretFile apiKey, SecretFile appKey, boolean compress,
                       String statsdHost, int statsdPort, String prefix, MetricTranslator translator, boolean delta,
                       Duration timeout) {

    /** How messages name a key; a key file read again, or unreadable, is logged as the API sink's. */
    private static final SecretFile.Wording KEY = new SecretFile.Wording("key", "one key",
            " (or dogstatsd-host to send through a Datadog Agent instead of the API)");
    private static final SecretFile.Log KEY_LOG = new SecretFile.Log(
            LoggerFactory.getLogger(ApiSink.class)::info, LoggerFactory.getLogger(ApiSink.class)::warn);

    static final String SERIES_PATH = "/api/v2/series";
    static final String DEFAULT_SITE = "datadoghq.com";
    static final int STATSD_PORT = 8125;
    /** What only the API uses: none may be written beside {@code dogstatsd-host}. */
    private static final List<String> API_KEYS = List.of("api-key-auth", "api-key-auth-file", "app-key-auth",
            "app-key-auth-file", "api-compress", "site", "api-url");

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("api-key-auth", "Datadog API key (the API's DD-API-KEY); or api-key-auth-file").asSecret(),
            Option.path("api-key-auth-file", "File holding the Datadog API key; read at boot, when it changes, at"
                    + " every reload (SIGHUP, POST /monitors/reload) and after Datadog refuses a key (401, 403)"),
            Option.string("app-key-auth", "Datadog application key (DD-APPLICATION-KEY); or app-key-auth-file")
                    .asSecret(),
            Option.path("app-key-auth-file", "File holding the Datadog application key; read like"
                    + " api-key-auth-file"),
            Option.bool("api-compress", "gzip the API's requests").withDefault("true"),
            Option.string("site", "Datadog site whose API receives the series (https://api.<site>): datadoghq.com,"
                    + " us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ddog-gov.com, ...")
                    .withDefault(DEFAULT_SITE).env("DD_SITE")
                    .matching("[a-z0-9]([a-z0-9.-]*[a-z0-9])?", "is not a Datadog site; write it like datadoghq.eu"),
            Option.string("api-url", "Base URL of the Datadog API instead of the site's, e.g. a proxy's"
                    + " https://dd-proxy:8443; " + SERIES_PATH + " is added"),
            Option.string("metric-prefix", "Put before <domain>.<metric>, e.g. mysql."),
            Option.string("metric-translator", "Name of a metric translator plugin that names each metric instead of"
                    + " <domain>.<metric> (the prefix still comes first); --print-plugins lists those installed"),
            Option.bool("delta", "Send cumulative counters as Datadog counts of their change since the last"
                    + " collection (the first value and resets are dropped); false: as gauges of their value")
                    .withDefault("true"),
            Option.string("dogstatsd-host", "Send through a Datadog Agent's DogStatsD at host[:port] (port 8125"
                    + " when missing) instead of the API"));

    /**
     * The settings of a sink's checked options; key files are read now.
     *
     * @throws BlipException listing every problem: the two ways written together, a key missing or
     *                       written twice, an unreadable or empty key file, a bad URL or address,
     *                       a {@code metric-translator} not installed
     */
    static DatadogSettings of(Options options, Map<String, MetricTranslator> translators) {
        var problems = new ArrayList<String>();
        MetricTranslator translator = MetricNames.translator(options, "metric-translator", translators, problems);
        String prefix = options.string("metric-prefix").trim();
        boolean delta = options.bool("delta");
        Duration timeout = options.duration("send-timeout");
        String statsd = options.string("dogstatsd-host").trim();
        if (!statsd.isEmpty()) {
            List<String> apiKeys = API_KEYS.stream().filter(k -> options.source(k) == Options.Source.CONFIG).toList();
            if (!apiKeys.isEmpty()) {
                problems.add(Stream.concat(Stream.of("dogstatsd-host"), apiKeys.stream()).map(options::where)
                        .reduce((a, b) -> a + " and " + b).orElseThrow() + ": DogStatsD and the Datadog API cannot"
                        + " be used together (every metric would reach Datadog twice); remove dogstatsd-host to send"
                        + " to the API, or " + String.join(", ", apiKeys) + " to send through the Agent");
            }
            String[] hostPort = hostPort(options, statsd, problems);
            failIf(problems);
            return new DatadogSettings(false, null, null, null, false, hostPort[0], Integer.parseInt(hostPort[1]),
                    prefix, translator, delta, timeout);
        }
        URI url = seriesUrl(options, problems);
        SecretFile apiKey = SecretFile.of(options, "api-key-auth", "api-key-auth-file", KEY, KEY_LOG, problems);
        SecretFile appKey = SecretFile.of(options, "app-key-auth", "app-key-auth-file", KEY, KEY_LOG, problems);
        failIf(problems);
        return new DatadogSettings(true, url, apiKey, appKey, options.bool("api-compress"), "", 0, prefix,
                translator, delta, timeout);
    }

    private static void failIf(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
    }

    /** {@code <api-url or https://api.<site>>/api/v2/series}. */
    private static URI seriesUrl(Options options, List<String> problems) {
        if (!options.has("api-url") || options.string("api-url").isBlank()) {
            return URI.create("https://api." + options.string("site") + SERIES_PATH);
        }
        if (options.source("site") == Options.Source.CONFIG) {
            problems.add(options.where("site") + " and " + options.where("api-url") + ": both say where the API is;"
                    + " keep one");
        }
        String given = options.string("api-url").trim();
        String how = "; write it like https://api.datadoghq.eu or http://dd-proxy:8080";
        URI uri;
        try {
            uri = new URI(given);
        } catch (URISyntaxException e) {
            problems.add(options.where("api-url") + ": '" + given + "' is not a URL" + how);
            return null;
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            problems.add(options.where("api-url") + ": '" + given + "' is not the base URL of an HTTP API" + how);
            return null;
        }
        String base = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
        return URI.create(base.endsWith(SERIES_PATH) ? base : base + SERIES_PATH);
    }

    /** host and port of {@code host}, {@code host:port}, {@code [v6]}, {@code [v6]:port} or a bare IPv6 address. */
    private static String[] hostPort(Options options, String given, List<String> problems) {
        String host = given;
        String port = String.valueOf(STATSD_PORT);
        if (given.startsWith("[")) {
            int end = given.indexOf(']');
            host = end < 0 ? "" : given.substring(1, end);
            String rest = end < 0 ? "" : given.substring(end + 1);
            if (end < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                host = "";
            } else if (!rest.isEmpty()) {
                port = rest.substring(1);
            }
        } else if (given.indexOf(':') >= 0 && given.indexOf(':') == given.lastIndexOf(':')) {
            host = given.substring(0, given.indexOf(':'));
            port = given.substring(given.indexOf(':') + 1);
        }
        boolean portOk = port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        if (host.isEmpty() || host.contains("/") || !portOk) {
            problems.add(options.where("dogstatsd-host") + ": '" + given + "' is not host[:port]; write it like"
                    + " localhost, localhost:8125 or [::1]:8125");
            return new String[] {"", "0"};
        }
        return new String[] {host, port};
    }

    /** For logs and status: where the series go, never a key. */
    String describe() {
        return api ? "API " + seriesUrl + (compress ? " (gzip)" : "") + ", keys from " + apiKey.describe() + " and "
                + appKey.describe() : "DogStatsD udp://" + (statsdHost.contains(":") ? "[" + statsdHost + "]"
                : statsdHost) + ":" + statsdPort;
    }

    @Override
    public String toString() {
        return "DatadogSettings[" + describe() + "]";
    }
}
