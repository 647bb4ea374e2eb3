package io.rockhub.core.storage;

import org.rocksdb.WriteBatchWithIndex;

/**
 * The writes of a MULTI/EXEC, gathered in one indexed batch that later commands of the same
 * transaction read through, and written to RocksDB at once: after a crash either every queued
 * write is there or none. Bound to the thread that runs EXEC.
 */
public final class Transaction implements AutoCloseable {
    /**
     * An indexed batch, which reads inside the transaction see; or, for a pipelined burst whose
     * commands touch keys no earlier one of it wrote, a plain batch (no index to build: reads go
     * straight to RocksDB, and the burst commits before any command that could read its writes).
     */
    final org.rocksdb.AbstractWriteBatch batch;

    Transaction(boolean indexed) {
        this.batch = indexed ? new WriteBatchWithIndex(true) : new org.rocksdb.WriteBatch();
        this.latest = indexed ? new java.util.LinkedHashMap<>() : null;
    }

    /** An entry of a column family, as a map key. */
    record EntryKey(io.rockhub.core.encoding.ColumnFamily cf, java.nio.ByteBuffer key) {
    }

    /** What {@link #latest} holds for a deleted entry (compared by identity). */
    static final byte[] DELETED = new byte[0];

    /**
     * Of an indexed transaction, the last put (a copy of the value) or {@link #DELETED} per entry, in
     * the order entries were first written; null for a plain batch, in which no entry repeats (a
     * command naming a key the burst wrote commits it first). Every entry of a RocksDB batch is one
     * memtable insert, each a search of a skiplist that misses the CPU caches at most of its levels
     * (about 4 µs here): a pipeline of XACKs on one stream rewrites the group's record at each one,
     * a script's INCR then EXPIRE writes the key's record twice. Where entries repeat, the commit
     * writes only the last of each, with the same effect.
     */
    private final java.util.Map<EntryKey, byte[]> latest;
    /** Writes that replaced an earlier write of the same entry in this transaction. */
    private int repeats;

    void noteWrite(io.rockhub.core.encoding.ColumnFamily cf, byte[] key, byte[] valueOrDeleted) {
        if (latest == null) {
            return;
        }
        byte[] v = valueOrDeleted == DELETED ? DELETED : valueOrDeleted.clone();
        EntryKey entry = new EntryKey(cf, java.nio.ByteBuffer.wrap(key.clone()));
        byte[] previous = latest.put(entry, v);
        if (previous != null) {
            repeats++;
        }
        if (savepoint != null) {
            // Put back in place: the entry keeps its position in the map's order.
            onRollback(previous == null ? () -> latest.remove(entry) : () -> latest.put(entry, previous));
        }
    }

    /** Records the metadata a write set for a key (see {@link #metadata}). */
    void noteMetadata(java.nio.ByteBuffer key, Object metadataOrRemoved) {
        Object previous = metadata.put(key, metadataOrRemoved);
        if (savepoint != null) {
            onRollback(previous == null ? () -> metadata.remove(key) : () -> metadata.put(key, previous));
        }
    }

    /**
     * Where {@link #rollbackToSavepoint} goes back to: what the bookkeeping beside the batch was then,
     * and what undoes each change made to it since.
     */
    private static final class Savepoint {
        final int events;
        final int repeats;
        final java.util.Map<java.nio.ByteBuffer, Long> counterDeltas;
        final java.util.ArrayList<Runnable> undo = new java.util.ArrayList<>();

        Savepoint(int events, int repeats, java.util.Map<java.nio.ByteBuffer, Long> counterDeltas) {
            this.events = events;
            this.repeats = repeats;
            this.counterDeltas = counterDeltas;
        }
    }

    private Savepoint savepoint;

    /**
     * Marks where the writes gathered so far end (one mark at a time): a script that joined a
     * pipelined burst and must start over drops what it wrote, and only that.
     */
    void setSavepoint() {
        if (savepoint != null) {
            throw new IllegalStateException("a savepoint is already set");
        }
        batch.setSavePoint();
        savepoint = new Savepoint(events.size(), repeats, new java.util.HashMap<>(counterDeltas));
    }

    /** Whether writes are being recorded for {@link #rollbackToSavepoint}. */
    public boolean hasSavepoint() {
        return savepoint != null;
    }

    /** While a savepoint is set: how to undo a change made outside this class (the keyspace's own bookkeeping). */
    public void onRollback(Runnable undo) {
        if (savepoint != null) {
            savepoint.undo.add(undo);
        }
    }

    /** Drops every write since the savepoint, and the savepoint. */
    void rollbackToSavepoint() throws org.rocksdb.RocksDBException {
        Savepoint sp = savepoint;
        savepoint = null;
        batch.rollbackToSavePoint();
        for (int i = sp.undo.size() - 1; i >= 0; i--) {
            sp.undo.get(i).run();
        }
        events.subList(sp.events, events.size()).clear();
        repeats = sp.repeats;
        counterDeltas.clear();
        counterDeltas.putAll(sp.counterDeltas);
    }

    /** Keeps every write since the savepoint; the savepoint goes. */
    void releaseSavepoint() throws org.rocksdb.RocksDBException {
        savepoint = null;
        batch.popSavePoint();
    }

    /** Whether writing only the last write of each entry saves memtable inserts. */
    boolean repeats() {
        return repeats > 0;
    }

    /** The last write of each entry, in the order the entries were first written. */
    java.util.Set<java.util.Map.Entry<EntryKey, byte[]>> latestWrites() {
        return latest.entrySet();
    }
    /**
     * Counter changes gathered so far, summed per counter: they go into the batch only at the
     * commit, one merge operand per counter however many commands created or removed keys (and
     * reads through the batch would not resolve merge operands anyway: DBSIZE inside EXEC adds
     * these to the committed counts).
     */
    final java.util.Map<java.nio.ByteBuffer, Long> counterDeltas = new java.util.HashMap<>();

    /**
     * Every key's metadata as this transaction last set it (or {@link Batch#REMOVED}): a read of
     * a key the transaction did not touch can then use the committed state (the metadata cache)
     * instead of a search through the batch and the memtables.
     */
    final java.util.Map<java.nio.ByteBuffer, Object> metadata = new java.util.HashMap<>();

    private final java.util.List<KeyEvent> events = new java.util.ArrayList<>();

    /** The keyspace events of one of the transaction's commands, in order. */
    void events(java.util.List<KeyEvent> commandEvents) {
        events.addAll(commandEvents);
    }

    java.util.List<KeyEvent> events() {
        return events;
    }

    void noteCounter(byte[] key, long delta) {
        counterDeltas.merge(java.nio.ByteBuffer.wrap(key), delta, Long::sum);
    }

    long pendingCounter(byte[] key) {
        return counterDeltas.getOrDefault(java.nio.ByteBuffer.wrap(key), 0L);
    }

    long pendingCounterSum(byte[] prefix) {
        long sum = 0;
        for (java.util.Map.Entry<java.nio.ByteBuffer, Long> e : counterDeltas.entrySet()) {
            if (io.rockhub.core.encoding.Bytes.startsWith(e.getKey().array(), prefix)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** Number of operations gathered so far. */
    public int size() {
        return batch.count();
    }

    @Override
    public void close() {
        batch.close();
    }
}
