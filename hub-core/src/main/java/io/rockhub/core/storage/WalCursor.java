package io.rockhub.core.storage;

import io.rockhub.core.replication.WalBatch;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TransactionLogIterator;
import org.rocksdb.WriteBatch;

/**
 * Reads the WAL batch by batch from a sequence number on, as it grows: what a primary streams to a
 * replica. Only what {@code FlushWAL} has written is visible, so a replica never receives a write
 * before the primary has made it durable (in sync mode). Not thread-safe.
 */
public final class WalCursor implements AutoCloseable {
    private final RocksDB db;
    private long next;
    private TransactionLogIterator it;

    WalCursor(RocksDB db, long next) {
        this.db = db;
        this.next = next;
    }

    /** The sequence number the next batch starts at. */
    public long next() {
        return next;
    }

    /**
     * Whether the WAL still holds the batch starting at {@link #next()} (or nothing newer exists
     * yet). False means the replica's gap has left the WAL: it needs a full copy.
     */
    public boolean covers() {
        if (next > db.getLatestSequenceNumber()) {
            return next == db.getLatestSequenceNumber() + 1;
        }
        try (TransactionLogIterator probe = db.getUpdatesSince(next)) {
            if (!probe.isValid()) {
                return false;
            }
            TransactionLogIterator.BatchResult first = probe.getBatch();
            try (WriteBatch ignored = first.writeBatch()) {
                return first.sequenceNumber() == next;
            }
        } catch (RocksDBException e) {
            return false;
        }
    }

    /** The next batch, or null if there is none yet. Throws if the WAL no longer has it. */
    public WalBatch poll() {
        try {
            if (next > db.getLatestSequenceNumber()) {
                return null;
            }
            if (it == null || !it.isValid()) {
                reopen();
            } else {
                it.next();
                if (!it.isValid()) {
                    reopen();
                }
            }
            if (!it.isValid()) {
                it.status();
                return null;
            }
            TransactionLogIterator.BatchResult r = it.getBatch();
            try (WriteBatch wb = r.writeBatch()) {
                if (r.sequenceNumber() != next) {
                    throw new StorageException("WAL gap: expected sequence " + next + ", found " + r.sequenceNumber(),
                            null);
                }
                WalBatch out = new WalBatch(r.sequenceNumber(), wb.count(), wb.data());
                next = out.lastSequence() + 1;
                return out;
            }
        } catch (RocksDBException e) {
            throw new StorageException("reading the WAL from " + next + " failed: " + e.getMessage(), e);
        }
    }

    private void reopen() throws RocksDBException {
        if (it != null) {
            it.close();
        }
        it = db.getUpdatesSince(next);
    }

    @Override
    public void close() {
        if (it != null) {
            it.close();
            it = null;
        }
    }
}
