package io.blip.sink.datadog;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.sink.MetricTranslator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.blip.sink.datadog.TestData.API_KEY;
import static io.blip.sink.datadog.TestData.APP_KEY;
import static io.blip.sink.datadog.TestData.options;
import static io.blip.sink.datadog.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The datadog sink's options: what each key does, and the boot error of each mistake. */
class DatadogSettingsTest {
    @TempDir
    Path dir;

    private static DatadogSettings settings(Map<String, String> values) {
        return DatadogSettings.of(options(values), Map.of());
    }

    private static String problem(Map<String, String> values) {
        String message = assertThrows(BlipException.class, () -> settings(values)).getMessage();
        assertFalse(message.contains(API_KEY) || message.contains(APP_KEY), message);
        return message;
    }

    @Test
    void declaresBlipsKeysWithTheKeysSecret() {
        OptionSet declared = new DatadogSinkFactory().options();
        assertEquals(List.of("api-key-auth", "api-key-auth-file", "app-key-auth", "app-key-auth-file", "api-compress",
                "site", "api-url", "metric-prefix", "metric-translator", "delta", "dogstatsd-host"), declared.keys());
        assertEquals(List.of("api-key-auth", "app-key-auth"),
                declared.options().stream().filter(Option::secret).map(Option::name).toList());
    }

    @Test
    void theApiOfTheDefaultSiteWithGzipAndDeltasByDefault() {
        DatadogSettings s = settings(pairs("api-key-auth", API_KEY, "app-key-auth", APP_KEY));
        assertTrue(s.api());
        assertEquals(URI.create("https://api.datadoghq.com/api/v2/series"), s.seriesUrl());
        assertTrue(s.compress());
        assertTrue(s.delta());
        assertEquals("", s.prefix());
        assertEquals(API_KEY, s.apiKey().current().reveal());
        assertEquals(APP_KEY, s.appKey().current().reveal());
        assertEquals("API https://api.datadoghq.com/api/v2/series (gzip), keys from sinks.datadog.api-key-auth and"
                + " sinks.datadog.app-key-auth", s.describe());
    }

    @Test
    void theSiteComesFromTheConfigOrDdSiteAndApiUrlReplacesIt() {
        var keys = pairs("api-key-auth", API_KEY, "app-key-auth", APP_KEY);
        var eu = new java.util.LinkedHashMap<>(keys);
        eu.put("site", "datadoghq.eu");
        assertEquals(URI.create("https://api.datadoghq.eu/api/v2/series"), settings(eu).seriesUrl());
        assertEquals(URI.create("https://api.us5.datadoghq.com/api/v2/series"),
                DatadogSettings.of(options(keys, Map.of("DD_SITE", "us5.datadoghq.com")), Map.of()).seriesUrl());
        var proxy = new java.util.LinkedHashMap<>(keys);
        proxy.put("api-url", "http://dd-proxy:8080/");
        assertEquals(URI.create("http://dd-proxy:8080/api/v2/series"), settings(proxy).seriesUrl());
        assertEquals(URI.create("http://dd-proxy:8080/api/v2/series"),
                DatadogSettings.of(options(proxy, Map.of("DD_SITE", "datadoghq.eu")), Map.of()).seriesUrl(),
                "the config's api-url wins over the environment's site");
        proxy.put("api-url", "http://dd-proxy:8080/api/v2/series");
        assertEquals(URI.create("http://dd-proxy:8080/api/v2/series"), settings(proxy).seriesUrl());
    }

    @Test
    void keysAreReadFromTheirFilesWithoutTheFinalNewline() throws Exception {
        Path api = Files.writeString(dir.resolve("api.key"), API_KEY + "\n");
        Path app = Files.writeString(dir.resolve("app.key"), "  " + APP_KEY + "\r\n");
        DatadogSettings s = settings(pairs("api-key-auth-file", api.toString(), "app-key-auth-file", app.toString()));
        assertEquals(API_KEY, s.apiKey().current().reveal());
        assertEquals(APP_KEY, s.appKey().current().reveal());
        assertEquals("API https://api.datadoghq.com/api/v2/series (gzip), keys from sinks.datadog.api-key-auth-file ("
                + api + ") and sinks.datadog.app-key-auth-file (" + app + ")", s.describe());
    }

