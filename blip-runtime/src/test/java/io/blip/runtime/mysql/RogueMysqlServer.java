package io.blip.runtime.mysql;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A malicious MySQL server on loopback, for one connection: it greets with a protocol 10 handshake
 * ({@code mysql_native_password}, offering {@code CLIENT_LOCAL_FILES}), accepts any login, and answers the
 * first query with a LOCAL INFILE request ({@code 0xFB} and a file name) — what the MySQL manual warns
 * "a patched server" can do in reply to any statement. It records every byte the client sends after
 * the request, up to the empty packet that ends a file: a client that keeps LOAD DATA LOCAL off sends
 * none of the file.
 */
final class RogueMysqlServer implements AutoCloseable {
    private static final int CLIENT_LONG_PASSWORD = 0x1;
    private static final int CLIENT_LONG_FLAG = 0x4;
    private static final int CLIENT_LOCAL_FILES = 0x80;
    private static final int CLIENT_PROTOCOL_41 = 0x200;
    private static final int CLIENT_TRANSACTIONS = 0x2000;
    private static final int CLIENT_SECURE_CONNECTION = 0x8000;
    private static final int CLIENT_PLUGIN_AUTH = 0x80000;

    private final ServerSocket server;
    private final String fileName;
    private final CompletableFuture<Transcript> transcript = new CompletableFuture<>();

    /** What the client did: the query it sent, and what came after the file request. */
    record Transcript(String query, byte[] afterRequest, int packetsAfterRequest) {
    }

    RogueMysqlServer(String fileName) throws IOException {
        this.fileName = fileName;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("rogue-mysql").start(this::serveOne);
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Waits for the connection's end (the file's end, the client closed it, or sent nothing for 2 s). */
    Transcript transcript() throws Exception {
        return transcript.get(20, TimeUnit.SECONDS);
    }

    private void serveOne() {
        try (Socket s = server.accept()) {
            s.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            write(out, 0, handshake());
            read(in); // the handshake response, whatever its plugin and scramble
            write(out, 2, new byte[] {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00}); // OK
            byte[] query = read(in);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(0xFB);
            request.writeBytes(fileName.getBytes(StandardCharsets.UTF_8));
            write(out, 1, request.toByteArray());
            s.setSoTimeout(2_000);
            ByteArrayOutputStream after = new ByteArrayOutputStream();
            int packets = 0;
            try {
                byte[] packet;
                do {
                    packet = read(in);
                    after.writeBytes(packet);
                    packets++;
                } while (packet.length > 0); // an empty packet ends a file
            } catch (EOFException | SocketTimeoutException end) {
                // the client closed or went quiet
            }
            transcript.complete(new Transcript(new String(query, 1, query.length - 1, StandardCharsets.UTF_8),
                    after.toByteArray(), packets));
        } catch (IOException | RuntimeException e) {
            transcript.completeExceptionally(e);
        }
    }

    private static byte[] handshake() {
        int caps = CLIENT_LONG_PASSWORD | CLIENT_LONG_FLAG | CLIENT_LOCAL_FILES | CLIENT_PROTOCOL_41
                | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(10);
        p.writeBytes("8.0.36-rogue\0".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {1, 0, 0, 0}); // connection id
        p.writeBytes("abcdefgh".getBytes(StandardCharsets.US_ASCII)); // scramble, first 8
        p.write(0);
        p.write(caps & 0xFF);
        p.write((caps >> 8) & 0xFF);
        p.write(45); // utf8mb4_general_ci
        p.writeBytes(new byte[] {0x02, 0x00}); // status: autocommit
        p.write((caps >> 16) & 0xFF);
        p.write((caps >> 24) & 0xFF);
        p.write(21); // scramble length, with its NUL
        p.writeBytes(new byte[10]);
        p.writeBytes("ijklmnopqrst\0".getBytes(StandardCharsets.US_ASCII)); // scramble, last 12
        p.writeBytes("mysql_native_password\0".getBytes(StandardCharsets.US_ASCII));
        return p.toByteArray();
    }

    private static void write(OutputStream out, int sequence, byte[] payload) throws IOException {
        out.write(new byte[] {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16),
                (byte) sequence});
        out.write(payload);
        out.flush();
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new EOFException();
        }
        int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException();
        }
        return payload;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
