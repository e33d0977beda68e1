package io.blip.api.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnswersTest {
    private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

    @Test
    void retryAfterInSecondsOrAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), Answers.retryAfter(" 120 ", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), Answers.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), Answers.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", NOW));
        assertEquals(Optional.empty(), Answers.retryAfter("-1", NOW));
        assertEquals(Optional.empty(), Answers.retryAfter("soon", NOW));
    }

    @Test
    void theReceiversWordsOnOneLineAndShort() {
        assertEquals("", Answers.quoted(null));
        assertEquals("", Answers.quoted(" \n "));
        assertEquals(": bad metric name", Answers.quoted("bad\tmetric\n  name"));
        assertEquals(": " + "a".repeat(300) + "...", Answers.quoted("a".repeat(400)));
    }
}
