package io.blip.runtime.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one monitor uses TLS, resolved by {@link TlsResolver} from its config, its my.cnf or a TLS
 * provider. Holds key material in memory only; {@link #toString()} never shows it.
 *
 * @param mode        what MySQL's {@code ssl-mode} of that name means
 * @param trustedCas  the CAs that verify the server; empty for the JDK's trusted CAs (cacerts)
 * @param trustSource where the CAs come from, for messages
 * @param client      the client certificate and key, or null for none
 * @param serverName  the name to verify the server certificate against and to send as SNI;
 *                    empty for the host connected to
 * @param minVersion  the lowest TLS version ({@code TLSv1.2}, {@code TLSv1.3}); empty for the JDK's
 * @param source      which settings chose this, for messages (e.g. {@code blip.yaml: monitors[0].tls})
 * @param files       the files read, to notice when they change
 * @param warnings    what the user should hear about when these settings are put to use (e.g. an
 *                    ssl-ca that the ssl-mode does not use)
 */
public record TlsSettings(TlsMode mode, List<X509Certificate> trustedCas, String trustSource, ClientIdentity client,
                          String serverName, String minVersion, String source, List<FileStamp> files,
                          List<String> warnings) {

    public TlsSettings {
        Objects.requireNonNull(mode, "mode");
        trustedCas = List.copyOf(trustedCas);
        trustSource = trustSource == null ? "" : trustSource;
        serverName = serverName == null ? "" : serverName;
        minVersion = minVersion == null ? "" : minVersion;
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    /** No TLS, e.g. over a Unix socket. */
    public static TlsSettings disabled(String source) {
        return new TlsSettings(TlsMode.DISABLED, List.of(), "", null, "", "", source, List.of(), List.of());
    }

    /**
     * A client certificate chain (leaf first) and its private key.
     *
     * @param source where they come from, for messages
     */
    public record ClientIdentity(PrivateKey key, List<X509Certificate> chain, String source) {
        public ClientIdentity {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a client identity needs its certificate");
            }
        }

        @Override
        public String toString() {
            return "client certificate " + chain.getFirst().getSubjectX500Principal() + " (" + source + ")";
        }
    }

    /**
     * A file's modification time and size when it was read: a renewed certificate changes one of them.
     */
    public record FileStamp(Path path, FileTime modified, long size) {
        /** The file as it is now; a missing file has no time and size -1. */
        public static FileStamp of(Path path) {
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                return new FileStamp(path, a.lastModifiedTime(), a.size());
            } catch (IOException e) {
                return new FileStamp(path, FileTime.fromMillis(0), -1);
            }
        }

        public boolean changed() {
            return !equals(of(path));
        }
    }

    /** Whether a file read for these settings changed (or vanished) since. */
    public boolean filesChanged() {
        return files.stream().anyMatch(FileStamp::changed);
    }

    /** One line for logs and messages; no key material. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(mode + " (" + source + ")");
        if (mode.verifiesCa()) {
            parts.add("CAs: " + trustSource);
        }
        if (client != null && mode != TlsMode.DISABLED) {
            parts.add(client.toString());
        }
        if (!serverName.isEmpty() && mode != TlsMode.DISABLED) {
            parts.add("server name " + serverName);
        }
        if (!minVersion.isEmpty() && mode != TlsMode.DISABLED) {
            parts.add("min " + minVersion);
        }
        return String.join("; ", parts);
    }

    @Override
    public String toString() {
        return "TlsSettings[" + describe() + "]";
    }
}
