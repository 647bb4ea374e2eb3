package io.rockhub.core.encoding;

/**
 * Subkey layout {@code [namespace][u32 len(user key)][user key][u64 version][subkey]}, built from a
 * {@link StoredKey}. The namespace leads so that one database (or, in cluster mode, one slot) is a
 * contiguous range of every versioned family: FLUSHDB range-deletes it. The length prefix keeps one
 * key's subkeys from interleaving with a longer key that shares its bytes; the version makes every
 * subkey of a dropped or replaced key unreachable at once.
 */
public final class InternalKey {
    private InternalKey() {
    }

    /** The prefix shared by every subkey of {@code storedKey} at {@code version}. */
    public static byte[] prefix(byte[] storedKey, long version) {
        return encode(storedKey, version, EMPTY);
    }

    private static final byte[] EMPTY = new byte[0];

    public static byte[] encode(byte[] storedKey, long version, byte[] subkey) {
        int ns = StoredKey.prefixLength(storedKey);
        int userLength = storedKey.length - ns;
        byte[] out = new byte[ns + 4 + userLength + 8 + subkey.length];
        System.arraycopy(storedKey, 0, out, 0, ns);
        Bytes.putInt(out, ns, userLength);
        System.arraycopy(storedKey, ns, out, ns + 4, userLength);
        Bytes.putLong(out, ns + 4 + userLength, version);
        System.arraycopy(subkey, 0, out, ns + 4 + userLength + 8, subkey.length);
        return out;
    }

    /** The subkey part of an encoded internal key. */
    public static byte[] subkey(byte[] internalKey) {
        int ns = StoredKey.prefixLength(internalKey);
        int off = ns + 4 + Bytes.getInt(internalKey, ns) + 8;
        return java.util.Arrays.copyOfRange(internalKey, off, internalKey.length);
    }
}
