package io.blip.api.plugin;

import java.util.List;

/**
 * Providers of a service that a plugin defines for further plugins (e.g. a cloud plugin's
 * client configuration), found in every plugin layer. A plugin that requires another plugin's
 * module is loaded in a layer above that plugin's layer, so it can implement the other's SPI.
 */
public interface PluginServices {
    /** Finds none: for tests and for runtimes without plugin layers. */
    PluginServices NONE = new PluginServices() {
        @Override
        public <S> List<S> load(Class<S> service) {
            return List.of();
        }
    };

    /**
     * The providers of the service in every plugin layer, each once, in layer order. The caller's
     * module must declare {@code uses} for the service.
     */
    <S> List<S> load(Class<S> service);
}
