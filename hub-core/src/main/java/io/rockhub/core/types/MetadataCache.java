package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recently used metadata records (strings whole) kept decoded in the heap, so hot keys are read and
 * overwritten without a RocksDB lookup; RocksDB stays the truth and any entry may be dropped. A
 * small collection's record may also carry all its entries (a snapshot), so HGETALL of a hot
 * feature or configuration hash never reaches RocksDB. Every change of a collection writes its
 * metadata too, which replaces the cached record and so drops the snapshot.
 *
 * <p>Coherence without holding key locks on reads: each stripe has a generation that every write
 * bumps and a count of writes in flight. A writer invalidates before its commit and installs the new
 * record (or removes it) after, both under the key lock. A reader that missed may install what it
 * read from RocksDB only if no write of the stripe was in flight and none started or ended since it
 * looked: otherwise a read from before a commit could be installed after another reader already saw
 * the committed value in RocksDB, and values would appear to go backwards.
 * Thread-safe; within a byte budget per stripe, entries leave in CLOCK order (second chance): a read
 * only sets a flag in its entry, where an access-ordered map relinked the entry on every read, which
 * wrote references into long-lived objects and kept G1's refinement thread busier than the event loop.
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

    /** A cached record and, for a small collection, all its entries (null if not loaded). */
    private static final class Cached {
        final Metadata metadata;
        final List<Keyspace.Entry> entries;
        /** Read since the eviction scan last passed it: it gets a second chance. */
        boolean referenced;

        Cached(Metadata metadata, List<Keyspace.Entry> entries) {
            this.metadata = metadata;
            this.entries = entries;
        }

        Metadata metadata() {
            return metadata;
        }

        List<Keyspace.Entry> entries() {
            return entries;
        }
    }

    /** Entries an eviction may pass over (giving them their second chance) before it takes one anyway. */
    private static final int SECOND_CHANCES_PER_EVICTION = 64;

    private static final class Stripe extends LinkedHashMap<Key, Cached> {
        private final long budget;
        private long bytes;
        private volatile long generation;
        private int inFlight;

        Stripe(long budget) {
            super(256, 0.75f, false);
            this.budget = budget;
        }

        void putWeighed(Key key, Cached c) {
            Cached old = super.put(key, c);
            if (old != null) {
                bytes -= weight(key, old);
            }
            bytes += weight(key, c);
            evict();
        }

        /** From the oldest insertion on: a read entry goes to the back once, an unread one goes. */
        private void evict() {
            if (bytes <= budget) {
                return;
            }
            java.util.Iterator<Map.Entry<Key, Cached>> it = entrySet().iterator();
            List<Map.Entry<Key, Cached>> spared = null;
            int passed = 0;
            while (bytes > budget && it.hasNext()) {
                Map.Entry<Key, Cached> e = it.next();
                it.remove();
                if (e.getValue().referenced && passed++ < SECOND_CHANCES_PER_EVICTION) {
                    e.getValue().referenced = false;
                    if (spared == null) {
                        spared = new java.util.ArrayList<>();
                    }
                    spared.add(e);
                } else {
                    bytes -= weight(e.getKey(), e.getValue());
                }
            }
            if (spared != null) {
                for (Map.Entry<Key, Cached> e : spared) {
                    super.put(e.getKey(), e.getValue());
                }
            }
        }

        void putWeighed(Key key, Metadata m) {
            putWeighed(key, new Cached(m, null));
        }

        void removeWeighed(Key key) {
            Cached old = super.remove(key);
            if (old != null) {
                bytes -= weight(key, old);
            }
        }
    }

    /** A key with its hash computed once: lookups hash each key twice (stripe and map). */
    /** A key's bytes as a map key (its hash computed once). */
    static final class Key {
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

    private static long weight(Key key, Cached c) {
        long w = ENTRY_OVERHEAD + key.bytes.length + (c.metadata().value() == null ? 0 : c.metadata().value().length);
        if (c.entries() != null) {
            for (Keyspace.Entry e : c.entries()) {
                w += 48 + e.sub().length + e.value().length;
            }
        }
        return w;
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
            Cached c = s.get(k);
            if (c == null) {
                return null;
            }
            if (!c.referenced) {
                c.referenced = true; // a plain field: no reference stored, no card for G1 to refine
            }
            return c.metadata();
        }
    }

    /** The entries cached with exactly this record {@code m}, or null. */
    List<Keyspace.Entry> entries(byte[] key, Metadata m) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            Cached c = s.get(k);
            return c != null && c.metadata() == m ? c.entries() : null;
        }
    }

    /**
     * Whether {@code m} (by identity) is the cached record of {@code key}; with {@code settled}, also
     * no write of its stripe is in flight (so it is what RocksDB holds). Every write removes the record
     * before its commit, so while it stays cached, nothing of the key was committed.
     */
    boolean holds(byte[] key, Metadata m, boolean settled) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            Cached c = s.get(k);
            return c != null && c.metadata() == m && (!settled || s.inFlight == 0);
        }
    }

    /**
     * Attaches a collection's entries, read from RocksDB after {@link #generation}, to its cached
     * record {@code m}, unless anything of the stripe changed since.
     */
    void attachEntries(byte[] key, Metadata m, List<Keyspace.Entry> entries, long generation) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            Cached c = s.get(k);
            if (generation >= 0 && s.inFlight == 0 && s.generation == generation && c != null && c.metadata() == m) {
                s.putWeighed(k, new Cached(m, entries));
            }
        }
    }

    /**
     * The generation to pass to {@link #installIfUnchanged} after reading RocksDB, or -1 when a
     * write is in flight (nothing read now may be installed).
     */
    long generation(byte[] key) {
        Stripe s = stripe(new Key(key));
        synchronized (s) {
            return s.inFlight == 0 ? s.generation : -1;
        }
    }

    void installIfUnchanged(byte[] key, Metadata m, long generation) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            if (generation >= 0 && s.inFlight == 0 && s.generation == generation) {
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
            s.inFlight++;
            s.removeWeighed(k);
        }
    }

    /**
     * Writer, after its commit (or its failure), under the key lock: the record now stored, or null
     * for none or unknown. Every {@link #invalidate} is followed by exactly one settle.
     */
    void settle(byte[] key, Metadata m) {
        settle(key, m, null);
    }

    /** As {@link #settle(byte[], Metadata)}, keeping {@code entries} (null if unknown) as all of m's. */
    void settle(byte[] key, Metadata m, List<Keyspace.Entry> entries) {
        Key k = new Key(key);
        Stripe s = stripe(k);
        synchronized (s) {
            s.generation++;
            s.inFlight--;
            if (m == null) {
                s.removeWeighed(k);
            } else {
                s.putWeighed(k, new Cached(m, entries));
            }
        }
    }

    /** Before a commit that may touch any key (FLUSHALL): empties the cache and refuses installs. */
    void beginClear() {
        for (Stripe s : stripes) {
            synchronized (s) {
                s.generation++;
                s.inFlight++;
                s.clear();
                s.bytes = 0;
            }
        }
    }

    /** After that commit: empties whatever was installed meanwhile and accepts installs again. */
    void endClear() {
        for (Stripe s : stripes) {
            synchronized (s) {
                s.generation++;
                s.inFlight--;
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
