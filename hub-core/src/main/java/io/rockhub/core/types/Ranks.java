package io.rockhub.core.types;

/** Redis's start/stop index rules, shared by LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK. */
final class Ranks {
    private Ranks() {
    }

    /** {@code [start, stop]} of a sequence of {@code size}, negatives from the end; null if empty. */
    static long[] clamp(long size, long start, long stop) {
        if (start < 0) {
            start = Math.max(0, size + start);
        }
        if (stop < 0) {
            stop = size + stop;
        }
        if (stop >= size) {
            stop = size - 1;
        }
        if (start > stop || start >= size) {
            return null;
        }
        return new long[] {start, stop};
    }
}
