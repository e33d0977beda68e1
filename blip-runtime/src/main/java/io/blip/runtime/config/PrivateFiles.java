package io.blip.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files that hold a password should be readable by their owner alone, as ssh and the {@code mysql}
 * client expect of theirs: Blip warns at boot (and at each reload) about one its group or others can
 * read, naming the file and the fix. A group that is Blip's own group does not count: a Kubernetes secret
 * volume mounted {@code 0440} for the pod's {@code fsGroup}, which is its {@code runAsGroup}, is read by
 * Blip's group alone. A warning, not a boot error: a secret volume is mounted 0644 unless
 * {@code defaultMode} says otherwise, and refusing it would stop working deployments.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);

    private PrivateFiles() {
    }

    /** Logs {@link #warning}'s words, if any. */
    public static void check(Path file, String holds) {
        warning(file, holds).ifPresent(LOG::warn);
    }

    /**
     * What is wrong with {@code file}'s mode, when its group or others can read it.
     *
     * @param holds what the file holds, for the message, e.g. {@code a password}
     */
    public static Optional<String> warning(Path file, String holds) {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty(); // not POSIX, or unreadable: reading it says so
        }
        boolean group = mode.contains(PosixFilePermission.GROUP_READ) && !ownGroup(file);
        boolean others = mode.contains(PosixFilePermission.OTHERS_READ);
        if (!group && !others) {
            return Optional.empty();
        }
        return Optional.of(file + ": holds " + holds + " and is readable by " + (group && others ? "its group and"
                + " others" : group ? "its group" : "others") + " (" + PosixFilePermissions.toString(mode)
                + "); make it private to Blip's user: chmod 600 " + file);
    }

    /** Whether the file's group is this process's effective group (Linux: {@code /proc/self/status}). */
    private static boolean ownGroup(Path file) {
        try {
            int gid = (Integer) Files.getAttribute(file, "unix:gid");
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Gid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 && Integer.parseInt(ids[1]) == gid;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no unix view: count the group
        }
        return false;
    }
}
