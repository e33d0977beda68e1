package io.blip.api.sink;

/**
 * Renames Blip's metrics for the sinks that take a {@code metric-translator} option (two of Blip's
 * vendor sinks), as Blip's sink translators ({@code sink/tr}) do: a sink sends a metric as
 * {@code <metric-prefix><translated name>} instead of {@code <metric-prefix><domain>.<metric>}. Found
 * with {@link java.util.ServiceLoader} in the boot layer and in every plugin directory, by
 * {@link #name()}, which is unique among all loaded plugins.
 *
 * <p>The constructor must be cheap and do no I/O. {@link #translate} is called once per metric name
 * and monitor (a sink keeps the answer), from the monitors' threads, at the same time for several
 * monitors: it must be thread-safe and quick.
 *
 * <pre>{@code
 * public final class ShortNames implements MetricTranslator {
 *     public String name() { return "short"; }
 *     public String description() { return "status.global.threads_running as mysql.threads_running"; }
 *     public String translate(String domain, String metric) {
 *         return domain.equals("status.global") ? "mysql." + metric : null;
 *     }
 * }
 * }</pre>
 */
public interface MetricTranslator {

    /** The name a sink's {@code metric-translator} option gives, e.g. {@code short}. */
    String name();

    /** A one-line description for {@code --print-plugins}. */
    String description();

    /**
     * The name a metric is sent as, before the sink's {@code metric-prefix}.
     *
     * @param domain the metric's domain, e.g. {@code status.global}
     * @param metric its name in the domain, e.g. {@code threads_running}
     * @return the name to send; null (or blank) to send Blip's {@code <domain>.<metric>}
     */
    String translate(String domain, String metric);
}
