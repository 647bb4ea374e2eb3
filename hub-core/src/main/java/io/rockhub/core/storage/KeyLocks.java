package io.rockhub.core.storage;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped per-key locks that make a command's read and write of a key atomic against other
 * commands. Multi-key commands lock stripes in ascending order, so they cannot deadlock.
 */
public final class KeyLocks {
    private final ReentrantLock[] stripes;
    private final int mask;

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
        ReentrantLock l = stripes[stripe(key)];
        l.lock();
        return l::unlock;
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
        for (int s : sorted) {
            stripes[s].lock();
        }
        return () -> {
            for (int i = sorted.length - 1; i >= 0; i--) {
                stripes[sorted[i]].unlock();
            }
        };
    }

    /** Every stripe, in order: excludes all writers (FLUSHALL). */
    public Held lockAll() {
        for (ReentrantLock l : stripes) {
            l.lock();
        }
        return () -> {
            for (int i = stripes.length - 1; i >= 0; i--) {
                stripes[i].unlock();
            }
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
