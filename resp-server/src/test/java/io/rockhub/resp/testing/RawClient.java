package io.rockhub.resp.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RESP client that returns each reply as its raw bytes, so replies can be compared byte
 * for byte with Redis's. Understands RESP2 and RESP3 framing.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a connected socket (a TLS one, say). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one command as a RESP array of bulk strings and returns the raw reply. */
    public String call(String... args) throws IOException {
        send(args);
        return readReply();
    }

    public void send(String... args) throws IOException {
        out.write(encode(args));
        out.flush();
    }

    public static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(bytes);
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void sendRaw(String s) throws IOException {
        sendRaw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads exactly one reply, nested aggregates included, and returns its bytes. */
    public String readReply() throws IOException {
        return new String(readReplyBytes(), StandardCharsets.UTF_8);
    }

    /** Reads exactly one reply as raw bytes (binary bulk strings intact). */
    public byte[] readReplyBytes() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        readInto(b);
        return b.toByteArray();
    }

    /** Sends a command of binary arguments; returns the raw reply. */
    public byte[] callBytes(byte[]... args) throws IOException {
        sendRaw(encode(args));
        return readReplyBytes();
    }

    /** A command of binary arguments as a RESP array of bulk strings. */
    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** The body of a bulk-string reply ("$n\r\n...\r\n"), or null for a null bulk. */
    public static byte[] bulkBody(byte[] reply) {
        if (reply[0] != '$' || reply[1] == '-') {
            return null;
        }
        int crlf = 0;
        while (reply[crlf] != '\r') {
            crlf++;
        }
        return java.util.Arrays.copyOfRange(reply, crlf + 2, reply.length - 2);
    }

    /**
     * True if the server closed the connection (EOF, or a reset) within the socket timeout. A server
     * that stays silent, or sends more bytes, is not one that closed: false.
     */
    public boolean closedByServer() {
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException silent) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** True if at least one byte of a reply arrives within {@code wait} (the byte stays unread). */
    public boolean replyArrivesWithin(java.time.Duration wait) throws IOException {
        int timeout = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        try {
            in.mark(1);
            int b = in.read();
            in.reset();
            return b != -1;
        } catch (java.net.SocketTimeoutException none) {
            return false;
        } finally {
            socket.setSoTimeout(timeout);
        }
    }

    /** Fails if the server sent bytes beyond the replies read so far (waiting up to {@code wait} for them). */
    public void assertNothingMoreWithin(java.time.Duration wait) throws IOException {
        if (replyArrivesWithin(wait)) {
            byte[] extra = new byte[Math.max(1, in.available())];
            int n = in.read(extra);
            throw new AssertionError("unexpected bytes after the last reply: "
                    + new String(extra, 0, Math.max(0, n), StandardCharsets.UTF_8));
        }
    }

    private void readInto(ByteArrayOutputStream b) throws IOException {
        String line = readLine();
        b.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        char type = line.charAt(0);
        switch (type) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n >= 0) {
                    b.writeBytes(in.readNBytes(n + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) {
                    readInto(b);
                }
            }
            case '%' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < 2 * n; i++) {
                    readInto(b);
                }
            }
            default -> { }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("expected LF after CR");
                }
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        throw new IOException("connection closed mid-reply after '" + line + "'");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
