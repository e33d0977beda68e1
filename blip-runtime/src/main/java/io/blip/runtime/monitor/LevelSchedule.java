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

    /** The levels to collect when {@code elapsedSeconds} have passed since the plan started, fastest first. */
    public List<Level> due(long elapsedSeconds) {
        // Plain loops: this runs once a second per monitor, mostly before the JIT has compiled it.
        List<Level> due = new ArrayList<>(2);
        for (int i = levels.size() - 1; i >= 0; i--) {
            Level level = levels.get(i);
            long freq = level.freq().toSeconds();
            if (freq > 0 && elapsedSeconds % freq == 0 && !includedIn(due, freq)) {
                due.addFirst(level);
            }
        }
        return due;
    }

    /** Whether a level of {@code freq} is collected by one of {@code higher} already. */
    private static boolean includedIn(List<Level> higher, long freq) {
        for (Level h : higher) {
            if (h.freq().toSeconds() % freq == 0) {
                return true;
            }
        }
        return false;
    }
}
