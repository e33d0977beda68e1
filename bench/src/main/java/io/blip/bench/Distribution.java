package io.blip.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The built distribution, {@code distribution/target/blip-<version>/}, whose bin/blip is measured.
 *
 * @param built when its runtime jar was written, for the results file (a distribution older than the
 *              last commit measures older code)
 */
record Distribution(Path home, String version, Instant built) {
    private static final Path TARGET = Path.of("distribution", "target");

    /** The distribution under {@code repo}, built first ({@code ./dev mvn package -pl distribution -am}) if missing. */
    static Distribution findOrBuild(Path repo) throws IOException, InterruptedException {
        Path target = repo.resolve(TARGET);
        Path home = find(target);
        if (home == null) {
            System.out.println("vs-exporter: no distribution under " + target + "; building it");
            List<String> build = List.of("./dev", "mvn", "-q", "package", "-pl", "distribution", "-am", "-DskipTests");
            int status = new ProcessBuilder(build).directory(repo.toFile()).inheritIO().start().waitFor();
            home = find(target);
            if (status != 0 || home == null) {
                throw new IllegalStateException(String.join(" ", build) + " failed (exit " + status
                        + "); there is no bin/blip to measure");
            }
        }
        String version = home.getFileName().toString().substring("blip-".length());
        Path runtimeJar = home.resolve("lib").resolve("blip-runtime-" + version + ".jar");
        return new Distribution(home, version, Files.getLastModifiedTime(runtimeJar).toInstant());
    }

    private static Path find(Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(target)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("blip-")
                    && Files.isExecutable(d.resolve("bin").resolve("blip"))).findFirst().orElse(null);
        }
    }

    Path bin() {
        return home.resolve("bin").resolve("blip");
    }

    /** The MySQL driver bin/blip runs with, which the control runs with too. */
    Path driverJar() {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            return jars.filter(j -> j.getFileName().toString().startsWith("mysql-connector-j-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no mysql-connector-j-*.jar in "
                            + home.resolve("lib")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
