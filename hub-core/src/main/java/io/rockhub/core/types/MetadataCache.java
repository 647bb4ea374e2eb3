package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import java.util.Arrays;
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

    private static final class Stripe extends LinkedHashMap<Key, Metadata> {
        private final long budget;
        private long bytes;
        private volatile long generation;

        Stripe(long budget) {
            super(256, 0.75f, true);
            this.budget = budget;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Metadata> eldest) {
            if (bytes > budget) {
                bytes -= weight(eldest.getKey(), eldest.getValue());
                return true;
            }
            return false;
        }

        void putWeighed(Key key, Metadata m) {
            Metadata old = super.put(key, m);
            if (old != null) {
                bytes -= weight(key, old);
            }
            bytes += weight(key, m);
        }

        void removeWeighed(Key key) {
            Metadata old = super.remove(key);
            if (old != null) {
                bytes -= weight(key, old);
            }
        }
    }

    /** A key with its hash computed once: lookups hash each key twice (stripe and map). */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }
    }

    private static long weight(Key key, Metadata m) {
        return ENTRY_OVERHEAD + key.bytes.length + (m.value() == null ? 0 : m.value().length);
    }

    private Stripe stripe(Key key) {
        // Pick the stripe from the high bits: the HashMap inside uses the low bits, and keys sharing
        // them would crowd a few buckets.
        return stripes[(key.hash * 0x9E3779B9) >>> 26];
    }

    boolean enabled() {
        return enabled;
    }

    Metadata get(byte[] key) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            return s.get(k);
        }
    }

    /** The generation to pass to {@link #installIfUnchanged} after reading RocksDB. */
    long generation(byte[] key) {
        return stripe(new Key(key)).generation;
    }

    void installIfUnchanged(byte[] key, Metadata m, long generation) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            if (s.generation == generation) {
                s.putWeighed(k, m);
            }
        }
    }

    /** Writer, before its commit, under the key lock. */
    void invalidate(byte[] key) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            s.generation++;
            s.removeWeighed(k);
        }
    }

    /** Writer, after its commit, under the key lock: the record now stored (null = none). */
    void settle(byte[] key, Metadata m) {
        Key k = new Key(key);
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
