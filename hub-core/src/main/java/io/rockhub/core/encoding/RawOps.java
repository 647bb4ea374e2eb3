package io.rockhub.core.encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * Stored entries as they travel from a slot's source node to its target during a migration: a list
 * of puts and deletions in the families keyed by stored keys, applied by the target as they are.
 *
 * <pre>
 * op      [u8 kind: 1 put, 2 delete][u8 family][u32 len][key]            (delete)
 *         [u8 kind: 1 put, 2 delete][u8 family][u32 len][key][u32 len][value]   (put)
 * family  0 metadata, 1 subkey, 2 expire, 3 garbage, 4 zset_score, 5 stream (frozen: both ends must agree)
 * </pre>
 */
public final class RawOps {
    private static final ColumnFamily[] FAMILIES = {ColumnFamily.METADATA, ColumnFamily.SUBKEY, ColumnFamily.EXPIRE,
        ColumnFamily.GARBAGE, ColumnFamily.ZSET_SCORE, ColumnFamily.STREAM};
    private static final int PUT = 1;
    private static final int DELETE = 2;

    /** One entry written ({@code value} non-null) or deleted ({@code value} null). */
    public record Op(ColumnFamily family, byte[] key, byte[] value) {
        public boolean put() {
            return value != null;
        }

        /** Bytes it takes encoded. */
        public int size() {
            return 6 + key.length + (value == null ? 0 : 4 + value.length);
        }
    }

    private RawOps() {
    }

    /** The families whose entries a migration carries. */
    public static List<ColumnFamily> families() {
        return List.of(FAMILIES);
    }

    public static byte[] encode(List<Op> ops) {
        int size = 0;
        for (Op op : ops) {
            size += op.size();
        }
        byte[] out = new byte[size];
        int p = 0;
        for (Op op : ops) {
            out[p++] = (byte) (op.put() ? PUT : DELETE);
            out[p++] = (byte) code(op.family());
            Bytes.putInt(out, p, op.key().length);
            System.arraycopy(op.key(), 0, out, p + 4, op.key().length);
            p += 4 + op.key().length;
            if (op.put()) {
                Bytes.putInt(out, p, op.value().length);
                System.arraycopy(op.value(), 0, out, p + 4, op.value().length);
                p += 4 + op.value().length;
            }
        }
        return out;
    }

    /** The ops of an encoded list; throws IllegalArgumentException if it is not one. */
    public static List<Op> decode(byte[] in) {
        List<Op> out = new ArrayList<>();
        int p = 0;
        while (p < in.length) {
            if (in.length - p < 6) {
                throw new IllegalArgumentException("truncated op");
            }
            int kind = in[p] & 0xff;
            int family = in[p + 1] & 0xff;
            if (kind != PUT && kind != DELETE || family >= FAMILIES.length) {
                throw new IllegalArgumentException("unknown op " + kind + " on family " + family);
            }
            p += 2;
            byte[] key = chunk(in, p);
            p += 4 + key.length;
            byte[] value = null;
            if (kind == PUT) {
                value = chunk(in, p);
                p += 4 + value.length;
            }
            out.add(new Op(FAMILIES[family], key, value));
        }
        return out;
    }

    private static byte[] chunk(byte[] in, int p) {
        if (in.length - p < 4) {
            throw new IllegalArgumentException("truncated op");
        }
        int len = Bytes.getInt(in, p);
        if (len < 0 || len > in.length - p - 4) {
            throw new IllegalArgumentException("truncated op");
        }
        return java.util.Arrays.copyOfRange(in, p + 4, p + 4 + len);
    }

    private static int code(ColumnFamily cf) {
        for (int i = 0; i < FAMILIES.length; i++) {
            if (FAMILIES[i] == cf) {
                return i;
            }
        }
        throw new IllegalArgumentException("a migration does not carry " + cf);
    }

    /**
     * The hash slot of an entry of {@code cf} (where the stored key sits in its key), or -1 when the
     * entry belongs to no slot (a database's key, a counter).
     */
    public static int slotOf(ColumnFamily cf, byte[] key) {
        return switch (cf) {
            case METADATA, SUBKEY, ZSET_SCORE, STREAM -> key.length >= 3 ? StoredKey.slot(key) : -1;
            // [u64 deadline or version][stored key]
            case EXPIRE, GARBAGE -> key.length >= 11 && (key[8] & 0xff) >= StoredKey.CLUSTER
                    ? (key[9] & 0xff) << 8 | key[10] & 0xff : -1;
            default -> -1;
        };
    }
}
