package io.blip.plugin.aws.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.plugin.aws.region.ImdsEndpoints.Ask;
import io.blip.testkit.Reliability;
import io.blip.testkit.aws.FakeImds;
import io.blip.testkit.aws.FakeImds.Mode;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reliability row R12: the IMDSv2 token PUT is black-holed while a GET would be answered (a hop
 * limit of 1 seen from a container, aws-sdk-java #2171, where the SDK hung 10 s). The ask gives up
 * within 200 ms after warm-up, and there is no IMDSv1 fallback: no token-less GET.
 */
class R12ImdsPutBlackholedTest {

    @BeforeAll
    static void warmUp() {
        ImdsEndpoints.warmUp();
    }

    @Test
    void aBlackHoledTokenPutIsGivenUpWithinTheBudgetWithoutAnImdsV1Get() {
        try (FakeImds imds = FakeImds.start(Mode.PUT_BLACKHOLED, "eu-west-1")) {
            Ask ask = ImdsEndpoints.ask(imds.endpoint());
            assertEquals(Optional.empty(), ask.region());
            assertTrue(ask.millis() < 200, ask.millis() + " ms");
            assertEquals(1, imds.tokenRequests(), "one PUT, no retry");
            assertEquals(0, imds.documentRequests(), "no IMDSv1 fallback");
            assertTrue(ask.cachedMicros() < 50_000, "asked once");
            Reliability.figure("R12", R12ImdsPutBlackholedTest.class, "IMDSv2 token PUT black-holed, GET answered: "
                    + "given up after " + ask.millis() + " ms (warm; read timeout "
                    + ImdsRegionResolver.READ_TIMEOUT_MS + " ms), 1 PUT, " + imds.documentRequests()
                    + " GETs (no IMDSv1 fallback), not asked again (" + ask.cachedMicros() + " us from the cache); "
                    + "no 10 s hang.");
        }
    }
}
