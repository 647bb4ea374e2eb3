package io.rockhub.resp.pubsub;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Pub/Sub benchmark ({@code bench/pubsub}): one publisher pipelining PUBLISH (16 in flight) for
 * a fixed time to a channel with 1 or 100 subscriber connections, against Redis and RockHub given
 * as ports, alternating who goes first. Each message carries its send time; every subscriber
 * records the delay to its arrival. Prints Markdown rows: messages/s published, deliveries/s,
 * p50/p99/max delivery latency, and the RockHub/Redis ratio of messages/s.
 */
public final class PubSubBench {
    private PubSubBench() {
    }

    record Result(double messagesPerSecond, double deliveriesPerSecond, double p50, double p99, double max) {
    }

    public static void main(String[] args) throws Exception {
        int redisPort = Integer.parseInt(args[0]);
        int rockhubPort = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(System.getProperty("seconds", "10"));
        int size = Integer.getInteger("size", 100);
        StringBuilder out = new StringBuilder("| subscribers | server | messages/s | deliveries/s | latency p50 ms | p99 ms | max ms | ratio |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|\n");
        int round = 0;
        for (int subscribers : new int[] {1, 100}) {
            Result redis;
            Result hub;
            if (round++ % 2 == 0) {
                redis = run(redisPort, subscribers, seconds, size);
                hub = run(rockhubPort, subscribers, seconds, size);
            } else {
                hub = run(rockhubPort, subscribers, seconds, size);
                redis = run(redisPort, subscribers, seconds, size);
            }
            out.append(row(subscribers, "Redis 7.0", redis, "")).append(row(subscribers, "RockHub", hub,
                    String.format("%.2f", hub.messagesPerSecond() / redis.messagesPerSecond())));
        }
        System.out.print(out);
    }

    private static String row(int subs, String server, Result r, String ratio) {
        return String.format("| %d | %s | %,.0f | %,.0f | %.2f | %.2f | %.2f | %s |%n", subs, server,
                r.messagesPerSecond(), r.deliveriesPerSecond(), r.p50(), r.p99(), r.max(), ratio);
    }

    static Result run(int port, int subscribers, double seconds, int size) throws Exception {
        String channel = "bench:" + System.nanoTime();
        List<Socket> subs = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicLong delivered = new AtomicLong();
        long[][] samples = new long[subscribers][];
        int[] counts = new int[subscribers];
        try {
            for (int i = 0; i < subscribers; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write(command("SUBSCRIBE", channel));
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                readFrame(in); // the confirmation
                subs.add(s);
                long[] mine = new long[1 << 20];
                samples[i] = mine;
                int idx = i;
                Thread t = new Thread(() -> {
                    try {
                        while (true) {
                            byte[] payload = readFrame(in);
                            if (payload == null) {
                                return;
                            }
                            long sent = Long.parseLong(new String(payload, 0, 19, StandardCharsets.US_ASCII));
                            if (sent == 0) {
                                return; // the end marker
                            }
                            long delay = System.nanoTime() - sent;
                            if (counts[idx] < mine.length) {
                                mine[counts[idx]++] = delay;
                            }
                            delivered.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // closed
                    }
                });
                t.start();
                readers.add(t);
            }
            long published = 0;
            try (Socket pub = new Socket("127.0.0.1", port)) {
                pub.setTcpNoDelay(true);
                OutputStream o = pub.getOutputStream();
                InputStream in = new BufferedInputStream(pub.getInputStream(), 1 << 16);
                byte[] pad = new byte[Math.max(0, size - 19)];
                Arrays.fill(pad, (byte) 'x');
                long t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
                    for (int i = 0; i < 16; i++) {
                        byte[] stamp = String.format("%019d", System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
                        byte[] msg = new byte[stamp.length + pad.length];
                        System.arraycopy(stamp, 0, msg, 0, stamp.length);
                        System.arraycopy(pad, 0, msg, stamp.length, pad.length);
                        batch.writeBytes(command("PUBLISH", channel, msg));
                    }
                    o.write(batch.toByteArray());
                    for (int i = 0; i < 16; i++) {
                        readLine(in);
                    }
                    published += 16;
                }
                double elapsed = (System.nanoTime() - t0) / 1e9;
                o.write(command("PUBLISH", channel, String.format("%019d", 0).getBytes(StandardCharsets.US_ASCII)));
                readLine(in);
                for (Thread t : readers) {
                    t.join(60_000);
                }
                long total = 0;
                for (int c : counts) {
                    total += c;
                }
                long[] all = new long[(int) total];
                int k = 0;
                for (int i = 0; i < subscribers; i++) {
                    System.arraycopy(samples[i], 0, all, k, counts[i]);
                    k += counts[i];
                }
                Arrays.sort(all);
                return new Result(published / elapsed, delivered.get() / elapsed, ms(all, 0.50), ms(all, 0.99),
                        all.length == 0 ? 0 : all[all.length - 1] / 1e6);
            }
        } finally {
            for (Socket s : subs) {
                s.close();
            }
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)] / 1e6;
    }

    /** Reads one message frame and returns its payload (the last bulk); null at end of stream. */
    private static byte[] readFrame(InputStream in) throws IOException {
        String head = readLine(in);
        if (head == null) {
            return null;
        }
        int n = Integer.parseInt(head.substring(1));
        byte[] last = null;
        for (int i = 0; i < n; i++) {
            String h = readLine(in);
            if (h.charAt(0) == ':') {
                continue;
            }
            int len = Integer.parseInt(h.substring(1));
            last = in.readNBytes(len);
            in.readNBytes(2);
        }
        return last;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                return null;
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    private static byte[] command(Object... args) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] v = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(v);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }
}
