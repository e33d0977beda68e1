package io.blip.sink.datadog;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.time.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.blip.sink.datadog.TestData.at;
import static io.blip.sink.datadog.TestData.monitor;
import static io.blip.sink.datadog.TestData.options;
import static io.blip.sink.datadog.TestData.pairs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DogStatsD mode against a real UDP socket on loopback standing in for the Datadog Agent. */
class StatsdSinkTest {
    private DatagramSocket agent;

    @BeforeEach
    void listen() throws Exception {
        agent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        agent.setSoTimeout(5000);
    }

    @AfterEach
    void close() {
        agent.close();
    }

    @SuppressWarnings("unchecked")
    private Sink<List<String>> sink(String... more) {
        var values = pairs("dogstatsd-host", "127.0.0.1:" + agent.getLocalPort());
        values.putAll(pairs(more));
        return (Sink<List<String>>) new DatadogSinkFactory().make(SinkContext.of("datadog", options(values), Map.of(),
                Time.system()));
    }

    /** The datagrams that arrive until none comes for a moment. */
    private List<String> datagrams(int atLeast) throws Exception {
        var out = new ArrayList<String>();
        byte[] buffer = new byte[65536];
        while (true) {
            agent.setSoTimeout(out.size() < atLeast ? 5000 : 200);
            var packet = new DatagramPacket(buffer, buffer.length);
            try {
                agent.receive(packet);
            } catch (SocketTimeoutException e) {
                return out;
            }
            out.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void eachPointIsADogStatsdLineCountersAsDeltas() throws Exception {
        var values = List.of(MetricValue.gauge("threads_running", 4), MetricValue.counter("queries", 100),
                new MetricValue("bytes", 1.5, MetricType.GAUGE, Map.of("db", "shop|x", "tbl", "a,b"),
                        Map.of("ts", "1767323040000")),
                MetricValue.bool("running", false));
        try (Sink<List<String>> sink = sink("metric-prefix", "mysql.")) {
            Encoder<List<String>> encoder = sink.encoder(monitor("db1", Map.of("env", "prod", "host", "db1.local")));
            encoder.encode(at("db1", 1, 0, "status.global", values));
            var second = encoder.encode(at("db1", 2, 10, "status.global",
                    values.stream().map(v -> v.name().equals("queries") ? v.withValue(142) : v).toList()));
            sink.send(List.of(second.value()));
        }
        assertEquals(List.of(String.join("\n",
                "mysql.status.global.threads_running:4|g|#env:prod,host:db1.local",
                "mysql.status.global.queries:42|c|#env:prod,host:db1.local",
                "mysql.status.global.bytes:1.5|g|#env:prod,host:db1.local,db:shop_x,tbl:a_b",
                "mysql.status.global.running:0|g|#env:prod,host:db1.local")), datagrams(1));
    }

    @Test
    void linesArePackedIntoDatagramsOfAtMost1432Bytes() throws Exception {
        var values = IntStream.range(0, 200).mapToObj(i -> new MetricValue("bytes", i, MetricType.GAUGE,
                Map.of("tbl", "table_number_" + i), Map.of())).toList();
        try (Sink<List<String>> sink = sink()) {
            var encoded = sink.encoder(monitor("db1", Map.of())).encode(at("db1", 1, 1, "size.table", values));
            assertEquals(200, encoded.points());
            sink.send(List.of(encoded.value()));
        }
        List<String> got = datagrams(2);
        assertTrue(got.size() > 1, got.size() + " datagrams");
        assertTrue(got.stream().allMatch(d -> d.getBytes(StandardCharsets.UTF_8).length <= StatsdSink.DATAGRAM));
        List<String> lines = got.stream().flatMap(d -> Arrays.stream(d.split("\n"))).toList();
        assertEquals(IntStream.range(0, 200).mapToObj(i -> "size.table.bytes:" + i + "|g|#tbl:table_number_" + i)
                .toList(), lines);
    }

    @Test
    void aHostThatCannotBeResolvedIsForTheRuntimeToRetry() throws Exception {
        var values = pairs("dogstatsd-host", "no-such-host.invalid");
        @SuppressWarnings("unchecked")
        var sink = (Sink<List<String>>) new DatadogSinkFactory().make(SinkContext.of("datadog", options(values),
                Map.of(), Time.system()));
        try (sink) {
            var encoded = sink.encoder(monitor("db1", Map.of())).encode(at("db1", 1, 1, "d",
                    List.of(MetricValue.gauge("g", 1))));
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.blip.api.sink.SendException.class,
                    () -> sink.send(List.of(encoded.value())));
            assertTrue(e.retryable());
            assertEquals("cannot resolve the DogStatsD host 'no-such-host.invalid'", e.getMessage());
        }
    }
}
