package io.blip.runtime.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blip.api.MonitorHealth;
import io.blip.api.Secret;
import io.blip.api.credential.Credentials;
import io.blip.api.plan.Plan;
import io.blip.runtime.monitor.Monitor;
import io.blip.runtime.monitor.TimeLimits;
import io.blip.testkit.EmbeddedMariaDb;
import io.blip.testkit.Reliability;
import io.blip.testkit.TcpProxy;
import io.blip.testkit.TestDomains;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * R4: a new connection stalls, first in TCP's connect (the proxy's port drops every SYN), then in the
 * handshake (the proxy accepts and holds the server's greeting). Each attempt fails within
 * connectTimeout + socketTimeout, measured on the wall clock since the driver's timeouts are the
 * kernel's; the monitor tries again after its backoff (virtual time) and connects once the link flows.
 */
class R4ConnectStallTest {
    private static final String DOMAIN = "test.select";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The connect backoff's steps, 0.5 s and 0.75 s, at their most with +50 % jitter. */
    private static final Duration FIRST_STEP_MAX = Duration.ofMillis(750);
    private static final Duration SECOND_STEP_MAX = Duration.ofMillis(1125);

    @Test
    void aStalledConnectFailsWithinConnectTimeoutPlusSocketTimeoutAndIsRetriedWithBackoff() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.createUser(Rig.USER, Rig.PASSWORD);
        Plan plan = Rig.plan(Duration.ofSeconds(1), DOMAIN);
        // As Fleet sets it: the longest time limit of the plan, plus 2 s.
        Duration socketTimeout = TimeLimits.of(plan).longest().plusSeconds(2);
        Duration bound = CONNECT_TIMEOUT.plus(socketTimeout);
        try (Rig rig = new Rig(); TcpProxy proxy = TcpProxy.in(db)) {
            proxy.dropNew();
            Monitor m = rig.monitor("r4", proxy.hostPort(), plan, Map.of(DOMAIN, TestDomains.domain(DOMAIN, TestDomains::selectOne)),
                    reason -> Credentials.of(Rig.USER, Secret.of(Rig.PASSWORD)), CONNECT_TIMEOUT, socketTimeout);

            long began = System.nanoTime();
            MonitorHealth synDropped = rig.start(m);
            Duration synTook = Duration.ofNanos(System.nanoTime() - began);
            assertFalse(synDropped.up());
            assertEquals(Rig.START, synDropped.time(), "the first attempt at once");
            assertTrue(synTook.compareTo(bound) <= 0, "SYN dropped: failed after " + synTook.toMillis() + " ms");

            proxy.pass();
            proxy.freeze(); // accepted, the greeting held
            CompletionStage<MonitorHealth> next = m.nextHealth();
            rig.time.awaitWaiters(2, Rig.WAIT); // the level clock, and the monitor backing off
            began = System.nanoTime();
            rig.time.advance(FIRST_STEP_MAX);
            MonitorHealth noGreeting = Rig.get(next);
            Duration greetingTook = Duration.ofNanos(System.nanoTime() - began);
            assertFalse(noGreeting.up());
            Duration firstStep = Duration.between(Rig.START, noGreeting.time());
            assertTrue(firstStep.compareTo(FIRST_STEP_MAX) <= 0, "retried within the first backoff step: " + firstStep);
            assertTrue(greetingTook.compareTo(bound) <= 0,
                    "no greeting: failed after " + greetingTook.toMillis() + " ms");
            assertTrue(proxy.accepted() >= 1, "the handshake's connection was accepted, then held");

            proxy.pass();
            next = m.nextHealth();
            rig.time.awaitWaiters(2, Rig.WAIT);
            rig.time.advance(SECOND_STEP_MAX);
            MonitorHealth connected = Rig.get(next);
            assertTrue(connected.up(), "connected once the link flows");
            Duration secondStep = Duration.between(noGreeting.time(), connected.time());
            assertTrue(secondStep.compareTo(SECOND_STEP_MAX) <= 0, "the second backoff step: " + secondStep);

            Reliability.figure("R4", R4ConnectStallTest.class, String.format(
                    "connectTimeout %d ms, socketTimeout %d ms (bound %d ms): a connect whose SYN was dropped failed"
                            + " after %d ms, one whose greeting never came after %d ms (wall clock); retried within the"
                            + " first backoff step (≤ %d ms of virtual time with jitter) and again within the second"
                            + " (≤ %d ms), connected on the third attempt once the link flowed; mysql.timeout-connect"
                            + " is 5 s by default",
                    CONNECT_TIMEOUT.toMillis(), socketTimeout.toMillis(), bound.toMillis(), synTook.toMillis(),
                    greetingTook.toMillis(), FIRST_STEP_MAX.toMillis(), SECOND_STEP_MAX.toMillis()));
        }
    }
}
