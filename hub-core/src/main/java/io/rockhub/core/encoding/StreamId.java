package io.rockhub.core.encoding;

/**
 * A stream entry id {@code ms-seq}, both unsigned 64-bit. Orders as Redis orders ids; encodes as 16
 * big-endian bytes so RocksDB's byte order is id order.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1, -1);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    /** The next id, or null past the last possible one. */
    public StreamId next() {
        if (seq != -1) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1 ? null : new StreamId(ms + 1, 0);
    }

    /** The previous id, or null before 0-0. */
    public StreamId previous() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1);
    }

    public byte[] encode() {
        byte[] out = new byte[16];
        Bytes.putLong(out, 0, ms);
        Bytes.putLong(out, 8, seq);
        return out;
    }

    public static StreamId decode(byte[] raw, int off) {
        return new StreamId(Bytes.getLong(raw, off), Bytes.getLong(raw, off + 8));
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
