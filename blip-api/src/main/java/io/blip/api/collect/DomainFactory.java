package io.blip.api.collect;

import java.util.Objects;
import java.util.function.Function;

/**
 * A domain's factory that is nothing but the domain's help and its collector's constructor: what
 * most domains need. {@link java.util.ServiceLoader} needs a public class with a public no-argument
 * constructor, so a domain extends this class and passes both up:
 *
 * <pre>{@code
 * public final class UptimeFactory extends DomainFactory {
 *     static final CollectorHelp HELP = CollectorHelp.builder("uptime", "Seconds since MySQL started")
 *             .metric("uptime", MetricType.GAUGE, "s", "Seconds since MySQL started")
 *             .build();
 *
 *     public UptimeFactory() {
 *         super(HELP, UptimeCollector::new);
 *     }
 * }
 * }</pre>
 *
 * and provides it in its module-info: {@code provides io.blip.api.collect.CollectorFactory with
 * com.example.UptimeFactory;}. The constructor does nothing but keep the two, so the factory is as
 * cheap as the runtime needs; the collector's constructor must be cheap too (no I/O: that belongs in
 * {@link Collector#prepare}). A factory that needs more implements {@link CollectorFactory} itself.
 */
public abstract class DomainFactory implements CollectorFactory {
    private final CollectorHelp help;
    private final Function<CollectorContext, ? extends Collector> make;

    /**
     * A factory of the domain the help describes.
     *
     * @param help the domain's help; its domain is the factory's {@link #domain()}
     * @param make the collector's constructor, called once per monitor that collects the domain
     */
    protected DomainFactory(CollectorHelp help, Function<CollectorContext, ? extends Collector> make) {
        this.help = Objects.requireNonNull(help, "help");
        this.make = Objects.requireNonNull(make, "make");
    }

    @Override
    public final CollectorHelp help() {
        return help;
    }

    /** A new collector for the monitor, from the constructor given. */
    @Override
    public final Collector make(CollectorContext context) {
        return make.apply(context);
    }
}
