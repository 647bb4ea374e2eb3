package io.rockhub.core.storage;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.Counters;
import io.rockhub.core.encoding.StoredKey;
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
    private final Transaction tx;
    private final java.util.Map<java.nio.ByteBuffer, Object> metadataChanges = new java.util.LinkedHashMap<>();
    /** Keyspace events of this write, in order; null until the first (notifications are usually off). */
    private java.util.List<KeyEvent> events;
    /** Deletions of emptied collections, which Redis reports after the command's own event. */
    private java.util.List<KeyEvent> trailing;
    /** Counter changes per namespace: {@code [keys delta, expires delta]}; one namespace in nearly every batch. */
    private java.util.Map<Integer, long[]> counts;

    Batch(Storage storage, Transaction tx) {
        this(storage, tx, 0);
    }

    /** {@code reservedBytes}: the room its own batch starts with (0: RocksDB's default). */
    Batch(Storage storage, Transaction tx, int reservedBytes) {
        this.storage = storage;
        this.owned = tx == null;
        this.tx = tx;
        this.batch = tx != null ? tx.batch : reservedBytes > 0 ? new WriteBatch(reservedBytes) : new WriteBatch();
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
        if (tx != null) {
            tx.noteWrite(cf, key, value);
        }
        return this;
    }

    public Batch delete(ColumnFamily cf, byte[] key) {
        try {
            batch.delete(storage.handle(cf), key);
        } catch (RocksDBException e) {
            throw new StorageException("batch delete failed", e);
        }
        if (tx != null) {
            tx.noteWrite(cf, key, Transaction.DELETED);
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
        Object v = metadataOrNull == null ? REMOVED : metadataOrNull;
        metadataChanges.put(java.nio.ByteBuffer.wrap(key), v);
        if (tx != null) {
            tx.noteMetadata(java.nio.ByteBuffer.wrap(key), v);
        }
    }

    /** Marker for a removed key in {@link #metadataChanges()}. */
    public static final Object REMOVED = new Object();

    public java.util.Map<java.nio.ByteBuffer, Object> metadataChanges() {
        return metadataChanges;
    }

    /** Counts a metadata record of a stored key created (+1) or removed (-1). */
    public void countKeys(byte[] storedKey, long delta) {
        counts(storedKey)[0] += delta;
    }

    private long[] counts(byte[] storedKey) {
        if (counts == null) {
            counts = new java.util.HashMap<>(2);
        }
        return counts.computeIfAbsent(StoredKey.namespace(storedKey), n -> new long[2]);
    }

    /** Counts a stored key gaining (+1) or losing (-1) its TTL. */
    public void countExpires(byte[] storedKey, long delta) {
        if (delta != 0) {
            counts(storedKey)[1] += delta;
        }
    }

    /** Records a keyspace event, if its class is being notified. */
    public void event(int type, String event, byte[] storedKey) {
        if (!storage.notifies(type)) {
            return;
        }
        if (events == null) {
            events = new java.util.ArrayList<>(2);
        }
        events.add(new KeyEvent(type, event, storedKey));
        if (trailing != null) {
            // A collection this command emptied: Redis reports "del" right after the command's event on it.
            for (java.util.Iterator<KeyEvent> it = trailing.iterator(); it.hasNext(); ) {
                KeyEvent t = it.next();
                if (java.util.Arrays.equals(t.storedKey(), storedKey)) {
                    events.add(t);
                    it.remove();
                }
            }
        }
    }

    /** Records an event to come right after the next event on the same key (or at the end): an emptied collection's "del". */
    public void trailingEvent(int type, String event, byte[] storedKey) {
        if (!storage.notifies(type)) {
            return;
        }
        if (trailing == null) {
            trailing = new java.util.ArrayList<>(1);
        }
        trailing.add(new KeyEvent(type, event, storedKey));
    }

    /** In a transaction: this command's events join the transaction's, published at its commit. */
    void endTransactionCommand() {
        tx.events(takeEvents());
    }

    /** This write's events, in order; empty when none. */
    java.util.List<KeyEvent> takeEvents() {
        if (events == null && trailing == null) {
            return java.util.List.of();
        }
        java.util.List<KeyEvent> out = events == null ? new java.util.ArrayList<>() : events;
        if (trailing != null) {
            out.addAll(trailing);
        }
        events = null;
        trailing = null;
        return out;
    }

    public boolean isEmpty() {
        if (batch.count() != 0) {
            return false;
        }
        if (counts != null) {
            for (long[] c : counts.values()) {
                if (c[0] != 0 || c[1] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    int count() {
        return batch.count();
    }

    void sealCounters() throws RocksDBException {
        if (counts == null) {
            return;
        }
        for (java.util.Map.Entry<Integer, long[]> e : counts.entrySet()) {
            long[] c = e.getValue();
            if (c[0] != 0) {
                merge(Counters.keys(e.getKey()), c[0]);
            }
            if (c[1] != 0) {
                merge(Counters.expires(e.getKey()), c[1]);
            }
        }
        counts.clear();
    }

    private void merge(byte[] counter, long delta) throws RocksDBException {
        if (tx != null) {
            tx.noteCounter(counter, delta); // written once per counter at the transaction's commit
            return;
        }
        batch.merge(storage.handle(ColumnFamily.DEFAULT), counter, Counters.operand(delta));
    }

    @Override
    public void close() {
        if (owned) {
            batch.close();
        }
    }
}
