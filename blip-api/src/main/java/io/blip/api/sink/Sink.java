package io.blip.api.sink;

import io.blip.api.config.MonitorConfig;

import java.util.List;

/**
 * Sends collections somewhere: one sink per distinct configuration of {@code sinks.<name>}, shared
 * by every monitor whose options are equal, so one request can carry many monitors' collections.
 * A sink only encodes and sends; the runtime owns delivery: a bounded buffer per monitor (oldest
 * dropped and counted), batching, retries with backoff and jitter, {@code Retry-After}, drop counting,
 * one bounded flush at shutdown, and the sink's counts in each monitor's health.
 *
 * <p>{@link #send} is called by one thread at a time, each monitor's collections in interval order.
 * It returns when the batch is delivered. To fail, it throws: {@link SendException#reject} when the
 * receiver will never take the batch (dropped and counted), {@link SendException#retry} or any other
 * exception when it may next time (sent again after a backoff). A send must end within the
 * {@code send-timeout} option.
 *
 * @param <T> one collection as the sink encodes it
 */
public interface Sink<T> extends AutoCloseable {

    /**
     * The encoder of one monitor's collections: called once for each monitor that uses the sink,
     * before its first collection.
     */
    Encoder<T> encoder(MonitorConfig monitor);

    /** Sends the encoded collections of one or more monitors (and their health) as one request. */
    void send(List<T> batch) throws Exception;

    /**
     * Where this sink sends, for logs that must tell one configuration from another, e.g.
     * {@code http/protobuf https://collector:4318/v1/metrics}; empty when there is nothing to tell.
     * Never a secret.
     */
    default String describe() {
        return "";
    }

    /**
     * Blip reloads (SIGHUP, {@code POST /monitors/reload}, a monitor loader's {@code refresh}): read again
     * what the sink reads from files, e.g. a key file ({@link SecretFile#reload()}), so that a credential
     * rotated on disk is used from the next send. Called once per reload on every live sink, whatever the
     * reload's outcome: when it changed nothing (a sink of an unchanged configuration lives on, with its
     * queue) and when it was refused (an invalid config, {@code monitor-loader.stop-loss}). A sink made by
     * the reload itself read its files when it was made and may not be called.
     *
     * <p>Called on the thread that runs the reload, not the sink's sending thread: it may run while a
     * {@link #send} is in progress, but never during or after {@link #close}. It must be quick (the reload
     * waits for it) and should not throw: a problem is logged by the sink, and what it read before stays
     * in use. If it throws anyway, the runtime logs a warning naming the sink and goes on with the reload.
     * Does nothing by default.
     */
    default void reload() {
    }

    /** Releases what the sink holds (clients, connections); called once, after the last send. */
    @Override
    default void close() throws Exception {
    }
}
