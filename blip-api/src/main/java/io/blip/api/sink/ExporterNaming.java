package io.blip.api.sink;

import io.blip.api.Metrics;

import java.util.List;
import java.util.Set;

/**
 * mysqld_exporter's names for a collection's values, as Blip's own exporter endpoints name them
 * (its {@code exporter} section, {@code /probe}): given by the runtime to every sink
 * ({@link SinkContext#exporterNaming()}), so a sink that pushes to a receiver of that exposition format can
 * send the series a mysqld_exporter user's dashboards query.
 *
 * <p>A sink has only the collection, where a scrape also reads the server beside Blip's domains, so
 * a few of the exporter's families are not made here: {@code mysql_version_info} and the other text
 * variables' families, the Galera families, and the server's own help of the InnoDB metrics (their
 * help here is generic). Thread-safe: one naming serves every sink and monitor.
 */
public interface ExporterNaming {

    /** Names no domain: the naming of a context made without one, in a sink's own tests. */
    ExporterNaming NONE = new ExporterNaming() {
        @Override
        public Set<String> domains() {
            return Set.of();
        }

        @Override
        public List<PromFamily> families(Metrics metrics) {
            return List.of();
        }
    };

    /** The domains whose values it names ({@code status.global}, {@code var.global}, ...). */
    Set<String> domains();

    /**
     * The families of a collection's values, in the order they were first named; values without an
     * exporter name (a domain it does not name, a delta counter, an event) are left out.
     */
    List<PromFamily> families(Metrics metrics);
}
