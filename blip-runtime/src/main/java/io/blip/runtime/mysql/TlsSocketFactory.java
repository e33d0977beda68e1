package io.blip.runtime.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.ServerSession;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.StandardSocketFactory;
import io.blip.runtime.tls.TlsClient;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TCP as the driver does it, TLS as Blip does it: when MySQL's greeting leads to TLS, the handshake
 * is {@link TlsClient#handshake}, with the monitor's CAs, client certificate, server name and
 * minimum version, all in memory. The driver only decides whether to use TLS ({@code sslMode}
 * DISABLED, PREFERRED or REQUIRED); none of its truststore properties are used.
 *
 * <p>The driver makes one factory per connection by class name (property {@code socketFactory})
 * and hands it only the properties it knows. So each {@link MysqlConnector} registers its
 * {@link TlsClient} here under an opaque key, and the key travels in the driver's
 * {@code namedPipePath} property: only the driver's Windows named-pipe factory reads it (checked
 * against Connector/J 26.10), never over TCP, and {@link UnixSocketFactory} reuses it for its path
 * the same way. This registry is the one piece of static state: the driver leaves no other way in.
 */
public final class TlsSocketFactory extends StandardSocketFactory {
    /** The driver property that carries the registry key. */
    static final String KEY_PROPERTY = PropertyKey.PATH.getKeyName();

    private static final Map<String, TlsClient> CLIENTS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private String key;

    /** A new registry key for one connector; the monitor id only makes it readable in a heap dump. */
    static String newKey(String monitorId) {
        return "blip-tls-" + NEXT.incrementAndGet() + "-" + monitorId;
    }

    /** Sets (or, after a reload, replaces) the TLS client that connections with this key use. */
    static void register(String key, TlsClient client) {
        CLIENTS.put(key, client);
    }

    static void unregister(String key) {
        CLIENTS.remove(key);
    }

    @Override
    public <T extends Closeable> T connect(String hostname, int portNumber, PropertySet props, int loginTimeout)
            throws IOException {
        key = props.getStringProperty(PropertyKey.PATH).getValue();
        return super.connect(hostname, portNumber, props, loginTimeout);
    }

    @Override
    public <T extends Closeable> T performTlsHandshake(SocketConnection connection, ServerSession session)
            throws IOException {
        return performTlsHandshake(connection, session, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T performTlsHandshake(SocketConnection connection, ServerSession session, Log log)
            throws IOException {
        TlsClient client = key == null ? null : CLIENTS.get(key);
        if (client == null) {
            throw new SocketException("no TLS settings registered for this connection (driver property "
                    + KEY_PROPERTY + "); connections with TLS are opened by MysqlConnector");
        }
        sslSocket = client.handshake(rawSocket, host, port);
        return (T) sslSocket;
    }
}
