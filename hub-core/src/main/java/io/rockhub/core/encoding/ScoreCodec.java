package io.rockhub.core.encoding;

/**
 * Doubles as 8 bytes whose unsigned byte order is numeric order: flip every bit of a negative
 * number, only the sign bit of a positive one. -0 is encoded as 0 (Redis turns -0 scores into 0).
 */
public final class ScoreCodec {
    private ScoreCodec() {
    }

    public static void put(byte[] out, int off, double score) {
        long bits = Double.doubleToLongBits(score == 0.0 ? 0.0 : score);
        bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
        Bytes.putLong(out, off, bits);
    }

    public static byte[] encode(double score) {
        byte[] out = new byte[8];
        put(out, 0, score);
        return out;
    }

    public static double get(byte[] in, int off) {
        long bits = Bytes.getLong(in, off);
        bits = bits < 0 ? bits ^ Long.MIN_VALUE : ~bits;
        return Double.longBitsToDouble(bits);
    }

    /** The score a member subkey holds: the raw IEEE bits. */
    public static byte[] exact(double score) {
        byte[] out = new byte[8];
        Bytes.putLong(out, 0, Double.doubleToRawLongBits(score));
        return out;
    }

    public static double fromExact(byte[] in) {
        return Double.longBitsToDouble(Bytes.getLong(in, 0));
    }
}
