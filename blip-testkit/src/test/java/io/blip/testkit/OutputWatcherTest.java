package io.blip.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutputWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aWaitEndsWithTheWriteThatSatisfiesIt() throws Exception {
        OutputWatcher out = OutputWatcher.printed("out");
        PrintStream print = out.printStream();
        Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= 3; i++) {
                print.println("line " + i + " ü");
            }
        });
        String text = out.await("three lines", t -> t.contains("line 3"), WAIT);
        assertEquals("line 1 ü\nline 2 ü\nline 3 ü\n", text);
    }

    @Test
    void aStreamIsReadUntilItEndsAndAWaitForWhatNeverCameFailsThen() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        OutputWatcher out = OutputWatcher.of("stderr", new PipedInputStream(writer));
        writer.write("ready\n".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        assertEquals("ready\n", out.await("ready", t -> t.contains("ready"), WAIT));
        writer.close();
        AssertionError e = assertThrows(AssertionError.class, () -> out.await("done", t -> t.contains("done"), WAIT));
        assertEquals("stderr ended before done; it says:\nready\n", e.getMessage());
        assertTrue(out.ended());
    }

    @Test
    void aWaitGivesUpAfterItsTimeoutWithTheText() {
        OutputWatcher out = OutputWatcher.printed("out");
        out.printStream().print("nothing yet");
        AssertionError e = assertThrows(AssertionError.class,
                () -> out.await("something", t -> t.contains("something"), Duration.ofMillis(50)));
        assertEquals("waited 50 ms for something on out; it says:\nnothing yet", e.getMessage());
    }

    @Test
    void aSignalWakesAWaitOverAnySource() throws Exception {
        Signal signal = new Signal();
        AtomicInteger requests = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 5; i++) {
                requests.incrementAndGet();
                signal.fire();
            }
        });
        signal.await(() -> requests.get() == 5, WAIT, () -> "five requests");
        assertThrows(AssertionError.class, () -> signal.await(() -> false, Duration.ofMillis(20), () -> "never"));
    }
}
