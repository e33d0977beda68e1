package io.blip.api.sink;

import io.blip.api.BlipException;
import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import java.time.Duration;

/**
 * How the runtime delivers to a sink: the options every sink has besides its own, in one vocabulary
 * with Blip's names where Blip has them ({@code buffer-size}, {@code send-timeout},
 * {@code send-retry-wait}). The runtime adds {@link #OPTIONS} to every sink's declaration; a sink may
 * declare one of them again, with another default or an older name as alias (a sink may wait
 * longer). A sink bounds each send by {@code send-timeout}.
 *
 * @param bufferSize    collections of one monitor kept while the sink is behind; the oldest go first
 * @param bufferBytes   also at most this many bytes of them (as the sink estimates them); 0 for no budget
 * @param sendTimeout   the most one send may take (the sink bounds it; the flush at shutdown too)
 * @param sendRetryWait the most the first retry waits; each later one may wait twice as long (full jitter)
 * @param retryMax      the most any retry waits
 * @param batchSize     the data points that make a full request
 * @param batchDelay    the most a collection waits for others to join its request
 */
public record Delivery(int bufferSize, long bufferBytes, Duration sendTimeout, Duration sendRetryWait,
                       Duration retryMax, int batchSize, Duration batchDelay) {

    public static final OptionSet OPTIONS = OptionSet.of(
            Option.integer("buffer-size", "Collections of one monitor kept while the sink is behind or down; past"
                    + " that the oldest are dropped").withDefault("60").atLeast("1"),
            Option.size("buffer-bytes", "Also keep at most this many bytes (as the sink encodes them) of one"
                    + " monitor's collections, e.g. 16MiB; empty: no byte budget").atLeast("1KiB"),
            Option.duration("send-timeout", "Most time one send may take").withDefault("5s").positive(),
            Option.duration("send-retry-wait", "Most time before the first retry of a failed send; each retry may"
                    + " wait twice as long, with full jitter").withDefault("200ms").positive(),
            Option.duration("retry-max", "Most time between retries").withDefault("30s").positive(),
            Option.integer("batch-size", "Data points that make a full send; collections of the monitors that"
                    + " share the sink go out together").withDefault("2000").atLeast("1"),
            Option.duration("batch-delay", "Most time a collection waits for others to join its send")
                    .withDefault("0s"));

    /**
     * The delivery settings of a sink's checked options.
     *
     * @throws BlipException when {@code retry-max} is less than {@code send-retry-wait}
     */
    public static Delivery of(Options options) {
        Duration first = options.duration("send-retry-wait");
        Duration most = options.duration("retry-max");
        if (most.compareTo(first) < 0) {
            throw new BlipException(options.where("retry-max") + ": must be at least send-retry-wait ("
                    + first.toMillis() + " ms)");
        }
        return new Delivery(Math.toIntExact(options.integer("buffer-size")),
                options.has("buffer-bytes") ? options.size("buffer-bytes") : 0, options.duration("send-timeout"),
                first, most, Math.toIntExact(options.integer("batch-size")), options.duration("batch-delay"));
    }
}
