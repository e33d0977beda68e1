package io.blip.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bin/blip's API as the soak uses it: each monitor's health ({@code /status/monitor/internal}),
 * {@code POST /monitors/reload}, and the config as served. Every answer is appended to a file, which the
 * secrets scan reads.
 */
final class SoakApi {
    /**
     * One monitor's health as the API showed it: the counters of the monitor's life that began at
     * {@code started}, as of {@code time}.
     */
    record Health(String monitor, Instant started, Instant time, long collections, long sent, long queued,
                  long dropped, long rejected, long failed) {
        long drops() {
            return dropped + rejected + failed;
        }
    }

    private static final Pattern HEALTH = Pattern.compile("\"Health\":\\{\"Time\":\"([^\"]+)\",\"Started\":\"([^\"]+)\"");
    private static final Pattern COLLECTIONS = Pattern.compile("\"Collections\":(\\d+)");
    private static final Pattern SINK = Pattern.compile("\"Sent\":(\\d+),\"Queued\":(\\d+),\"Dropped\":(\\d+),"
            + "\"Rejected\":(\\d+),\"Failed\":(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Path answers;

    SoakApi(String hostPort, Path answers) {
        this.base = "http://" + hostPort;
        this.answers = answers;
    }

    /** The monitor's last health, if it is loaded and has made one. */
    Optional<Health> health(String monitor) {
        String body = call("GET", "/status/monitor/internal?id=" + monitor).body();
        Matcher h = HEALTH.matcher(body);
        if (!h.find()) {
            return Optional.empty();
        }
        long collections = 0;
        Matcher c = COLLECTIONS.matcher(body);
        while (c.find()) {
            collections += Long.parseLong(c.group(1));
        }
        Matcher s = SINK.matcher(body);
        if (!s.find()) {
            return Optional.empty();
        }
        return Optional.of(new Health(monitor, Instant.parse(h.group(2)), Instant.parse(h.group(1)), collections,
                Long.parseLong(s.group(1)), Long.parseLong(s.group(2)), Long.parseLong(s.group(3)),
                Long.parseLong(s.group(4)), Long.parseLong(s.group(5))));
    }

    /** {@code POST /monitors/reload}: its status and answer. */
    HttpResponse<String> reload() {
        return call("POST", "/monitors/reload");
    }

    HttpResponse<String> get(String path) {
        return call("GET", path);
    }

    private HttpResponse<String> call(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            Files.writeString(answers, method + " " + path + " " + answer.statusCode() + "\n" + answer.body() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }
}
