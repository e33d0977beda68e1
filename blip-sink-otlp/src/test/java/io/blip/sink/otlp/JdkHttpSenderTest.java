package io.blip.sink.otlp;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JdkHttpSenderTest {
    private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

    private static Optional<Duration> retryAfter(String... value) {
        var response = new JdkHttpSender.Response(503, "", new byte[0], Optional.ofNullable(value.length == 0 ? null
                : value[0]));
        return response.retryAfter(NOW);
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
