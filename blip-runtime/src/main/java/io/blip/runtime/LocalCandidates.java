package io.blip.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where local auto-detection looks for MySQL, in Blip's order: the Unix sockets of this host
 * whose path names MySQL (not its X protocol), else the two usual socket paths, then
 * {@link #TCP}. Blip lists the sockets with {@code netstat}; on Linux, {@code /proc/net/unix} has
 * the same list without a program.
 *
 * @param sockets socket files to try, in order
 * @param tcp     the TCP address tried after them ({@code host:port})
 */
record LocalCandidates(List<Path> sockets, String tcp) {
    static final String TCP = "127.0.0.1:3306";
    private static final List<Path> USUAL_SOCKETS = List.of(Path.of("/tmp/mysql.sock"),
            Path.of("/var/lib/mysql/mysql.sock"));
    private static final Path PROC_UNIX = Path.of("/proc/net/unix");

    LocalCandidates {
        sockets = List.copyOf(sockets);
    }

    /** This host's candidates. */
    static LocalCandidates ofThisHost() {
        List<Path> found = listening(PROC_UNIX);
        if (found.isEmpty()) {
            found = USUAL_SOCKETS.stream().filter(LocalCandidates::isSocket).toList();
        }
        return new LocalCandidates(found, TCP);
    }

    /** The socket paths in a {@code /proc/net/unix} listing that name MySQL but not mysqlx; none if it cannot be read. */
    static List<Path> listening(Path procNetUnix) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procNetUnix);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        Set<Path> out = new LinkedHashSet<>();
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            // Num RefCount Protocol Flags Type St Inode Path: only bound sockets have a path.
            if (fields.length < 8 || !fields[7].startsWith("/")) {
                continue;
            }
            String path = fields[7];
            if (path.contains("mysql") && !path.contains("mysqlx") && isSocket(Path.of(path))) {
                out.add(Path.of(path));
            }
        }
        return new ArrayList<>(out);
    }

    private static boolean isSocket(Path p) {
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
    }
}
