package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * Expiry index entry: {@code [u64 sweepAt ms][stored key]}, ordered by when the sweeper may remove
 * the key. {@code sweepAt} is the key's deadline rounded up to the next whole {@link #GRANULARITY_MS}
 * (layouts up to 3 wrote the deadline itself; the sweeper still accepts such entries): a TTL set again
 * within the same second, as sessions, rate limiters and scripts do on every request, then leaves the
 * index as it is instead of deleting one entry and inserting another. A key stays readable only until
 * its deadline (reads check it); the sweeper reclaims it at most one granularity later.
 */
public record ExpireKey(long sweepAt, byte[] userKey) {
    /** How coarse the index is: a key is swept at most this long after its deadline (plus a sweep interval). */
    public static final long GRANULARITY_MS = 1000;

    /** The entry this layout writes for a key with deadline {@code expireAt}. */
    public static ExpireKey of(long expireAt, byte[] storedKey) {
        return new ExpireKey(sweepAt(expireAt), storedKey);
    }

    /** The deadline rounded up to the granularity (never earlier than the deadline). */
    public static long sweepAt(long expireAt) {
        long rest = Math.floorMod(expireAt, GRANULARITY_MS);
        return rest == 0 ? expireAt : expireAt - rest + GRANULARITY_MS;
    }

    public byte[] encode() {
        byte[] out = new byte[8 + userKey.length];
        Bytes.putLong(out, 0, sweepAt);
        System.arraycopy(userKey, 0, out, 8, userKey.length);
        return out;
    }

    public static ExpireKey decode(byte[] raw) {
        return new ExpireKey(Bytes.getLong(raw, 0), Arrays.copyOfRange(raw, 8, raw.length));
    }

    /** The first index key with a time after {@code millis}: the end of a sweep. */
    public static byte[] upperBound(long millis) {
        byte[] out = new byte[8];
        Bytes.putLong(out, 0, millis + 1);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpireKey e && e.sweepAt == sweepAt && Arrays.equals(e.userKey, userKey);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sweepAt) * 31 + Arrays.hashCode(userKey);
    }
}
