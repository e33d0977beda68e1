package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

/** The loggers that print credentials below INFO stay at INFO whatever logging.levels asks (R26). */
class LoggingFloorsTest {
    @Test
    void theAwsSdkAndHttpUrlConnectionStayAtInfo() {
        assertEquals(Level.INFO, Logging.floored("software.amazon.awssdk", Level.TRACE));
        assertEquals(Level.INFO, Logging.floored("software.amazon.awssdk.auth.signer", Level.DEBUG));
        assertEquals(Level.INFO, Logging.floored("sun.net.www.protocol.http.HttpURLConnection", Level.ALL));
        assertEquals(Level.WARN, Logging.floored("software.amazon.awssdk", Level.WARN));
        assertEquals(Level.OFF, Logging.floored("sun.net.www.protocol.http", Level.OFF));
    }

    @Test
    void otherLoggersGetWhatTheyAskFor() {
        assertEquals(Level.TRACE, Logging.floored("software.amazon.awssdkx", Level.TRACE));
        assertEquals(Level.TRACE, Logging.floored("com.mysql", Level.TRACE));
        assertEquals(Level.DEBUG, Logging.floored("io.blip.runtime.delivery", Level.DEBUG));
    }
}