    @Test
    void dogstatsdHostGetsPort8125WhenItHasNone() {
        DatadogSettings s = settings(pairs("dogstatsd-host", "agent.local", "metric-prefix", "mysql.", "delta", "false"));
        assertFalse(s.api());
        assertEquals("agent.local", s.statsdHost());
        assertEquals(8125, s.statsdPort());
        assertEquals("mysql.", s.prefix());
        assertFalse(s.delta());
        assertEquals("DogStatsD udp://agent.local:8125", s.describe());
        assertEquals(9125, settings(pairs("dogstatsd-host", "agent.local:9125")).statsdPort());
        assertEquals("::1", settings(pairs("dogstatsd-host", "[::1]:9125")).statsdHost());
        assertEquals(8125, settings(pairs("dogstatsd-host", "::1")).statsdPort());
        assertEquals("DogStatsD udp://[::1]:8125", settings(pairs("dogstatsd-host", "[::1]")).describe());
    }

    @Test
    void dogstatsdAndTheApiTogetherIsAnErrorNamingTheKeys() {
        assertEquals("sinks.datadog.dogstatsd-host and sinks.datadog.api-key-auth and sinks.datadog.app-key-auth:"
                + " DogStatsD and the Datadog API cannot be used together (every metric would reach Datadog twice);"
                + " remove dogstatsd-host to send to the API, or api-key-auth, app-key-auth to send through the Agent",
                problem(pairs("dogstatsd-host", "localhost", "api-key-auth", API_KEY, "app-key-auth", APP_KEY)));
        assertTrue(problem(pairs("dogstatsd-host", "localhost", "api-compress", "false"))
                .startsWith("sinks.datadog.dogstatsd-host and sinks.datadog.api-compress: DogStatsD and the Datadog API"));
    }

    @Test
    void theApiNeedsEachKeyOnce() throws Exception {
        assertEquals("sinks.datadog.api-key-auth: not set; set api-key-auth or api-key-auth-file (or dogstatsd-host to"
                + " send through a Datadog Agent instead of the API)\nsinks.datadog.app-key-auth: not set; set"
                + " app-key-auth or app-key-auth-file (or dogstatsd-host to send through a Datadog Agent instead of the"
                + " API)", problem(Map.of()));
        Path file = Files.writeString(dir.resolve("api.key"), API_KEY);
        assertEquals("sinks.datadog.api-key-auth and sinks.datadog.api-key-auth-file: both give the key; keep one",
                problem(pairs("api-key-auth", API_KEY, "api-key-auth-file", file.toString(), "app-key-auth", APP_KEY)));
    }

