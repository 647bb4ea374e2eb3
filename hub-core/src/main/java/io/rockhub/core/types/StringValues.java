package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StringChunks;
import io.rockhub.core.storage.Batch;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.rocksdb.RocksIterator;

/**
 * A string's bytes in either representation: inline in the metadata record, or in chunks
 * ({@link StringChunks}) once a partial write (SETBIT, SETRANGE, APPEND, BITFIELD) makes it larger
 * than one chunk. Reads touch only the chunks they need; an {@link Editor} rewrites only the chunks
 * it changed. Callers hold the key lock for edits.
 */
public final class StringValues {
    private final Keyspace keys;

    public StringValues(Keyspace keys) {
        this.keys = keys;
    }

    /** The string's length in bytes. */
    public static long length(Metadata m) {
        return m.type() == DataType.STRING ? m.value().length : m.size();
    }

    /** The whole value (a chunked one assembled). */
    public byte[] whole(byte[] key, Metadata m) {
        if (m.type() == DataType.STRING) {
            return m.value();
        }
        if (m.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("string of " + m.size() + " bytes cannot be read whole");
        }
        byte[] out = new byte[(int) m.size()];
        visit(key, m, 0, m.size(), new Visitor() {
            @Override
            public boolean bytes(long offset, byte[] data, int from, int len) {
                System.arraycopy(data, from, out, (int) offset, len);
                return true;
            }

            @Override
            public boolean zeros(long offset, long len) {
                return true;
            }
        });
        return out;
    }

    /** {@code len} bytes from {@code offset}, zeros past the end. */
    public byte[] read(byte[] key, Metadata m, long offset, int len) {
        byte[] out = new byte[len];
        long to = Math.min(length(m), offset + len);
        if (offset < to) {
            visit(key, m, offset, to, new Visitor() {
                @Override
                public boolean bytes(long at, byte[] data, int from, int n) {
                    System.arraycopy(data, from, out, (int) (at - offset), n);
                    return true;
                }

                @Override
                public boolean zeros(long at, long n) {
                    return true;
                }
            });
        }
        return out;
    }

    /** Sees a range of a string in order: stored bytes, and runs of zeros where chunks are absent. */
    public interface Visitor {
        /** Bytes {@code data[from .. from+len)} are the string's bytes at {@code offset}; false stops. */
        boolean bytes(long offset, byte[] data, int from, int len);

        /** {@code len} zero bytes at {@code offset}; false stops. */
        boolean zeros(long offset, long len);
    }

