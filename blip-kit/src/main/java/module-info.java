/**
 * The plugin kit: contract tests that a plugin's tests extend ({@link io.blip.kit.SinkContract},
 * {@link io.blip.kit.CredentialSourceContract}, {@link io.blip.kit.CollectorContract},
 * {@link io.blip.kit.TlsProviderContract}) and what they need to run without a runtime
 * ({@link io.blip.kit.DownMysql}, {@link io.blip.kit.HttpReceiver}). Use it in test scope; it depends
 * on blip-api, JUnit and the JDK only.
 */
module io.blip.kit {
    requires transitive io.blip.api;
    requires transitive org.junit.jupiter.api;
    requires jdk.httpserver;

    exports io.blip.kit;
}
