package io.rockhub.core.types;

import io.rockhub.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Versions for collection keys: strictly increasing in this process and, being derived from the
 * clock (millis shifted by 20 bits), larger than any version issued before a restart.
 */
public final class Versions {
    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    public Versions(Clock clock) {
        this.clock = clock;
    }

    public long next() {
        long floor = clock.millis() << 20;
        return last.updateAndGet(prev -> Math.max(prev + 1, floor));
    }
}
