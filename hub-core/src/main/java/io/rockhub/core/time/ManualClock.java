package io.rockhub.core.time;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when told to; for tests of expiry, idle times and retention. */
public final class ManualClock implements Clock {
    private final AtomicLong millis;

    public ManualClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }

    public void set(long epochMillis) {
        millis.set(epochMillis);
    }
}
