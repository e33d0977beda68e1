package io.blip.sink.signalfx;

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
import java.util.Map;
import java.util.List;

/**
 * The signalfx sink's options, declared once ({@link #OPTIONS}; the runtime checks them and adds the
 * delivery options every sink has), and what the declaration cannot check: the token (exactly one of
 * {@code auth-token} and {@code auth-token-file}), where the ingest API is, and
 * {@code metric-translator}, which this port refuses. The token never appears in a message.
 *
 * @param datapointUrl the ingest API's {@code .../v2/datapoint}
 * @param token        the org access token, inline or from its file
 * @param prefix       put before {@code <domain>.<metric>}
 * @param translator   {@code metric-translator}: names a metric instead of {@code <domain>.<metric>}; null for none
 * @param timeout      the most one send may take ({@code send-timeout})
 */
record SignalFxSettings(URI datapointUrl, SecretFile token, String prefix, MetricTranslator translator,
                        Duration timeout) {

    /** How messages name the token; a token file read again, or unreadable, is logged as the sink's. */
    private static final SecretFile.Wording TOKEN = new SecretFile.Wording("token", "the token", "");
    private static final SecretFile.Log TOKEN_LOG = new SecretFile.Log(
            LoggerFactory.getLogger(DatapointSink.class)::info, LoggerFactory.getLogger(DatapointSink.class)::warn);

    static final String DATAPOINT_PATH = "/v2/datapoint";
    /** Where Blip's SignalFx client (golib's sfxclient) sends when nothing says otherwise. */
    static final String DEFAULT_INGEST = "https://ingest.signalfx.com";

    static final OptionSet OPTIONS = OptionSet.of(
            Option.string("auth-token", "SignalFx org access token (X-SF-Token); or auth-token-file").asSecret(),
            Option.path("auth-token-file", "File holding the SignalFx access token; read at boot, when it changes,"
                    + " at every reload (SIGHUP, POST /monitors/reload) and after SignalFx refuses the token (401, 403)"),
            Option.string("metric-prefix", "Put before <domain>.<metric>, literally (no dot is added), e.g. mysql."),
            Option.string("metric-translator", "Name of a metric translator plugin that names each metric instead of"
                    + " <domain>.<metric> (the prefix still comes first); --print-plugins lists those installed"),
            Option.string("realm", "SignalFx realm whose ingest API receives the datapoints"
                    + " (https://ingest.<realm>.signalfx.com): us0, us1, us2, eu0, jp0, ...; without it, "
                    + DEFAULT_INGEST + " as Blip's client")
                    .matching("[a-z0-9]+", "is not a SignalFx realm; write it like us1"),
            Option.string("ingest-url", "Base URL of the ingest API instead of the realm's, e.g. a proxy's"
                    + " http://sfx-proxy:8080; " + DATAPOINT_PATH + " is added"));

    /**
     * The settings of a sink's checked options; a token file is read now.
     *
     * @throws BlipException listing every problem
     */
    static SignalFxSettings of(Options options, Map<String, MetricTranslator> translators) {
        var problems = new ArrayList<String>();
        MetricTranslator translator = MetricNames.translator(options, "metric-translator", translators, problems);
        URI url = datapointUrl(options, problems);
        SecretFile token = SecretFile.of(options, "auth-token", "auth-token-file", TOKEN, TOKEN_LOG, problems);
        if (!problems.isEmpty()) {
            throw new BlipException(String.join("\n", problems));
        }
        return new SignalFxSettings(url, token, options.string("metric-prefix"), translator,
                options.duration("send-timeout"));
    }

    /** {@code <ingest-url, https://ingest.<realm>.signalfx.com, or Blip's default>/v2/datapoint}. */
    private static URI datapointUrl(Options options, List<String> problems) {
        String realm = options.string("realm").trim();
        String given = options.string("ingest-url").trim();
        if (given.isEmpty()) {
            return URI.create((realm.isEmpty() ? DEFAULT_INGEST : "https://ingest." + realm + ".signalfx.com")
                    + DATAPOINT_PATH);
        }
        if (!realm.isEmpty()) {
            problems.add(options.where("realm") + " and " + options.where("ingest-url") + ": both say where the"
                    + " ingest API is; keep one");
        }
        String how = "; write it like https://ingest.us1.signalfx.com or http://sfx-proxy:8080";
        URI uri;
        try {
            uri = new URI(given);
        } catch (URISyntaxException e) {
            problems.add(options.where("ingest-url") + ": '" + given + "' is not a URL" + how);
            return null;
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            problems.add(options.where("ingest-url") + ": '" + given + "' is not the base URL of an HTTP API" + how);
            return null;
        }
        String base = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
        return URI.create(base.endsWith(DATAPOINT_PATH) ? base : base + DATAPOINT_PATH);
    }

    /** For logs and status: where the datapoints go, never the token. */
    String describe() {
        return datapointUrl + ", token from " + token.describe();
    }

    @Override
    public String toString() {
        return "SignalFxSettings[" + describe() + "]";
    }
}
