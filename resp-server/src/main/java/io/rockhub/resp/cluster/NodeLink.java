package io.rockhub.resp.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking RESP connection from this node to another, for a migration's copy: commands with
 * binary arguments, replies that are one line (status, error, integer). Not thread-safe.
 */
final class NodeLink implements AutoCloseable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    NodeLink(String host, int port, int timeoutMillis) throws IOException {
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Sends a command; its reply is read by {@link #reply}. */
    void send(Object... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] b = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.write('\r');
            out.write('\n');
        }
        out.flush();
    }

    /** The next reply line without its CRLF; an error reply is thrown with the node's text. */
    String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the node closed the connection");
            }
            if (c == '\r') {
                in.read();
                break;
            }
            sb.append((char) c);
        }
        if (sb.length() > 0 && sb.charAt(0) == '-') {
            throw new IOException("the node answered " + sb.substring(1));
        }
        return sb.toString();
    }

    String call(Object... args) throws IOException {
        send(args);
        return reply();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
