package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.plan.Domain;
import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeLimitsTest {
    private static Domain domain(String name) {
        return new Domain(name, List.of(), Map.of(), Map.of());
    }

    @Test
    void followsBlipsTimeLimitFormula() {
        assertEquals(Duration.ofMillis(4500), TimeLimits.limit(Duration.ofSeconds(5), 0.10, Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(59), TimeLimits.limit(Duration.ofSeconds(60), 0.10, Duration.ofSeconds(1)));
        assertEquals(Duration.ofMillis(800), TimeLimits.limit(Duration.ofSeconds(1), 0.20, Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(18), TimeLimits.limit(Duration.ofSeconds(20), 0.20, Duration.ofSeconds(2)));
    }

    @Test
    void aDomainIsBoundByItsFastestLevelAndByTheCollectionLimit() {
        Plan plan = new Plan("p", "test", Map.of(
                "fast", new Level("fast", Duration.ofSeconds(5), Map.of("status.global", domain("status.global"))),
                "slow", new Level("slow", Duration.ofSeconds(300), Map.of("size.table", domain("size.table"),
                        "status.global", domain("status.global")))));
        TimeLimits limits = TimeLimits.of(plan);
        assertEquals(Duration.ofMillis(4500), limits.collection());
        assertEquals(Duration.ofSeconds(4), limits.domain("status.global"));
        assertEquals(Duration.ofMillis(4500), limits.domain("size.table"));
    }

    @Test
    void aLevelsTimeoutReplacesTheCollectionLimitForThatLevelOnly() {
        Level kpi = new Level("kpi", Duration.ofSeconds(5), Map.of("var.global", domain("var.global")),
                Duration.ofSeconds(1));
        Level slow = new Level("slow", Duration.ofSeconds(60), Map.of("size.table", domain("size.table")),
                Duration.ofSeconds(30));
        Level plain = new Level("plain", Duration.ofSeconds(10), Map.of());
        TimeLimits limits = TimeLimits.of(new Plan("p", "test", Map.of("kpi", kpi, "slow", slow, "plain", plain)));
        assertEquals(Duration.ofSeconds(1), limits.collection(kpi));
        assertEquals(Duration.ofSeconds(30), limits.collection(slow));
        assertEquals(Duration.ofMillis(4500), limits.collection(plain), "Blip's limit: the fastest level's freq less 10%");
        assertEquals(Duration.ofSeconds(30), limits.longest());
    }
}
