package io.rockhub.core.types;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which commit a read of a key may have seen, so that its reply waits for that commit to be durable
 * and no longer: a reply may not show a value that a crash could take back, but a GET of a key
 * nobody wrote lately need not wait for the fsync of other keys' writes (with 10% writes, every
 * read waited for the fsync round in flight, which set its latency).
 *
 * <p>Keys share a fixed table of slots by hash (a shared slot only makes a read wait longer). A
 * slot holds the writes in flight on its keys and the highest sequence committed to them. A writer
 * counts itself in before its commit becomes visible and out after raising the sequence, so a reader
 * that saw its value, and then looks, finds it either in flight (and waits for everything committed
 * so far) or gone with the sequence raised. Writes that name no keys (FLUSHALL) count as writes to
 * every key. Thread-safe.
 */
final class WriteSequences {
    private static final int SLOTS = 1 << 16;
    /** Per slot, side by side (one cache line): writes in flight, then the highest committed sequence. */
    private final AtomicLongArray slots = new AtomicLongArray(2 * SLOTS);
    private final AtomicLong everyKeyInFlight = new AtomicLong();
    private final AtomicLong everyKeySequence = new AtomicLong();

    private static int slot(byte[] key) {
        int h = java.util.Arrays.hashCode(key);
        return ((h * 0x9E3779B9) >>> 16) & (SLOTS - 1);
    }

    /** Before a commit that changes {@code key}. */
    void begin(byte[] key) {
        slots.incrementAndGet(2 * slot(key));
    }

    /** After it (or its failure): every commit up to {@code committed} included. */
    void end(byte[] key, long committed) {
        int i = 2 * slot(key);
        slots.accumulateAndGet(i + 1, committed, Math::max);
        slots.decrementAndGet(i);
    }

    /** Before a commit that may change any key. */
    void beginEveryKey() {
        everyKeyInFlight.incrementAndGet();
    }

    void endEveryKey(long committed) {
        everyKeySequence.accumulateAndGet(committed, Math::max);
        everyKeyInFlight.decrementAndGet();
    }

    /** After reading {@code key}: the sequence its reply must wait for; -1 if unsure (wait for all). */
    long readOf(byte[] key) {
        if (everyKeyInFlight.get() > 0) {
            return -1;
        }
        int i = 2 * slot(key);
        if (slots.get(i) > 0) {
            return -1;
        }
        return Math.max(slots.get(i + 1), everyKeySequence.get());
    }
}
