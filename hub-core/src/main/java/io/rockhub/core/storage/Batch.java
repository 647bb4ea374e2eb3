package io.rockhub.core.storage;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.Counters;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The changes of one command, applied atomically by {@link Storage#commit}. Inside a
 * {@link Transaction} the changes go straight into the transaction's indexed batch, readable by the
 * commands after it and written with the rest at EXEC. Not thread-safe; one per command.
 */
public final class Batch implements AutoCloseable {
    private final Storage storage;
    final AbstractWriteBatch batch;
    private final boolean owned;
    private final java.util.Map<java.nio.ByteBuffer, Object> metadataChanges = new java.util.LinkedHashMap<>();
    private long keysDelta;
    private long expiresDelta;

    Batch(Storage storage, Transaction tx) {
        this.storage = storage;
        this.owned = tx == null;
        this.batch = tx == null ? new WriteBatch() : tx.batch;
    }

    /** Whether this batch is part of a transaction (committed at its end, not by {@link Storage#commit}). */
    boolean inTransaction() {
        return !owned;
    }

    public Batch put(ColumnFamily cf, byte[] key, byte[] value) {
        try {
            batch.put(storage.handle(cf), key, value);
        } catch (RocksDBException e) {
            throw new StorageException("batch put failed", e);
        }
        return this;
    }

    public Batch delete(ColumnFamily cf, byte[] key) {
        try {
            batch.delete(storage.handle(cf), key);
        } catch (RocksDBException e) {
            throw new StorageException("batch delete failed", e);
        }
        return this;
    }

    /** Deletes {@code [from, to)}. */
    public Batch deleteRange(ColumnFamily cf, byte[] from, byte[] to) {
        if (!owned) {
            // RocksDB's indexed batch cannot hold range deletions; callers commit the transaction
            // so far and range-delete outside it (see Keyspace.flushAll).
            throw new IllegalStateException("range deletion inside a transaction");
        }
        try {
            batch.deleteRange(storage.handle(cf), from, to);
        } catch (RocksDBException e) {
            throw new StorageException("batch deleteRange failed", e);
        }
        return this;
    }

    /**
     * Records that this batch sets (or, with null, removes) a key's metadata, so caches can be
     * updated after the commit; the last change per key wins.
     */
    public void noteMetadata(byte[] key, Object metadataOrNull) {
        metadataChanges.put(java.nio.ByteBuffer.wrap(key), metadataOrNull == null ? REMOVED : metadataOrNull);
    }

    /** Marker for a removed key in {@link #metadataChanges()}. */
    public static final Object REMOVED = new Object();

    public java.util.Map<java.nio.ByteBuffer, Object> metadataChanges() {
        return metadataChanges;
    }

    /** Counts a metadata record created (+1) or removed (-1). */
    public void countKeys(long delta) {
        keysDelta += delta;
    }

    /** Counts a key gaining (+1) or losing (-1) its TTL. */
    public void countExpires(long delta) {
        expiresDelta += delta;
    }

    public boolean isEmpty() {
        return batch.count() == 0 && keysDelta == 0 && expiresDelta == 0;
    }

    int count() {
        return batch.count();
    }

    void sealCounters() throws RocksDBException {
        if (keysDelta != 0) {
            batch.merge(storage.handle(ColumnFamily.DEFAULT), Counters.KEYS, Counters.operand(keysDelta));
        }
        if (expiresDelta != 0) {
            batch.merge(storage.handle(ColumnFamily.DEFAULT), Counters.EXPIRES, Counters.operand(expiresDelta));
        }
        keysDelta = 0;
        expiresDelta = 0;
    }

    @Override
    public void close() {
        if (owned) {
            batch.close();
        }
    }
}
