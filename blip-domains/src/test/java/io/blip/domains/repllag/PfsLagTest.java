package io.blip.domains.repllag;

import io.blip.domains.repllag.PfsLag.ChannelLag;
import io.blip.domains.repllag.PfsLag.Worker;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Blip's Performance Schema lag rules, on rows as MySQL 8 returns them (MariaDB has no such tables). */
class PfsLagTest {
    private static final String UUID = "a930bd5c-1e21-11ef-a9a6-0242ac1c000a:";
    private static final double NOW = 1_716_922_205.5;

    @Test
    void whileWorkersApplyTheLagIsTheOldestTransactionBeingApplied() {
        var lag = new PfsLag().lagOf("", List.of(
                worker("ON", "ON", 100, 90, 0, NOW - 2.0),
                worker("ON", "ON", 100, 95, 0, NOW - 0.5),
                worker("ON", "ON", 100, 80, 0, 0)));
        assertEquals(new ChannelLag(2000, 5, 2.0 / 3), lag);
    }

    @Test
    void whenIdleButWorkArrivedTheLagIsWhatMysqlMeasuredForTheLastTransaction() {
        var lag = new PfsLag().lagOf("", List.of(worker("ON", "ON", 100, 100, 123_456, 0)));
        assertEquals(new ChannelLag(123, 0, 0), lag);
    }

    @Test
    void theLastQueuedTransactionIsRememberedBetweenCollections() {
        // Blip makes a new map each time, so it never reaches the cases below.
        var pfs = new PfsLag();
        var idle = List.of(worker("ON", "ON", 100, 100, 123_456, 0));
        assertEquals(123, pfs.lagOf("", idle).currentMs(), "first look: work arrived");
        assertEquals(0, pfs.lagOf("", idle).currentMs(), "nothing arrived, threads ON: no lag");
        assertEquals(0, pfs.lagOf("other", List.of(worker("ON", "ON", 7, 7, 0, 0))).currentMs(), "per channel");
        var stopped = List.of(worker("OFF", "ON", 100, 100, 123_456, 0));
        assertEquals(10_000, pfs.lagOf("", stopped).currentMs(), "IO thread off: time since the last applied");
    }

    @Test
    void transactionNumbersComeFromGtids() {
        assertEquals(1234, PfsLag.trxNumber(UUID + "1234"));
        assertEquals(0, PfsLag.trxNumber(""));
        assertEquals(0, PfsLag.trxNumber("ANONYMOUS"));
        assertEquals(0, PfsLag.trxNumber(UUID + "99999999999999999999"));
    }

    /** A worker of a channel that queued {@code queued}; it last applied {@code applied}, committed 10 s ago. */
    private static Worker worker(String io, String sql, long queued, long applied, double appliedLagUs,
                                 double applyingTs) {
        return new Worker(UUID + queued, io, sql, UUID + applied, NOW, NOW - 10, appliedLagUs, applyingTs);
    }
}
