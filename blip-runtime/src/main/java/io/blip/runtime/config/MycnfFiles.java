package io.blip.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The my.cnf files of one boot, each read once and again only when it changes (its time or size):
 * the monitor's address at config time, its {@code ssl-*} keys for TLS and its user and password
 * for each new connection all come from the same reading.
 */
public final class MycnfFiles {
    private record Read(FileTime modified, long size, Mycnf content) {
    }

    private final Map<Path, Read> files = new ConcurrentHashMap<>();

    /** The file's {@code [client]} section as it is now; an unreadable file is an error naming it. */
    public Mycnf read(Path file) {
        FileTime modified;
        long size;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            modified = a.lastModifiedTime();
            size = a.size();
        } catch (IOException e) {
            files.remove(file);
            return Mycnf.read(file); // says why it cannot be read
        }
        Read last = files.get(file);
        if (last != null && last.modified().equals(modified) && last.size() == size) {
            return last.content();
        }
        Mycnf content = Mycnf.read(file);
        files.put(file, new Read(modified, size, content));
        return content;
    }
}
