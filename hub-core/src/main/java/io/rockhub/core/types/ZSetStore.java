package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InlineEntries;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.ScoreCodec;
import io.rockhub.core.encoding.ZSetScoreKey;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import io.rockhub.core.storage.Cursor;

/**
 * Sorted sets: a small one keeps its members and exact scores in its metadata record
 * ({@link InlineEntries}: one entry to write, its ranges sorted in memory); past that each member has
 * a subkey {@code [key][version][member]} holding its exact score, and an entry in the score index
 * {@code [key][version][score][member]}, so ranges by score cost O(log n + m) in the entries touched. Ranks are positions in the index: ranges by rank from either
 * end cost O(offset + m), and ZRANK walks the index up to the member (O(rank)).
 *
 * <p>Large removals (ZREMRANGEBYSCORE on a time-series buffer) go in chunks of {@value #CHUNK}
 * members, each chunk one batch that range-deletes its part of the index, so memory stays bounded
 * and later range reads do not wade through a tombstone per removed member.
 */
public final class ZSetStore {
    static final int CHUNK = 10_000;

    /** A member and its score. */
    public record ScoredMember(byte[] member, double score) {
    }

    /** A score bound of a range; {@code exclusive} for Redis's "(" prefix. */
    public record ScoreBound(double value, boolean exclusive) {
        boolean admitsFromBelow(double s) {
            return exclusive ? s > value : s >= value;
        }

        boolean admitsFromAbove(double s) {
            return exclusive ? s < value : s <= value;
        }
    }

    /** A lex bound: "-" / "+" (value null, {@code positive} says which) or "[x" / "(x". */
    public record LexBound(byte[] value, boolean exclusive, boolean positive) {
        boolean admitsFromBelow(byte[] m) {
            if (value == null) {
                return !positive;
            }
            int c = Arrays.compareUnsigned(m, value);
            return exclusive ? c > 0 : c >= 0;
        }

        boolean admitsFromAbove(byte[] m) {
            if (value == null) {
                return positive;
            }
            int c = Arrays.compareUnsigned(m, value);
            return exclusive ? c < 0 : c <= 0;
        }
    }

    /** ZADD's options. */
    public record AddOptions(boolean nx, boolean xx, boolean gt, boolean lt, boolean ch, boolean incr) {
        public static final AddOptions NONE = new AddOptions(false, false, false, false, false, false);
    }

    /** ZADD's outcome: the count it replies, or with INCR the new score (null when not applied). */
    public record AddOutcome(long count, Double newScore) {
    }

    private final Keyspace keys;
    /** Most members a set keeps in its record (0: none; tests compare the two forms this way). */
    private final int inlineMax;

    public ZSetStore(Keyspace keys) {
        this(keys, InlineEntries.MAX_ENTRIES);
    }

    ZSetStore(Keyspace keys, int inlineMax) {
        this.keys = keys;
        this.inlineMax = inlineMax;
    }

    // ---- writes --------------------------------------------------------------------------------

