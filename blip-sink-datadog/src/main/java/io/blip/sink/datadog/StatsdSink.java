package io.blip.sink.datadog;

import io.blip.api.Metrics;
import io.blip.api.config.MonitorConfig;
import io.blip.api.sink.Encoder;
import io.blip.api.sink.SendException;
import io.blip.api.sink.Sink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The datadog sink through a Datadog Agent: each point a DogStatsD line, lines packed into UDP
 * datagrams of at most {@value #DATAGRAM} bytes (the Datadog clients' size for a network path of
 * the usual MTU; a longer line goes alone). UDP says nothing of delivery: a send fails only when the
 * address cannot be resolved or the datagram cannot leave, and is then retried by the runtime.
 */
final class StatsdSink implements Sink<List<String>> {
    static final int DATAGRAM = 1432;

    private final DatadogSettings settings;
    private DatagramChannel channel;

    StatsdSink(DatadogSettings settings) {
        this.settings = settings;
    }

    @Override
    public Encoder<List<String>> encoder(MonitorConfig monitor) {
        var points = new Points(settings.prefix(), settings.translator(), settings.delta(), monitor);
        return (Metrics metrics) -> {
            List<String> lines = points.of(metrics).stream().map(Wire::statsd).toList();
            long bytes = lines.stream().mapToLong(l -> l.length() + 1).sum();
            return lines.isEmpty() ? null : new Encoder.Encoded<>(lines, lines.size(), bytes);
        };
    }

    @Override
    public void send(List<List<String>> batch) throws IOException, SendException {
        // Resolved at each send: the Agent's address may change while Blip runs.
        var address = new InetSocketAddress(settings.statsdHost(), settings.statsdPort());
        if (address.isUnresolved()) {
            throw SendException.retry("cannot resolve the DogStatsD host '" + settings.statsdHost() + "'", null);
        }
        DatagramChannel out = channel();
        var datagram = new StringBuilder(DATAGRAM);
        int size = 0;
        for (List<String> lines : batch) {
            for (String line : lines) {
                int length = utf8(line);
                if (size > 0 && size + 1 + length > DATAGRAM) {
                    out.send(ByteBuffer.wrap(datagram.toString().getBytes(StandardCharsets.UTF_8)), address);
                    datagram.setLength(0);
                    size = 0;
                }
                if (size > 0) {
                    datagram.append('\n');
                    size++;
                }
                datagram.append(line);
                size += length;
            }
        }
        if (size > 0) {
            out.send(ByteBuffer.wrap(datagram.toString().getBytes(StandardCharsets.UTF_8)), address);
        }
    }

    private synchronized DatagramChannel channel() throws IOException {
        if (channel == null) {
            channel = DatagramChannel.open();
        }
        return channel;
    }

    private static int utf8(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public String toString() {
        return "datadog " + describe();
    }
}
