package io.blip.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LevelScheduleTest {
    private static Plan plan(Object... nameAndSeconds) {
        Map<String, Level> levels = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSeconds.length; i += 2) {
            String name = (String) nameAndSeconds[i];
            levels.put(name, new Level(name, Duration.ofSeconds((Integer) nameAndSeconds[i + 1]), Map.of()));
        }
        return new Plan("p", "test", levels);
    }

    private static List<String> due(LevelSchedule s, long second) {
        return s.due(second).stream().map(Level::name).toList();
    }

    @Test
    void collectsOnlyTheHighestDueLevelWhenItIncludesTheOthers() {
        LevelSchedule s = new LevelSchedule(plan("performance", 5, "additional", 20, "data-size", 300,
                "sysvars", 900));
        assertEquals(List.of("sysvars"), due(s, 0));
        assertEquals(List.of("performance"), due(s, 5));
        assertEquals(List.of(), due(s, 6));
        assertEquals(List.of("additional"), due(s, 20));
        assertEquals(List.of("data-size"), due(s, 300));
        assertEquals(List.of("sysvars"), due(s, 1800));
    }

    @Test
    void collectsADueLevelTheHighestDoesNotInclude() {
        LevelSchedule s = new LevelSchedule(plan("five", 5, "seven", 7));
        assertEquals(List.of("five", "seven"), due(s, 35));
        assertEquals(List.of("seven"), due(s, 14));
        assertEquals(List.of("five"), due(s, 10));
    }
}
