package io.blip.runtime;

import io.blip.testkit.LogEvents;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The summary line comes once a minute of the level clock's seconds, not more often. */
class SummaryTest {
    @Test
    void oneLineAMinuteOfTicks() {
        try (var events = new LogEvents(Summary.class)) {
            var summary = new Summary(List::of);
            for (long second = 1_000; second < 1_000 + 3 * 60; second++) {
                summary.tick(second);
            }
            assertEquals(List.of("summary: monitors 0/0 up; 0 collections", "summary: monitors 0/0 up; 0 collections"),
                    events.at("INFO"));
        }
    }
}
