package io.blip.sink.signalfx;

import io.blip.api.Secret;
import io.blip.api.config.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * The SignalFx access token: written in the config, or read from a file. A file is read when the sink is made
 * (at boot, and at every reload that makes the sink anew), again before a send when it changed (its
 * modification time or size), so a token rotated on disk is used without a reload, and again after
 * SignalFx refuses the token (401, 403). A file that cannot be read later keeps the token read last.
 * Its value is revealed only to the request header.
 */
final class TokenSource {
    private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);

    private final String where;
    private final Path file;
    private Secret token;
    private Stamp stamp;

    private TokenSource(String where, Path file, Secret token, Stamp stamp) {
        this.where = where;
        this.file = file;
        this.token = token;
        this.stamp = stamp;
    }

    /**
     * The token of {@code inline} or {@code fileKey}, exactly one of which must be given; null (and
     * a problem added) when neither or both are, or the file cannot be read or is empty.
     */
    static TokenSource of(Options options, String inline, String fileKey, List<String> problems) {
        boolean hasInline = !options.string(inline).isBlank();
        var path = options.file(fileKey);
        if (hasInline && path.isPresent()) {
            problems.add(options.where(inline) + " and " + options.where(fileKey) + ": both give the token; keep one");
            return null;
        }
        if (path.isPresent()) {
            try {
                Stamp stamp = Stamp.of(path.get());
                return new TokenSource(options.where(fileKey), path.get(), read(path.get()), stamp);
            } catch (IOException | IllegalStateException e) {
                problems.add(options.where(fileKey) + ": " + e.getMessage());
                return null;
            }
        }
        if (!hasInline) {
            problems.add(options.pathOf(inline) + ": not set; set " + inline + " or " + fileKey);
            return null;
        }
        return new TokenSource(options.where(inline), null, Secret.of(options.string(inline).trim()), null);
    }

    /** The token, read again first when its file changed. */
    synchronized Secret current() {
        if (file != null) {
            try {
                Stamp now = Stamp.of(file);
                if (!now.equals(stamp)) {
                    token = read(file);
                    stamp = now;
                    LOG.info("{}: read the token again from {}: the file changed", where, file);
                }
            } catch (IOException | IllegalStateException e) {
                LOG.warn("{}: {}; the token read before stays in use", where, e.getMessage());
            }
        }
        return token;
    }

    /**
     * Reads the file again, whether it changed or not (after SignalFx refused the token).
     *
     * @return a problem reading it; null when read, or when the token is in the config
     */
    synchronized String reread() {
        if (file == null) {
            return null;
        }
        try {
            token = read(file);
            stamp = Stamp.of(file);
            return null;
        } catch (IOException | IllegalStateException e) {
            return where + ": " + e.getMessage();
        }
    }

    /** The config key the token comes from, and its file: never the token. */
    String describe() {
        return file == null ? where : where + " (" + file + ")";
    }

    @Override
    public String toString() {
        return "TokenSource[" + describe() + "]";
    }

    /** The file's token: its text without surrounding white space (an editor's final newline). */
    private static Secret read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the token file " + file + ": " + reason(e), e);
        }
        if (text.isEmpty()) {
            throw new IllegalStateException("the token file " + file + " is empty; write the token in it");
        }
        if (text.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException("the token file " + file + " holds more than the token (white space or"
                    + " other characters a token has not); write only the token in it");
        }
        return Secret.of(text);
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }

    /** What tells a changed file: its modification time and size. */
    private record Stamp(Object modified, long size) {
        static Stamp of(Path file) throws IOException {
            try {
                var attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime(), attributes.size());
            } catch (IOException e) {
                throw new IOException("cannot read the token file " + file + ": " + reason(e), e);
            }
        }
    }
}
