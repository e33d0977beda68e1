package io.blip.runtime;

import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** For tests of a whole server on virtual time: waiting for a monitor's first collection. */
final class Running {
    private Running() {
    }

    /**
     * Moves time on a second at a time until the monitor has made its first collection (a monitor may
     * begin to wait for its turn to start after a given second has passed); at most 30 seconds.
     */
    static void await(Monitor m, VirtualTime time) throws Exception {
        var running = m.running().toCompletableFuture();
        for (int s = 0; s < 30 && !running.isDone(); s++) {
            time.advance(Duration.ofSeconds(1));
            try {
                running.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // not yet
            }
        }
        running.get(1, TimeUnit.SECONDS);
    }
}
