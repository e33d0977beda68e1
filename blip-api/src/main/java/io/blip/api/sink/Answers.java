package io.blip.api.sink;

import io.blip.api.time.Time;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** What a receiver's HTTP answer says, read the same way by every sink that sends over HTTP. */
public final class Answers {
    /** The most of a receiver's own words an error message quotes. */
    private static final int QUOTED = 300;

    private Answers() {
    }

    /**
     * The wait a {@code Retry-After} header asks for, from {@code now}: seconds, or an HTTP date (a past
     * date is no wait); empty when it is neither.
     */
    public static Optional<Duration> retryAfter(String header, Instant now) {
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** {@code : <the start of what the receiver said>}, on one line; empty when it said nothing. */
    public static String quoted(String body) {
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "" : ": " + shortened(text);
    }

    /** {@code text}, cut to the length an error message quotes. */
    public static String shortened(String text) {
        return text.length() > QUOTED ? text.substring(0, QUOTED) + "..." : text;
    }

    /**
     * Sends a request in what is left of a send's time, as every HTTP sink does: no time left, no answer
     * in time, or a connection that fails is a retryable {@link SendException} saying which.
     *
     * @param deadline    when the send's time ends, on {@link Time#nanoTime()}
     * @param sendTimeout the sink's {@code send-timeout}, for the message
     */
    public static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request, long deadline, Time time,
                                            Duration sendTimeout) throws InterruptedException, SendException {
        long left = deadline - time.nanoTime();
        String late = "no answer within send-timeout " + sendTimeout.toMillis() + " ms";
        if (left <= 0) {
            throw SendException.retry(late, null);
        }
        try {
            return client.send(request.timeout(Duration.ofNanos(left)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw SendException.retry(late, null);
        } catch (IOException e) {
            String message = e.getMessage();
            throw SendException.retry(e.getClass().getSimpleName() + (message == null || message.isBlank() ? ""
                    : ": " + message), null);
        }
    }
}
