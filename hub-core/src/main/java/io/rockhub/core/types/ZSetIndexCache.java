package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.types.MetadataCache.Key;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The score index of large sorted sets that are read far more than they are written (a leaderboard,
 * a dashboard's time window), kept in the heap as two sorted arrays: a range by score or by rank is
 * then two binary searches and a copy, where RocksDB steps its iterator once per entry (about 0.5–0.8
 * µs each here, against Redis's 0.09). RocksDB stays the truth and any index may be dropped.
 *
 * <p>Coherence without hooks in the writes: an index belongs to one metadata record object, and
 * every change of a sorted set stores a new record object (see {@link Keyspace#knownEntries}), so a
 * reader uses an index only if the record it just read is that very object. An index is built only
 * from a record the metadata cache holds with no write of its stripe in flight, and installed only if
 * the cache still holds that object afterwards: a write invalidates the record before its commit, so
 * no commit to the set can fall between the two checks.
 *
 * <p>When to build (ski rental): each read served by RocksDB adds what it stepped over to the set's
 * debt; once the debt reaches the set's size, about what a build reads, the index is built on a
 * thread of its own, so the event loop never pays for it and a set written between reads pays at
 * most about twice what reading it from RocksDB alone would have.
 */
final class ZSetIndexCache implements AutoCloseable {
    /** What a read costs beyond the entries it steps over (an iterator and its seek), in entries. */
    static final long SEEK_COST = 16;
    /** Sets whose reads are tracked (most have no index); the least recently read go first. */
    private static final int MAX_TRACKED = 4096;
    /** Heap per member beyond its bytes: its score, the array's reference and header. */
    private static final int MEMBER_OVERHEAD = 40;

    /** What one member takes in an index. */
    static long weightOf(byte[] member) {
        return MEMBER_OVERHEAD + member.length;
    }

    /** One set's index in index order (score, then member bytes), for the record {@code owner}. */
    static final class Index {
        final Metadata owner;
        final double[] scores;
        final byte[][] members;
        final long weight;

        Index(Metadata owner, double[] scores, byte[][] members) {
            this.owner = owner;
            this.scores = scores;
            this.members = members;
            long w = 64;
            for (byte[] m : members) {
                w += weightOf(m);
            }
            this.weight = w;
        }

        int size() {
            return scores.length;
        }

        ZSetStore.ScoredMember at(int i) {
            return new ZSetStore.ScoredMember(members[i], scores[i]);
        }

        /** The first position whose score passes {@code test} (size() if none); {@code test} fails, then holds, along the index. */
        private int first(java.util.function.DoublePredicate test) {
            int lo = 0;
            int hi = scores.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (test.test(scores[mid])) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        /** The first position whose score {@code min} admits: scores only grow along the index. */
        private int firstAdmitted(ZSetStore.ScoreBound min) {
            return first(min::admitsFromBelow);
        }

        /** The first position past those whose score {@code max} admits. */
        private int pastAdmitted(ZSetStore.ScoreBound max) {
            return first(s -> !max.admitsFromAbove(s));
        }

        /**
         * Up to {@code limit} entries of positions [{@code from}, {@code past}) after skipping {@code skip},
         * from the top end with {@code fromTop}.
         */
        private List<ZSetStore.ScoredMember> slice(int from, int past, long skip, long limit, boolean fromTop) {
            long span = Math.max(0, past - from);
            long n = Math.max(0, Math.min(limit, span - Math.min(skip, span)));
            List<ZSetStore.ScoredMember> out = new ArrayList<>((int) Math.min(n, 1024));
            for (long i = 0; i < n; i++) {
                out.add(at((int) (fromTop ? past - 1 - skip - i : from + skip + i)));
            }
            return out;
        }

        /** As {@link ZSetStore#rangeByScore}: the admitted entries after skipping {@code offset}, at most {@code limit}. */
        List<ZSetStore.ScoredMember> scoreRange(ZSetStore.ScoreBound min, ZSetStore.ScoreBound max, boolean reverse,
                                                long offset, long limit) {
            return slice(firstAdmitted(min), pastAdmitted(max), offset, limit, reverse);
        }

        /** How many scores lie between the bounds. */
        long count(ZSetStore.ScoreBound min, ZSetStore.ScoreBound max) {
            return Math.max(0, pastAdmitted(max) - firstAdmitted(min));
        }

        /** Up to {@code limit} entries from one end after skipping {@code skip}. */
        List<ZSetStore.ScoredMember> rankRange(long skip, long limit, boolean fromTop) {
            return slice(0, scores.length, skip, limit, fromTop);
        }

        /** The position of {@code member}, whose score is {@code score}, or -1 if it is not here. */
        long position(byte[] member, double score) {
            for (int i = firstAdmitted(new ZSetStore.ScoreBound(score, false)); i < scores.length && scores[i] == score; i++) {
                if (Arrays.equals(members[i], member)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Reads a set's index from RocksDB for its record; null if it holds more than it may. */
    interface Builder {
        Index build(byte[] key, Metadata m, long maxWeight);
    }

    /** Whether {@code m} is the cached record of {@code key}; {@code settled}: with no write of its stripe in flight. */
    interface Current {
        boolean is(byte[] key, Metadata m, boolean settled);
    }

    private static final class Tracked {
        Metadata owner;
        long debt;
        Index index;
        /** The record a build under way reads (perhaps an older one than the owner now), or null. */
        Metadata building;
    }

    private final long budget;
    private final Current current;
    private final LinkedHashMap<Key, Tracked> tracked = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private final ThreadPoolExecutor builds;
    private final LongAdder hits = new LongAdder();
    private final LongAdder built = new LongAdder();

    /** @param budgetBytes heap for indexes (0: none are built) */
    ZSetIndexCache(long budgetBytes, Current current) {
        this.budget = budgetBytes;
        this.current = current;
        // One builder; a handful queued at most (more sets to build than that wait for their next reads).
        this.builds = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(8), r -> {
            Thread t = new Thread(r, "rockhub-zset-index");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** The index of {@code key} for the record {@code m} just read, or null. */
    Index get(byte[] key, Metadata m) {
        if (budget == 0) {
            return null;
        }
        Key k = new Key(key);
        synchronized (this) {
            Tracked t = tracked.get(k);
            if (t == null || t.index == null || t.index.owner != m) {
                return null;
            }
            hits.increment();
            return t.index;
        }
    }

    /** A read of {@code key} (record {@code m}) stepped over {@code entries} in RocksDB: may start a build. */
    void noteRead(byte[] key, Metadata m, long entries, Builder builder) {
        if (budget == 0 || m.size() <= EntrySnapshots.MAX_ENTRIES || m.size() * MEMBER_OVERHEAD > budget / 4) {
            return;
        }
        Key k = new Key(key);
        synchronized (this) {
            Tracked t = tracked.get(k);
            if (t == null) {
                t = new Tracked();
                tracked.put(k, t);
                trimTracked();
            }
            if (t.owner != m) {
                drop(t);
                t.owner = m;
                t.debt = 0;
            }
            t.debt += entries + SEEK_COST;
            if (t.debt < m.size() || t.building != null || t.index != null) {
                return;
            }
            t.building = m;
        }
        try {
            builds.execute(() -> build(k, m, builder));
        } catch (java.util.concurrent.RejectedExecutionException fullOrClosed) {
            done(k, m, null);
        }
    }

    private void build(Key k, Metadata m, Builder builder) {
        Index index = null;
        try {
            if (current.is(k.bytes, m, true)) {
                index = builder.build(k.bytes, m, budget / 4);
            }
        } finally {
            done(k, m, index != null && index.size() == m.size() && current.is(k.bytes, m, false) ? index : null);
        }
    }

    private synchronized void done(Key k, Metadata m, Index index) {
        Tracked t = tracked.get(k);
        if (t == null) {
            return;
        }
        if (t.building == m) {
            t.building = null; // whatever the owner is now: a build of its own may start
        }
        if (t.owner != m) {
            return; // written and read again since: the new record's own debt decides
        }
        if (index == null) {
            t.debt = 0; // changed while it was read, or too big: pay again before the next try
            return;
        }
        for (Iterator<Map.Entry<Key, Tracked>> it = tracked.entrySet().iterator(); bytes + index.weight > budget && it.hasNext(); ) {
            Tracked other = it.next().getValue();
            if (other != t) {
                drop(other);
            }
        }
        if (bytes + index.weight <= budget) {
            t.index = index;
            bytes += index.weight;
            built.increment();
        }
    }

    private void drop(Tracked t) {
        if (t.index != null) {
            bytes -= t.index.weight;
            t.index = null;
        }
    }

    private void trimTracked() {
        for (Iterator<Map.Entry<Key, Tracked>> it = tracked.entrySet().iterator(); tracked.size() > MAX_TRACKED && it.hasNext(); ) {
            Tracked t = it.next().getValue();
            if (t.building == null) {
                drop(t);
                it.remove();
            }
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    long hits() {
        return hits.sum();
    }

    long built() {
        return built.sum();
    }

    /** Stops the builder and waits for a build under way (it reads RocksDB, which closes next). */
    @Override
    public void close() {
        builds.shutdownNow();
        try {
            builds.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
