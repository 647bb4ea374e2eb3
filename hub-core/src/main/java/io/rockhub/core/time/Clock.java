package io.rockhub.core.time;

/**
 * The source of wall-clock time for expiry, idle times and retention.
 *
 * <p>Core code never calls {@code System.currentTimeMillis()} directly so that tests can drive
 * expiry deterministically with {@link ManualClock}. Implementations must be thread-safe.
 */
public interface Clock {
    /** Milliseconds since the Unix epoch. */
    long millis();

    /** Microseconds since the Unix epoch; used for TIME and version numbers. */
    default long micros() {
        return millis() * 1000L;
    }

    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long micros() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        }
    };
}
