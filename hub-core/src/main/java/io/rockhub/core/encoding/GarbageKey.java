package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * A dead version waiting for the sweeper: {@code [u64 version][stored key]} with value
 * {@code [u8 type]}. Ordered by version, so the oldest garbage is reclaimed first.
 */
public record GarbageKey(long version, byte[] userKey) {

    public byte[] encode() {
        byte[] out = new byte[8 + userKey.length];
        Bytes.putLong(out, 0, version);
        System.arraycopy(userKey, 0, out, 8, userKey.length);
        return out;
    }

    public static GarbageKey decode(byte[] raw) {
        return new GarbageKey(Bytes.getLong(raw, 0), Arrays.copyOfRange(raw, 8, raw.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GarbageKey g && g.version == version && Arrays.equals(g.userKey, userKey);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + Arrays.hashCode(userKey);
    }
}
