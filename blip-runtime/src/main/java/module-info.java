/**
 * The Blip runtime: CLI, boot, config, plugin layers, plans, monitors, engine, MySQL connections,
 * delivery to sinks and the REST API. It reads no plugin class: plugins are found through the SPIs of
 * {@code io.blip.api}.
 */
module io.blip.runtime {
    requires io.blip.api;
    requires typesafe.config;
    requires org.snakeyaml.engine;
    requires org.slf4j;
    requires java.logging;
    // Blip's logging backend, set up in code (Logging), and java.util.logging's loggers routed to it.
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires jul.to.slf4j;
    // Plugins can use only JDK modules that the boot layer has: resolve the ones they commonly need
    // (the JDK's HTTP server, e.g. for a sink that receives; Blip's own API serves on HttpListener).
    requires jdk.httpserver;
    requires java.naming;
    requires java.net.http;
    requires jdk.unsupported;
    // For the Unix-socket transport (UnixSocketFactory), which implements the driver's SocketFactory.
    // An automatic module: its name comes from the jar, mysql-connector-j-<version>.jar.
    requires mysql.connector.j;

    uses io.blip.api.collect.CollectorFactory;
    uses io.blip.api.sink.SinkFactory;
    uses io.blip.api.credential.CredentialSourceFactory;
    uses io.blip.api.region.RegionResolver;
    uses io.blip.api.tls.TlsProvider;
    uses io.blip.api.monitor.MonitorLoader;
    uses io.blip.api.config.MonitorSection;
    uses io.blip.api.ha.HaManagerFactory;
    uses io.blip.api.sink.MetricTranslator;
    uses java.sql.Driver;

    provides io.blip.api.credential.CredentialSourceFactory with
            io.blip.runtime.credential.PasswordSourceFactory,
            io.blip.runtime.credential.PasswordFileSourceFactory,
            io.blip.runtime.credential.MycnfSourceFactory;

    // Logback asks it for its set-up instead of looking for an XML file.
    provides ch.qos.logback.classic.spi.Configurator with io.blip.runtime.Logging;

    // The driver makes UnixSocketFactory by class name.
    exports io.blip.runtime.mysql to mysql.connector.j;
}
