package io.rockhub.core.encoding;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace counters kept in the default column family and updated in the same write batch as the
 * change they count, so DBSIZE is O(1) and exact after a crash. Values are RocksDB uint64add
 * operands: fixed64 little-endian, where adding 2^64-1 subtracts one.
 */
public final class Counters {
    /** Database namespace 0's counters keep the names they had before there were databases. */
    public static final byte[] KEYS = "rockhub:counter:keys".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] EXPIRES = "rockhub:counter:expires".getBytes(StandardCharsets.US_ASCII);

    private Counters() {
    }

    /** Keys stored in a namespace: {@code rockhub:counter:keys} for 0, {@code rockhub:counter:keys@N} otherwise. */
    public static byte[] keys(int namespace) {
        return namespace == 0 ? KEYS : ("rockhub:counter:keys@" + namespace).getBytes(StandardCharsets.US_ASCII);
    }

    /** Keys with a TTL in a namespace, named like {@link #keys}. */
    public static byte[] expires(int namespace) {
        return namespace == 0 ? EXPIRES : ("rockhub:counter:expires@" + namespace).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] operand(long delta) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (delta >>> (8 * i));
        }
        return out;
    }

    public static long decode(byte[] raw) {
        if (raw == null) {
            return 0;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (raw[i] & 0xffL);
        }
        return v;
    }
}
