package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.List;

/**
 * Bit operations on strings (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD), as Redis defines
 * them: bit 0 is the most significant bit of byte 0, and a string grows with zeros to reach a bit.
 * A string larger than a chunk is kept in chunks ({@link StringValues}), so a SETBIT rewrites one
 * chunk and counting or searching skips the chunks a sparse bitmap never wrote.
 */
public final class BitmapStore {
    private final Keyspace keys;
    private final StringValues values;

    public BitmapStore(Keyspace keys, StringValues values) {
        this.keys = keys;
        this.values = values;
    }

    /** A live string's record: OK, NOT_FOUND or WRONG_TYPE. */
    private Result<Metadata> string(byte[] key) {
        Metadata m = keys.live(key);
        if (m == null) {
            return Result.notFound();
        }
        return m.type().isString() ? Result.ok(m) : Result.wrongType();
    }

    /** SETBIT: the bit's previous value. */
    public Result<Long> setBit(byte[] key, long offset, boolean on) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            if (exists && !m.type().isString()) {
                return Result.wrongType();
            }
            StringValues.Editor e = values.edit(key, m);
            long byteAt = offset >>> 3;
            int mask = 1 << (7 - (int) (offset & 7));
            byte current = e.read(byteAt, 1)[0];
            long old = (current & mask) != 0 ? 1 : 0;
            boolean grows = e.length() < byteAt + 1;
            if (grows || old != (on ? 1 : 0)) {
                e.extend(byteAt + 1);
                e.write(byteAt, new byte[] {(byte) (on ? current | mask : current & ~mask)});
                e.commit(b, exists ? m.expireAt() : 0);
                b.event(KeyEvent.STRING, "setbit", key);
                keys.commit(b);
            }
            return Result.ok(old);
        }
    }

    /** GETBIT: 0 past the end or for a missing key. */
    public Result<Long> getBit(byte[] key, long offset) {
        Result<Metadata> r = string(key);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
        }
        Metadata m = r.value();
        long byteAt = offset >>> 3;
        if (byteAt >= StringValues.length(m)) {
            return Result.ok(0L);
        }
        byte v = values.read(key, m, byteAt, 1)[0];
        return Result.ok((v & (1 << (7 - (int) (offset & 7)))) != 0 ? 1L : 0L);
    }

    /** A BITCOUNT or BITPOS range as given: bytes or bits, negative from the end; null = the whole string. */
    public record Range(long start, long end, boolean bits, boolean endGiven) {
    }

    /** Byte range [first, last] and the masks of bits outside the range in the first and last byte. */
    private record Span(long first, long last, int firstOutside, int lastOutside, boolean empty) {
    }

    /** Redis's index arithmetic for BITCOUNT and BITPOS (negative indexes, clamping, bit edges). */
    private static Span span(long strlen, Range range, boolean bitposWithoutEnd) {
        if (range == null) {
            return new Span(0, strlen - 1, 0, 0, strlen == 0);
        }
        long start = range.start();
        long end = range.end();
        long total = range.bits() ? strlen << 3 : strlen;
        if (bitposWithoutEnd) {
            end = range.bits() ? (strlen << 3) + 7 : strlen - 1;
        }
        if (start < 0) {
            start = total + start;
        }
        if (end < 0) {
            end = total + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= total) {
            end = total - 1;
        }
        if (start > end) {
            return new Span(0, -1, 0, 0, true);
        }
        if (!range.bits()) {
            return new Span(start, end, 0, 0, false);
        }
        int firstOutside = ~((1 << (8 - (int) (start & 7))) - 1) & 0xff;
        int lastOutside = (1 << (7 - (int) (end & 7))) - 1;
        return new Span(start >> 3, end >> 3, firstOutside, lastOutside, false);
    }

    /** BITCOUNT. */
    public Result<Long> bitCount(byte[] key, Range range) {
        Result<Metadata> r = string(key);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
        }
        Metadata m = r.value();
        if (range != null && range.start() < 0 && range.end() < 0 && range.start() > range.end()) {
            return Result.ok(0L); // BITCOUNT's own shortcut (BITPOS has none)
        }
        Span s = span(StringValues.length(m), range, false);
        if (s.empty()) {
            return Result.ok(0L);
        }
        long[] count = {0};
        values.visit(key, m, s.first(), s.last() + 1, new StringValues.Visitor() {
            @Override
            public boolean bytes(long offset, byte[] data, int from, int len) {
                for (int i = 0; i < len; i++) {
                    count[0] += Integer.bitCount(data[from + i] & 0xff);
                }
                return true;
            }

            @Override
            public boolean zeros(long offset, long len) {
                return true;
            }
        });
        if (s.firstOutside() != 0) {
            count[0] -= Integer.bitCount(values.read(key, m, s.first(), 1)[0] & s.firstOutside());
        }
        if (s.lastOutside() != 0) {
            count[0] -= Integer.bitCount(values.read(key, m, s.last(), 1)[0] & s.lastOutside());
        }
        return Result.ok(count[0]);
    }

    /** BITPOS: the first bit equal to {@code bit} in the range, or -1 (or, for 0 without an end, the bit after the string). */
    public Result<Long> bitPos(byte[] key, boolean bit, Range range) {
        Result<Metadata> r = string(key);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(bit ? -1L : 0L) : Result.of(r.status());
        }
        Metadata m = r.value();
        boolean endGiven = range != null && range.endGiven();
        Span s = span(StringValues.length(m), range, range != null && !range.endGiven());
        if (s.empty()) {
            return Result.ok(-1L);
        }
        long found = -1;
        long from = s.first();
        long to = s.last();
        if (s.firstOutside() != 0) {
            int v = values.read(key, m, from, 1)[0] & 0xff;
            v = bit ? v & ~s.firstOutside() : v | s.firstOutside();
            if (from == to && s.lastOutside() != 0) {
                v = bit ? v & ~s.lastOutside() : v | s.lastOutside();
            }
            int at = firstBit(v, bit);
            if (at >= 0) {
                return Result.ok(from * 8 + at);
            }
            if (from == to) {
                return Result.ok(notFound(bit, endGiven, to));
            }
            from++;
        }
        long middleEnd = s.lastOutside() != 0 ? to : to + 1; // exclusive: the last byte is masked apart
        if (from < middleEnd) {
            found = search(key, m, from, middleEnd, bit);
            if (found >= 0) {
                return Result.ok(found);
            }
        }
        if (s.lastOutside() != 0 && from <= to) {
            int v = values.read(key, m, to, 1)[0] & 0xff;
            v = bit ? v & ~s.lastOutside() : v | s.lastOutside();
            int at = firstBit(v, bit);
            if (at >= 0) {
                return Result.ok(to * 8 + at);
            }
        }
        return Result.ok(notFound(bit, endGiven, to));
    }

    /** Redis: no set bit is -1; no clear bit is -1 with an explicit end, else the first bit after the range. */
    private static long notFound(boolean bit, boolean endGiven, long lastByte) {
        return bit || endGiven ? -1 : (lastByte + 1) * 8;
    }

    private long search(byte[] key, Metadata m, long from, long to, boolean bit) {
        long[] found = {-1};
        values.visit(key, m, from, to, new StringValues.Visitor() {
            @Override
            public boolean bytes(long offset, byte[] data, int start, int len) {
                for (int i = 0; i < len; i++) {
                    int at = firstBit(data[start + i] & 0xff, bit);
                    if (at >= 0) {
                        found[0] = (offset + i) * 8 + at;
                        return false;
                    }
                }
                return true;
            }

            @Override
            public boolean zeros(long offset, long len) {
                if (!bit) {
                    found[0] = offset * 8;
                    return false;
                }
                return true;
            }
        });
        return found[0];
    }

    /** The position (0 = most significant) of the first bit equal to {@code bit}, or -1. */
    private static int firstBit(int v, boolean bit) {
        int x = bit ? v : ~v & 0xff;
        return x == 0 ? -1 : Integer.numberOfLeadingZeros(x) - 24;
    }

    /** BITOP's operations. */
    public enum BitOp { AND, OR, XOR, NOT }

    /** BITOP: the destination's new length (0 deletes it). Every source must be a string or absent. */
    public Result<Long> bitOp(BitOp op, byte[] dest, List<byte[]> sources) {
        List<byte[]> all = new ArrayList<>(sources);
        all.add(dest);
        try (KeyLocks.Held held = keys.locks().lock(all); Batch b = keys.storage().newBatch()) {
            List<byte[]> inputs = new ArrayList<>();
            long max = 0;
            for (byte[] k : sources) {
                Result<Metadata> r = string(k);
                if (r.status() == Status.WRONG_TYPE) {
                    return Result.wrongType();
                }
                byte[] v = r.isOk() ? values.whole(k, r.value()) : new byte[0];
                inputs.add(v);
                max = Math.max(max, v.length);
            }
            byte[] out = new byte[(int) max];
            for (int j = 0; j < max; j++) {
                int acc = j < inputs.get(0).length ? inputs.get(0)[j] & 0xff : 0;
                if (op == BitOp.NOT) {
                    acc = ~acc & 0xff;
                }
                for (int i = 1; i < inputs.size(); i++) {
                    int v = j < inputs.get(i).length ? inputs.get(i)[j] & 0xff : 0;
                    acc = switch (op) {
                        case AND -> acc & v;
                        case OR -> acc | v;
                        case XOR -> acc ^ v;
                        case NOT -> acc;
                    };
                }
                out[j] = (byte) acc;
            }
            Metadata old = keys.physical(dest);
            if (max == 0) {
                if (keys.isLive(old)) {
                    keys.remove(b, dest, old);
                    b.event(KeyEvent.GENERIC, "del", dest);
                    keys.commit(b);
                }
                return Result.ok(0L);
            }
            // Like SET: the destination loses its TTL and whatever it held; chunked if large.
            StringValues.Editor e = values.replace(dest, old);
            e.write(0, out);
            e.commit(b, 0);
            b.event(KeyEvent.STRING, "set", dest);
            keys.commit(b);
            return Result.ok(max);
        }
    }

    /** BITFIELD's overflow behaviours. */
    public enum Overflow { WRAP, SAT, FAIL }

    /** One BITFIELD operation: GET, SET (value) or INCRBY (increment) of a signed or unsigned field. */
    public record FieldOp(Kind kind, boolean signed, int bits, long offset, long value, Overflow overflow) {
        public enum Kind { GET, SET, INCRBY }
    }

    /**
     * BITFIELD: one reply per operation (null where FAIL refused an overflow). With any SET or INCRBY
     * the string is created or grown to reach the farthest field written, as in Redis, before the
     * operations run in order.
     */
    public Result<List<Long>> bitField(byte[] key, List<FieldOp> ops) {
        boolean writes = ops.stream().anyMatch(o -> o.kind() != FieldOp.Kind.GET);
        if (!writes) {
            Result<Metadata> r = string(key);
            if (r.status() == Status.WRONG_TYPE) {
                return Result.wrongType();
            }
            List<Long> out = new ArrayList<>();
            for (FieldOp op : ops) {
                byte[] buf = r.isOk() ? values.read(key, r.value(), op.offset() >>> 3, 9) : new byte[9];
                out.add(get(buf, (int) (op.offset() & 7), op.bits(), op.signed()));
            }
            return Result.ok(out);
        }
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            if (exists && !m.type().isString()) {
                return Result.wrongType();
            }
            StringValues.Editor e = values.edit(key, m);
            long highest = 0;
            for (FieldOp op : ops) {
                if (op.kind() != FieldOp.Kind.GET) {
                    highest = Math.max(highest, op.offset() + op.bits() - 1);
                }
            }
            long lengthBefore = e.length();
            e.extend((highest >>> 3) + 1);
            List<Long> out = new ArrayList<>();
            // As Redis 7.0: reported ("setbit") only when the string was created or grew, or a byte changed.
            boolean changed = !exists || e.length() > lengthBefore;
            for (FieldOp op : ops) {
                long byteAt = op.offset() >>> 3;
                int bitAt = (int) (op.offset() & 7);
                byte[] buf = e.read(byteAt, 9);
                long old = get(buf, bitAt, op.bits(), op.signed());
                if (op.kind() == FieldOp.Kind.GET) {
                    out.add(old);
                    continue;
                }
                long[] result = op.signed() ? signed(old, op) : unsigned(old, op);
                if (result == null) {
                    out.add(null);
                    continue;
                }
                out.add(result[1]);
                int span = (bitAt + op.bits() - 1) / 8 + 1;
                byte[] before = java.util.Arrays.copyOf(buf, span);
                set(buf, bitAt, op.bits(), result[0]);
                changed |= !java.util.Arrays.equals(before, java.util.Arrays.copyOf(buf, span));
                e.write(byteAt, java.util.Arrays.copyOf(buf, span));
            }
            e.commit(b, exists ? m.expireAt() : 0);
            if (changed) {
                b.event(KeyEvent.STRING, "setbit", key);
            }
            keys.commit(b);
            return Result.ok(out);
        }
    }

    /** {@code [new value, reply]} for a SET or INCRBY of an unsigned field, or null when FAIL refuses it. */
    private static long[] unsigned(long old, FieldOp op) {
        long max = (1L << op.bits()) - 1;
        boolean incr = op.kind() == FieldOp.Kind.INCRBY;
        long value = incr ? old : op.value();
        long delta = incr ? op.value() : 0;
        int overflow = 0;
        if (Long.compareUnsigned(value, max) > 0 || (delta > 0 && delta > max - value)) {
            overflow = 1;
        } else if (delta < 0 && delta < -value) {
            overflow = -1;
        }
        long next;
        if (overflow == 0) {
            next = value + delta;
        } else if (op.overflow() == Overflow.FAIL) {
            return null;
        } else if (op.overflow() == Overflow.SAT) {
            next = overflow > 0 ? max : 0;
        } else {
            next = (value + delta) & max;
        }
        return new long[] {next, incr ? next : old};
    }

    /** As {@link #unsigned}, for a signed field. */
    private static long[] signed(long old, FieldOp op) {
        int bits = op.bits();
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        boolean incr = op.kind() == FieldOp.Kind.INCRBY;
        long value = incr ? old : op.value();
        long delta = incr ? op.value() : 0;
        long maxIncr = max - value;
        long minIncr = min - value;
        int overflow = 0;
        if (value > max || (bits != 64 && delta > maxIncr) || (value >= 0 && delta > 0 && delta > maxIncr)) {
            overflow = 1;
        } else if (value < min || (bits != 64 && delta < minIncr) || (value < 0 && delta < 0 && delta < minIncr)) {
            overflow = -1;
        }
        long next;
        if (overflow == 0) {
            next = value + delta;
        } else if (op.overflow() == Overflow.FAIL) {
            return null;
        } else if (op.overflow() == Overflow.SAT) {
            next = overflow > 0 ? max : min;
        } else {
            next = value + delta;
            if (bits < 64) {
                long mask = -1L << bits;
                next = (next & (1L << (bits - 1))) != 0 ? next | mask : next & ~mask;
            }
        }
        return new long[] {next, incr ? next : old};
    }

    /** The field of {@code bits} bits at bit {@code at} of {@code buf}, most significant bit first. */
    private static long get(byte[] buf, int at, int bits, boolean signed) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            int pos = at + i;
            v = (v << 1) | ((buf[pos >>> 3] >>> (7 - (pos & 7))) & 1);
        }
        if (signed && bits < 64 && (v & (1L << (bits - 1))) != 0) {
            v |= -1L << bits;
        }
        return v;
    }

    private static void set(byte[] buf, int at, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            int pos = at + i;
            int bit = (int) ((value >>> (bits - 1 - i)) & 1);
            int mask = 1 << (7 - (pos & 7));
            buf[pos >>> 3] = (byte) (bit != 0 ? buf[pos >>> 3] | mask : buf[pos >>> 3] & ~mask);
        }
    }
}