    @Test
    void anEmptyKeyFileOrOneOfManyLinesIsABootError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.key"), "\n");
        assertEquals("sinks.datadog.api-key-auth-file: the key file " + empty + " is empty; write the key in it",
                problem(pairs("api-key-auth-file", empty.toString(), "app-key-auth", APP_KEY)));
        Path two = Files.writeString(dir.resolve("two.key"), API_KEY + "\n" + APP_KEY + "\n");
        assertEquals("sinks.datadog.app-key-auth-file: the key file " + two + " holds more than one key (white space"
                + " or other characters a key has not); write only the key in it",
                problem(pairs("api-key-auth", API_KEY, "app-key-auth-file", two.toString())));
    }

    @Test
    void aMissingKeyFileIsReportedByTheRuntimesCheck() {
        String message = assertThrows(BlipException.class,
                () -> options(pairs("api-key-auth-file", dir.resolve("gone.key").toString()))).getMessage();
        assertEquals("sinks.datadog.api-key-auth-file: file " + dir.resolve("gone.key") + " does not exist", message);
    }

    @Test
    void aMetricTranslatorNotInstalledSaysWhichAreAndHowToInstallOne() {
        assertEquals("sinks.datadog.metric-translator: no metric translator named 'prom'. None is installed; a"
                + " translator is a plugin providing io.blip.api.sink.MetricTranslator, its jar in a directory under"
                + " plugins/", problem(pairs("metric-translator", "prom", "dogstatsd-host", "localhost")));
        MetricTranslator shortNames = new MetricTranslator() {
            public String name() {
                return "short";
            }

            public String description() {
                return "";
            }

            public String translate(String domain, String metric) {
                return metric;
            }
        };
        String message = assertThrows(BlipException.class, () -> DatadogSettings.of(
                options(pairs("metric-translator", "prom", "dogstatsd-host", "localhost")),
                Map.of("short", shortNames))).getMessage();
        assertTrue(message.startsWith("sinks.datadog.metric-translator: no metric translator named 'prom'."
                + " Installed: [short]; "), message);
        assertEquals(shortNames, DatadogSettings.of(options(pairs("metric-translator", " short ", "dogstatsd-host",
                "localhost")), Map.of("short", shortNames)).translator());
        assertFalse(settings(pairs("metric-translator", "", "dogstatsd-host", "localhost")).api(),
                "empty, as Blip's quick reference writes it: no translator");
    }

    @Test
    void badUrlsSitesAndAddressesSayHowToWriteThem() {
        var keys = pairs("api-key-auth", API_KEY, "app-key-auth", APP_KEY);
        var url = new java.util.LinkedHashMap<>(keys);
        url.put("api-url", "ftp://dd");
        assertEquals("sinks.datadog.api-url: 'ftp://dd' is not the base URL of an HTTP API; write it like"
                + " https://api.datadoghq.eu or http://dd-proxy:8080", problem(url));
        url.put("api-url", "https://user:pw@dd");
        assertTrue(problem(url).startsWith("sinks.datadog.api-url: 'https://user:pw@dd' is not the base URL"));
        var both = new java.util.LinkedHashMap<>(keys);
        both.put("api-url", "https://dd-proxy");
        both.put("site", "datadoghq.eu");
        assertEquals("sinks.datadog.site and sinks.datadog.api-url: both say where the API is; keep one", problem(both));
        String site = assertThrows(BlipException.class, () -> options(pairs("site", "https://datadoghq.eu")))
                .getMessage();
        assertTrue(site.startsWith("sinks.datadog.site: 'https://datadoghq.eu' is not a Datadog site; write it like"
                + " datadoghq.eu"), site);
        for (String bad : List.of("agent:port", "agent:0", "agent:70000", "[::1", "[::1]x", ":8125")) {
            assertEquals("sinks.datadog.dogstatsd-host: '" + bad + "' is not host[:port]; write it like localhost,"
                    + " localhost:8125 or [::1]:8125", problem(pairs("dogstatsd-host", bad)));
        }
    }

    /**
     * Blip's quick reference (docs/content/sinks/datadog.md) writes every key empty, which is no value:
     * as in Blip, it does not boot, for want of the keys.
     */
    @Test
    void blipsQuickReferenceWithEveryValueEmptyIsRefusedForWantOfTheKeys() {
        var quickReference = pairs("api-compress", "true", "api-key-auth", "", "api-key-auth-file", "",
                "app-key-auth", "", "app-key-auth-file", "", "metric-translator", "", "metric-prefix", "",
                "dogstatsd-host", "");
        assertEquals("sinks.datadog.api-key-auth: not set; set api-key-auth or api-key-auth-file (or dogstatsd-host to"
                + " send through a Datadog Agent instead of the API)\nsinks.datadog.app-key-auth: not set; set"
                + " app-key-auth or app-key-auth-file (or dogstatsd-host to send through a Datadog Agent instead of the"
                + " API)", problem(quickReference));
    }
}
