package io.blip.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The assembled distribution, target/blip-VERSION/, as the build's surefire configuration names it. */
final class Dist {
    static final String VERSION = required("blip.version");
    static final Path HOME = Path.of(required("blip.dist"));
    static final Path TARBALL = Path.of(required("blip.tarball"));
    static final List<String> PLUGIN_DIRS = List.of("aws", "otlp", "tls-rds");

    private Dist() {
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run these tests through "
                    + "Maven: ./dev mvn verify -pl distribution -am");
        }
        return value;
    }

    /** The jars in a directory of the distribution, sorted. */
    static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first-party jars (blip-*.jar) of lib/ and of every plugin directory. */
    static List<Path> firstPartyJars() {
        return Stream.concat(Stream.of(HOME.resolve("lib")), PLUGIN_DIRS.stream().map(d -> HOME.resolve("plugins").resolve(d)))
                .flatMap(dir -> jars(dir).stream())
                .filter(jar -> jar.getFileName().toString().startsWith("blip-"))
                .toList();
    }
}
