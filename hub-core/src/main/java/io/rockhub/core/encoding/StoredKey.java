package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * The key a user's key is stored under: {@code [u8 namespace][user key]}. The namespace is what
 * separates Redis's numbered databases; which database a namespace currently serves is kept apart
 * (see {@link Databases}), so SWAPDB swaps two entries of that map and moves no data.
 *
 * <p>Namespaces 0x00..0x3f are databases. In cluster mode, where Redis has only database 0, that
 * database is namespace {@link #CLUSTER} and the key's hash slot follows the tag:
 * {@code [0x80][u16 slot][user key]}, so that one slot is one contiguous range of every family
 * keyed by stored keys (metadata, subkeys, scores, streams): a slot can be counted, listed, copied
 * to another node and range-deleted. {@link #prefixLength} is the one place that knows how long
 * the namespace part is.
 */
public final class StoredKey {
    /** Databases a data directory can hold: the namespaces below the reserved tags. */
    public static final int MAX_DATABASES = 64;
    private static final int SLOT_TAG = 0x80;
    /** The namespace of cluster mode's only database: keys led by their hash slot. */
    public static final int CLUSTER = SLOT_TAG;

    private StoredKey() {
    }

    public static byte[] of(int namespace, byte[] userKey) {
        if (namespace >= SLOT_TAG) {
            byte[] out = new byte[3 + userKey.length];
            putSlot(out, namespace, HashSlot.of(userKey));
            System.arraycopy(userKey, 0, out, 3, userKey.length);
            return out;
        }
        byte[] out = new byte[1 + userKey.length];
        out[0] = (byte) namespace;
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        return out;
    }

    private static void putSlot(byte[] out, int namespace, int slot) {
        out[0] = (byte) namespace;
        out[1] = (byte) (slot >>> 8);
        out[2] = (byte) slot;
    }

    /** Whether a namespace's keys are led by their hash slot. */
    public static boolean slotted(int namespace) {
        return namespace >= SLOT_TAG;
    }

    /** The hash slot a slotted stored key is under; -1 for a database's key. */
    public static int slot(byte[] stored) {
        return (stored[0] & 0xff) >= SLOT_TAG ? (stored[1] & 0xff) << 8 | stored[2] & 0xff : -1;
    }

    /** The first stored key of a slot in cluster mode: {@code [0x80][u16 slot]}. */
    public static byte[] slotStart(int slot) {
        byte[] out = new byte[3];
        putSlot(out, CLUSTER, slot);
        return out;
    }

    /** Past the last stored key of a slot (the next slot's start; for the last slot, below 0x81). */
    public static byte[] slotEnd(int slot) {
        return slotStart(slot + 1);
    }

    /**
     * The stored keys that can match a pattern with this literal prefix: those that start with the
     * namespace and the prefix, or, where the slot leads (it depends on the whole key), the namespace.
     */
    public static byte[] scanPrefix(int namespace, byte[] literalPrefix) {
        return slotted(namespace) ? namespaceStart(namespace) : of(namespace, literalPrefix);
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
