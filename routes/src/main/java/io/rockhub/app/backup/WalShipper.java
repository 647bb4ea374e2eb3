package io.rockhub.app.backup;

import io.rockhub.core.replication.WalBatch;
import io.rockhub.core.storage.Storage;
import io.rockhub.core.storage.WalCursor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the WAL to the backup store continuously, so a restore can reach any moment after a
 * backup, not only the backups themselves: batches are read as they reach the WAL file (each with the
 * commit time the server stamped into it as WAL log data), gathered, and uploaded as a
 * segment {@code wal/<first sequence>-<last sequence>} every {@code shipMillis} (the recovery point
 * objective) or when 16 MB have gathered. A segment is one object, written whole.
 */
public final class WalShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalShipper.class);
    static final String PREFIX = "wal/";
    static final byte[] MAGIC = "RHWAL1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int MAX_SEGMENT = 16 << 20;

    private final Supplier<Storage> storage;
    private final ObjectStore store;
    private final long shipMillis;
    private final LongSupplier clock;
    private final java.util.function.BooleanSupplier active;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long shippedThrough = -1;

    public WalShipper(Supplier<Storage> storage, ObjectStore store, long shipMillis, LongSupplier clock) {
        this(storage, store, shipMillis, clock, () -> true);
    }

    /**
     * {@code active}: whether this node ships now (in cluster mode, only a shard's primary does);
     * while it is not, nothing is shipped, and shipping resumes after the last segment stored.
     */
    public WalShipper(Supplier<Storage> storage, ObjectStore store, long shipMillis, LongSupplier clock,
                      java.util.function.BooleanSupplier active) {
        this.active = active;
        this.storage = storage;
        this.store = store;
        this.shipMillis = shipMillis;
        this.clock = clock;
        this.thread = new Thread(this::run, "rockhub-wal-shipper");
        this.thread.setDaemon(true);
    }

    public WalShipper start() {
        thread.start();
        return this;
    }

    /** The last sequence number in the store, or -1. */
    public long shippedThrough() {
        return shippedThrough;
    }

    /** Where shipping continues: after the last shipped segment, else after the newest backup, else now. */
    private long startAt() throws IOException {
        long last = lastShipped(store);
        Storage s = storage.get();
        if (last >= 0 && covers(s, last + 1)) {
            return last + 1;
        }
        List<BackupManifest> backups = new Backups(store, 0).list();
        if (!backups.isEmpty() && covers(s, backups.get(backups.size() - 1).sequence() + 1)) {
            return backups.get(backups.size() - 1).sequence() + 1;
        }
        long now = s.latestSequence() + 1;
        LOG.warn("WAL shipping starts at sequence {}: the WAL no longer holds what came before it (last shipped {})",
                now, last);
        return now;
    }

    private static boolean covers(Storage s, long next) {
        try (WalCursor c = s.walFrom(next)) {
            return c.covers();
        }
    }

    static long lastShipped(ObjectStore store) throws IOException {
        long last = -1;
        for (String key : store.list(PREFIX)) {
            last = Math.max(last, lastSequenceOf(key));
        }
        return last;
    }

    /** The object key of a segment holding sequences {@code first} to {@code last}. */
    static String segmentKey(long first, long last) {
        return PREFIX + String.format("%020d-%020d", first, last);
    }

    /** The last sequence a segment's key names. */
    static long lastSequenceOf(String segmentKey) {
        return Long.parseLong(segmentKey.substring(segmentKey.indexOf('-') + 1));
    }

    private void run() {
        long backoff = 100;
        while (running) {
            if (!active.getAsBoolean()) {
                sleep(Math.min(shipMillis, 1_000));
                continue;
            }
            try {
                loop(startAt());
                backoff = 100;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("WAL shipping failed ({}); retrying in {} ms", e.getMessage(), backoff);
                sleep(backoff);
                backoff = Math.min(10_000, backoff * 2);
            }
        }
    }

    private void loop(long next) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buf);
        long first = -1;
        long last = -1;
        long segmentStarted = clock.getAsLong();
        try (WalCursor cursor = storage.get().walFrom(next)) {
            while (running && active.getAsBoolean()) {
                WalBatch b = cursor.poll();
                if (b != null) {
                    if (first < 0) {
                        first = b.sequence();
                        out.write(MAGIC);
                    }
                    out.writeLong(b.sequence());
                    out.writeLong(b.count());
                    long committed = storage.get().describe(b).commitMillis();
                    out.writeLong(committed >= 0 ? committed : clock.getAsLong());
                    out.writeInt(b.data().length);
                    out.write(b.data());
                    last = b.lastSequence();
                    if (buf.size() < MAX_SEGMENT) {
                        continue;
                    }
                }
                if (first >= 0 && (buf.size() >= MAX_SEGMENT || clock.getAsLong() - segmentStarted >= shipMillis)) {
                    store.putBytes(segmentKey(first, last), buf.toByteArray());
                    shippedThrough = last;
                    buf.reset();
                    first = -1;
                    segmentStarted = clock.getAsLong();
                } else if (first < 0) {
                    segmentStarted = clock.getAsLong();
                }
                if (b == null) {
                    sleep(100);
                }
            }
            if (first >= 0) { // what gathered since the last segment goes out before stopping (or pausing)
                store.putBytes(segmentKey(first, last), buf.toByteArray());
                shippedThrough = last;
            }
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops after shipping what has gathered. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