    /** Visits bytes {@code [from, to)} of the value ({@code to} at most its length). */
    public void visit(byte[] key, Metadata m, long from, long to, Visitor v) {
        if (from >= to) {
            return;
        }
        if (m.type() == DataType.STRING) {
            v.bytes(from, m.value(), (int) from, (int) (to - from));
            return;
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        long pos = from;
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.SUBKEY)) {
            for (it.seek(InternalKey.encode(key, m.version(), StringChunks.sub(from / StringChunks.SIZE)));
                 it.isValid() && Bytes.startsWith(it.key(), prefix) && pos < to; it.next()) {
                long start = StringChunks.index(InternalKey.subkey(it.key())) * StringChunks.SIZE;
                if (start >= to) {
                    break;
                }
                if (start > pos && !v.zeros(pos, start - pos)) {
                    return;
                }
                pos = Math.max(pos, start);
                byte[] data = it.value();
                long chunkEnd = Math.min(start + StringChunks.SIZE, to);
                long storedEnd = Math.min(start + data.length, chunkEnd);
                if (storedEnd > pos && !v.bytes(pos, data, (int) (pos - start), (int) (storedEnd - pos))) {
                    return;
                }
                pos = Math.max(pos, storedEnd);
                if (chunkEnd > pos && !v.zeros(pos, chunkEnd - pos)) {
                    return;
                }
                pos = Math.max(pos, chunkEnd);
            }
        }
        if (pos < to) {
            v.zeros(pos, to - pos);
        }
    }

    /** Starts an edit of {@code key}, whose stored record is {@code physical} (null if none; expired = absent). */
    public Editor edit(byte[] key, Metadata physical) {
        return new Editor(key, physical, false);
    }

    /** Starts a new value for {@code key} from nothing; at commit it replaces {@code physical}, whatever it was. */
    public Editor replace(byte[] key, Metadata physical) {
        return new Editor(key, physical, true);
    }

    /**
     * Partial writes to one string, applied at {@link #commit}: an inline value is edited in place
     * while it fits a chunk and split into chunks when it outgrows one; a chunked value loads, and
     * rewrites, only the chunks written. A chunk left all zeros is deleted (it reads as zeros).
     */
    public final class Editor {
        private final byte[] key;
        private final Metadata physical;
        private final Metadata live;
        private long length;
        private byte[] inline;
        private final Map<Long, byte[]> chunks = new HashMap<>();
        private final TreeSet<Long> dirty = new TreeSet<>();
        private long version = -1;

        private Editor(byte[] key, Metadata physical, boolean fresh) {
            this.key = key;
            this.physical = physical;
            this.live = !fresh && keys.isLive(physical) ? physical : null;
            if (live == null || live.type() == DataType.STRING) {
                inline = live == null ? new byte[0] : live.value();
                length = inline.length;
            } else {
                length = live.size();
                version = live.version();
            }
        }

        public long length() {
            return length;
        }

        public byte[] read(long offset, int len) {
            byte[] out = new byte[len];
            for (int i = 0; i < len; ) {
                long at = offset + i;
                if (at >= length) {
                    break;
                }
                int n = (int) Math.min(len - i, Math.min(length - at, StringChunks.SIZE - at % StringChunks.SIZE));
                if (inline != null) {
                    System.arraycopy(inline, (int) at, out, i, n);
                } else {
                    System.arraycopy(chunk(at / StringChunks.SIZE), (int) (at % StringChunks.SIZE), out, i, n);
                }
                i += n;
            }
            return out;
        }

        public void write(long offset, byte[] data) {
            long end = offset + data.length;
            if (inline != null && end <= StringChunks.SIZE) {
                if (end > inline.length) {
                    inline = Arrays.copyOf(inline, (int) end);
                } else if (inline == (live == null ? null : live.value())) {
                    inline = inline.clone(); // the cached metadata's array must not change
                }
                System.arraycopy(data, 0, inline, (int) offset, data.length);
                length = inline.length;
                return;
            }
            if (inline != null) {
                split();
            }
            length = Math.max(length, end);
            for (int i = 0; i < data.length; ) {
                long at = offset + i;
                long index = at / StringChunks.SIZE;
                int n = (int) Math.min(data.length - i, StringChunks.SIZE - at % StringChunks.SIZE);
                System.arraycopy(data, i, chunk(index), (int) (at % StringChunks.SIZE), n);
                dirty.add(index);
                i += n;
            }
        }

        /** Grows the string to {@code newLength} with zeros (SETBIT past the end). */
        public void extend(long newLength) {
            if (newLength <= length) {
                return;
            }
            if (inline != null && newLength <= StringChunks.SIZE) {
                inline = Arrays.copyOf(inline, (int) newLength);
                length = newLength;
                return;
            }
            if (inline != null) {
                split();
            }
            length = newLength;
        }

        /** The inline value becomes chunks under a fresh version (written whole at commit). */
        private void split() {
            version = keys.versions().next();
            for (int off = 0; off < inline.length; off += StringChunks.SIZE) {
                byte[] c = new byte[StringChunks.SIZE];
                System.arraycopy(inline, off, c, 0, Math.min(StringChunks.SIZE, inline.length - off));
                chunks.put((long) off / StringChunks.SIZE, c);
                dirty.add((long) off / StringChunks.SIZE);
            }
            inline = null;
        }

        private byte[] chunk(long index) {
            return chunks.computeIfAbsent(index, i -> {
                byte[] c = new byte[StringChunks.SIZE];
                if (live != null && live.type() == DataType.STRING_CHUNKS && live.version() == version) {
                    byte[] stored = keys.subkey(key, live, StringChunks.sub(i));
                    if (stored != null) {
                        System.arraycopy(stored, 0, c, 0, stored.length);
                    }
                }
                return c;
            });
        }

        /** Writes the changes; {@code expireAt} is the TTL the key keeps (or gets). Returns the new record. */
        public Metadata commit(Batch b, long expireAt) {
            Metadata neu;
            if (inline != null) {
                neu = Metadata.string(inline, expireAt);
            } else {
                for (long index : dirty) {
                    byte[] c = chunks.get(index);
                    int used = c.length;
                    while (used > 0 && c[used - 1] == 0) {
                        used--;
                    }
                    byte[] sub = InternalKey.encode(key, version, StringChunks.sub(index));
                    boolean stored = live != null && live.type() == DataType.STRING_CHUNKS && live.version() == version;
                    if (used == 0) {
                        if (stored) {
                            b.delete(ColumnFamily.SUBKEY, sub);
                        }
                    } else {
                        b.put(ColumnFamily.SUBKEY, sub, used == c.length ? c : Arrays.copyOf(c, used));
                    }
                }
                neu = live != null && live.type() == DataType.STRING_CHUNKS && live.version() == version
                        ? live.withSize(length).withExpireAt(expireAt)
                        : Metadata.collection(DataType.STRING_CHUNKS, expireAt, version, length);
            }
            keys.put(b, key, physical, neu);
            return neu;
        }
    }
}
