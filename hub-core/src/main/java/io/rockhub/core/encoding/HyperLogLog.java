package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * Redis's HyperLogLog string format, byte for byte, so a value written by either server reads the
 * same in the other and every count matches:
 *
 * <pre>
 * [ 'H' 'Y' 'L' 'L' ][u8 encoding: 0 dense, 1 sparse][3 unused][8 cached cardinality, little-endian;
 *                                                                top bit of the last byte = stale]
 * dense:  16384 registers of 6 bits, register i at bit 6i, least significant bits first (12288 bytes)
 * sparse: opcodes over the registers in order:
 *         00xxxxxx           ZERO:  xxxxxx+1 registers (1..64) at 0
 *         01xxxxxx yyyyyyyy  XZERO: the 14-bit x..y+1 registers (1..16384) at 0
 *         1vvvvvxx           VAL:   xx+1 registers (1..4) at vvvvv+1 (1..32)
 * </pre>
 *
 * Elements hash with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the run
 * of zeros above them (plus one) is its candidate value. A sparse value becomes dense when a
 * register needs more than 32 or the opcodes would pass {@code hll-sparse-max-bytes}. Counting is
 * Ertl's estimator over the register histogram, as Redis 7 computes it. Operations edit
 * {@link #bytes()} exactly as Redis edits its string, so the bytes stay identical too.
 */
public final class HyperLogLog {
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int HEADER = 16;
    public static final int DENSE_SIZE = HEADER + (REGISTERS * 6 + 7) / 8;
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    private static final double ALPHA_INF = 0.721347520444481703680;

    private byte[] bytes;
    private int length;

    private HyperLogLog(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** A new empty HyperLogLog: sparse, one XZERO opcode, cached cardinality 0. */
    public static HyperLogLog empty() {
        byte[] b = new byte[HEADER + 2];
        b[0] = 'H';
        b[1] = 'Y';
        b[2] = 'L';
        b[3] = 'L';
        b[4] = SPARSE;
        b[HEADER] = (byte) (0x40 | ((REGISTERS - 1) >> 8));
        b[HEADER + 1] = (byte) ((REGISTERS - 1) & 0xff);
        return new HyperLogLog(b, b.length);
    }

    /** The value as a HyperLogLog, or null if it is not one (Redis: "not a valid HyperLogLog string value"). */
    public static HyperLogLog parse(byte[] value) {
        if (value.length < HEADER || value[0] != 'H' || value[1] != 'Y' || value[2] != 'L' || value[3] != 'L') {
            return null;
        }
        if ((value[4] & 0xff) > SPARSE || (value[4] == DENSE && value.length != DENSE_SIZE)) {
            return null;
        }
        byte[] copy = Arrays.copyOf(value, value.length + 1); // +1: the dense macros read one byte past the end
        return new HyperLogLog(copy, value.length);
    }

    public byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    public boolean isSparse() {
        return bytes[4] == SPARSE;
    }

    // ---- cached cardinality ----

    public boolean cacheValid() {
        return (bytes[15] & 0x80) == 0;
    }

    public long cached() {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (bytes[8 + i] & 0xff);
        }
        return v;
    }

    public void cache(long card) {
        for (int i = 0; i < 8; i++) {
            bytes[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    public void invalidateCache() {
        bytes[15] |= (byte) 0x80;
    }

    // ---- hashing ----

    static long murmur64a(byte[] key, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int len = key.length;
        long h = seed ^ (len * m);
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long k = 0;
            for (int j = 7; j >= 0; j--) {
                k = (k << 8) | (key[i + j] & 0xffL);
            }
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int j = rest - 1; j >= 0; j--) {
                h ^= (key[end + j] & 0xffL) << (8 * j);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** {@code [register index, run length]} of an element. */
    static int[] patternOf(byte[] element) {
        long hash = murmur64a(element, 0xadc83b19L);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = 1;
        for (long bit = 1; (hash & bit) == 0; bit <<= 1) {
            count++;
        }
        return new int[] {index, count};
    }

    // ---- dense registers ----

    private int denseGet(int regnum) {
        int at = HEADER + regnum * 6 / 8;
        int fb = regnum * 6 & 7;
        int b0 = bytes[at] & 0xff;
        int b1 = bytes[at + 1] & 0xff;
        return ((b0 >>> fb) | (b1 << (8 - fb))) & 63;
    }

    private void denseSet(int regnum, int val) {
        int at = HEADER + regnum * 6 / 8;
        int fb = regnum * 6 & 7;
        int fb8 = 8 - fb;
        bytes[at] = (byte) ((bytes[at] & ~(63 << fb)) | (val << fb));
        bytes[at + 1] = (byte) ((bytes[at + 1] & ~(63 >>> fb8)) | (val >>> fb8));
    }

    // ---- updates ----

    /** PFADD of one element: 1 if a register grew, 0 if not, -1 if the sparse form is corrupt. */
    public int add(byte[] element, int sparseMaxBytes) {
        int[] p = patternOf(element);
        return set(p[0], p[1], sparseMaxBytes);
    }

    /** Raises register {@code index} to {@code count}: 1 if it grew, 0 if not, -1 if corrupt. */
    public int set(int index, int count, int sparseMaxBytes) {
        if (!isSparse()) {
            if (count > denseGet(index)) {
                denseSet(index, count);
                return 1;
            }
            return 0;
        }
        return sparseSet(index, count, sparseMaxBytes);
    }

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXZero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static boolean isVal(int op) {
        return (op & 0x80) != 0;
    }

    private int op(int at) {
        return bytes[at] & 0xff;
    }

    private static int valOp(int value, int len) {
        return ((value - 1) << 2 | (len - 1)) | 0x80;
    }

    private int sparseSet(int index, int count, int sparseMaxBytes) {
        if (count > 32) {
            return promote(index, count);
        }
        int end = length;
        int p = HEADER;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int o = op(p);
            int oplen = 1;
            if (isZero(o)) {
                span = (o & 0x3f) + 1;
            } else if (isVal(o)) {
                span = (o & 0x3) + 1;
            } else {
                span = (((o & 0x3f) << 8) | op(p + 1)) + 1;
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int o = op(p);
        int next = isXZero(o) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean zero = isZero(o);
        boolean xzero = isXZero(o);
        boolean val = !zero && !xzero;
        int runlen = zero ? (o & 0x3f) + 1 : xzero ? (((o & 0x3f) << 8) | op(p + 1)) + 1 : (o & 0x3) + 1;
        boolean updated = false;
        if (val) {
            int old = ((o >>> 2) & 0x1f) + 1;
            if (old >= count) {
                return 0;
            }
            if (runlen == 1) {
                bytes[p] = (byte) valOp(count, 1);
                updated = true;
            }
        }
        if (!updated && zero && runlen == 1) {
            bytes[p] = (byte) valOp(count, 1);
            updated = true;
        }
        if (!updated) {
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (zero || xzero) {
                if (index != first) {
                    n = putZeros(seq, n, index - first);
                }
                seq[n++] = (byte) valOp(count, 1);
                if (index != last) {
                    n = putZeros(seq, n, last - index);
                }
            } else {
                int current = ((o >>> 2) & 0x1f) + 1;
                if (index != first) {
                    seq[n++] = (byte) valOp(current, index - first);
                }
                seq[n++] = (byte) valOp(count, 1);
                if (index != last) {
                    seq[n++] = (byte) valOp(current, last - index);
                }
            }
            int oldlen = xzero ? 2 : 1;
            int delta = n - oldlen;
            if (delta > 0 && length + delta > sparseMaxBytes) {
                return promote(index, count);
            }
            if (bytes.length < length + delta + 1) {
                bytes = Arrays.copyOf(bytes, length + delta + 1);
            }
            if (delta != 0 && next >= 0) {
                System.arraycopy(bytes, next, bytes, next + delta, end - next);
            }
            length += delta;
            bytes[length] = 0; // Redis's string keeps its terminating zero, which a last XZERO reads
            System.arraycopy(seq, 0, bytes, p, n);
            end += delta;
        }
        // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
        p = prev >= 0 ? prev : HEADER;
        int scan = 5;
        while (p < end && scan-- > 0) {
            int c = op(p);
            if (isXZero(c)) {
                p += 2;
                continue;
            } else if (isZero(c)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(op(p + 1))) {
                int v1 = ((c >>> 2) & 0x1f) + 1;
                int v2 = ((op(p + 1) >>> 2) & 0x1f) + 1;
                if (v1 == v2) {
                    int len = (c & 0x3) + 1 + (op(p + 1) & 0x3) + 1;
                    if (len <= 4) {
                        bytes[p + 1] = (byte) valOp(v1, len);
                        System.arraycopy(bytes, p + 1, bytes, p, end - p - 1);
                        length--;
                        bytes[length] = 0;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    private static int putZeros(byte[] seq, int n, int len) {
        if (len > 64) {
            seq[n] = (byte) (((len - 1) >> 8) | 0x40);
            seq[n + 1] = (byte) ((len - 1) & 0xff);
            return n + 2;
        }
        seq[n] = (byte) (len - 1);
        return n + 1;
    }

    private int promote(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        denseSet(index, count);
        return 1;
    }

    /** Converts a sparse value to dense (the header and cache carry over); false if the sparse form is corrupt. */
    public boolean toDense() {
        if (!isSparse()) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE + 1];
        System.arraycopy(bytes, 0, dense, 0, HEADER);
        dense[4] = DENSE;
        int[] regs = new int[REGISTERS];
        if (!registers(regs)) {
            return false;
        }
        bytes = dense;
        length = DENSE_SIZE;
        for (int i = 0; i < REGISTERS; i++) {
            if (regs[i] != 0) {
                denseSet(i, regs[i]);
            }
        }
        return true;
    }

    /** Fills {@code out} with the register values; false if a sparse form does not cover exactly all registers. */
    private boolean registers(int[] out) {
        if (!isSparse()) {
            for (int i = 0; i < REGISTERS; i++) {
                out[i] = denseGet(i);
            }
            return true;
        }
        // Every opcode must fit: Redis (with the CVE-2025-32023 fix Debian ships in 7.0.15) calls a
        // value corrupt as soon as one runs past the last register, even if the count then matches.
        int idx = 0;
        int p = HEADER;
        while (p < length) {
            int o = op(p);
            int run;
            if (isZero(o)) {
                run = (o & 0x3f) + 1;
                p++;
            } else if (isXZero(o)) {
                run = (((o & 0x3f) << 8) | op(p + 1)) + 1;
                p += 2;
            } else {
                run = (o & 0x3) + 1;
                p++;
            }
            if (run + idx > REGISTERS) {
                return false;
            }
            if (isVal(o)) {
                Arrays.fill(out, idx, idx + run, ((o >>> 2) & 0x1f) + 1);
            }
            idx += run;
        }
        return idx == REGISTERS;
    }

    /** PFMERGE / multi-key PFCOUNT: raises {@code max[i]} to this value's registers; false if corrupt. */
    public boolean mergeInto(int[] max) {
        int[] regs = new int[REGISTERS];
        if (!registers(regs)) {
            return false;
        }
        for (int i = 0; i < REGISTERS; i++) {
            max[i] = Math.max(max[i], regs[i]);
        }
        return true;
    }

    /** The estimated cardinality of this value's registers; -1 if the sparse form is corrupt. */
    public long count() {
        int[] regs = new int[REGISTERS];
        return registers(regs) ? count(regs) : -1;
    }

    /** The cardinality of raw register values (multi-key PFCOUNT). */
    public static long count(int[] registers) {
        int[] histogram = new int[64];
        for (int r : registers) {
            histogram[r]++;
        }
        return estimate(histogram);
    }

    /** Ertl, "New cardinality estimation algorithms for HyperLogLog sketches", as Redis computes it. */
    private static long estimate(int[] histogram) {
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    /** A dense value holding exactly these registers, cache stale (PFMERGE's result when an input is dense). */
    public void raiseAll(int[] max, int sparseMaxBytes) {
        for (int i = 0; i < REGISTERS; i++) {
            if (max[i] != 0) {
                set(i, max[i], sparseMaxBytes);
            }
        }
        invalidateCache();
    }
}
