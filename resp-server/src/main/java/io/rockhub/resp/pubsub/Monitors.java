package io.rockhub.resp.pubsub;

import io.rockhub.core.config.ClientBufferLimits;
import io.rockhub.core.time.Clock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * MONITOR: every command the server runs, as a line to each monitoring client, in Redis's format
 * ({@code +1339518083.107412 [0 127.0.0.1:60866] "SET" "k" "v"}). Lines go through each monitor's
 * {@link Subscriber} queue, so a slow monitor is bounded by the replica output limit (as Redis
 * counts monitors as replicas) and never slows the command that produced the line.
 */
public final class Monitors {
    private final Set<Subscriber> monitors = new CopyOnWriteArraySet<>();
    private final Clock clock;
    private final Object order = new Object();
    private volatile ClientBufferLimits.Limit limit;

    public Monitors(Clock clock, ClientBufferLimits limits) {
        this.clock = clock;
        limits(limits);
    }

    public void limits(ClientBufferLimits limits) {
        this.limit = limits.of(ClientBufferLimits.ClientClass.SLAVE);
    }

    /** Whether anyone monitors: checked on every command, so the line is built only when someone reads it. */
    public boolean active() {
        return !monitors.isEmpty();
    }

    public void add(Subscriber s) {
        monitors.add(s);
    }

    public void remove(Subscriber s) {
        monitors.remove(s);
    }

    public boolean contains(Subscriber s) {
        return s != null && monitors.contains(s);
    }

    public void feedIfActive(int db, String address, List<byte[]> argv) {
        if (active()) {
            feed(db, address, argv);
        }
    }

    /** Sends one executed command to every monitor; passwords are redacted as Redis does ({@code Redaction}). */
    public void feed(int db, String address, List<byte[]> argv) {
        long micros = clock.micros();
        byte[] line = line(micros, db, address, argv);
        synchronized (order) {
            for (Subscriber s : monitors) {
                s.deliver(line, limit, micros / 1000, null);
            }
        }
    }

    static byte[] line(long micros, int db, String address, List<byte[]> argv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        b.writeBytes(String.format("+%d.%06d [%d %s]", micros / 1_000_000, micros % 1_000_000, db, address)
                .getBytes(StandardCharsets.US_ASCII));
        String name = new String(argv.get(0), StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < argv.size(); i++) {
            b.write(' ');
            if (i > 0 && io.rockhub.resp.server.Redaction.hidden(name, argv, i)) {
                b.writeBytes("\"(redacted)\"".getBytes(StandardCharsets.US_ASCII));
            } else {
                quote(b, argv.get(i));
            }
        }
        b.write('\r');
        b.write('\n');
        return b.toByteArray();
    }

    /** As Redis's sdscatrepr: quoted, with C escapes and \xHH for what is not printable. */
    static void quote(ByteArrayOutputStream b, byte[] v) {
        b.write('"');
        for (byte x : v) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> b.writeBytes(new byte[] {'\\', '\\'});
                case '"' -> b.writeBytes(new byte[] {'\\', '"'});
                case '\n' -> b.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> b.writeBytes(new byte[] {'\\', 'r'});
                case '\t' -> b.writeBytes(new byte[] {'\\', 't'});
                case 7 -> b.writeBytes(new byte[] {'\\', 'a'});
                case 8 -> b.writeBytes(new byte[] {'\\', 'b'});
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        b.write(c);
                    } else {
                        b.writeBytes(String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
        }
        b.write('"');
    }
}
