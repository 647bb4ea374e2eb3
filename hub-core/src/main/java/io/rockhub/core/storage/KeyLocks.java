package io.rockhub.core.storage;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-key locks that make a command's read and write of a key atomic against other
 * commands. Multi-key commands lock stripes in ascending order, so they cannot deadlock.
 *
 * <p>Every stripe lock is taken under the shared side of one read-write lock; a script takes its
 * exclusive side ({@link #exclusive}) and so runs alone among writers whatever keys it touches,
 * declared or not, as Redis runs a script. Readers take no lock: a script's writes stay in its
 * own batch until it ends, so they see the state before it or after it.
 */
public final class KeyLocks {
    private final ReentrantLock[] stripes;
    private final int mask;
    private final java.util.concurrent.locks.ReentrantReadWriteLock world =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    /** Whether the script holding the exclusive side runs past busy-reply-threshold. */
    private volatile java.util.function.BooleanSupplier scriptBusy = () -> false;

    /**
     * Set by the scripting engine: a writer waiting for a script stops waiting once this holds,
     * with {@link ScriptBusyException}, so its event loop can answer other clients (SCRIPT KILL too).
     */
    public void scriptBusyWhen(java.util.function.BooleanSupplier busy) {
        this.scriptBusy = busy;
    }

    /** The shared side, waited for in slices while a script holds the exclusive one. */
    private java.util.concurrent.locks.Lock shared() {
        return acquire(world.readLock());
    }

    /** Takes {@code l}, giving up with {@link ScriptBusyException} once a script holding it is busy. */
    private java.util.concurrent.locks.Lock acquire(java.util.concurrent.locks.Lock l) {
        if (l.tryLock()) {
            return l;
        }
        try {
            while (!l.tryLock(5, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (scriptBusy.getAsBoolean()) {
                    throw new ScriptBusyException();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted waiting for a key lock", e);
        }
        return l;
    }

    public KeyLocks(int stripesPowerOfTwo) {
        stripes = new ReentrantLock[stripesPowerOfTwo];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        mask = stripesPowerOfTwo - 1;
    }

    /** A held lock over some keys; release with try-with-resources. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    public Held lock(byte[] key) {
        java.util.concurrent.locks.Lock shared = shared();
        ReentrantLock l = stripes[stripe(key)];
        l.lock();
        return () -> {
            l.unlock();
            shared.unlock();
        };
    }

    /**
     * Excludes every other writer until closed (a script). Reentrant; a thread already writing
     * under the shared side (a transaction's keys) cannot also take this: it gets null and runs on
     * with what it holds.
     */
    public Held exclusive() {
        if (writesUnderSharedSide()) {
            return null;
        }
        java.util.concurrent.locks.Lock w = acquire(world.writeLock());
        return w::unlock;
    }

    /**
     * As {@link #exclusive}, waiting at most {@code waitNanos}: null when another thread holds either
     * side that long, or this thread holds the shared one.
     */
    public Held tryExclusive(long waitNanos) {
        if (writesUnderSharedSide()) {
            return null;
        }
        java.util.concurrent.locks.Lock w = world.writeLock();
        try {
            return w.tryLock(waitNanos, java.util.concurrent.TimeUnit.NANOSECONDS) ? w::unlock : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A thread holding the shared side cannot take the exclusive one (it would wait for itself). */
    private boolean writesUnderSharedSide() {
        return world.getReadHoldCount() > 0 && !world.isWriteLockedByCurrentThread();
    }

    public Held lock(byte[]... keys) {
        if (keys.length == 1) {
            return lock(keys[0]);
        }
        int[] idx = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            idx[i] = stripe(keys[i]);
        }
        int[] sorted = Arrays.stream(idx).sorted().distinct().toArray();
        java.util.concurrent.locks.Lock shared = shared();
        for (int s : sorted) {
            stripes[s].lock();
        }
        return () -> {
            for (int i = sorted.length - 1; i >= 0; i--) {
                stripes[sorted[i]].unlock();
            }
            shared.unlock();
        };
    }

    /**
     * Stripes one thread keeps locked across several commands (a pipelined burst, committed as one
     * batch): taken without waiting, so holding them can never be part of a deadlock.
     */
    public static final class Holding {
        private final java.util.ArrayList<ReentrantLock> held = new java.util.ArrayList<>();
        private java.util.concurrent.locks.Lock shared;
    }

    /**
     * Adds the stripes of {@code keys} to {@code h} if each is free or already this thread's; false
     * (taking none of them) if another thread holds one. A command then takes its own locks as
     * usual, at once, since its thread holds them.
     */
    public boolean tryHold(Holding h, java.util.List<byte[]> keys) {
        if (h.shared == null) {
            java.util.concurrent.locks.Lock s = world.readLock();
            if (!s.tryLock()) {
                return false;
            }
            h.shared = s;
        }
        int mark = h.held.size();
        for (byte[] k : keys) {
            ReentrantLock l = stripes[stripe(k)];
            if (l.isHeldByCurrentThread()) {
                continue;
            }
            if (!l.tryLock()) {
                for (int i = h.held.size() - 1; i >= mark; i--) {
                    h.held.remove(i).unlock();
                }
                return false;
            }
            h.held.add(l);
        }
        return true;
    }

    /**
     * Whether a thread waits for either side (a script for the exclusive one, say): stripe holders
     * that only try their locks should step back, since their tries would barge past it for as long
     * as one of them holds the shared side.
     */
    public boolean waited() {
        return world.hasQueuedThreads();
    }

    /**
     * Moves everything {@code from} holds into {@code to} (a script's keys joining the pipelined
     * burst its writes joined): they are given back together, when {@code to} is released.
     */
    public void transfer(Holding from, Holding to) {
        to.held.addAll(from.held);
        from.held.clear();
        if (from.shared != null) {
            if (to.shared == null) {
                to.shared = from.shared;
            } else {
                from.shared.unlock(); // the shared side is reentrant: one hold of it stays
            }
            from.shared = null;
        }
    }

    /** Gives back everything {@code h} holds. */
    public void release(Holding h) {
        for (int i = h.held.size() - 1; i >= 0; i--) {
            h.held.get(i).unlock();
        }
        h.held.clear();
        if (h.shared != null) {
            h.shared.unlock();
            h.shared = null;
        }
    }

    /** Every stripe, in order: excludes all writers (FLUSHALL). */
    public Held lockAll() {
        java.util.concurrent.locks.Lock shared = shared();
        for (ReentrantLock l : stripes) {
            l.lock();
        }
        return () -> {
            for (int i = stripes.length - 1; i >= 0; i--) {
                stripes[i].unlock();
            }
            shared.unlock();
        };
    }

    public Held lock(java.util.List<byte[]> keys) {
        return lock(keys.toArray(new byte[0][]));
    }

    private int stripe(byte[] key) {
        int h = Arrays.hashCode(key);
        h ^= (h >>> 16);
        return h & mask;
    }
}
