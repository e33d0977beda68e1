package io.blip.runtime.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.ServerSession;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.SocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Connects mysql-connector-j through a Unix domain socket ({@code mysql.socket}), which the driver
 * cannot do by itself. The driver makes one factory per connection by class name (property
 * {@code socketFactory}). The socket path travels in the driver's {@code namedPipePath} property,
 * the one its own Windows named-pipe factory reads, because the driver drops properties it does not
 * know.
 *
 * <p>Connections over a local socket do not use TLS, as the mysql client and Blip do not.
 */
public final class UnixSocketFactory implements SocketFactory {
    /** The driver property that carries the socket path. */
    static final String PATH_PROPERTY = PropertyKey.PATH.getKeyName();

    private UnixSocket socket;

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T connect(String host, int port, PropertySet props, int loginTimeout)
            throws IOException {
        String path = props.getStringProperty(PropertyKey.PATH).getValue();
        if (path == null || path.isEmpty()) {
            throw new SocketException("no Unix socket path given (driver property " + PATH_PROPERTY + ")");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(Path.of(path)));
        } catch (IOException e) {
            channel.close();
            throw new SocketException("cannot connect to Unix socket " + path + ": " + e.getMessage());
        }
        socket = new UnixSocket(channel);
        return (T) socket;
    }

    @Override
    public <T extends Closeable> T performTlsHandshake(SocketConnection connection, ServerSession session)
            throws IOException {
        throw new SocketException("TLS is not used over a Unix socket; connect with hostname to use TLS");
    }
}
