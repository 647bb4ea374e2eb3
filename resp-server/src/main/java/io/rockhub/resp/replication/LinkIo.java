package io.rockhub.resp.replication;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The replica's end of the link: writes commands as RESP arrays and reads the few reply shapes the
 * primary sends (lines, integers, bulk strings, array headers). Blocking I/O on the link's thread.
 */
final class LinkIo {
    private final InputStream in;
    private final OutputStream out;

    LinkIo(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void send(String... args) throws IOException {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    boolean hasBuffered() throws IOException {
        return in.available() > 0;
    }

    /** A line without its CRLF, type byte included. */
    String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("primary closed the link");
            }
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed line from primary: " + sb);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    /** A reply line that must be +OK-like; errors become exceptions with the primary's text. */
    String status() throws IOException {
        String l = line();
        if (l.startsWith("-")) {
            throw new IOException("primary answered " + l.substring(1));
        }
        return l;
    }

    long integer() throws IOException {
        String l = line();
        if (l.isEmpty() || l.charAt(0) != ':') {
            throw new IOException("expected an integer from primary, got " + l);
        }
        return Long.parseLong(l.substring(1));
    }

    int arrayHeader() throws IOException {
        String l = line();
        if (l.startsWith("-")) {
            throw new IOException("primary answered " + l.substring(1));
        }
        if (l.isEmpty() || l.charAt(0) != '*') {
            throw new IOException("expected an array from primary, got " + l);
        }
        return Integer.parseInt(l.substring(1));
    }

    byte[] bulk() throws IOException {
        String l = line();
        if (l.startsWith("-")) {
            throw new IOException("primary answered " + l.substring(1));
        }
        if (l.isEmpty() || l.charAt(0) != '$') {
            throw new IOException("expected a bulk string from primary, got " + l);
        }
        int n = Integer.parseInt(l.substring(1));
        byte[] b = in.readNBytes(n);
        if (b.length < n || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("primary closed the link inside a bulk string");
        }
        return b;
    }

    String bulkString() throws IOException {
        return new String(bulk(), StandardCharsets.UTF_8);
    }
}
