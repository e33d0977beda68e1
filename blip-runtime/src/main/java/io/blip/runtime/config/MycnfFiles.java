package io.blip.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The my.cnf files of one boot, each read once and again only when it or anything it includes
 * changes (a file's time or size; an {@code !includedir} directory's time, which a file added or
 * removed changes): the monitor's address at config time, its {@code ssl-*} keys for TLS and its
 * user and password for each new connection all come from the same reading.
 */
public final class MycnfFiles {
    private record Stamp(Path path, FileTime modified, long size) {
        static Optional<Stamp> of(Path path) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return Optional.of(new Stamp(path, a.lastModifiedTime(), a.size()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        boolean current() {
            return of(path).filter(this::equals).isPresent();
        }
    }

    private record Read(List<Stamp> stamps, Mycnf content) {
        boolean current() {
            return stamps.stream().allMatch(Stamp::current);
        }
    }

    private final Map<Path, Read> files = new ConcurrentHashMap<>();

    /** The file's options as they are now; an unreadable file or include is an error naming it. */
    public Mycnf read(Path file) {
        Read last = files.get(file);
        if (last != null && last.current()) {
            return last.content();
        }
        files.remove(file);
        MycnfReader.Read read = MycnfReader.read(file);
        List<Stamp> stamps = read.files().stream().map(Stamp::of).flatMap(Optional::stream).toList();
        Mycnf content = Mycnf.of(read.options());
        files.put(file, new Read(stamps, content));
        return content;
    }
}
