package io.blip.runtime.plugin;

import io.blip.api.collect.CollectorFactory;
import io.blip.api.config.MonitorSection;
import io.blip.api.credential.CredentialSourceFactory;
import io.blip.api.ha.HaManagerFactory;
import io.blip.api.sink.MetricTranslator;
import io.blip.api.monitor.MonitorLoader;
import io.blip.api.region.RegionResolver;
import io.blip.api.sink.SinkFactory;
import io.blip.api.tls.TlsProvider;

import java.util.List;
import java.util.function.Function;

/**
 * One SPI of blip-api as the plugin registry sees it: how its providers are named and how a person
 * calls them in messages.
 *
 * @param id       the kind in {@link Provider#kind()} and {@code --print-plugins}
 * @param noun     what a message calls one provider ({@code sink}, {@code credential source})
 * @param nameNoun what a message calls its name ({@code sink 'otlp'}, {@code collector domain 'aws.rds'})
 * @param spi      the service interface
 * @param name     reads a provider's name
 */
record Kind<T>(String id, String noun, String nameNoun, Class<T> spi, Function<T, String> name) {

    static final Kind<CollectorFactory> COLLECTOR = new Kind<>("collector", "collector", "collector domain",
            CollectorFactory.class, CollectorFactory::domain);
    static final Kind<SinkFactory> SINK = new Kind<>("sink", "sink", "sink",
            SinkFactory.class, SinkFactory::name);
    static final Kind<CredentialSourceFactory> CREDENTIAL_SOURCE = new Kind<>("credential-source",
            "credential source", "credential source", CredentialSourceFactory.class, CredentialSourceFactory::name);
    static final Kind<RegionResolver> REGION_RESOLVER = new Kind<>("region-resolver", "region resolver",
            "region resolver", RegionResolver.class, RegionResolver::name);
    static final Kind<TlsProvider> TLS_PROVIDER = new Kind<>("tls-provider", "TLS provider", "TLS provider",
            TlsProvider.class, TlsProvider::name);
    static final Kind<MonitorLoader> MONITOR_LOADER = new Kind<>("monitor-loader", "monitor loader",
            "monitor loader", MonitorLoader.class, MonitorLoader::name);

    /** Several plugins may each declare part of one section: the only kind whose names may repeat. */
    static final Kind<MonitorSection> MONITOR_SECTION = new Kind<>("monitor-section", "monitor section",
            "monitor section", MonitorSection.class, MonitorSection::name);

    static final Kind<HaManagerFactory> HA_MANAGER = new Kind<>("ha-manager", "HA manager", "HA manager",
            HaManagerFactory.class, HaManagerFactory::name);

    static final Kind<MetricTranslator> METRIC_TRANSLATOR = new Kind<>("metric-translator", "metric translator",
            "metric translator", MetricTranslator.class, MetricTranslator::name);

    static final List<Kind<?>> ALL = List.of(COLLECTOR, SINK, CREDENTIAL_SOURCE, REGION_RESOLVER, TLS_PROVIDER,
            MONITOR_LOADER, MONITOR_SECTION, HA_MANAGER, METRIC_TRANSLATOR);

    /** {@code no sink named 'otlp'}, {@code no collector for domain 'aws.rds'}. */
    String missing(String wanted) {
        return this == COLLECTOR
                ? "no collector for domain '" + wanted + "'"
                : "no " + noun + " named '" + wanted + "'";
    }
}
