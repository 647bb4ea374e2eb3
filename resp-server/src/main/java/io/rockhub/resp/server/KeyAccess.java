package io.rockhub.resp.server;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each key was last read or written, for OBJECT IDLETIME, in memory only (Redis keeps it in
 * memory too; after a restart both count from the start). Bounded: past {@link #MAX_KEYS} keys the
 * oldest half is forgotten, and a forgotten key counts from when it was forgotten — its idle time
 * is then a lower bound. Commands that Redis runs without touching (OBJECT, TYPE, EXISTS, TTL...)
 * do not touch here either.
 */
public final class KeyAccess {
    static final int MAX_KEYS = 200_000;
    /** Commands that look at keys without counting as an access (Redis's LOOKUP_NOTOUCH). */
    private static final Set<String> NO_TOUCH = Set.of("object|encoding", "object|freq", "object|idletime",
            "object|refcount", "type", "exists", "ttl", "pttl", "expiretime", "pexpiretime", "memory|usage", "debug");

    private final ConcurrentHashMap<ByteBuffer, Long> last = new ConcurrentHashMap<>();
    private volatile long forgottenAt;

    public KeyAccess(long startMillis) {
        this.forgottenAt = startMillis;
    }

    /** Whether running {@code command} counts as an access; a NO-TOUCH client's only access is TOUCH. */
    static boolean touches(String command, boolean clientNoTouch) {
        return clientNoTouch ? command.equals("touch") : !NO_TOUCH.contains(command);
    }

    public void touch(byte[] storedKey, long now) {
        ByteBuffer k = ByteBuffer.wrap(storedKey);
        Long prev = last.get(k);
        // Idle time is reported in seconds: a hot key is written back at most once a second, so its
        // readers share the entry without contending on it.
        if (prev != null && now - prev < 1000 && now >= prev) {
            return;
        }
        last.put(k, now);
        if (prev == null && last.size() > MAX_KEYS) {
            forgetOldest(now);
        }
    }

    public void touchAll(List<byte[]> storedKeys, long now) {
        for (byte[] k : storedKeys) {
            touch(k, now);
        }
    }

    private synchronized void forgetOldest(long now) {
        if (last.size() <= MAX_KEYS) {
            return;
        }
        long[] times = last.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long cut = times[times.length / 2];
        last.values().removeIf(t -> t <= cut);
        forgottenAt = Math.max(forgottenAt, cut);
    }

    /** Seconds since the key was last accessed (or since it was forgotten, or since the start). */
    public long idleSeconds(byte[] storedKey, long now) {
        Long t = last.get(ByteBuffer.wrap(storedKey));
        return Math.max(0, now - (t != null ? t : forgottenAt)) / 1000;
    }
}
