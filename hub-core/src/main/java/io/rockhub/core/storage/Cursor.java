package io.rockhub.core.storage;

import org.rocksdb.RocksIterator;

/**
 * A RocksDB iterator that crosses JNI once per position for its validity and once for its key,
 * however often a loop asks (a range loop typically checks the prefix, decodes a score and takes a
 * member: three copies of the key through JNI per entry with a bare iterator).
 */
public final class Cursor implements AutoCloseable {
    private final RocksIterator it;
    private byte[] key;
    private int valid = -1; // -1 unknown, 0 no, 1 yes

    /** Closed after the iterator: its read options and their bound. */
    private final AutoCloseable[] owned;

    Cursor(RocksIterator it, AutoCloseable... owned) {
        this.it = it;
        this.owned = owned;
    }

    private void moved() {
        key = null;
        valid = -1;
    }

    public void seek(byte[] target) {
        it.seek(target);
        moved();
    }

    public void seekForPrev(byte[] target) {
        it.seekForPrev(target);
        moved();
    }

    public void seekToLast() {
        it.seekToLast();
        moved();
    }

    public void next() {
        it.next();
        moved();
    }

    public void prev() {
        it.prev();
        moved();
    }

    public boolean isValid() {
        if (valid < 0) {
            valid = it.isValid() ? 1 : 0;
        }
        return valid == 1;
    }

    /** The key at this position; the same array until the cursor moves (do not modify it). */
    public byte[] key() {
        if (key == null) {
            key = it.key();
        }
        return key;
    }

    public byte[] value() {
        return it.value();
    }

    @Override
    public void close() {
        it.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
