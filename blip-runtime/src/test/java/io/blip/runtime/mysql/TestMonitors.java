package io.blip.runtime.mysql;

import io.blip.api.config.MonitorConfig;
import io.blip.api.config.MysqlConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.credential.CredentialSource;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.MonitorAddress;
import io.blip.runtime.config.MycnfFiles;
import java.time.Duration;
import java.util.List;

/** Monitors and connectors as boot makes them, for the connection tests. */
public final class TestMonitors {
    private TestMonitors() {
    }

    /** A monitor with its address resolved as the config loader resolves it. */
    public static MonitorConfig monitor(String id, String origin, MysqlConfig mysql, TlsConfig tls) {
        return MonitorConfig.of(id).withOrigin(origin).withMysql(mysql).withTls(tls)
                .withAddress(MonitorAddress.resolve(mysql, new MycnfFiles(), origin));
    }

    public static MysqlConnector connector(MonitorConfig m, CredentialSource credentials, Duration socketTimeout) {
        return connector(m, credentials, socketTimeout, List.of());
    }

    public static MysqlConnector connector(MonitorConfig m, CredentialSource credentials, Duration socketTimeout,
                                           List<TlsProvider> providers) {
        return connector(m, credentials, socketTimeout, providers, Time.system());
    }

    public static MysqlConnector connector(MonitorConfig m, CredentialSource credentials, Duration socketTimeout,
                                           List<TlsProvider> providers, Time time) {
        var files = new MycnfFiles();
        return new MysqlConnector(ConnectionTarget.resolve(m, files, providers, time), credentials, socketTimeout,
                providers, files, time);
    }
}
