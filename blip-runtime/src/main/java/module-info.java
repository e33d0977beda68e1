/**
 * The Blip runtime: CLI, config, plugin layers, monitors, engine, plans, built-in collectors and
 * sinks, MySQL connections. It reads no plugin class: plugins are found through the SPIs of
 * {@code io.blip.api}.
 */
module io.blip.runtime {
    requires io.blip.api;
    requires typesafe.config;
    requires org.snakeyaml.engine;
    requires info.picocli;
    requires org.slf4j;
    requires java.logging;
    // Plugins can use only JDK modules that the boot layer has: resolve the ones they commonly need.
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
    uses java.sql.Driver;

    provides io.blip.api.collect.CollectorFactory with
            io.blip.runtime.collect.statusglobal.StatusGlobalFactory,
            io.blip.runtime.collect.varglobal.VarGlobalFactory,
            io.blip.runtime.collect.innodb.InnodbFactory,
            io.blip.runtime.collect.repl.ReplFactory,
            io.blip.runtime.collect.repllag.ReplLagFactory,
            io.blip.runtime.collect.sizedatabase.SizeDatabaseFactory,
            io.blip.runtime.collect.sizetable.SizeTableFactory,
            io.blip.runtime.collect.sizebinlog.SizeBinlogFactory,
            io.blip.runtime.collect.trx.TrxFactory;
    provides io.blip.api.sink.SinkFactory with
            io.blip.runtime.sink.LogSinkFactory,
            io.blip.runtime.sink.NoopSinkFactory;
    provides io.blip.api.credential.CredentialSourceFactory with
            io.blip.runtime.credential.PasswordSourceFactory,
            io.blip.runtime.credential.PasswordFileSourceFactory,
            io.blip.runtime.credential.MycnfSourceFactory;

    // The driver makes UnixSocketFactory by class name.
    exports io.blip.runtime.mysql to mysql.connector.j;
    // picocli reads the annotated fields of the command line.
    opens io.blip.runtime to info.picocli;
}
