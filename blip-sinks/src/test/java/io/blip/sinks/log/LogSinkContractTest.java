package io.blip.sinks.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blip.api.Metrics;
import io.blip.api.sink.SinkFactory;
import io.blip.kit.SinkContract;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The log sink passes the plugin kit's sink contract, as a third party's would. */
class LogSinkContractTest extends SinkContract {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Override
    protected SinkFactory factory() {
        return new LogSinkFactory(new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of();
    }

    @Override
    protected void assertDelivered(List<Metrics> sent) {
        assertEquals(sent.stream().map(LogSinkFactory::format).collect(Collectors.joining()),
                printed.toString(StandardCharsets.UTF_8));
    }
}
