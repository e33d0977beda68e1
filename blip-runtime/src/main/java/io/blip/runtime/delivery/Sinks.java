package io.blip.runtime.delivery;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.ConnectionSource;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.sink.Delivery;
import io.blip.api.sink.MetricTranslator;
import io.blip.api.sink.Sink;
import io.blip.api.sink.SinkContext;
import io.blip.api.sink.SinkFactory;
import io.blip.api.time.Time;
import io.blip.runtime.prom.ExporterFamilies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sinks of one boot: one {@link SinkQueue} per sink configuration (a sink name and its checked
 * options), made by the sink's factory on first use and shared by every monitor whose options for
 * that sink are equal; made again for a monitor started after all the others of that sink stopped
 * (a reload), since the last one to stop closed it.
 */
public final class Sinks {
    private record Key(String name, Options options) {
    }

    private final Map<String, CollectorHelp> domains;
    private final Supplier<Map<String, MetricTranslator>> translators;
    private final Time time;
    /** mysqld_exporter's names, for the sinks that offer them; one for all. */
    private final ExporterFamilies exporterNaming;
    private final Map<Key, SinkQueue<?>> queues = new LinkedHashMap<>();

    /**
     * @param domains every domain's help, for sinks that describe metrics (units, descriptions); read,
     *                not copied: collectors of plugins made on demand are added to it
     * @param translators the metric translators installed when a sink is made (plugins made on
     *                    demand may add some)
     * @param time    what the queues wait on
     */
    public Sinks(Map<String, CollectorHelp> domains, Supplier<Map<String, MetricTranslator>> translators, Time time) {
        this.domains = java.util.Collections.unmodifiableMap(domains);
        this.translators = translators;
        this.time = time;
        this.exporterNaming = new ExporterFamilies(time);
    }

    /**
     * The monitor's lane into the sink of this configuration; the sink is made the first time.
     *
     * @throws Exception what the factory or the sink's encoder threw
     */
    public synchronized SinkQueue.Lane<?> lane(String name, SinkFactory factory, Options options,
                                               MonitorConfig monitor) throws Exception {
        var key = new Key(name, options);
        SinkQueue<?> queue = queues.get(key);
        SinkQueue.Lane<?> lane = queue == null ? null : queue.lane(monitor);
        if (lane == null) { // the first monitor of this sink, or the first since its monitors all stopped
            queue = queue(name, factory.make(SinkContext.of(name, options, domains, time,
                    translators.get(), exporterNaming)), options, time);
            queues.put(key, queue);
            lane = queue.lane(monitor);
        }
        return lane;
    }

    private static <T> SinkQueue<T> queue(String name, Sink<T> sink, Options options, Time time) {
        return new SinkQueue<>(name, sink, Delivery.of(options), time);
    }

    /**
     * A monitor's connections, where mysqld_exporter's names of its InnoDB metrics are read from (the
     * server's spelling, type and help), for the sinks that send those names.
     */
    public void serve(String monitorId, ConnectionSource db) {
        exporterNaming.serve(monitorId, db);
    }

    /**
     * Tells every live sink Blip reloads ({@link SinkQueue#reload}), one after another on the caller's
     * thread; a queue closing (its monitors all stopped) is left alone. Lanes can be made meanwhile.
     */
    public void reload() {
        List<SinkQueue<?>> live;
        synchronized (this) {
            live = List.copyOf(queues.values());
        }
        live.forEach(SinkQueue::reload);
    }

    /** How many distinct sinks there are: for tests and logs. */
    public synchronized int size() {
        return queues.size();
    }
}
