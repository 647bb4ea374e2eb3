package io.rockhub.core.encoding;

/**
 * A chunked string ({@link DataType#STRING_CHUNKS}): metadata {@code [07][u64 expireAt][u64
 * version][u64 length]}, and in the subkey family one record per chunk,
 * {@code [ns][u32 len][user key][u64 version][u32 chunk index]} -> up to {@link #SIZE} bytes. Byte
 * {@code i} of the string is byte {@code i % SIZE} of chunk {@code i / SIZE}. A chunk that is
 * absent, or shorter than the bytes the length says it covers, reads as zeros: a bitmap with one bit
 * set at offset 4 billion is one chunk, not 512 MB.
 */
public final class StringChunks {
    /** Bytes per chunk; a string up to this long stays in its metadata record. */
    public static final int SIZE = 4096;

    private StringChunks() {
    }

    public static byte[] sub(long index) {
        byte[] out = new byte[4];
        Bytes.putInt(out, 0, (int) index);
        return out;
    }

    public static long index(byte[] sub) {
        return Bytes.getInt(sub, 0) & 0xffffffffL;
    }
}
