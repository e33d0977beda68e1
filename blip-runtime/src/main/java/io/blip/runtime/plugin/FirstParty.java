package io.blip.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

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

    /**
     * What a directory ships as, e.g. {@code aws}, when it is one of Blip's plugins that ship on
     * demand ({@code on-demand.<ship> = <jar artifact>}): known by its jar's name, without reading it.
     */
    static Optional<String> onDemand(Path dir) {
        List<String> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
        } catch (IOException e) {
            return Optional.empty(); // read as any other: reading reports it
        }
        for (String key : SHIPS_IN.stringPropertyNames()) {
            if (key.startsWith("on-demand.")) {
                String artifact = SHIPS_IN.getProperty(key).strip() + "-";
                if (jars.stream().anyMatch(j -> j.startsWith(artifact))) {
                    return Optional.of(key.substring("on-demand.".length()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The directories under plugins/ (by their names there, e.g. {@code aws}) that ship a provider of
     * one of these names, of any kind.
     */
    static Set<String> shippedIn(Collection<String> names) {
        var ships = new TreeSet<String>();
        for (String key : SHIPS_IN.stringPropertyNames()) {
            for (Kind<?> kind : Kind.ALL) {
                String prefix = kind.id() + ".";
                if (key.startsWith(prefix) && names.contains(key.substring(prefix.length()))) {
                    ships.add(SHIPS_IN.getProperty(key));
                }
            }
        }
        return ships;
    }

    /** The names of the providers of a kind that a directory of Blip's ships, e.g. {@code [otlp]}. */
    static Set<String> shippedBy(Kind<?> kind, String ship) {
        var names = new TreeSet<String>();
        String prefix = kind.id() + ".";
        for (String key : SHIPS_IN.stringPropertyNames()) {
            if (key.startsWith(prefix) && ship.equals(SHIPS_IN.getProperty(key))) {
                names.add(key.substring(prefix.length()));
            }
        }
        return names;
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
