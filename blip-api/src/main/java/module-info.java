/**
 * The only module a Blip plugin compiles against: value records and small SPIs.
 * It depends on the JDK alone ({@code java.sql} for {@link javax.sql.DataSource}, {@code java.net.http}
 * for the HTTP sinks' {@link io.blip.api.sink.Answers#send}).
 */
module io.blip.api {
    requires transitive java.sql;
    requires transitive java.net.http;

    exports io.blip.api;
    exports io.blip.api.collect;
    exports io.blip.api.config;
    exports io.blip.api.credential;
    exports io.blip.api.ha;
    exports io.blip.api.monitor;
    exports io.blip.api.plan;
    exports io.blip.api.plugin;
    exports io.blip.api.region;
    exports io.blip.api.sink;
    exports io.blip.api.time;
    exports io.blip.api.tls;
}
