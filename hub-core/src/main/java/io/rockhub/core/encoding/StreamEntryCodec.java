package io.rockhub.core.encoding;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A stream entry's field/value pairs: {@code [u32 n][u32 len][bytes]...} with n = 2 x pairs. */
public final class StreamEntryCodec {
    private StreamEntryCodec() {
    }

    public static byte[] encode(List<byte[]> fieldValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] n = new byte[4];
        Bytes.putInt(n, 0, fieldValues.size());
        out.writeBytes(n);
        for (byte[] b : fieldValues) {
            byte[] len = new byte[4];
            Bytes.putInt(len, 0, b.length);
            out.writeBytes(len);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    public static List<byte[]> decode(byte[] raw) {
        int n = Bytes.getInt(raw, 0);
        List<byte[]> out = new ArrayList<>(n);
        int off = 4;
        for (int i = 0; i < n; i++) {
            int len = Bytes.getInt(raw, off);
            out.add(java.util.Arrays.copyOfRange(raw, off + 4, off + 4 + len));
            off += 4 + len;
        }
        return out;
    }
}