    /** ZADD / ZINCRBY; NAN_OR_INFINITY when an increment makes NaN (inf + -inf), nothing changed then. */
    public Result<AddOutcome> add(byte[] key, List<ScoredMember> pairs, AddOptions o) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collectionForWrite(key, DataType.ZSET);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = m.size() == 0 ? List.of() : keys.knownEntries(key, m);
            boolean inline = inline(m);
            Map<ByteBuffer, Double> written = new HashMap<>();
            List<byte[]> subValues = new ArrayList<>();
            long added = 0;
            long changed = 0;
            Double last = null;
            for (ScoredMember p : pairs) {
                ByteBuffer id = ByteBuffer.wrap(p.member());
                Double old = written.containsKey(id) ? written.get(id) : storedScore(key, m, known, p.member());
                if (old == null ? o.xx() : o.nx()) {
                    last = null;
                    continue;
                }
                double score = p.score();
                if (o.incr() && old != null) {
                    score = old + p.score();
                    if (Double.isNaN(score)) {
                        return Result.of(Status.NAN_OR_INFINITY);
                    }
                }
                if (score == 0) {
                    score = 0.0; // Redis keeps -0 as 0
                }
                if (old != null && ((o.gt() && score <= old) || (o.lt() && score >= old))) {
                    last = null;
                    continue;
                }
                // Redis stores -0 as 0 but answers an INCR that creates the member with the increment as given.
                last = o.incr() && old == null ? p.score() : score;
                if (old == null) {
                    added++;
                } else if (Double.compare(old, score) == 0 || old == score) {
                    continue;
                } else {
                    changed++;
                    if (!inline) {
                        b.delete(ColumnFamily.ZSET_SCORE, ZSetScoreKey.encode(key, m.version(), old, p.member()));
                    }
                }
                byte[] exact = ScoreCodec.exact(score);
                if (!inline) {
                    b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), p.member()), exact);
                    b.put(ColumnFamily.ZSET_SCORE, ZSetScoreKey.encode(key, m.version(), score, p.member()), new byte[0]);
                }
                written.put(id, score);
                subValues.add(p.member());
                subValues.add(exact);
            }
            if (inline && (added > 0 || changed > 0)) {
                commitInline(b, key, m, known, subValues, List.of(), o.incr() ? "zincr" : "zadd");
            } else if (added > 0 || changed > 0) {
                Metadata neu = m.withSize(m.size() + added);
                keys.store(b, key, neu);
                keys.declareChange(neu, known, subValues, List.of());
                b.event(KeyEvent.ZSET, o.incr() ? "zincr" : "zadd", key);
                keys.commit(b);
            }
            return Result.ok(new AddOutcome(o.ch() ? added + changed : added, o.incr() ? last : null));
        }
    }

    /** A member's score; {@code known} is the set's entries as {@link Keyspace#knownEntries} gave them. */
    private Double storedScore(byte[] key, Metadata m, List<Keyspace.Entry> known, byte[] member) {
        if (m.size() == 0) {
            return null;
        }
        byte[] v = keys.subkey(key, m, known, member);
        return v == null ? null : ScoreCodec.fromExact(v);
    }

    /** Whether the set's members are (or, new, will be) kept in its record ({@link InlineEntries}). */
    private boolean inline(Metadata m) {
        return m.inlineEntries() || m.size() == 0 && inlineMax > 0;
    }

    /**
     * Commits a change of an inline (or new) set: {@code puts} (member and exact score pairs) and
     * {@code removed} applied to {@code known}. It stays one record while it fits; past that its
     * members move to subkeys and the score index, at its version (it had none there), for good.
     */
    private void commitInline(Batch b, byte[] key, Metadata m, List<Keyspace.Entry> known, List<byte[]> puts,
                              List<byte[]> removed, String event) {
        keys.storeEntries(b, key, m, EntrySnapshots.with(known, puts, removed), inlineMax, e -> {
            b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.sub()), e.value());
            b.put(ColumnFamily.ZSET_SCORE, ZSetScoreKey.encode(key, m.version(), ScoreCodec.fromExact(e.value()), e.sub()),
                    new byte[0]);
        });
        b.event(KeyEvent.ZSET, event, key);
        keys.commit(b);
    }

    /**
     * The whole set in index order (score, then member bytes) if its entries are known without
     * reading RocksDB, else null: a small set's range read then needs no iterator, whose creation
     * and seek over every memtable and file cost more than sorting a few dozen members.
     */
    private List<ScoredMember> knownInIndexOrder(byte[] key, Metadata m) {
        List<Keyspace.Entry> known = keys.knownEntries(key, m);
        if (known == null) {
            return null;
        }
        List<ScoredMember> all = new ArrayList<>(known.size());
        for (Keyspace.Entry e : known) {
            all.add(new ScoredMember(e.sub(), ScoreCodec.fromExact(e.value())));
        }
        all.sort(ZSetStore::indexOrder);
        return all;
    }

    /** ZREM: members removed; the set disappears with its last member. */
    public Result<Long> remove(byte[] key, List<byte[]> members) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.ZSET);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = keys.knownEntries(key, m);
            Map<ByteBuffer, Boolean> seen = new HashMap<>();
            List<byte[]> gone = new ArrayList<>();
            long removed = 0;
            for (byte[] member : members) {
                if (seen.putIfAbsent(ByteBuffer.wrap(member), true) != null) {
                    continue;
                }
                Double s = storedScore(key, m, known, member);
                if (s != null) {
                    if (!m.inlineEntries()) {
                        deleteMember(b, key, m, new ScoredMember(member, s));
                    }
                    gone.add(member);
                    removed++;
                }
            }
            if (removed > 0 && m.inlineEntries()) {
                commitInline(b, key, m, known, List.of(), gone, "zrem");
            } else if (removed > 0) {
                Metadata neu = m.withSize(m.size() - removed);
                keys.store(b, key, neu);
                keys.declareChange(neu, known, List.of(), gone);
                b.event(KeyEvent.ZSET, "zrem", key);
                keys.commit(b);
            }
            return Result.ok(removed);
        }
    }

    private static void deleteMember(Batch b, byte[] key, Metadata m, ScoredMember e) {
        b.delete(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.member()));
        b.delete(ColumnFamily.ZSET_SCORE, ZSetScoreKey.encode(key, m.version(), e.score(), e.member()));
    }

    /** What a range removal selects, given the set's metadata; returns at most {@code limit} entries. */
    private interface Selector {
        List<ScoredMember> select(Metadata m, long limit);
    }

    /**
     * Removes what {@code selector} picks, chunk by chunk: each chunk is one batch (member subkeys
     * deleted one by one, their index span range-deleted at once) and leaves a consistent set.
     */
    private Result<Long> removeSelected(byte[] key, String event, Selector selector, boolean oneRound) {
        try (KeyLocks.Held held = keys.locks().lock(key)) {
            long removed = 0;
            while (true) {
                Result<Metadata> r = keys.collection(key, DataType.ZSET);
                if (!r.isOk()) {
                    return r.status() == Status.NOT_FOUND ? Result.ok(removed) : Result.of(r.status());
                }
                Metadata m = r.value();
                List<Keyspace.Entry> known = keys.knownEntries(key, m);
                boolean tx = keys.storage().inTransaction();
                List<ScoredMember> chunk = selector.select(m, oneRound || tx ? Long.MAX_VALUE : CHUNK);
                if (chunk.isEmpty()) {
                    return Result.ok(removed);
                }
                try (Batch b = keys.storage().newBatch()) {
                    if (m.inlineEntries()) {
                        // The whole set is in the record: the chunk is all of what was selected.
                        commitInline(b, key, m, known, List.of(), chunk.stream().map(ScoredMember::member).toList(), event);
                        return Result.ok(removed + chunk.size());
                    }
                    if (tx || chunk.size() < 16) {
                        for (ScoredMember e : chunk) {
                            deleteMember(b, key, m, e);
                        }
                    } else {
                        List<ScoredMember> byScore = new ArrayList<>(chunk);
                        byScore.sort(ZSetStore::indexOrder);
                        byte[] first = ZSetScoreKey.encode(key, m.version(), byScore.get(0).score(), byScore.get(0).member());
                        ScoredMember lastEntry = byScore.get(byScore.size() - 1);
                        byte[] last = ZSetScoreKey.encode(key, m.version(), lastEntry.score(), lastEntry.member());
                        if (isContiguous(key, m, byScore)) {
                            b.deleteRange(ColumnFamily.ZSET_SCORE, first, last);
                            b.delete(ColumnFamily.ZSET_SCORE, last);
                            for (ScoredMember e : chunk) {
                                b.delete(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.member()));
                            }
                        } else {
                            for (ScoredMember e : chunk) {
                                deleteMember(b, key, m, e);
                            }
                        }
                    }
                    Metadata neu = m.withSize(m.size() - chunk.size());
                    keys.store(b, key, neu);
                    keys.declareChange(neu, known, List.of(), chunk.stream().map(ScoredMember::member).toList());
                    if (removed == 0) {
                        b.event(KeyEvent.ZSET, event, key); // once, with the first chunk
                    }
                    keys.commit(b);
                }
                removed += chunk.size();
                if (oneRound || tx || chunk.size() < CHUNK) {
                    return Result.ok(removed);
                }
            }
        }
    }

    private static int indexOrder(ScoredMember a, ScoredMember b) {
        int c = Double.compare(a.score() == 0 ? 0.0 : a.score(), b.score() == 0 ? 0.0 : b.score());
        return c != 0 ? c : Arrays.compareUnsigned(a.member(), b.member());
    }

    /** Whether the chosen entries are every index entry between the first and the last. */
    private boolean isContiguous(byte[] key, Metadata m, List<ScoredMember> byScore) {
        byte[] prefix = InternalKey.prefix(key, m.version());
        ScoredMember first = byScore.get(0);
        int n = 0;
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.ZSET_SCORE, prefix)) {
            for (it.seek(ZSetScoreKey.encode(key, m.version(), first.score(), first.member()));
                 it.isValid() && Bytes.startsWith(it.key(), prefix) && n < byScore.size(); it.next(), n++) {
                ScoredMember at = byScore.get(n);
                if (!Arrays.equals(ZSetScoreKey.member(it.key(), prefix.length), at.member())) {
                    return false;
                }
            }
        }
        return n == byScore.size();
    }

    public Result<Long> removeRangeByScore(byte[] key, ScoreBound min, ScoreBound max) {
        return removeSelected(key, "zremrangebyscore", (m, limit) -> scoreRange(key, m, min, max, false, 0, limit), false);
    }

    public Result<Long> removeRangeByLex(byte[] key, LexBound min, LexBound max) {
        return removeSelected(key, "zremrangebylex", (m, limit) -> lexRange(key, m, min, max, false, 0, limit), false);
    }

    public Result<Long> removeRangeByRank(byte[] key, long start, long stop) {
        return removeSelected(key, "zremrangebyrank", (m, limit) -> rankRange(key, m, start, stop, false), true);
    }

    /** ZPOPMIN / ZPOPMAX: removes and returns up to {@code count} lowest (or highest) members. */
    public Result<List<ScoredMember>> pop(byte[] key, long count, boolean highest) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.ZSET);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(List.of()) : Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = keys.knownEntries(key, m);
            List<ScoredMember> popped = walkIndex(key, m, highest, count, e -> true);
            if (!popped.isEmpty() && m.inlineEntries()) {
                commitInline(b, key, m, known, List.of(), popped.stream().map(ScoredMember::member).toList(),
                        highest ? "zpopmax" : "zpopmin");
                return Result.ok(popped);
            }
            for (ScoredMember e : popped) {
                deleteMember(b, key, m, e);
            }
            if (!popped.isEmpty()) {
                Metadata neu = m.withSize(m.size() - popped.size());
                keys.store(b, key, neu);
                keys.declareChange(neu, known, List.of(), popped.stream().map(ScoredMember::member).toList());
                b.event(KeyEvent.ZSET, highest ? "zpopmax" : "zpopmin", key);
                keys.commit(b);
            }
            return Result.ok(popped);
        }
    }

    /**
     * ZRANGESTORE, Z*STORE, GEO... STORE: replaces {@code dst} with {@code range} (deleting it when
     * empty); its size. {@code event} is the command's keyspace event.
     */
    public Result<Long> store(byte[] dst, List<ScoredMember> range, String event) {
        try (KeyLocks.Held held = keys.locks().lock(dst); Batch b = keys.storage().newBatch()) {
            Metadata old = keys.physical(dst);
            if (range.isEmpty()) {
                if (old != null) {
                    keys.remove(b, dst, old);
                    if (keys.isLive(old)) {
                        b.event(KeyEvent.GENERIC, "del", dst);
                    }
                }
            } else {
                keys.put(b, dst, old, writeFresh(b, dst, 0, range));
                b.event(KeyEvent.ZSET, event, dst);
            }
            keys.commit(b);
            return Result.ok((long) range.size());
        }
    }

    // ---- reads -------------------------------------------------------------------------------

    public Result<Long> cardinality(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.ZSET);
        return switch (r.status()) {
            case OK -> Result.ok(r.value().size());
            case NOT_FOUND -> Result.ok(0L);
            default -> Result.of(r.status());
        };
    }

    /** ZSCORE / ZMSCORE: the score of each member, null where absent. */
    public Result<List<Double>> scores(byte[] key, List<byte[]> members) {
        Result<Metadata> r = keys.collection(key, DataType.ZSET);
        if (r.status() == Status.WRONG_TYPE) {
            return Result.wrongType();
        }
        List<Double> out = new ArrayList<>(members.size());
        List<Keyspace.Entry> known = r.isOk() ? keys.knownEntries(key, r.value()) : null;
        for (byte[] member : members) {
            out.add(r.isOk() ? storedScore(key, r.value(), known, member) : null);
        }
        return Result.ok(out);
    }

    /** ZRANGE by rank (negative indexes count from the end), lowest first or, reversed, highest first. */
    public Result<List<ScoredMember>> rangeByRank(byte[] key, long start, long stop, boolean reverse) {
        return read(key, m -> rankRange(key, m, start, stop, reverse));
    }

    public Result<List<ScoredMember>> rangeByScore(byte[] key, ScoreBound min, ScoreBound max, boolean reverse,
                                                   long offset, long limit) {
        return read(key, m -> scoreRange(key, m, min, max, reverse, offset, limit));
    }

    public Result<List<ScoredMember>> rangeByLex(byte[] key, LexBound min, LexBound max, boolean reverse,
                                                 long offset, long limit) {
        return read(key, m -> lexRange(key, m, min, max, reverse, offset, limit));
    }

    /** ZCOUNT: O(m) in the members counted. */
    public Result<Long> count(byte[] key, ScoreBound min, ScoreBound max) {
        Result<Metadata> r = keys.collection(key, DataType.ZSET);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(0L);
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        Metadata m = r.value();
        ZSetIndexCache.Index index = keys.zsetIndexes().get(key, m);
        return Result.ok(index != null ? index.count(min, max)
                : (long) scoreRange(key, m, min, max, false, 0, Long.MAX_VALUE).size());
    }

    public Result<Long> lexCount(byte[] key, LexBound min, LexBound max) {
        Result<List<ScoredMember>> r = rangeByLex(key, min, max, false, 0, Long.MAX_VALUE);
        return r.isOk() ? Result.ok((long) r.value().size()) : Result.of(r.status());
    }

    /** ZRANK / ZREVRANK: the member's 0-based position, or null if absent. Walks the index: O(rank). */
    public Result<Long> rank(byte[] key, byte[] member, boolean reverse) {
        Result<Metadata> r = keys.collection(key, DataType.ZSET);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(null);
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        Metadata m = r.value();
        Double score = storedScore(key, m, keys.knownEntries(key, m), member);
        if (score == null) {
            return Result.ok(null);
        }
        List<ScoredMember> known = knownInIndexOrder(key, m);
        if (known != null) {
            ScoredMember target = new ScoredMember(member, score);
            long before = 0;
            for (ScoredMember e : known) {
                if (indexOrder(e, target) < 0) {
                    before++;
                }
            }
            return Result.ok(reverse ? m.size() - 1 - before : before);
        }
        ZSetIndexCache.Index index = keys.zsetIndexes().get(key, m);
        long at = index == null ? -1 : index.position(member, score);
        if (at >= 0) {
            return Result.ok(reverse ? m.size() - 1 - at : at);
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        byte[] target = ZSetScoreKey.encode(key, m.version(), score, member);
        long before = 0;
        try (Cursor it = keys.storage().cursor(ColumnFamily.ZSET_SCORE)) {
            for (it.seek(prefix); it.isValid() && Arrays.compareUnsigned(it.key(), target) < 0; it.next()) {
                before++;
            }
        }
        keys.zsetIndexes().noteRead(key, m, before, this::readIndex);
        return Result.ok(reverse ? m.size() - 1 - before : before);
    }

    /** ZRANDMEMBER: like SRANDMEMBER; reads the whole set (O(n)). */
    public Result<List<ScoredMember>> random(byte[] key, long count) {
        Result<List<ScoredMember>> all = rangeByRank(key, 0, -1, false);
        if (!all.isOk() || all.value().isEmpty() || count == 0) {
            return all.isOk() ? Result.ok(List.of()) : all;
        }
        List<ScoredMember> members = all.value();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (count < 0) {
            List<ScoredMember> out = new ArrayList<>();
            for (long i = 0; i < -count; i++) {
                out.add(members.get(rnd.nextInt(members.size())));
            }
            return Result.ok(out);
        }
        List<ScoredMember> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, rnd);
        return Result.ok(shuffled.subList(0, (int) Math.min(count, shuffled.size())));
    }

    /** ZSCAN: up to {@code count} members after {@code after}, in member order. */
    public Result<List<ScoredMember>> scan(byte[] key, byte[] after, long count) {
        return read(key, m -> {
            List<ScoredMember> out = new ArrayList<>();
            for (Keyspace.Entry e : keys.subkeys(key, m, after, count)) {
                out.add(new ScoredMember(e.sub(), ScoreCodec.fromExact(e.value())));
            }
            return out;
        });
    }

    private interface Reader {
        List<ScoredMember> read(Metadata m);
    }

    private Result<List<ScoredMember>> read(byte[] key, Reader reader) {
        Result<Metadata> r = keys.collection(key, DataType.ZSET);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        return Result.ok(reader.read(r.value()));
    }

    private List<ScoredMember> rankRange(byte[] key, Metadata m, long start, long stop, boolean reverse) {
        long[] span = Ranks.clamp(m.size(), start, stop);
        if (span == null) {
            return List.of();
        }
        ZSetIndexCache.Index index = keys.zsetIndexes().get(key, m);
        if (index != null) {
            return index.rankRange(span[0], span[1] - span[0] + 1, reverse);
        }
        List<ScoredMember> out = walkIndex(key, m, reverse, span[1] - span[0] + 1, skipFirst(span[0]));
        keys.zsetIndexes().noteRead(key, m, span[0] + out.size(), this::readIndex);
        return out;
    }

    private static java.util.function.Predicate<ScoredMember> skipFirst(long n) {
        long[] skipped = {0};
        return e -> skipped[0]++ >= n;
    }

    private List<ScoredMember> scoreRange(byte[] key, Metadata m, ScoreBound min, ScoreBound max, boolean reverse,
                                          long offset, long limit) {
        if (min.value() > max.value() || (min.value() == max.value() && (min.exclusive() || max.exclusive()))) {
            return List.of();
        }
        List<ScoredMember> known = knownInIndexOrder(key, m);
        if (known != null) {
            return scoreRange(known, min, max, reverse, offset, limit);
        }
        ZSetIndexCache.Index index = keys.zsetIndexes().get(key, m);
        if (index != null) {
            return index.scoreRange(min, max, reverse, offset, limit);
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        List<ScoredMember> out = new ArrayList<>();
        long skipped = 0;
        long stepped = 0;
        try (Cursor it = keys.storage().cursor(ColumnFamily.ZSET_SCORE)) {
            if (!reverse) {
                it.seek(ZSetScoreKey.atScore(key, m.version(), min.value()));
            } else {
                seekLastAtOrBelow(it, key, m, prefix, max.value());
            }
            for (; it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < limit; step(it, reverse)) {
                stepped++;
                double s = ZSetScoreKey.score(it.key(), prefix.length);
                if (!reverse) {
                    if (!min.admitsFromBelow(s)) {
                        continue;
                    }
                    if (!max.admitsFromAbove(s)) {
                        break;
                    }
                } else {
                    if (!max.admitsFromAbove(s)) {
                        continue;
                    }
                    if (!min.admitsFromBelow(s)) {
                        break;
                    }
                }
                if (skipped++ < offset) {
                    continue;
                }
                out.add(new ScoredMember(ZSetScoreKey.member(it.key(), prefix.length), s));
            }
        }
        keys.zsetIndexes().noteRead(key, m, stepped, this::readIndex);
        return out;
    }

    /** The set's whole score index read from RocksDB, for {@link ZSetIndexCache}; null past {@code maxWeight}. */
    private ZSetIndexCache.Index readIndex(byte[] key, Metadata m, long maxWeight) {
        byte[] prefix = InternalKey.prefix(key, m.version());
        int n = (int) Math.min(m.size(), Integer.MAX_VALUE - 8);
        double[] scores = new double[n];
        byte[][] members = new byte[n][];
        int i = 0;
        long weight = 0;
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.ZSET_SCORE, prefix)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                if (i == n || Thread.currentThread().isInterrupted()) {
                    return null; // more than the record counts: not the record's index
                }
                byte[] k = it.key();
                scores[i] = ZSetScoreKey.score(k, prefix.length);
                members[i] = ZSetScoreKey.member(k, prefix.length);
                weight += ZSetIndexCache.weightOf(members[i]);
                if (weight > maxWeight) {
                    return null;
                }
                i++;
            }
        }
        return i == n ? new ZSetIndexCache.Index(m, scores, members) : null;
    }

    /** As the index walk above, over a whole set already in index order. */
    private static List<ScoredMember> scoreRange(List<ScoredMember> all, ScoreBound min, ScoreBound max, boolean reverse,
                                                 long offset, long limit) {
        List<ScoredMember> out = new ArrayList<>();
        long skipped = 0;
        for (int n = 0; n < all.size() && out.size() < limit; n++) {
            ScoredMember e = all.get(reverse ? all.size() - 1 - n : n);
            double s = e.score();
            if (!(reverse ? max.admitsFromAbove(s) : min.admitsFromBelow(s))) {
                continue;
            }
            if (!(reverse ? min.admitsFromBelow(s) : max.admitsFromAbove(s))) {
                break;
            }
            if (skipped++ < offset) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    /** Positions {@code it} on the last index entry of this set with score <= {@code max}, if any. */
    private static void seekLastAtOrBelow(Cursor it, byte[] key, Metadata m, byte[] prefix, double max) {
        if (max == Double.POSITIVE_INFINITY || Math.nextUp(max) == Double.POSITIVE_INFINITY) {
            byte[] end = Bytes.prefixEnd(prefix);
            if (end == null) {
                it.seekToLast();
            } else {
                it.seekForPrev(end);
                if (it.isValid() && Arrays.equals(it.key(), end)) {
                    it.prev();
                }
            }
            return;
        }
        byte[] bound = ZSetScoreKey.atScore(key, m.version(), Math.nextUp(max));
        it.seekForPrev(bound);
        if (it.isValid() && Arrays.equals(it.key(), bound)) {
            it.prev(); // a member "" at exactly nextUp(max) is above the range
        }
    }

    private static void step(Cursor it, boolean reverse) {
        if (reverse) {
            it.prev();
        } else {
            it.next();
        }
    }

    /** Up to {@code limit} index entries from one end, keeping those {@code keep} accepts. */
    private List<ScoredMember> walkIndex(byte[] key, Metadata m, boolean fromTop, long limit,
                                         java.util.function.Predicate<ScoredMember> keep) {
        List<ScoredMember> known = knownInIndexOrder(key, m);
        if (known != null) {
            List<ScoredMember> out = new ArrayList<>();
            for (int n = 0; n < known.size() && out.size() < limit; n++) {
                ScoredMember e = known.get(fromTop ? known.size() - 1 - n : n);
                if (keep.test(e)) {
                    out.add(e);
                }
            }
            return out;
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        List<ScoredMember> out = new ArrayList<>();
        try (Cursor it = keys.storage().cursor(ColumnFamily.ZSET_SCORE)) {
            if (fromTop) {
                seekLastAtOrBelow(it, key, m, prefix, Double.POSITIVE_INFINITY);
            } else {
                it.seek(prefix);
            }
            for (; it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < limit; step(it, fromTop)) {
                double s = ZSetScoreKey.score(it.key(), prefix.length);
                ScoredMember e = new ScoredMember(ZSetScoreKey.member(it.key(), prefix.length), s);
                if (keep.test(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private List<ScoredMember> lexRange(byte[] key, Metadata m, LexBound min, LexBound max, boolean reverse,
                                        long offset, long limit) {
        List<Keyspace.Entry> known = keys.knownEntries(key, m);
        if (known != null) {
            return lexRange(known, min, max, reverse, offset, limit);
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        List<ScoredMember> out = new ArrayList<>();
        long skipped = 0;
        try (Cursor it = keys.storage().cursor(ColumnFamily.SUBKEY)) {
            if (!reverse) {
                it.seek(min.value() == null ? prefix : InternalKey.encode(key, m.version(), min.value()));
            } else if (max.value() == null) {
                byte[] end = Bytes.prefixEnd(prefix);
                it.seekForPrev(end);
                if (it.isValid() && Arrays.equals(it.key(), end)) {
                    it.prev();
                }
            } else {
                it.seekForPrev(InternalKey.encode(key, m.version(), max.value()));
            }
            for (; it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < limit; step(it, reverse)) {
                byte[] member = InternalKey.subkey(it.key());
                int place = lexPlace(member, min, max, reverse);
                if (place < 0 || place == 0 && skipped++ < offset) {
                    continue;
                }
                if (place > 0) {
                    break;
                }
                out.add(new ScoredMember(member, ScoreCodec.fromExact(it.value())));
            }
        }
        return out;
    }

    /** Where {@code member} stands in a walk over a lex range in that direction: -1 before it, 0 in it, 1 past it. */
    private static int lexPlace(byte[] member, LexBound min, LexBound max, boolean reverse) {
        if (reverse ? !max.admitsFromAbove(member) : !min.admitsFromBelow(member)) {
            return -1;
        }
        return (reverse ? min.admitsFromBelow(member) : max.admitsFromAbove(member)) ? 0 : 1;
    }

    /** As the index walk above, over a whole set's entries in member order. */
    private static List<ScoredMember> lexRange(List<Keyspace.Entry> byMember, LexBound min, LexBound max, boolean reverse,
                                               long offset, long limit) {
        List<ScoredMember> out = new ArrayList<>();
        long skipped = 0;
        for (int i = 0; i < byMember.size() && out.size() < limit; i++) {
            Keyspace.Entry e = byMember.get(reverse ? byMember.size() - 1 - i : i);
            byte[] member = e.sub();
            int place = lexPlace(member, min, max, reverse);
            if (place < 0 || place == 0 && skipped++ < offset) {
                continue;
            }
            if (place > 0) {
                break;
            }
            out.add(new ScoredMember(member, ScoreCodec.fromExact(e.value())));
        }
        return out;
    }

    /**
     * RESTORE and the Z*STORE family: writes members and scores (a repeated member keeps its last
     * score) as a new sorted-set version, kept in its record when it fits there as any write would keep it.
     */
    public Metadata writeFresh(Batch b, byte[] key, long expireAt, List<ScoredMember> members) {
        java.util.Map<java.nio.ByteBuffer, ScoredMember> last = new java.util.LinkedHashMap<>();
        for (ScoredMember e : members) {
            last.put(java.nio.ByteBuffer.wrap(e.member()), e);
        }
        Metadata m = Metadata.collection(DataType.ZSET, expireAt, keys.versions().next(), last.size());
        List<byte[]> pairs = new ArrayList<>(last.size() * 2);
        for (ScoredMember e : last.values()) {
            pairs.add(e.member());
            pairs.add(ScoreCodec.exact(e.score() == 0 ? 0.0 : e.score()));
        }
        // Kept in its record when it fits there, as any write would keep it.
        byte[] record = Keyspace.inlineRecord(EntrySnapshots.with(List.of(), pairs, List.of()), inlineMax);
        if (record != null) {
            return m.withValue(record);
        }
        for (ScoredMember e : last.values()) {
            double score = e.score() == 0 ? 0.0 : e.score();
            b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.member()), ScoreCodec.exact(score));
            b.put(ColumnFamily.ZSET_SCORE, ZSetScoreKey.encode(key, m.version(), score, e.member()), new byte[0]);
        }
        return m;
    }
}
