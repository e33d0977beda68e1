package io.blip.sink.otlp;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JdkHttpSenderTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);

    private static Optional<Duration> retryAfter(String... value) {
        var headers = HttpHeaders.of(value.length == 0 ? Map.of() : Map.of("Retry-After", List.of(value)),
                (a, b) -> true);
        return JdkHttpSender.retryAfter(headers, NOW);
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), retryAfter("120"));
        assertEquals(Optional.of(Duration.ofSeconds(30)), retryAfter("Wed, 21 Oct 2015 07:28:30 GMT"));
        assertEquals(Optional.of(Duration.ZERO), retryAfter("Wed, 21 Oct 2015 07:27:00 GMT"), "a past date: now");
        assertEquals(Optional.empty(), retryAfter());
        assertEquals(Optional.empty(), retryAfter("soon"));
        assertEquals(Optional.empty(), retryAfter("-5"));
    }
}
