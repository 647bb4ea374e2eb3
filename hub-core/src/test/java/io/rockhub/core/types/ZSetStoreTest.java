package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.ZSetStore.AddOptions;
import io.rockhub.core.types.ZSetStore.LexBound;
import io.rockhub.core.types.ZSetStore.ScoreBound;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZSetStoreTest {
    private static final ScoreBound NEG_INF = new ScoreBound(Double.NEGATIVE_INFINITY, false);
    private static final ScoreBound POS_INF = new ScoreBound(Double.POSITIVE_INFINITY, false);

    private TempStorage tmp;
    private Keyspace keys;
    private ZSetStore zsets;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 1 << 20);
        zsets = new ZSetStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> members(List<ScoredMember> l) {
        return l.stream().map(e -> new String(e.member(), StandardCharsets.UTF_8)).toList();
    }

    private void addSamples(String key, long from, long to) {
        List<ScoredMember> batch = new ArrayList<>();
        for (long ts = from; ts < to; ts++) {
            batch.add(new ScoredMember(b(ts + ":" + (ts % 97)), ts));
            if (batch.size() == 5000) {
                zsets.add(b(key), batch, AddOptions.NONE);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            zsets.add(b(key), batch, AddOptions.NONE);
        }
    }

    @Test
    void timeSeriesBufferKeepsAWindowAndReadsRangesByScore() {
        String key = "metrics:card-7:latency";
        addSamples(key, 1000, 2000);
        List<ScoredMember> window = zsets.rangeByScore(b(key), new ScoreBound(1500, false), new ScoreBound(1599, false),
                false, 0, Long.MAX_VALUE).value();
        assertThat(window).hasSize(100);
        assertThat(window.get(0).score()).isEqualTo(1500);
        assertThat(members(window).get(0)).isEqualTo("1500:" + (1500 % 97));
        assertThat(zsets.removeRangeByScore(b(key), NEG_INF, new ScoreBound(1900, true)).value()).isEqualTo(900);
        assertThat(zsets.cardinality(b(key)).value()).isEqualTo(100);
        assertThat(zsets.rangeByRank(b(key), 0, 0, false).value().get(0).score()).isEqualTo(1900);
        assertThat(zsets.rank(b(key), b("1999:" + (1999 % 97)), false).value()).isEqualTo(99);
        assertThat(zsets.count(b(key), new ScoreBound(1950, false), POS_INF).value()).isEqualTo(50);
    }

    @Test
    void trimmingAMillionMemberBufferInChunksKeepsLaterRangeReadsCheap() {
        String key = "metrics:big";
        int n = 200_000;
        addSamples(key, 0, n);
        tmp.storage.flushMemtables();
        assertThat(zsets.removeRangeByScore(b(key), NEG_INF, new ScoreBound(n - 100, true)).value())
                .isEqualTo(n - 100);
        assertThat(zsets.cardinality(b(key)).value()).isEqualTo(100);
        List<List<ScoredMember>> read = new ArrayList<>();
        long skipped = tmp.storage.skippedEntriesDuring(() -> read.add(
                zsets.rangeByScore(b(key), NEG_INF, POS_INF, false, 0, Long.MAX_VALUE).value()));
        assertThat(read.get(0)).hasSize(100);
        // One range tombstone per chunk instead of one point tombstone per removed member.
        assertThat(skipped).as("entries stepped over by the read").isLessThan(1000);
        assertThat(tmp.count(ColumnFamily.ZSET_SCORE)).isEqualTo(100);

        // The contrast that makes the figure mean something: the same trim by point deletions.
        String contrast = "metrics:contrast";
        addSamples(contrast, 0, 20_000);
        tmp.storage.flushMemtables();
        List<byte[]> old = new ArrayList<>();
        for (ScoredMember e : zsets.rangeByScore(b(contrast), NEG_INF, new ScoreBound(19_900, true), false, 0,
                Long.MAX_VALUE).value()) {
            old.add(e.member());
        }
        zsets.remove(b(contrast), old);
        long pointSkipped = tmp.storage.skippedEntriesDuring(() ->
                zsets.rangeByScore(b(contrast), NEG_INF, POS_INF, false, 0, Long.MAX_VALUE));
        assertThat(pointSkipped).as("point tombstones stepped over").isGreaterThan(10_000);
    }

    @Test
    void addFlagsFollowRedis() {
        byte[] k = b("z");
        assertThat(zsets.add(k, List.of(new ScoredMember(b("a"), 1), new ScoredMember(b("a"), 2)), AddOptions.NONE)
                .value().count()).isEqualTo(1);
        assertThat(zsets.scores(k, List.of(b("a"))).value()).containsExactly(2.0);
        AddOptions gtCh = new AddOptions(false, false, true, false, true, false);
        assertThat(zsets.add(k, List.of(new ScoredMember(b("a"), 1)), gtCh).value().count()).isZero();
        assertThat(zsets.add(k, List.of(new ScoredMember(b("a"), 5)), gtCh).value().count()).isEqualTo(1);
        AddOptions incr = new AddOptions(false, false, false, false, false, true);
        assertThat(zsets.add(k, List.of(new ScoredMember(b("a"), Double.NEGATIVE_INFINITY)), incr).value().newScore())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(zsets.add(k, List.of(new ScoredMember(b("a"), Double.POSITIVE_INFINITY)), incr).status())
                .isEqualTo(Status.NAN_OR_INFINITY);
    }

    @Test
    void lexRangesAndReverseRanges() {
        byte[] k = b("lex");
        List<ScoredMember> pairs = new ArrayList<>();
        for (String m : List.of("a", "b", "c", "d", "e")) {
            pairs.add(new ScoredMember(b(m), 0));
        }
        zsets.add(k, pairs, AddOptions.NONE);
        LexBound minus = new LexBound(null, false, false);
        LexBound plus = new LexBound(null, false, true);
        assertThat(members(zsets.rangeByLex(k, new LexBound(b("b"), false, false), new LexBound(b("d"), true, false),
                false, 0, 10).value())).containsExactly("b", "c");
        assertThat(members(zsets.rangeByLex(k, minus, plus, true, 1, 2).value())).containsExactly("d", "c");
        assertThat(members(zsets.rangeByScore(k, NEG_INF, POS_INF, true, 0, 2).value())).containsExactly("e", "d");
        assertThat(members(zsets.rangeByRank(k, -2, -1, true).value())).containsExactly("b", "a");
        assertThat(zsets.removeRangeByLex(k, minus, new LexBound(b("b"), false, false)).value()).isEqualTo(2);
        assertThat(members(zsets.pop(k, 2, true).value())).containsExactly("e", "d");
        assertThat(zsets.cardinality(k).value()).isEqualTo(1);
    }

    /**
     * Small sets answered from the entries the cache knows (declared by ZADD, ZREM, pops and range
     * removals, inside transactions too) answer exactly as the same store without a cache, which
     * walks RocksDB's score index for every read.
     */
    @Test
    void aStoreAnsweringSmallSetsFromKnownEntriesAnswersAsOneReadingRocksDb() throws Exception {
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        try (TempStorage plainTmp = new TempStorage()) {
            Keyspace plainKeys = new Keyspace(plainTmp.storage, new ManualClock(1_700_000_000_000L));
            // Members in subkeys and the score index, read through RocksDB: no record-kept sets, no cache.
            ZSetStore plain = new ZSetStore(plainKeys, 0);
            double[] scores = {-1, 0, 1.5, 2, 3, 10, Double.POSITIVE_INFINITY};
            for (int step = 0; step < 2000; step++) {
                int group = 1 + rnd.nextInt(3);
                long opSeed = rnd.nextLong();
                List<String> cachedOut = new ArrayList<>();
                List<String> plainOut = new ArrayList<>();
                for (int side = 0; side < 2; side++) {
                    Keyspace k = side == 0 ? keys : plainKeys;
                    ZSetStore z = side == 0 ? zsets : plain;
                    List<String> out = side == 0 ? cachedOut : plainOut;
                    java.util.Random r = new java.util.Random(opSeed);
                    Runnable ops = () -> {
                        for (int g = 0; g < group; g++) {
                            out.add(randomOp(r, z, scores));
                        }
                    };
                    if (group > 1) {
                        k.runTransaction(ops);
                    } else {
                        ops.run();
                    }
                }
                assertThat(cachedOut).as("seed %d step %d", seed, step).isEqualTo(plainOut);
            }
        }
    }

    private static String randomOp(java.util.Random r, ZSetStore z, double[] scores) {
        byte[] key = b("z" + r.nextInt(2));
        // Now and then past what a set keeps in its record: it moves to subkeys and the index.
        int spread = r.nextInt(25) == 0 ? io.rockhub.core.encoding.InlineEntries.MAX_ENTRIES + 10 : 8;
        String m1 = "m" + r.nextInt(spread);
        double s1 = scores[r.nextInt(scores.length)];
        ScoreBound lo = new ScoreBound(r.nextBoolean() ? Double.NEGATIVE_INFINITY : scores[r.nextInt(scores.length)], r.nextBoolean());
        ScoreBound hi = new ScoreBound(r.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : scores[r.nextInt(scores.length)], r.nextBoolean());
        return switch (r.nextInt(9)) {
            case 0, 1, 2 -> {
                AddOptions o = switch (r.nextInt(6)) {
                    case 0 -> new AddOptions(true, false, false, false, true, false);
                    case 1 -> new AddOptions(false, true, false, false, true, false);
                    case 2 -> new AddOptions(false, false, true, false, true, false);
                    case 3 -> new AddOptions(false, false, false, true, false, false);
                    case 4 -> new AddOptions(false, false, false, false, false, true);
                    default -> AddOptions.NONE;
                };
                List<ScoredMember> pairs = o.incr() ? List.of(new ScoredMember(b(m1), s1 == Double.POSITIVE_INFINITY ? 1 : s1))
                        : List.of(new ScoredMember(b(m1), s1), new ScoredMember(b("m" + r.nextInt(spread)), scores[r.nextInt(scores.length)]));
                var res = z.add(key, pairs, o);
                yield "add " + res.status() + (res.isOk() ? " " + res.value() : "");
            }
            case 3 -> "rem " + z.remove(key, List.of(b(m1), b("m" + r.nextInt(spread)))).value();
            case 4 -> "remrange " + z.removeRangeByScore(key, lo, hi).value();
            case 5 -> "pop " + render(z.pop(key, 1 + r.nextInt(2), r.nextBoolean()).value());
            case 6 -> "remrank " + z.removeRangeByRank(key, r.nextInt(3) - 1, r.nextInt(5) - 2).value();
            case 7 -> "byscore " + render(z.rangeByScore(key, lo, hi, r.nextBoolean(), r.nextInt(3), 1 + r.nextInt(4)).value())
                    + " count " + z.count(key, lo, hi).value();
            default -> "byrank " + render(z.rangeByRank(key, r.nextInt(5) - 2, r.nextInt(7) - 3, r.nextBoolean()).value())
                    + " rank " + z.rank(key, b(m1), r.nextBoolean()).value()
                    + " scores " + z.scores(key, List.of(b(m1))).value()
                    + " bylex " + render(z.rangeByLex(key, lex(r), lex(r), r.nextBoolean(), r.nextInt(2), 1 + r.nextInt(5)).value())
                    + " lexremoved " + (r.nextInt(6) == 0 ? z.removeRangeByLex(key, lex(r), lex(r)).value() : "-")
                    + " scan " + render(z.scan(key, r.nextBoolean() ? null : b("m" + r.nextInt(spread)), 1 + r.nextInt(4)).value());
        };
    }

    private static ZSetStore.LexBound lex(java.util.Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> new ZSetStore.LexBound(null, false, false);
            case 1 -> new ZSetStore.LexBound(null, false, true);
            default -> new ZSetStore.LexBound(b("m" + r.nextInt(9)), r.nextBoolean(), false);
        };
    }

    @Test
    void aSmallSetIsOneRecordUntilItOutgrowsItAndThenStaysInTheIndex() {
        zsets.add(b("z"), List.of(new ScoredMember(b("a"), 1), new ScoredMember(b("b"), 2)), AddOptions.NONE);
        assertThat(keys.physical(b("z")).inlineEntries()).isTrue();
        assertThat(tmp.count(io.rockhub.core.encoding.ColumnFamily.ZSET_SCORE)).isZero();
        List<ScoredMember> many = new ArrayList<>();
        for (int i = 0; i < io.rockhub.core.encoding.InlineEntries.MAX_ENTRIES; i++) {
            many.add(new ScoredMember(b("m" + i), i));
        }
        zsets.add(b("z"), many, AddOptions.NONE);
        assertThat(keys.physical(b("z")).inlineEntries()).isFalse();
        assertThat(tmp.count(io.rockhub.core.encoding.ColumnFamily.ZSET_SCORE)).isEqualTo(many.size() + 2);
        assertThat(zsets.removeRangeByRank(b("z"), 0, -3).value()).isEqualTo(many.size());
        assertThat(keys.physical(b("z")).inlineEntries()).as("as Redis: no way back").isFalse();
        assertThat(members(zsets.rangeByRank(b("z"), 0, -1, false).value())).containsExactly("m30", "m31");
    }

    @Test
    void aStoredResultIsOneRecordWhileItFitsThereAndReadsBackTheSameEitherWay() {
        List<ScoredMember> small = List.of(new ScoredMember(b("b"), 2), new ScoredMember(b("a"), -0.0),
                new ScoredMember(b("c"), 2));
        assertThat(zsets.store(b("dst"), small, "zrangestore").value()).isEqualTo(3);
        assertThat(keys.physical(b("dst")).inlineEntries()).isTrue();
        assertThat(tmp.count(io.rockhub.core.encoding.ColumnFamily.ZSET_SCORE)).isZero();
        assertThat(render(zsets.rangeByRank(b("dst"), 0, -1, false).value())).isEqualTo("[a@0.0, b@2.0, c@2.0]");

        List<ScoredMember> large = new ArrayList<>();
        for (int i = 0; i <= io.rockhub.core.encoding.InlineEntries.MAX_ENTRIES; i++) {
            large.add(new ScoredMember(b("m" + i), -i));
        }
        assertThat(zsets.store(b("dst"), large, "zunionstore").value()).isEqualTo(large.size());
        assertThat(keys.physical(b("dst")).inlineEntries()).isFalse();
        assertThat(tmp.count(io.rockhub.core.encoding.ColumnFamily.ZSET_SCORE)).isEqualTo(large.size());
        assertThat(zsets.rangeByScore(b("dst"), new ZSetStore.ScoreBound(-1, false), new ZSetStore.ScoreBound(0, false),
                false, 0, Long.MAX_VALUE).value()).extracting(ScoredMember::score).containsExactly(-1.0, 0.0);

        assertThat(zsets.store(b("dst"), small, "zrangestore").value()).isEqualTo(3);
        assertThat(keys.physical(b("dst")).inlineEntries()).as("a new version, not the grown set").isTrue();
        assertThat(render(zsets.rangeByRank(b("dst"), 0, -1, true).value())).isEqualTo("[c@2.0, b@2.0, a@0.0]");
    }

    private static String render(List<ScoredMember> l) {
        return l.stream().map(e -> new String(e.member(), StandardCharsets.UTF_8) + "@" + e.score()).toList().toString();
    }
}
