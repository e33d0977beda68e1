package io.blip.api.sink;

import io.blip.api.Metrics;
import io.blip.api.MonitorHealth;

/**
 * Sends collections somewhere. Each monitor's sink is called by one thread at a time, with
 * collections in interval order; a slow sink delays only its own buffer, never collection.
 */
public interface Sink extends AutoCloseable {

    /** Sends one collection. Throw to report a failure; the runtime counts and reports it. */
    void send(Metrics metrics) throws Exception;

    /**
     * Sends Blip's own view of the monitor (up, collections, errors, sinks), after every collection and
     * every failed attempt to connect, on the same thread as {@link #send}. A sink that does not send
     * Blip's own metrics ignores it (the default). Throw to report a failure; it is logged once.
     */
    default void sendHealth(MonitorHealth health) throws Exception {
    }

    /** A short status for status output, e.g. {@code ok} or the last error. Never a secret. */
    default String status() {
        return "ok";
    }

    /** Flushes and releases resources; called once when the monitor stops. */
    @Override
    default void close() throws Exception {
    }
}
