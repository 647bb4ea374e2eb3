package io.rockhub.resp.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Set;

/**
 * When each key was last read or written, for OBJECT IDLETIME, in memory only (Redis keeps it in
 * memory too; after a restart both count from the start). Commands that Redis runs without touching
 * (OBJECT, TYPE, EXISTS, TTL...) do not touch here either.
 *
 * <p>It is on the path of every command, so it is a fixed table of slots, one long each, indexed by
 * a hash of the key: no allocation and no object for the garbage collector to trace (a map of keys
 * to times cost a twentieth of the event loop and kept G1's refinement threads busy). A slot holds
 * a fingerprint of its key and the time of the access. Two keys may share a slot: the later access
 * takes it, and the other key then reports the time since the slot was last written, which is a
 * lower bound of its idle time. A touch only stores: the table is larger than the CPU's caches, and a
 * read of the old slot first (to skip rewriting a hot key's) stalled every command on that miss.
 */
public final class KeyAccess {
    static final int DEFAULT_SLOTS = 1 << 20;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int TIME_BITS = 40; // milliseconds since the start: 34 years
    private static final long TIME_MASK = (1L << TIME_BITS) - 1;
    /** Commands that look at keys without counting as an access (Redis's LOOKUP_NOTOUCH). */
    private static final Set<String> NO_TOUCH = Set.of("object|encoding", "object|freq", "object|idletime",
            "object|refcount", "type", "exists", "ttl", "pttl", "expiretime", "pexpiretime", "memory|usage", "debug");

    private final long[] slots;
    private final int mask;
    private final long startMillis;

    public KeyAccess(long startMillis) {
        this(startMillis, DEFAULT_SLOTS);
    }

    KeyAccess(long startMillis, int slotCount) {
        if (Integer.bitCount(slotCount) != 1) {
            throw new IllegalArgumentException("slot count must be a power of two: " + slotCount);
        }
        this.slots = new long[slotCount];
        this.mask = slotCount - 1;
        this.startMillis = startMillis;
    }

    /** Whether running {@code command} counts as an access; a NO-TOUCH client's only access is TOUCH. */
    static boolean touches(String command, boolean clientNoTouch) {
        return clientNoTouch ? command.equals("touch") : !NO_TOUCH.contains(command);
    }

    public void touch(byte[] storedKey, long now) {
        long h = hash(storedKey);
        int i = (int) h & mask;
        long fingerprint = h >>> TIME_BITS;
        SLOT.setOpaque(slots, i, fingerprint << TIME_BITS | since(now));
    }

    public void touchAll(List<byte[]> storedKeys, long now) {
        for (byte[] k : storedKeys) {
            touch(k, now);
        }
    }

    /**
     * Seconds since the key was last accessed; since the start if no access is known; a lower bound
     * (the time since another key took its slot) if its slot now belongs to another key.
     */
    public long idleSeconds(byte[] storedKey, long now) {
        long v = (long) SLOT.getOpaque(slots, (int) hash(storedKey) & mask);
        long last = v == 0 ? startMillis : startMillis + (v & TIME_MASK) - 1;
        return Math.max(0, now - last) / 1000;
    }

    /** Milliseconds since the start, plus one so that no stored slot is 0 (empty). */
    private long since(long now) {
        return Math.min(TIME_MASK, Math.max(0, now - startMillis) + 1);
    }

    /** 64 well-mixed bits of the key: the low ones pick the slot, the high ones are its fingerprint. */
    private static long hash(byte[] key) {
        long h = 0x9E3779B97F4A7C15L;
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
