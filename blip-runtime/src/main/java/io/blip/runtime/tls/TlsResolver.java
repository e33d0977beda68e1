package io.blip.runtime.tls;

import io.blip.api.BlipException;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.tls.Pem;
import io.blip.api.tls.PemException;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.tls.TlsSettings.ClientIdentity;
import io.blip.runtime.tls.TlsSettings.FileStamp;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a monitor's {@link TlsSettings}, reading its certificate and key files. The first source
 * that has something wins:
 *
 * <ol>
 *   <li>The monitor's {@code tls.*} keys (explicit config always wins), meaning what they mean in
 *       Blip: {@code disable} turns TLS off; {@code skip-verify} encrypts without verifying;
 *       otherwise the server is verified as go-sql-driver does, CA and host name
 *       (VERIFY_IDENTITY), against {@code ca} or the JDK's trusted CAs; {@code cert} and
 *       {@code key} are the client certificate; {@code server-name} and {@code min-version} refine.</li>
 *   <li>The my.cnf's {@code ssl-ca}, {@code ssl-cert}, {@code ssl-key}, {@code ssl-mode}, as the
 *       mysql client reads them: {@code ssl-mode} as MySQL defines it; without it, VERIFY_CA when
 *       {@code ssl-ca} is set and PREFERRED otherwise; below VERIFY_CA the CA is not used.</li>
 *   <li>The first {@link TlsProvider} that answers (e.g. the RDS CA): VERIFY_IDENTITY when it says
 *       so, VERIFY_CA otherwise.</li>
 *   <li>PREFERRED: TLS when the server offers it, as the mysql client does.</li>
 * </ol>
 *
 * <p>Every problem is reported at once, each naming the config key (or my.cnf file and key) and the
 * file. Monitors that connect by Unix socket use no TLS and are not resolved here.
 */
public final class TlsResolver {
    private TlsResolver() {
    }

    /**
     * The monitor's TLS now.
     *
     * @param monitor    the monitor
     * @param mycnfFile  its my.cnf ({@code mysql.mycnf}), or null
     * @param mycnfSsl   the my.cnf's {@code ssl-*} keys as a TlsConfig ({@code mode} = {@code ssl-mode});
     *                   {@link TlsConfig#EMPTY} when there is no my.cnf
     * @param providers  TLS providers in order; asked only when neither config nor my.cnf sets TLS
     * @throws BlipException naming every unusable file or setting
     */
    public static TlsSettings resolve(MonitorConfig monitor, Path mycnfFile, TlsConfig mycnfSsl,
                                      List<TlsProvider> providers) {
        String origin = monitor.origin().isEmpty() ? "monitor " + monitor.id() : monitor.origin();
        TlsConfig tls = monitor.tls();
        if (tls.isSet()) {
            FileReads files = new FileReads(origin + ".tls.");
            TlsSettings s = tls.mode().isEmpty() ? blip(tls, origin + ".tls", files) : mysql(tls, origin + ".tls",
                    files, "mode");
            return files.result(s);
        }
        if (mycnfFile != null && hasSsl(mycnfSsl)) {
            String where = origin + ".mysql.mycnf: " + mycnfFile;
            FileReads files = new FileReads(where + ": ssl-");
            files.stamps.add(FileStamp.of(mycnfFile));
            return files.result(mysql(mycnfSsl, where, files, "ssl-mode"));
        }
        // A my.cnf without ssl-* keys may gain them: it is watched like a TLS file.
        List<FileStamp> watched = mycnfFile == null ? List.of() : List.of(FileStamp.of(mycnfFile));
        for (TlsProvider p : providers) {
            Optional<TlsMaterial> material;
            try {
                material = p.tls(monitor);
            } catch (Exception e) {
                throw new BlipException(origin + ": TLS provider " + p.name() + " failed: " + e.getMessage(), e);
            }
            if (material.isPresent()) {
                TlsMaterial m = material.get();
                TlsMode mode = m.verifyIdentity() ? TlsMode.VERIFY_IDENTITY : TlsMode.VERIFY_CA;
                String source = "TLS provider " + p.name() + ": " + m.source();
                return new TlsSettings(mode, m.trustedCas(), m.trustedCas().isEmpty() ? jdkCas() : source, null,
                        "", "", source, watched, List.of());
            }
        }
        return new TlsSettings(TlsMode.PREFERRED, List.of(), "", null, "", "",
                "no tls settings: TLS when the server offers it", watched, List.of());
    }

    private static boolean hasSsl(TlsConfig ssl) {
        return !ssl.ca().isEmpty() || !ssl.cert().isEmpty() || !ssl.key().isEmpty() || !ssl.mode().isEmpty();
    }

    private static String jdkCas() {
        return "the JDK's trusted CAs";
    }

