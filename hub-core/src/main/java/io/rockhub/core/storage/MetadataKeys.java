package io.rockhub.core.storage;

import java.util.List;

/** Collects the keys a write batch puts or deletes in the metadata family: the user keys it changes. */
final class MetadataKeys extends BatchReader {
    private final int metadataFamily;
    private final List<byte[]> out;
    private final int defaultFamily;
    private boolean rangeDeleted;
    private boolean databasesChanged;
    private long commitMillis = -1;

    MetadataKeys(int metadataFamily, int defaultFamily, List<byte[]> out) {
        this.metadataFamily = metadataFamily;
        this.defaultFamily = defaultFamily;
        this.out = out;
    }

    private void note(int family, byte[] key) {
        if (family == metadataFamily) {
            out.add(key);
        } else if (family == defaultFamily && java.util.Arrays.equals(key, io.rockhub.core.encoding.DatabaseMap.KEY)) {
            databasesChanged = true;
        }
    }

    /** Whether the batch rewrote which namespace serves which database (SWAPDB). */
    boolean databasesChanged() {
        return databasesChanged;
    }

    @Override
    public void put(int family, byte[] key, byte[] value) {
        note(family, key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        note(0, key);
    }

    @Override
    public void merge(int family, byte[] key, byte[] value) {
        note(family, key);
    }

    @Override
    public void merge(byte[] key, byte[] value) {
        note(0, key);
    }

    @Override
    public void delete(int family, byte[] key) {
        note(family, key);
    }

    @Override
    public void delete(byte[] key) {
        note(0, key);
    }

    @Override
    public void singleDelete(int family, byte[] key) {
        note(family, key);
    }

    @Override
    public void singleDelete(byte[] key) {
        note(0, key);
    }

    /** Whether the batch range-deleted metadata (FLUSHALL, FLUSHDB): then every cache must go. */
    boolean rangeDeleted() {
        return rangeDeleted;
    }

    @Override
    public void deleteRange(int family, byte[] from, byte[] to) {
        rangeDeleted |= family == metadataFamily;
    }

    @Override
    public void logData(byte[] blob) {
        int tag = Storage.COMMIT_TIME_TAG.length;
        if (blob.length == tag + 8 && java.util.Arrays.equals(blob, 0, tag, Storage.COMMIT_TIME_TAG, 0, tag)) {
            commitMillis = io.rockhub.core.encoding.Bytes.getLong(blob, tag);
        }
    }

    /** The commit time a RockHub primary stamped into the batch, or -1. */
    long commitMillis() {
        return commitMillis;
    }

    @Override
    public void putBlobIndex(int family, byte[] key, byte[] value) {
        note(family, key);
    }

}
