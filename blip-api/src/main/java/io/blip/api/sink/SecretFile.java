package io.blip.api.sink;

import io.blip.api.Secret;
import io.blip.api.config.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A sink's credential (an API key, an access token): written in the config, or read from a file, for
 * a sink that sends it in a request header. A file is read when the sink is made (at boot, and at
 * every reload that makes the sink anew), again before a send when it changed (its modification time
 * or size), so a credential rotated on disk is used without a reload, again at every reload of Blip
 * when the sink calls {@link #reload()} from {@link Sink#reload()} (whether the file looks changed or
 * not), and again when the sink calls {@link #reread()} after its receiver refused the credential
 * (401, 403). A file that cannot be read later keeps the credential read last. Its value is revealed
 * only to the request header.
 *
 * <p>blip-api logs nothing itself: what happens to the file later goes to the plugin's logger through
 * the {@link Log} it gives.
 */
public final class SecretFile {
    private final String where;
    private final Path file;
    private final Wording wording;
    private final Log log;
    private Secret secret;
    private Stamp stamp;

    private SecretFile(String where, Path file, Wording wording, Log log, Secret secret, Stamp stamp) {
        this.where = where;
        this.file = file;
        this.wording = wording;
        this.log = log;
        this.secret = secret;
        this.stamp = stamp;
    }

    /**
     * How messages name the credential.
     *
     * @param noun        what it is, as in "the token file" ({@code token}, {@code key})
     * @param whole       what a file must hold and no more, as in "holds more than one key" ({@code the token},
     *                    {@code one key})
     * @param unsetAdvice added to the message when neither key is set; empty for none
     */
    public record Wording(String noun, String whole, String unsetAdvice) {
        public Wording {
            Objects.requireNonNull(noun, "noun");
            Objects.requireNonNull(whole, "whole");
            Objects.requireNonNull(unsetAdvice, "unsetAdvice");
        }
    }

    /**
     * Where a file read again ({@code info}) or unreadable later ({@code warn}) is told: the plugin's
     * logger, e.g. {@code new SecretFile.Log(LOG::info, LOG::warn)}. A message never holds the credential.
     */
    public record Log(Consumer<String> info, Consumer<String> warn) {
        public Log {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(warn, "warn");
        }
    }

    /**
     * The credential of {@code inline} or {@code fileKey}, exactly one of which must be given; null (and
     * a problem added) when neither or both are, or the file cannot be read or is empty.
     */
    public static SecretFile of(Options options, String inline, String fileKey, Wording wording, Log log,
                                List<String> problems) {
        boolean hasInline = !options.string(inline).isBlank();
        var path = options.file(fileKey);
        if (hasInline && path.isPresent()) {
            problems.add(options.where(inline) + " and " + options.where(fileKey) + ": both give the " + wording.noun()
                    + "; keep one");
            return null;
        }
        if (path.isPresent()) {
            try {
                Stamp stamp = Stamp.of(path.get(), wording);
                return new SecretFile(options.where(fileKey), path.get(), wording, log, read(path.get(), wording),
                        stamp);
            } catch (IOException | IllegalStateException e) {
                problems.add(options.where(fileKey) + ": " + e.getMessage());
                return null;
            }
        }
        if (!hasInline) {
            problems.add(options.pathOf(inline) + ": not set; set " + inline + " or " + fileKey
                    + wording.unsetAdvice());
            return null;
        }
        return new SecretFile(options.where(inline), null, wording, log, Secret.of(options.string(inline).trim()),
                null);
    }

    /** The credential, read again first when its file changed. */
    public synchronized Secret current() {
        if (file != null) {
            try {
                Stamp now = Stamp.of(file, wording);
                if (!now.equals(stamp)) {
                    secret = read(file, wording);
                    stamp = now;
                    log.info().accept(where + ": read the " + wording.noun() + " again from " + file
                            + ": the file changed");
                }
            } catch (IOException | IllegalStateException e) {
                warnKept(where + ": " + e.getMessage());
            }
        }
        return secret;
    }

    /**
     * Reads the file again, whether it looks changed or not, at a reload of Blip ({@link Sink#reload()}):
     * a credential rewritten with the same length within the file system's time granularity is read too.
     * A credential that changed is told to the {@link Log}'s {@code info}; a file that cannot be read, to
     * its {@code warn}, and the credential read before stays in use. Nothing to do for a credential in the
     * config. Never throws.
     */
    public synchronized void reload() {
        if (file == null) {
            return;
        }
        Secret before = secret;
        String problem = reread();
        if (problem != null) {
            warnKept(problem);
        } else if (!secret.equals(before)) {
            log.info().accept(where + ": read the " + wording.noun() + " again from " + file + ": Blip reloaded");
        }
    }

    private void warnKept(String problem) {
        log.warn().accept(problem + "; the " + wording.noun() + " read before stays in use");
    }

    /**
     * Reads the file again, whether it changed or not (after the receiver refused the credential).
     *
     * @return a problem reading it; null when read, or when the credential is in the config
     */
    public synchronized String reread() {
        if (file == null) {
            return null;
        }
        try {
            secret = read(file, wording);
            stamp = Stamp.of(file, wording);
            return null;
        } catch (IOException | IllegalStateException e) {
            return where + ": " + e.getMessage();
        }
    }

    /** The config key the credential comes from, and its file: never the credential. */
    public String describe() {
        return file == null ? where : where + " (" + file + ")";
    }

    @Override
    public String toString() {
        return "SecretFile[" + describe() + "]";
    }

    /** The file's credential: its text without surrounding white space (an editor's final newline). */
    private static Secret read(Path file, Wording wording) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException(cannotRead(file, wording, e), e);
        }
        String noun = wording.noun();
        if (text.isEmpty()) {
            throw new IllegalStateException("the " + noun + " file " + file + " is empty; write the " + noun
                    + " in it");
        }
        if (text.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException("the " + noun + " file " + file + " holds more than " + wording.whole()
                    + " (white space or other characters a " + noun + " has not); write only the " + noun + " in it");
        }
        return Secret.of(text);
    }

    private static String cannotRead(Path file, Wording wording, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file"
                : Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        return "cannot read the " + wording.noun() + " file " + file + ": " + reason;
    }

    /** What tells a changed file: its modification time and size. */
    private record Stamp(Object modified, long size) {
        static Stamp of(Path file, Wording wording) throws IOException {
            try {
                var attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime(), attributes.size());
            } catch (IOException e) {
                throw new IOException(cannotRead(file, wording, e), e);
            }
        }
    }
}
