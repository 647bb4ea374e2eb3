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
    private final java.util.function.LongSupplier written;
    private long next;
    private TransactionLogIterator it;

    /** {@code written}: the newest sequence whose batch is in the WAL file (not just its buffer). */
    WalCursor(RocksDB db, long next, java.util.function.LongSupplier written) {
        this.db = db;
        this.next = next;
        this.written = written;
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
        if (next > written.getAsLong()) {
            // Not in the WAL file yet (still in RocksDB's buffer, or not written at all): it will be.
            return next <= db.getLatestSequenceNumber() + 1;
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

    /**
     * The next batch, or null if there is none yet. Throws if the WAL no longer has it.
     *
     * <p>Only batches already written to the WAL file are read: with {@code manual_wal_flush} a
     * newer batch is still in RocksDB's buffer, and looking for it would only fail. A reader at the
     * end of a file reads on in the same file; a new iterator (which scans its file from the start)
     * is made only when the WAL moved to a new file.
     */
    public WalBatch poll() {
        try {
            if (next > written.getAsLong()) {
                return null;
            }
            if (it == null) {
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
