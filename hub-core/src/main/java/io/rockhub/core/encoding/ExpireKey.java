package io.rockhub.core.encoding;

import java.util.Arrays;

/** Expiry index entry: {@code [u64 expireAt ms][stored key]}, ordered by deadline. */
public record ExpireKey(long expireAt, byte[] userKey) {

    public byte[] encode() {
        byte[] out = new byte[8 + userKey.length];
        Bytes.putLong(out, 0, expireAt);
        System.arraycopy(userKey, 0, out, 8, userKey.length);
        return out;
    }

    public static ExpireKey decode(byte[] raw) {
        return new ExpireKey(Bytes.getLong(raw, 0), Arrays.copyOfRange(raw, 8, raw.length));
    }

    /** The first index key with a deadline after {@code millis}: the end of a sweep. */
    public static byte[] upperBound(long millis) {
        byte[] out = new byte[8];
        Bytes.putLong(out, 0, millis + 1);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpireKey e && e.expireAt == expireAt && Arrays.equals(e.userKey, userKey);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(expireAt) * 31 + Arrays.hashCode(userKey);
    }
}
