package io.rockhub.core.encoding;

/**
 * What a stream's metadata record carries beyond version and length:
 * {@code [16 last id][16 max deleted id][u64 entries added]}.
 */
public record StreamMeta(StreamId lastId, StreamId maxDeletedId, long entriesAdded) {
    public static final StreamMeta EMPTY = new StreamMeta(StreamId.MIN, StreamId.MIN, 0);

    public byte[] encode() {
        byte[] out = new byte[40];
        System.arraycopy(lastId.encode(), 0, out, 0, 16);
        System.arraycopy(maxDeletedId.encode(), 0, out, 16, 16);
        Bytes.putLong(out, 32, entriesAdded);
        return out;
    }

    public static StreamMeta decode(byte[] raw) {
        return new StreamMeta(StreamId.decode(raw, 0), StreamId.decode(raw, 16), Bytes.getLong(raw, 32));
    }
}
