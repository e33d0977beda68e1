package io.blip.runtime.mysql;

import io.blip.api.BlipException;
import io.blip.api.config.Address;
import io.blip.api.config.MonitorConfig;
import io.blip.api.config.TlsConfig;
import io.blip.api.time.Time;
import io.blip.api.tls.TlsProvider;
import io.blip.runtime.config.MycnfFiles;
import io.blip.runtime.tls.TlsClient;
import io.blip.runtime.tls.TlsMode;
import io.blip.runtime.tls.TlsResolver;
import io.blip.runtime.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where and how one monitor connects, resolved once when the monitor is built: its address (from
 * {@code hostname}, {@code socket} or the my.cnf, see {@link MonitorConfig#address()}), its my.cnf,
 * and its TLS with the {@link TlsClient} (the {@code SSLContext}) every connection uses. Building it
 * checks everything that can be checked without connecting, so that boot reports it.
 *
 * @param monitor the monitor
 * @param mycnf   its my.cnf ({@code mysql.mycnf}), or null
 * @param tls     its TLS settings
 * @param client  the TLS client made from them; null when TLS is off
 */
public record ConnectionTarget(MonitorConfig monitor, Path mycnf, TlsSettings tls, TlsClient client) {

    /**
     * @param time what the TLS client judges a refused server certificate's validity on
     * @throws BlipException naming every problem: no address, TLS over a socket, an unusable TLS file
     */
    public static ConnectionTarget resolve(MonitorConfig monitor, MycnfFiles files, List<TlsProvider> providers,
                                           Time time) {
        Address address = monitor.address();
        if (address.isSocket()) {
            // A socket takes precedence over TCP, as in Blip. Local socket connections do not use TLS.
            if (monitor.tls().isSet() && !monitor.tls().disable()) {
                throw new BlipException(monitor.origin() + ".tls: TLS is not used over a Unix socket ("
                        + address.socket() + "); remove the tls settings (or set tls.disable: true for this monitor)"
                        + " or connect with hostname");
            }
        } else if (address.host().isEmpty()) {
            throw new BlipException(monitor.origin() + ": no hostname: set hostname (host or host:port) or socket");
        }
        Path mycnf = monitor.mysql().mycnf().isEmpty() ? null : Path.of(monitor.mysql().mycnf());
        TlsSettings tls = tls(monitor, mycnf, files, providers);
        return new ConnectionTarget(monitor, mycnf, tls, client(tls, time));
    }

    /** The same target with TLS read again (its files changed, or access was denied). */
    ConnectionTarget reloadTls(MycnfFiles files, List<TlsProvider> providers, Time time) {
        TlsSettings again = tls(monitor, mycnf, files, providers);
        return new ConnectionTarget(monitor, mycnf, again, client(again, time));
    }

    private static TlsClient client(TlsSettings tls, Time time) {
        return tls.mode() == TlsMode.DISABLED ? null : TlsClient.of(tls, time);
    }

    public Address address() {
        return monitor.address();
    }

    /** The monitor's TLS as its files and providers say now; none over a Unix socket. */
    private static TlsSettings tls(MonitorConfig monitor, Path mycnf, MycnfFiles files, List<TlsProvider> providers) {
        Address address = monitor.address();
        if (address.isSocket()) {
            List<String> warnings = mycnf == null ? List.of() : TlsMode.parse(files.read(mycnf).sslMode())
                    .filter(m -> m.compareTo(TlsMode.REQUIRED) >= 0)
                    .map(m -> List.of(mycnf + " sets ssl-mode=" + m + ", but Blip uses no TLS over the Unix socket "
                            + address.socket()))
                    .orElse(List.<String>of());
            return new TlsSettings(TlsMode.DISABLED, List.of(), "", null, "", "", "Unix socket " + address.socket(),
                    List.of(), warnings);
        }
        TlsConfig mycnfSsl = Optional.ofNullable(mycnf).filter(f -> !monitor.tls().isSet())
                .map(f -> files.read(f).tls()).orElse(TlsConfig.EMPTY);
        return TlsResolver.resolve(monitor, mycnf, mycnfSsl, providers);
    }
}
