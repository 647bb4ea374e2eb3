package io.rockhub.resp.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters behind INFO stats and INFO commandstats. Thread-safe and cheap on the hot path. */
public final class ServerStats {
    /** Calls and total microseconds of one command. */
    public static final class CommandCounter {
        final LongAdder calls = new LongAdder();
        final LongAdder micros = new LongAdder();
        final LongAdder failed = new LongAdder();

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
    }
}
