package io.rockhub.core.storage;

import org.rocksdb.WriteBatch;

/**
 * A reader of a write batch's operations that cares about the keyed ones only: RocksDB's markers
 * (two-phase commit, no-ops) and the operations on the default family without a family id, which
 * RockHub never writes, are ignored here once for every reader.
 */
abstract class BatchReader extends WriteBatch.Handler {
    @Override
    public void put(byte[] key, byte[] value) {
    }

    @Override
    public void merge(byte[] key, byte[] value) {
    }

    @Override
    public void delete(byte[] key) {
    }

    @Override
    public void singleDelete(byte[] key) {
    }

    @Override
    public void deleteRange(byte[] from, byte[] to) {
    }

    @Override
    public void logData(byte[] blob) {
    }

    @Override
    public void markBeginPrepare() {
    }

    @Override
    public void markEndPrepare(byte[] xid) {
    }

    @Override
    public void markNoop(boolean emptyBatch) {
    }

    @Override
    public void markRollback(byte[] xid) {
    }

    @Override
    public void markCommit(byte[] xid) {
    }

    @Override
    public void markCommitWithTimestamp(byte[] xid, byte[] ts) {
    }
}