    /** Blip's {@code tls.*}: verify CA and name unless skip-verify; a CA file is read even if unused, to check it. */
    private static TlsSettings blip(TlsConfig tls, String where, FileReads files) {
        if (tls.disable()) {
            return TlsSettings.disabled(where + ".disable");
        }
        List<X509Certificate> cas = tls.ca().isEmpty() ? List.of() : files.certificates("ca", tls.ca());
        ClientIdentity client = files.client(tls.cert(), tls.key(), "cert", "key");
        TlsMode mode = tls.skipVerify() ? TlsMode.REQUIRED : TlsMode.VERIFY_IDENTITY;
        String trust = tls.ca().isEmpty() ? jdkCas() : files.where("ca") + ": " + tls.ca();
        String source = tls.skipVerify() ? where + ".skip-verify" : where;
        return new TlsSettings(mode, cas, trust, client, tls.serverName(), tls.minVersion(), source, List.of(),
                List.of());
    }

    /** MySQL's {@code ssl-*}: the mysql client's rules (client/include/sslopt-case.h, sslopt-vars.h). */
    private static TlsSettings mysql(TlsConfig ssl, String where, FileReads files, String modeKey) {
        TlsMode mode;
        if (ssl.mode().isEmpty()) {
            mode = ssl.ca().isEmpty() ? TlsMode.PREFERRED : TlsMode.VERIFY_CA;
        } else {
            Optional<TlsMode> parsed = TlsMode.parse(ssl.mode());
            if (parsed.isEmpty()) {
                files.problems.add(where + ": " + modeKey + ": '" + ssl.mode() + "' is not an ssl-mode; use DISABLED,"
                        + " PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
                return TlsSettings.disabled(where);
            }
            mode = parsed.get();
        }
        String source = where + (ssl.mode().isEmpty() ? "" : ": " + modeKey + "=" + mode);
        if (mode == TlsMode.DISABLED) {
            return TlsSettings.disabled(source);
        }
        List<String> warnings = new ArrayList<>();
        if (!ssl.ca().isEmpty() && !mode.verifiesCa()) {
            // The mysql client's warning: "no verification of server certificate will be done".
            warnings.add(where + ": ssl-ca is set but ssl-mode " + mode + " does not verify the server certificate,"
                    + " as in MySQL; use ssl-mode VERIFY_CA or VERIFY_IDENTITY");
        }
        List<X509Certificate> cas = mode.verifiesCa() && !ssl.ca().isEmpty() ? files.certificates("ca", ssl.ca())
                : List.of();
        ClientIdentity client = files.client(ssl.cert(), ssl.key(), "cert", "key");
        String trust = ssl.ca().isEmpty() ? jdkCas() : files.where("ca") + ": " + ssl.ca();
        return new TlsSettings(mode, cas, trust, client, ssl.serverName(), ssl.minVersion(), source, List.of(),
                warnings);
    }

    /** Reads files for one source, collecting problems and what was read. */
    private static final class FileReads {
        private final String prefix;
        private final List<String> problems = new ArrayList<>();
        private final List<FileStamp> stamps = new ArrayList<>();

        FileReads(String prefix) {
            this.prefix = prefix;
        }

        /** {@code blip.yaml: monitors[0].tls.ca} or {@code ...mysql.mycnf: /etc/my.cnf: ssl-ca}. */
        String where(String key) {
            return prefix + key;
        }

        List<X509Certificate> certificates(String key, String file) {
            return read(key, file, Pem::certificates, List.of());
        }

        PrivateKey key(String key, String file) {
            return read(key, file, Pem::privateKey, null);
        }

        /** What {@code reader} makes of the file, watching it; {@code failed} and a problem when it cannot. */
        private <T> T read(String key, String file, PemReader<T> reader, T failed) {
            Path path = Path.of(file);
            stamps.add(FileStamp.of(path));
            try {
                return reader.read(path);
            } catch (PemException e) {
                problems.add(where(key) + ": " + e.getMessage());
                return failed;
            }
        }

        ClientIdentity client(String cert, String key, String certKey, String keyKey) {
            if (cert.isEmpty() && key.isEmpty()) {
                return null;
            }
            if (cert.isEmpty() || key.isEmpty()) {
                String set = cert.isEmpty() ? keyKey : certKey;
                String unset = cert.isEmpty() ? certKey : keyKey;
                problems.add(where(set) + " is set but " + where(unset) + " is not; a client certificate needs both");
                return null;
            }
            List<X509Certificate> chain = certificates(certKey, cert);
            PrivateKey privateKey = key(keyKey, key);
            if (chain.isEmpty() || privateKey == null) {
                return null;
            }
            if (!Pem.matches(privateKey, chain.getFirst())) {
                problems.add(where(keyKey) + ": the key in '" + key + "' is not the private key of the certificate in '"
                        + cert + "' (" + chain.getFirst().getSubjectX500Principal() + "); give the key that was made"
                        + " with that certificate");
                return null;
            }
            return new ClientIdentity(privateKey, chain, where(certKey) + ": " + cert);
        }

        TlsSettings result(TlsSettings s) {
            if (!problems.isEmpty()) {
                throw new BlipException(String.join("\n", problems));
            }
            return new TlsSettings(s.mode(), s.trustedCas(), s.trustSource(), s.client(), s.serverName(),
                    s.minVersion(), s.source(), stamps, s.warnings());
        }
    }

    /** {@link Pem}'s readers of a file. */
    @FunctionalInterface
    private interface PemReader<T> {
        T read(Path file) throws PemException;
    }
}
