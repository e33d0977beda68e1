package io.blip.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * Where Blip's own plugins ship ({@code first-party-plugins.properties} beside this class), and
 * which of Blip's sinks and domains are not built yet, for advice when a config names what no loaded
 * plugin provides. Read once.
 */
final class FirstParty {
    private static final Properties SHIPS_IN = load();

    private FirstParty() {
    }

    /** The directory under plugins/ that ships the provider of this kind and name, e.g. {@code otlp}. */
    static Optional<String> shipsIn(Kind<?> kind, String name) {
        return Optional.ofNullable(SHIPS_IN.getProperty(kind.id() + "." + name));
    }

    /** Why a provider of Blip's that this port has not built yet is missing, e.g. the {@code datadog} sink. */
    static Optional<String> notYet(Kind<?> kind, String name) {
        return Optional.ofNullable(SHIPS_IN.getProperty("not-yet." + kind.id() + "." + name));
    }

    /** The directory under plugins/ that ships this module. */
    static Optional<String> shipsModule(String module) {
        String dir = SHIPS_IN.getProperty("module." + module);
        if (dir != null) {
            return Optional.of(dir);
        }
        return SHIPS_IN.stringPropertyNames().stream()
                .filter(key -> key.startsWith("module-prefix.") && module.startsWith(key.substring(14)))
                .map(SHIPS_IN::getProperty).findFirst();
    }

    private static Properties load() {
        var p = new Properties();
        try (InputStream in = FirstParty.class.getResourceAsStream("first-party-plugins.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
