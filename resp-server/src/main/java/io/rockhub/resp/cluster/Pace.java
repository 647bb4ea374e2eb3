package io.rockhub.resp.cluster;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * A byte rate kept by waiting: before each request, the sender waits until what it sent since the
 * rate was last set would have taken that long at the rate. A new rate starts counting afresh, so a
 * rate raised mid-move applies at once instead of letting a burst through. Not thread-safe: one
 * sender.
 */
final class Pace {
    private final LongSupplier nanoClock;
    private final LongConsumer sleeper;
    private long megabytesPerSecond;
    private long bytes;
    private long startNanos;

    /** {@code nanoClock}: System::nanoTime; {@code sleeper}: waits that many nanoseconds. */
    Pace(LongSupplier nanoClock, LongConsumer sleeper) {
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Waits as long as the rate ({@code megabytesPerSecond}; 0 or less: none) requires; returns the wait in ns. */
    long await(long megabytesPerSecond) {
        long now = nanoClock.getAsLong();
        if (megabytesPerSecond != this.megabytesPerSecond) {
            this.megabytesPerSecond = megabytesPerSecond;
            bytes = 0;
            startNanos = now;
        }
        if (megabytesPerSecond <= 0) {
            return 0;
        }
        long due = startNanos + bytes * 1_000L / megabytesPerSecond; // bytes * 1e9 ns / (rate * 1e6 bytes)
        if (due <= now) {
            return 0;
        }
        sleeper.accept(due - now);
        return due - now;
    }

    void sent(long n) {
        bytes += n;
    }
}
