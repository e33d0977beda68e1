package io.blip.bench;

import io.blip.api.time.Time;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the whole second is a busier moment on this machine than the half second. bin/blip's level
 * clock collects at the whole second, while the harness puts the control and the exporter's scrape
 * elsewhere in the second; anything else on the machine that ticks on whole seconds (another Blip,
 * a cron-like timer) slows bin/blip's collections alone. So two controls run at once, one querying
 * at .000 and one at .500, with nothing else of the harness running but MariaDB, and their
 * latencies are compared.
 */
final class PhaseProbe {
    /** Latencies in ms of the control at the whole second and of the one at the half second. */
    record Result(List<Double> wholeSecond, List<Double> halfSecond) {
    }

    private PhaseProbe() {
    }

    static Result measure(JvmCommand jvm, Distribution dist, MariaDbSide mariadb, String password, Settings settings,
                          Path dir) throws InterruptedException {
        ControlOutput whole = new ControlOutput();
        ControlOutput half = new ControlOutput();
        try (Launched atWhole = ControlProcess.start("probe-000", jvm, dist.driverJar(), mariadb.jdbcUrl(),
                SideBySide.CONTROL_USER, password, 0, dir, whole::stdout);
             Launched atHalf = ControlProcess.start("probe-500", jvm, dist.driverJar(), mariadb.jdbcUrl(),
                     SideBySide.CONTROL_USER, password, 500, dir, half::stdout)) {
            Time.system().sleep(settings.probeWarmup());
            long from = System.nanoTime();
            Time.system().sleep(settings.probeWindow());
            long to = System.nanoTime();
            atWhole.requireAlive();
            atHalf.requireAlive();
            return new Result(whole.latenciesBetween(from, to), half.latenciesBetween(from, to));
        }
    }
}
