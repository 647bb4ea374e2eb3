package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently used metadata records (strings whole) kept decoded in the heap, so hot keys are read and
 * overwritten without a RocksDB lookup; RocksDB stays the truth and any entry may be dropped.
 *
 * <p>Coherence without holding key locks on reads: each stripe has a generation that every write
 * bumps. A writer invalidates before its commit and installs the new record (or removes it) after,
 * both under the key lock; a reader that missed may install what it read from RocksDB only if the
 * generation did not move in between, and whatever it installs a writer's second step overwrites.
 * Thread-safe; LRU per stripe within a byte budget.
 */
final class MetadataCache {
    private static final int STRIPES = 64;
    private static final int ENTRY_OVERHEAD = 112;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final boolean enabled;

    MetadataCache(long capacityBytes) {
        this.enabled = capacityBytes > 0;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(capacityBytes / STRIPES);
        }
    }

    private static final class Stripe extends LinkedHashMap<ByteBuffer, Metadata> {
        private final long budget;
        private long bytes;
        private volatile long generation;

        Stripe(long budget) {
            super(256, 0.75f, true);
            this.budget = budget;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Metadata> eldest) {
            if (bytes > budget) {
                bytes -= weight(eldest.getKey(), eldest.getValue());
                return true;
            }
            return false;
        }

        void putWeighed(ByteBuffer key, Metadata m) {
            Metadata old = super.put(key, m);
            if (old != null) {
                bytes -= weight(key, old);
            }
            bytes += weight(key, m);
        }

        void removeWeighed(ByteBuffer key) {
            Metadata old = super.remove(key);
            if (old != null) {
                bytes -= weight(key, old);
            }
        }
    }

    private static long weight(ByteBuffer key, Metadata m) {
        return ENTRY_OVERHEAD + key.capacity() + (m.value() == null ? 0 : m.value().length);
    }

    private Stripe stripe(ByteBuffer key) {
        // Pick the stripe from the high bits: the HashMap inside uses the low bits, and keys sharing
        // them would crowd a few buckets.
        return stripes[(key.hashCode() * 0x9E3779B9) >>> 26];
    }

    boolean enabled() {
        return enabled;
    }

    Metadata get(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Stripe s = stripe(k);
        synchronized (s) {
            return s.get(k);
        }
    }

    /** The generation to pass to {@link #installIfUnchanged} after reading RocksDB. */
    long generation(byte[] key) {
        return stripe(ByteBuffer.wrap(key)).generation;
    }

    void installIfUnchanged(byte[] key, Metadata m, long generation) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Stripe s = stripe(k);
        synchronized (s) {
            if (s.generation == generation) {
                s.putWeighed(k, m);
            }
        }
    }

    /** Writer, before its commit, under the key lock. */
    void invalidate(byte[] key) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Stripe s = stripe(k);
        synchronized (s) {
            s.generation++;
            s.removeWeighed(k);
        }
    }

    /** Writer, after its commit, under the key lock: the record now stored (null = none). */
    void settle(byte[] key, Metadata m) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Stripe s = stripe(k);
        synchronized (s) {
            s.generation++;
            if (m == null) {
                s.removeWeighed(k);
            } else {
                s.putWeighed(k, m);
            }
        }
    }

    void clear() {
        for (Stripe s : stripes) {
            synchronized (s) {
                s.generation++;
                s.clear();
                s.bytes = 0;
            }
        }
    }

    long bytes() {
        long total = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                total += s.bytes;
            }
        }
        return total;
    }
}
