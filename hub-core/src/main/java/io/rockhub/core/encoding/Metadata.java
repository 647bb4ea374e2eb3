package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * The one metadata record per user key. Strings carry their value inline; other types carry a
 * version (which their subkeys embed, so dropping the key is one write) and an element count;
 * lists also carry the index range {@code [head, tail)} their items occupy, streams their
 * {@link StreamMeta}, and a small hash or sorted set may carry all its entries ({@link InlineEntries})
 * after the count.
 *
 * @param expireAt epoch milliseconds after which the key is gone; 0 = no expiry
 */
public record Metadata(DataType type, long expireAt, long version, long size, byte[] value, long head, long tail) {
    private static final int HEADER = 1 + 8;
    /** Where a new list's items start: the middle of the index space, so both ends can grow. */
    public static final long LIST_ORIGIN = 1L << 62;

    public static Metadata string(byte[] value, long expireAt) {
        return new Metadata(DataType.STRING, expireAt, 0, 0, value, 0, 0);
    }

    public static Metadata collection(DataType type, long expireAt, long version, long size) {
        long origin = type == DataType.LIST ? LIST_ORIGIN : 0;
        byte[] extras = type == DataType.STREAM ? StreamMeta.EMPTY.encode() : null;
        return new Metadata(type, expireAt, version, size, extras, origin, origin);
    }

    /**
     * A hash or sorted set whose entries (fields and values; members and exact scores) are all in
     * this record ({@link InlineEntries}), not in subkeys and the score index.
     */
    public boolean inlineEntries() {
        return (type == DataType.HASH || type == DataType.ZSET) && value != null;
    }

    public boolean hasExpiry() {
        return expireAt != 0;
    }

    public boolean isExpired(long nowMillis) {
        return expireAt != 0 && expireAt <= nowMillis;
    }

    public Metadata withExpireAt(long newExpireAt) {
        return new Metadata(type, newExpireAt, version, size, value, head, tail);
    }

    public Metadata withSize(long newSize) {
        return new Metadata(type, expireAt, version, newSize, value, head, tail);
    }

    public Metadata withValue(byte[] newValue) {
        return new Metadata(type, expireAt, version, size, newValue, head, tail);
    }

    /** A list's new bounds; its size follows from them. */
    public Metadata withBounds(long newHead, long newTail) {
        return new Metadata(type, expireAt, version, newTail - newHead, value, newHead, newTail);
    }

    public byte[] encode() {
        if (type.isInline()) {
            byte[] out = new byte[HEADER + value.length];
            out[0] = (byte) type.code();
            Bytes.putLong(out, 1, expireAt);
            System.arraycopy(value, 0, out, HEADER, value.length);
            return out;
        }
        int extras = type == DataType.LIST ? 16 : type == DataType.STREAM || inlineEntries() ? value.length : 0;
        byte[] out = new byte[HEADER + 16 + extras];
        out[0] = (byte) type.code();
        Bytes.putLong(out, 1, expireAt);
        Bytes.putLong(out, HEADER, version);
        Bytes.putLong(out, HEADER + 8, size);
        if (type == DataType.LIST) {
            Bytes.putLong(out, HEADER + 16, head);
            Bytes.putLong(out, HEADER + 24, tail);
        } else if (type == DataType.STREAM || inlineEntries()) {
            System.arraycopy(value, 0, out, HEADER + 16, value.length);
        }
        return out;
    }

    public static Metadata decode(byte[] raw) {
        if (raw.length < HEADER) {
            throw new IllegalStateException("corrupt metadata: " + raw.length + " bytes");
        }
        DataType type = DataType.fromCode(raw[0] & 0xff);
        long expireAt = Bytes.getLong(raw, 1);
        if (type.isInline()) {
            return new Metadata(type, expireAt, 0, 0, Arrays.copyOfRange(raw, HEADER, raw.length), 0, 0);
        }
        long version = Bytes.getLong(raw, HEADER);
        long size = Bytes.getLong(raw, HEADER + 8);
        if (type == DataType.LIST) {
            return new Metadata(type, expireAt, version, size, null, Bytes.getLong(raw, HEADER + 16),
                    Bytes.getLong(raw, HEADER + 24));
        }
        if (type == DataType.STREAM || (type == DataType.HASH || type == DataType.ZSET) && raw.length > HEADER + 16) {
            return new Metadata(type, expireAt, version, size, Arrays.copyOfRange(raw, HEADER + 16, raw.length), 0, 0);
        }
        return new Metadata(type, expireAt, version, size, null, 0, 0);
    }

    /** The type without decoding the rest, for TYPE and SCAN TYPE. */
    public static DataType peekType(byte[] raw) {
        return DataType.fromCode(raw[0] & 0xff);
    }

    public static long peekExpireAt(byte[] raw) {
        return Bytes.getLong(raw, 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata m && m.type == type && m.expireAt == expireAt && m.version == version
                && m.size == size && Arrays.equals(m.value, value) && m.head == head && m.tail == tail;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value) * 31 + Long.hashCode(version ^ expireAt ^ size ^ head) + type.hashCode();
    }

    @Override
    public String toString() {
        return "Metadata[" + type + ", expireAt=" + expireAt + ", version=" + version + ", size=" + size
                + (type == DataType.LIST ? ", head=" + head + ", tail=" + tail : "")
                + (value == null ? "" : ", value=" + value.length + " bytes") + "]";
    }
}
