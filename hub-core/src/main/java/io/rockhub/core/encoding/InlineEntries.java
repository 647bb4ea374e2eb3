package io.rockhub.core.encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * A small hash or sorted set kept whole in its metadata record (after the version and size, see
 * {@link Metadata}), as Redis keeps one in a listpack: a write is then one RocksDB entry instead of
 * one per field (for a sorted set, two per member: its score and its index entry) plus the record,
 * and a read one lookup. Layout, entries in unsigned byte order of their names:
 * {@code ([u8 name length][name][u8 value length][value])...}, a hash's field and value or a sorted
 * set's member and exact score ({@link ScoreCodec#exact}). One stays inline while it has at most
 * {@link #MAX_ENTRIES} entries and no name or value is longer than {@link #MAX_BYTES}; past that it
 * moves to subkeys (and the score index) for good, as Redis's listpack becomes a hash table or skiplist.
 */
public final class InlineEntries {
    public static final int MAX_ENTRIES = 32;
    public static final int MAX_BYTES = 64;

    private InlineEntries() {
    }

    /** Whether fields and values (alternating) may stay inline. */
    public static boolean fits(List<byte[]> fieldsAndValues) {
        if (fieldsAndValues.size() / 2 > MAX_ENTRIES) {
            return false;
        }
        for (byte[] b : fieldsAndValues) {
            if (b.length > MAX_BYTES) {
                return false;
            }
        }
        return true;
    }

    /** Fields and values, alternating, fields sorted and distinct; each at most {@link #MAX_BYTES}. */
    public static byte[] encode(List<byte[]> fieldsAndValues) {
        int size = 0;
        for (byte[] b : fieldsAndValues) {
            size += 1 + b.length;
        }
        byte[] out = new byte[size];
        int off = 0;
        for (byte[] b : fieldsAndValues) {
            if (b.length > MAX_BYTES) {
                throw new IllegalArgumentException("inline hash entry of " + b.length + " bytes");
            }
            out[off++] = (byte) b.length;
            System.arraycopy(b, 0, out, off, b.length);
            off += b.length;
        }
        return out;
    }

    /** Fields and values, alternating, in the order stored. */
    public static List<byte[]> decode(byte[] raw) {
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        while (off < raw.length) {
            int len = raw[off++] & 0xff;
            if (off + len > raw.length) {
                throw new IllegalStateException("corrupt inline hash: " + raw.length + " bytes");
            }
            out.add(java.util.Arrays.copyOfRange(raw, off, off + len));
            off += len;
        }
        if (out.size() % 2 != 0) {
            throw new IllegalStateException("corrupt inline hash: a field without its value");
        }
        return out;
    }
}
