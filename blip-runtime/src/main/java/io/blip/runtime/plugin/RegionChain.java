package io.blip.runtime.plugin;

import io.blip.api.config.MonitorConfig;
import io.blip.api.region.RegionLookup;
import io.blip.api.region.RegionResolver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region chain: every region resolver in ascending order, the first region found winning; the
 * answer is kept per monitor config, so that a slow step (IMDS) costs once. A debug line names the
 * resolver that won. A resolver that fails is skipped with a debug line, as if it found nothing.
 */
public final class RegionChain implements RegionLookup {
    private static final Logger LOG = LoggerFactory.getLogger(RegionChain.class);

    private final Supplier<List<Provider<RegionResolver>>> resolvers;
    private final Map<MonitorConfig, Optional<String>> found = new ConcurrentHashMap<>();

    public RegionChain(List<Provider<RegionResolver>> resolvers) {
        List<Provider<RegionResolver>> fixed = List.copyOf(resolvers);
        this.resolvers = () -> fixed;
    }

    /** Over the resolvers loaded when a region is asked for (a plugin may be made on demand after boot). */
    RegionChain(Supplier<List<Provider<RegionResolver>>> resolvers) {
        this.resolvers = resolvers;
    }

    @Override
    public Optional<String> region(MonitorConfig monitor) {
        return found.computeIfAbsent(monitor, this::resolve);
    }

    private Optional<String> resolve(MonitorConfig monitor) {
        for (Provider<RegionResolver> p : resolvers.get()) {
            try {
                Optional<String> region = p.instance().region(monitor);
                if (region.isPresent() && !region.get().isBlank()) {
                    LOG.debug("monitor {}: region {} from {}", monitor.id(), region.get(), p.name());
                    return region;
                }
            } catch (Exception e) {
                LOG.debug("monitor {}: region resolver {} failed: {}", monitor.id(), p.name(), e.toString());
            }
        }
        LOG.debug("monitor {}: no region found ({}); the AWS SDK's default chain decides", monitor.id(),
                resolvers.get().stream().map(Provider::name).toList());
        return Optional.empty();
    }
}
