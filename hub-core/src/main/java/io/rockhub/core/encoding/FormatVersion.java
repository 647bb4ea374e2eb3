package io.rockhub.core.encoding;

import java.nio.charset.StandardCharsets;

/**
 * The layout version of a data directory, in the default family under {@code rockhub:format}:
 * {@code [u32 version]}. Absent on a directory written before versions were recorded (version 1:
 * user keys stored bare, subkeys {@code [u32 len][key][u64 version][subkey]}); version 2 put a
 * database namespace in front of every key (see {@link StoredKey}); version 3 may keep a small
 * hash's fields in its metadata record ({@link InlineEntries}), which a version-2 reader would not see;
 * version 4 indexes TTLs by the whole second after the deadline ({@link ExpireKey}), whose entries a
 * version-3 sweeper would drop as stale, leaving those keys to lie on disk until read.
 */
public final class FormatVersion {
    public static final byte[] KEY = "rockhub:format".getBytes(StandardCharsets.US_ASCII);
    public static final int CURRENT = 4;
    /** The first version with every key led by its namespace: from it, an upgrade only records the version. */
    public static final int NAMESPACED = 2;
    /** While an upgrade runs: {@code [u8 family ordinal][last source key copied]}, to resume after a crash. */
    public static final byte[] UPGRADE_PROGRESS = "rockhub:format:upgrading".getBytes(StandardCharsets.US_ASCII);

    private FormatVersion() {
    }

    public static byte[] encode(int version) {
        byte[] out = new byte[4];
        Bytes.putInt(out, 0, version);
        return out;
    }

    public static int decode(byte[] raw) {
        return raw == null ? 1 : Bytes.getInt(raw, 0);
    }
}
