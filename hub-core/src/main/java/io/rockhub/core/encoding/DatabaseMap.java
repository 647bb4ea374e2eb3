package io.rockhub.core.encoding;

import java.nio.charset.StandardCharsets;

/**
 * Which namespace holds each database, in the default family under {@code rockhub:databases}: one
 * byte per database, {@code [u8 namespace of db 0][u8 namespace of db 1]...}, 64 bytes. Absent
 * means the identity (database n in namespace n). SWAPDB rewrites two bytes of it in the same
 * batch that swaps the two namespaces' counters, so the swap is atomic and moves no data.
 */
public final class DatabaseMap {
    public static final byte[] KEY = "rockhub:databases".getBytes(StandardCharsets.US_ASCII);

    private DatabaseMap() {
    }

    public static int[] identity() {
        int[] map = new int[StoredKey.MAX_DATABASES];
        for (int i = 0; i < map.length; i++) {
            map[i] = i;
        }
        return map;
    }

    public static byte[] encode(int[] map) {
        byte[] out = new byte[map.length];
        for (int i = 0; i < map.length; i++) {
            out[i] = (byte) map[i];
        }
        return out;
    }

    public static int[] decode(byte[] raw) {
        if (raw == null) {
            return identity();
        }
        int[] map = new int[StoredKey.MAX_DATABASES];
        for (int i = 0; i < map.length; i++) {
            map[i] = raw[i] & 0xff;
        }
        return map;
    }
}
