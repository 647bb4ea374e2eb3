package io.rockhub.resp.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * SLOWLOG: the last {@code slowlog-max-len} commands that took longer than
 * {@code slowlog-log-slower-than} microseconds, newest first, with Redis's truncation of long
 * command lines (32 arguments, 128 bytes each). Thread-safe: every event loop records here.
 */
public final class SlowLog {
    private static final int MAX_ARGS = 32;
    private static final int MAX_ARG_BYTES = 128;

    /** One logged command, as SLOWLOG GET shows it. */
    public record Entry(long id, long unixSeconds, long micros, List<byte[]> args, String client, String name) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;
    // Read on every command: kept here, set when the configuration changes, not parsed per call.
    private volatile long slowerThan = 10_000;
    private volatile long maxLen = 128;

    public void slowerThan(long micros) {
        this.slowerThan = micros;
    }

    public synchronized void maxLength(long n) {
        this.maxLen = n;
        while (entries.size() > n) {
            entries.removeLast();
        }
    }

    /** Whether a command that took {@code micros} is logged ({@code slowlog-log-slower-than} negative: none). */
    public boolean wants(long micros) {
        long threshold = slowerThan;
        return threshold >= 0 && micros >= threshold;
    }

    /** Logs the command (the caller asked {@link #wants} first). */
    public synchronized void record(List<byte[]> argv, long micros, long unixSeconds, String client, String name) {
        entries.addFirst(new Entry(nextId++, unixSeconds, micros, shorten(argv), client, name));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    private static List<byte[]> shorten(List<byte[]> argv) {
        int n = Math.min(argv.size(), MAX_ARGS);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i == MAX_ARGS - 1 && argv.size() > MAX_ARGS) {
                out.add(("... (" + (argv.size() - MAX_ARGS + 1) + " more arguments)").getBytes(StandardCharsets.UTF_8));
                break;
            }
            byte[] a = argv.get(i);
            if (a.length > MAX_ARG_BYTES) {
                byte[] head = Arrays.copyOf(a, MAX_ARG_BYTES);
                byte[] tail = ("... (" + (a.length - MAX_ARG_BYTES) + " more bytes)").getBytes(StandardCharsets.UTF_8);
                byte[] both = Arrays.copyOf(head, head.length + tail.length);
                System.arraycopy(tail, 0, both, head.length, tail.length);
                a = both;
            }
            out.add(a);
        }
        return out;
    }

    /** The newest {@code count} entries ({@code count} negative: all). */
    public synchronized List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && (count < 0 || out.size() < count)) {
            out.add(it.next());
        }
        return out;
    }

    public synchronized int length() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }
}
