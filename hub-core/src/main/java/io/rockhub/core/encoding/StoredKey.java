package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * The key a user's key is stored under: {@code [u8 namespace][user key]}. The namespace is what
 * separates Redis's numbered databases; which database a namespace currently serves is kept apart
 * (see {@link Databases}), so SWAPDB swaps two entries of that map and moves no data.
 *
 * <p>Namespaces 0x00..0x3f are databases. Tags from 0x80 up are reserved for cluster mode, where
 * Redis has only database 0 and the hash slot must lead the key so that a slot is one contiguous
 * range in every column family: {@code [0x80][u16 slot][user key]}. {@link #prefixLength} is the
 * one place that knows how long the namespace part is, so that layout joins without another change.
 */
public final class StoredKey {
    /** Databases a data directory can hold: the namespaces below the reserved tags. */
    public static final int MAX_DATABASES = 64;
    private static final int SLOT_TAG = 0x80;

    private StoredKey() {
    }

    public static byte[] of(int namespace, byte[] userKey) {
        byte[] out = new byte[1 + userKey.length];
        out[0] = (byte) namespace;
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        return out;
    }

    /** How many leading bytes of a stored key name its namespace. */
    public static int prefixLength(byte[] stored) {
        return (stored[0] & 0xff) >= SLOT_TAG ? 3 : 1;
    }

    public static int namespace(byte[] stored) {
        return stored[0] & 0xff;
    }

    /** The user's key, as the client sent it. */
    public static byte[] user(byte[] stored) {
        return Arrays.copyOfRange(stored, prefixLength(stored), stored.length);
    }

    /** The first stored key of a namespace: {@code [ns]}; its end is {@link #namespaceEnd}. */
    public static byte[] namespaceStart(int namespace) {
        return new byte[] {(byte) namespace};
    }

    public static byte[] namespaceEnd(int namespace) {
        return new byte[] {(byte) (namespace + 1)};
    }
}
