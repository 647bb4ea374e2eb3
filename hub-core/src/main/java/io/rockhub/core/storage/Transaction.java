package io.rockhub.core.storage;

import org.rocksdb.WriteBatchWithIndex;

/**
 * The writes of a MULTI/EXEC, gathered in one indexed batch that later commands of the same
 * transaction read through, and written to RocksDB at once: after a crash either every queued
 * write is there or none. Bound to the thread that runs EXEC.
 */
public final class Transaction implements AutoCloseable {
    final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);

    /** Number of operations gathered so far. */
    public int size() {
        return batch.count();
    }

    @Override
    public void close() {
        batch.close();
    }
}
