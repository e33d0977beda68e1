package io.blip.runtime;

import io.blip.runtime.monitor.Monitor;
import io.blip.testkit.VirtualTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting, on virtual time, for monitors to make their first collection. */
final class FirstCollection {
    private FirstCollection() {
    }

    /**
     * Moves time on a second at a time until the monitor has made its first collection (a monitor may
     * begin to wait for its turn to start after a given second has passed); fails after 30 s of it.
     */
    static void await(VirtualTime time, Monitor m) throws Exception {
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
