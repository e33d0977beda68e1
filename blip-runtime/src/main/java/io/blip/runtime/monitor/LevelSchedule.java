package io.blip.runtime.monitor;

import io.blip.api.plan.Level;
import io.blip.api.plan.Plan;
import java.util.ArrayList;
import java.util.List;

/**
 * Which levels of a plan are due at a given second. The plan has been levelled up (a level whose
 * frequency is a multiple of a lower one's already collects that level's domains), so when several
 * levels are due only the highest is collected, plus any due level it does not include (a
 * frequency that is not a divisor of the highest's). At second 0 every level is due.
 */
public final class LevelSchedule {
    private final List<Level> levels;

    public LevelSchedule(Plan leveled) {
        this.levels = leveled.levelsByFrequency();
    }

    /** The plan's levels, fastest first. */
    public List<Level> levels() {
        return levels;
    }

    /** The levels to collect when {@code elapsedSeconds} have passed since the plan started. */
    public List<Level> due(long elapsedSeconds) {
        List<Level> due = new ArrayList<>();
        for (int i = levels.size() - 1; i >= 0; i--) {
            Level level = levels.get(i);
            long freq = level.freq().toSeconds();
            if (freq <= 0 || elapsedSeconds % freq != 0) {
                continue;
            }
            boolean included = due.stream().anyMatch(higher -> higher.freq().toSeconds() % freq == 0);
            if (!included) {
                due.add(level);
            }
        }
        return due.reversed();
    }
}
