package io.rockhub.core.encoding;

/**
 * Subkey layout {@code [u32 len(key)][key][u64 version][subkey]}. The length prefix keeps one key's
 * subkeys from interleaving with a longer key that shares its bytes; the version makes every
 * subkey of a dropped or replaced key unreachable at once.
 */
public final class InternalKey {
    private InternalKey() {
    }

    /** The prefix shared by every subkey of {@code userKey} at {@code version}. */
    public static byte[] prefix(byte[] userKey, long version) {
        byte[] out = new byte[4 + userKey.length + 8];
        Bytes.putInt(out, 0, userKey.length);
        System.arraycopy(userKey, 0, out, 4, userKey.length);
        Bytes.putLong(out, 4 + userKey.length, version);
        return out;
    }

    public static byte[] encode(byte[] userKey, long version, byte[] subkey) {
        byte[] out = new byte[4 + userKey.length + 8 + subkey.length];
        Bytes.putInt(out, 0, userKey.length);
        System.arraycopy(userKey, 0, out, 4, userKey.length);
        Bytes.putLong(out, 4 + userKey.length, version);
        System.arraycopy(subkey, 0, out, 12 + userKey.length, subkey.length);
        return out;
    }

    /** The subkey part of an encoded internal key. */
    public static byte[] subkey(byte[] internalKey) {
        int keyLen = Bytes.getInt(internalKey, 0);
        int off = 4 + keyLen + 8;
        return java.util.Arrays.copyOfRange(internalKey, off, internalKey.length);
    }
}
