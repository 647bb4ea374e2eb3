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
    }
    /**
     * Counter changes gathered so far: the batch holds them as merge operands, which reads through
     * the batch do not resolve, so DBSIZE inside EXEC adds these to the committed counts.
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
