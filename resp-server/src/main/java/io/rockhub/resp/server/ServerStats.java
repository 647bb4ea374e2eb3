package io.rockhub.resp.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters behind INFO stats and INFO commandstats. Thread-safe and cheap on the hot path. */
public final class ServerStats {
    private static final double LOG_2 = Math.log(2);
    /** Calls and total microseconds of one command. */
    public static final class CommandCounter {
        final LongAdder calls = new LongAdder();
        final LongAdder micros = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder rejected = new LongAdder();
        /** Durations in buckets growing by 2^(1/8) from 1 us: percentiles within 9%, in 2 KB per command. */
        final java.util.concurrent.atomic.AtomicLongArray histogram = new java.util.concurrent.atomic.AtomicLongArray(256);

        void recordDuration(long micros) {
            int bucket = micros <= 1 ? 0 : (int) Math.min(255, Math.ceil(Math.log(micros) / LOG_2 * 8));
            histogram.incrementAndGet(bucket);
        }

        /**
         * LATENCY HISTOGRAM's buckets: for 1, 2, 4, ... microseconds up to the slowest call, how many
         * calls took at most that long (a bucket of this histogram ends at every power of two).
         */
        public java.util.List<long[]> cumulativeByPowerOfTwo() {
            int last = -1;
            for (int i = 0; i < histogram.length(); i++) {
                if (histogram.get(i) > 0) {
                    last = i;
                }
            }
            java.util.List<long[]> out = new java.util.ArrayList<>();
            long seen = 0;
            int i = 0;
            for (int k = 0; last >= 0 && k <= (last + 7) / 8; k++) {
                for (; i <= 8 * k && i < histogram.length(); i++) {
                    seen += histogram.get(i);
                }
                out.add(new long[] {1L << k, seen});
            }
            return out;
        }

        /** The duration under which {@code percent} of the calls took, in microseconds (0 with no call). */
        public double percentile(double percent) {
            long total = 0;
            for (int i = 0; i < histogram.length(); i++) {
                total += histogram.get(i);
            }
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(total * percent / 100.0);
            long seen = 0;
            for (int i = 0; i < histogram.length(); i++) {
                seen += histogram.get(i);
                if (seen >= rank) {
                    return Math.pow(2, i / 8.0);
                }
            }
            return Math.pow(2, 255 / 8.0);
        }

        /** Calls refused before they ran (arity, authentication, read-only replica...), as Redis's rejected_calls. */
        public long rejected() {
            return rejected.sum();
        }

        public long calls() {
            return calls.sum();
        }

        public long micros() {
            return micros.sum();
        }

        public long failed() {
            return failed.sum();
        }
    }

    public final LongAdder connectionsReceived = new LongAdder();
    public final LongAdder rejectedConnections = new LongAdder();
    public final LongAdder commandsProcessed = new LongAdder();
    public final LongAdder keyspaceHits = new LongAdder();
    public final LongAdder keyspaceMisses = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    public final LongAdder netInputBytes = new LongAdder();
    public final LongAdder netOutputBytes = new LongAdder();
    public final AtomicLong lastOpsSample = new AtomicLong();
    public final LongAdder errorReplies = new LongAdder();
    private final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();

    /** Counts an error reply under its code, the first word ("ERR", "WRONGTYPE"...), as Redis's errorstats. */
    public void error(String message) {
        errorReplies.increment();
        int space = message.indexOf(' ');
        String code = space > 0 && space <= 32 ? message.substring(0, space) : "ERR";
        errorCodes.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    public Map<String, Long> errorCodes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        errorCodes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public void rejected(String fullName) {
        command(fullName).rejected.increment();
    }

    /** Told every command's duration (the application feeds a latency histogram from it). */
    public interface LatencyListener {
        void record(String command, long micros);
    }

    private volatile LatencyListener latencyListener = (c, m) -> { };

    public void latencyListener(LatencyListener l) {
        latencyListener = l;
    }
    private final Map<String, CommandCounter> perCommand = new ConcurrentHashMap<>();

    public CommandCounter command(String fullName) {
        return perCommand.computeIfAbsent(fullName, k -> new CommandCounter());
    }

    public void record(String fullName, long micros, boolean failed) {
        latencyListener.record(fullName, micros);
        CommandCounter c = command(fullName);
        c.calls.increment();
        c.micros.add(micros);
        c.recordDuration(micros);
        if (failed) {
            c.failed.increment();
        }
        commandsProcessed.increment();
    }

    public Map<String, CommandCounter> perCommand() {
        return perCommand;
    }

    public void reset() {
        perCommand.clear();
        keyspaceHits.reset();
        keyspaceMisses.reset();
        rejectedConnections.reset();
        protocolErrors.reset();
        errorReplies.reset();
        errorCodes.clear();
    }
}
