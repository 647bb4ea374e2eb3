package io.rockhub.resp.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor: with {@code latency-monitor-threshold} above 0, every command that takes
 * at least that many milliseconds is a sample of the "command" event ("fast-command" for commands
 * flagged fast). Per event the last 160 samples are kept, one per second (the largest), and the
 * largest ever. Thread-safe.
 */
public final class LatencyMonitor {
    private static final int HISTORY = 160;

    /** One second's worst latency of an event. */
    public record Sample(long timeSeconds, long latencyMillis) {
    }

    /** An event's history and all-time maximum. */
    public record Event(String name, List<Sample> samples, long max) {
    }

    private volatile long thresholdMillis;
    private final Map<String, ArrayDeque<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, Long> max = new LinkedHashMap<>();

    public void threshold(long millis) {
        this.thresholdMillis = millis;
    }

    /** Records a command's duration if the monitor is on and it reached the threshold. */
    public void command(long micros, boolean fast, long nowMillis) {
        long threshold = thresholdMillis;
        long ms = micros / 1000;
        if (threshold > 0 && ms >= threshold) {
            add(fast ? "fast-command" : "command", ms, nowMillis / 1000);
        }
    }

    public synchronized void add(String event, long latencyMillis, long nowSeconds) {
        ArrayDeque<Sample> s = samples.computeIfAbsent(event, e -> new ArrayDeque<>());
        max.merge(event, latencyMillis, Math::max);
        Sample last = s.peekLast();
        if (last != null && last.timeSeconds() == nowSeconds) {
            s.pollLast();
            s.addLast(new Sample(nowSeconds, Math.max(last.latencyMillis(), latencyMillis)));
            return;
        }
        s.addLast(new Sample(nowSeconds, latencyMillis));
        if (s.size() > HISTORY) {
            s.pollFirst();
        }
    }

    public synchronized List<Event> events() {
        List<Event> out = new ArrayList<>();
        for (Map.Entry<String, ArrayDeque<Sample>> e : samples.entrySet()) {
            out.add(new Event(e.getKey(), List.copyOf(e.getValue()), max.get(e.getKey())));
        }
        return out;
    }

    public synchronized List<Sample> history(String event) {
        ArrayDeque<Sample> s = samples.get(event);
        return s == null ? List.of() : List.copyOf(s);
    }

    /** LATENCY RESET: forgets the named events (all when none are named); how many it forgot. */
    public synchronized int reset(List<String> events) {
        if (events.isEmpty()) {
            int n = samples.size();
            samples.clear();
            max.clear();
            return n;
        }
        int n = 0;
        for (String e : events) {
            if (samples.remove(e) != null) {
                max.remove(e);
                n++;
            }
        }
        return n;
    }
}
