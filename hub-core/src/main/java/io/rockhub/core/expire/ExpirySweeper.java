package io.rockhub.core.expire;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.ExpireKey;
import io.rockhub.core.encoding.GarbageKey;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.types.Keyspace;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims space without waiting for RocksDB compaction to stumble on it.
 *
 * <p>RocksJava cannot run Java compaction filters, so instead of filtering at compaction time the
 * sweeper walks two small indexes: the expiry index (deadline order, so a pass touches only keys
 * that are due) and the garbage list of dead collection versions (each one range-deleted). Work is
 * proportional to the garbage, not to the keyspace. When a pass has removed more than
 * {@code expire-compact-threshold} bytes it compacts the swept key range, so the disk space comes
 * back now rather than whenever compaction would have reached those files.
 *
 * <p>Deleted index entries stay behind as tombstones until compaction, and a scan from the first key
 * steps over every one of them: a workload that re-sets TTLs leaves thousands per second, so a
 * 100 ms pass that always started at the first key cost a third of a core. A pass therefore reads
 * between bounds: never past its deadline, and from where the previous pass ended (less a margin for
 * writes that were in flight), with a full scan once a minute for what the bounds cannot see (a
 * clock step back, a promoted replica's index). The garbage list is scanned only when versions were
 * queued since the last scan.
 */
public final class ExpirySweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpirySweeper.class);

    private static final long FULL_SCAN_MILLIS = 60_000;
    private static final long IN_FLIGHT_MARGIN_MILLIS = 1_000;

    private final Keyspace keys;
    private final ScheduledExecutorService executor;
    private volatile int batchLimit;
    private volatile long compactThreshold;
    private volatile boolean paused;
    private final AtomicLong expiredKeys = new AtomicLong();
    private final AtomicLong reclaimedVersions = new AtomicLong();
    /** Where the next expiry scan starts (an index key), or null for the first key. */
    private byte[] expireFrom;
    private long lastFullScan;
    private long garbageSeen = -1;
    private long sweptBytes;
    private byte[] sweptLow;
    private byte[] sweptHigh;

    public ExpirySweeper(Keyspace keys, int batchLimit, long compactThreshold) {
        this.keys = keys;
        this.batchLimit = batchLimit;
        this.compactThreshold = compactThreshold;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rockhub-sweeper");
            t.setDaemon(true);
            return t;
        });
    }

    public void start(long intervalMillis) {
        executor.scheduleWithFixedDelay(this::safePass, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    public void setBatchLimit(int limit) {
        this.batchLimit = limit;
    }

    public void setCompactThreshold(long bytes) {
        this.compactThreshold = bytes;
    }

    /** Keys removed because their TTL passed, since start. */
    public long expiredKeys() {
        return expiredKeys.get();
    }

    /** Dead collection versions whose subkeys were deleted, since start. */
    public long reclaimedVersions() {
        return reclaimedVersions.get();
    }

    /**
     * Stops (or resumes) sweeping. A replica pauses: expiry there follows the primary's deletes,
     * and a write of its own would break the equality of its sequence numbers with the primary's.
     * Returns once no pass is running.
     */
    public void setPaused(boolean value) {
        paused = value;
        synchronized (this) {
            // waits for a running pass to end; whatever was written meanwhile came from elsewhere
            expireFrom = null;
            garbageSeen = -1;
        }
    }

    private void safePass() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            if (!keys.storage().isClosed()) {
                LOG.warn("sweeper pass failed; retrying next interval", e);
            }
        }
    }

    /** One pass over due expiries and dead versions; returns how many entries it removed. */
    public synchronized int runOnce() {
        if (paused) {
            return 0;
        }
        int removed = sweepExpired();
        removed += sweepGarbage();
        if (sweptBytes > 0 && sweptBytes >= compactThreshold) {
            LOG.info("compacting swept range after reclaiming {} bytes", sweptBytes);
            keys.storage().compactRange(ColumnFamily.METADATA, sweptLow, sweptHigh);
            sweptBytes = 0;
            sweptLow = null;
            sweptHigh = null;
        }
        return removed;
    }

    private int sweepExpired() {
        long now = keys.clock().millis();
        if (expireFrom == null || now - lastFullScan >= FULL_SCAN_MILLIS || now < lastFullScan) {
            expireFrom = null;
            lastFullScan = now;
            garbageSeen = -1; // versions counted before their batch committed may have been missed
        }
        byte[] end = ExpireKey.upperBound(now);
        int removed = 0;
        byte[] last = null;
        try (Slice upper = new Slice(end);
             ReadOptions bounded = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = keys.storage().iterator(ColumnFamily.EXPIRE, bounded)) {
            if (expireFrom == null) {
                it.seekToFirst();
            } else {
                it.seek(expireFrom);
            }
            for (; it.isValid() && removed < batchLimit; it.next()) {
                last = it.key();
                if (expire(ExpireKey.decode(last), now)) {
                    removed++;
                }
            }
        }
        // Full batch: resume right there. Otherwise everything due was seen; a write whose deadline
        // was computed before this pass but committed after it is caught by the margin.
        byte[] resume = removed >= batchLimit && last != null ? last : ExpireKey.upperBound(now - IN_FLIGHT_MARGIN_MILLIS);
        if (expireFrom == null || Arrays.compareUnsigned(resume, expireFrom) > 0) {
            expireFrom = resume;
        }
        return removed;
    }

    private boolean expire(ExpireKey entry, long now) {
        byte[] key = entry.userKey();
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            byte[] raw = keys.storage().get(ColumnFamily.METADATA, key);
            Metadata m = raw == null ? null : Metadata.decode(raw);
            boolean current = m != null && m.hasExpiry() && ExpireKey.sweepAt(m.expireAt()) == entry.sweepAt();
            // Layout 3 indexed the deadline itself: such an entry is the key's until it is swept.
            boolean exact = m != null && m.hasExpiry() && m.expireAt() == entry.sweepAt() && !current;
            if ((current || exact) && m.isExpired(now)) {
                keys.remove(b, key, m);
                if (exact) {
                    b.delete(ColumnFamily.EXPIRE, entry.encode());
                }
                b.event(KeyEvent.EXPIRED, "expired", key);
                keys.commit(b);
                expiredKeys.incrementAndGet();
                noteSwept(key, key.length + raw.length);
                return true;
            }
            if (!current) {
                // The index is kept exact by every write, so a mismatch means a key re-written between
                // our read of the index and the lock, or a layout-3 entry: drop the stale entry, and
                // make sure the key's own is there (a layout-3 key whose TTL later moved within its
                // second had only the stale one).
                b.delete(ColumnFamily.EXPIRE, entry.encode());
                if (m != null && m.hasExpiry()) {
                    b.put(ColumnFamily.EXPIRE, ExpireKey.of(m.expireAt(), key).encode(), new byte[0]);
                }
                keys.commit(b);
            }
            return false;
        }
    }

    private int sweepGarbage() {
        long queued = keys.retiredVersions();
        if (queued == garbageSeen) {
            return 0;
        }
        int removed = 0;
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.GARBAGE);
             Batch b = keys.storage().newBatch()) {
            for (it.seekToFirst(); it.isValid() && removed < batchLimit; it.next()) {
                GarbageKey g = GarbageKey.decode(it.key());
                byte[] prefix = InternalKey.prefix(g.userKey(), g.version());
                byte[] end = io.rockhub.core.encoding.Bytes.prefixEnd(prefix);
                for (ColumnFamily cf : ColumnFamily.VERSIONED) {
                    b.deleteRange(cf, prefix, end);
                }
                b.delete(ColumnFamily.GARBAGE, it.key());
                removed++;
            }
            if (removed > 0) {
                keys.commit(b);
                reclaimedVersions.addAndGet(removed);
            }
        }
        // A full batch may have left more behind: scan again next pass.
        garbageSeen = removed >= batchLimit ? -1 : queued;
        return removed;
    }

    private void noteSwept(byte[] key, long bytes) {
        sweptBytes += bytes;
        if (sweptLow == null || Arrays.compareUnsigned(key, sweptLow) < 0) {
            sweptLow = key;
        }
        if (sweptHigh == null || Arrays.compareUnsigned(key, sweptHigh) > 0) {
            sweptHigh = key;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
