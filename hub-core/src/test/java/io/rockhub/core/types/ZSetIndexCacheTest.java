package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.ZSetStore.AddOptions;
import io.rockhub.core.types.ZSetStore.ScoreBound;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZSetIndexCacheTest {
    private static final ScoreBound NEG_INF = new ScoreBound(Double.NEGATIVE_INFINITY, false);
    private static final ScoreBound POS_INF = new ScoreBound(Double.POSITIVE_INFINITY, false);

    private TempStorage tmp;
    private Keyspace keys;
    private ZSetStore zsets;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 16 << 20, 8 << 20);
        zsets = new ZSetStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        keys.close();
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String render(List<ScoredMember> l) {
        StringBuilder sb = new StringBuilder("[");
        for (ScoredMember e : l) {
            sb.append(new String(e.member(), StandardCharsets.UTF_8)).append('=').append(e.score()).append(' ');
        }
        return sb.append(']').toString();
    }

    /** Reads {@code key} whole (which pays the build's price at once) and waits until its index is built. */
    private ZSetIndexCache.Index indexed(byte[] key) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            zsets.rangeByRank(key, 0, -1, false);
            Metadata m = keys.physical(key);
            ZSetIndexCache.Index index = keys.zsetIndexes().get(key, m);
            if (index != null) {
                return index;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no index built for " + new String(key, StandardCharsets.UTF_8));
            }
            Thread.onSpinWait();
        }
    }

    private void fill(ZSetStore z, String key, int members, Random r) {
        List<ScoredMember> batch = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            batch.add(new ScoredMember(b("m" + i), r.nextInt(200) - 100 + (r.nextBoolean() ? 0.5 : 0)));
        }
        z.add(b(key), batch, AddOptions.NONE);
    }

    /**
     * Large sets read between writes answer exactly as the same store reading RocksDB alone, whether
     * a read finds an index (built in the background after enough reads) or a write just made the index
     * stale: seeded random writes, transactions and reads by score, rank, count and member.
     */
    @Test
    void readsServedFromIndexesAnswerAsRocksDbThroughWritesAndTransactions() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        try (TempStorage plainTmp = new TempStorage()) {
            Keyspace plainKeys = new Keyspace(plainTmp.storage, new ManualClock(1_700_000_000_000L));
            ZSetStore plain = new ZSetStore(plainKeys, 0);
            long fillSeed = rnd.nextLong();
            for (String k : List.of("z0", "z1")) {
                fill(zsets, k, 300, new Random(fillSeed));
                fill(plain, k, 300, new Random(fillSeed));
            }
            for (int round = 0; round < 60; round++) {
                long opSeed = rnd.nextLong();
                boolean transaction = rnd.nextInt(4) == 0;
                int writes = rnd.nextInt(3);
                List<String> mine = new ArrayList<>();
                List<String> theirs = new ArrayList<>();
                for (int side = 0; side < 2; side++) {
                    ZSetStore z = side == 0 ? zsets : plain;
                    Keyspace k = side == 0 ? keys : plainKeys;
                    List<String> out = side == 0 ? mine : theirs;
                    Random r = new Random(opSeed);
                    Runnable ops = () -> {
                        for (int w = 0; w < writes; w++) {
                            out.add(randomWrite(r, z));
                        }
                        // Reads inside the transaction see its writes (not the committed index).
                        out.add(randomRead(r, z));
                    };
                    if (transaction) {
                        k.runTransaction(ops);
                    } else {
                        ops.run();
                    }
                }
                assertThat(mine).as("seed %d round %d", seed, round).isEqualTo(theirs);
                byte[] key = b("z" + rnd.nextInt(2));
                if (keys.physical(key) != null && keys.physical(key).size() > EntrySnapshots.MAX_ENTRIES) {
                    indexed(key);
                }
                for (int read = 0; read < 20; read++) {
                    long readSeed = rnd.nextLong();
                    assertThat(randomRead(new Random(readSeed), zsets)).as("seed %d round %d read %d", seed, round, read)
                            .isEqualTo(randomRead(new Random(readSeed), plain));
                }
            }
        }
        assertThat(keys.zsetIndexes().built()).as("indexes built").isPositive();
        assertThat(keys.zsetIndexes().hits()).as("reads served by an index").isGreaterThan(100);
    }

    private static String randomWrite(Random r, ZSetStore z) {
        byte[] key = b("z" + r.nextInt(2));
        String m = "m" + r.nextInt(400);
        double s = r.nextInt(200) - 100;
        return switch (r.nextInt(5)) {
            case 0 -> "rem " + z.remove(key, List.of(b(m))).value();
            case 1 -> "incr " + z.add(key, List.of(new ScoredMember(b(m), 0.5)), new AddOptions(false, false, false, false, false, true)).value();
            case 2 -> "remrange " + z.removeRangeByScore(key, new ScoreBound(s, false), new ScoreBound(s + 2, true)).value();
            case 3 -> "pop " + render(z.pop(key, 1, r.nextBoolean()).value());
            default -> "add " + z.add(key, List.of(new ScoredMember(b(m), s), new ScoredMember(b("n" + r.nextInt(50)), -s)),
                    AddOptions.NONE).value();
        };
    }

    private static String randomRead(Random r, ZSetStore z) {
        byte[] key = b("z" + r.nextInt(2));
        double a = r.nextInt(220) - 110 + (r.nextBoolean() ? 0.5 : 0);
        double c = r.nextInt(4) == 0 ? a : r.nextInt(220) - 110;
        ScoreBound lo = new ScoreBound(r.nextInt(8) == 0 ? Double.NEGATIVE_INFINITY : Math.min(a, c), r.nextBoolean());
        ScoreBound hi = new ScoreBound(r.nextInt(8) == 0 ? Double.POSITIVE_INFINITY : Math.max(a, c), r.nextBoolean());
        if (r.nextInt(10) == 0) { // an empty range: min above max
            ScoreBound t = lo;
            lo = new ScoreBound(hi.value() + 1, false);
            hi = t;
        }
        byte[] member = b("m" + r.nextInt(400));
        long offset = r.nextInt(6) == 0 ? r.nextInt(400) : r.nextInt(3);
        long limit = r.nextInt(5) == 0 ? Long.MAX_VALUE : 1 + r.nextInt(20);
        return switch (r.nextInt(4)) {
            case 0 -> "byscore " + render(z.rangeByScore(key, lo, hi, r.nextBoolean(), offset, limit).value());
            case 1 -> "count " + z.count(key, lo, hi).value();
            case 2 -> "byrank " + render(z.rangeByRank(key, r.nextInt(700) - 350, r.nextInt(700) - 350, r.nextBoolean()).value());
            default -> "rank " + z.rank(key, member, r.nextBoolean()).value() + " " + z.rank(key, member, false).value();
        };
    }

    @Test
    void aSetWrittenAfterItsIndexWasBuiltIsReadWithTheWrite() {
        fill(zsets, "z", 500, new Random(7));
        ZSetIndexCache.Index before = indexed(b("z"));
        zsets.add(b("z"), List.of(new ScoredMember(b("new"), 1_000)), AddOptions.NONE);
        assertThat(render(zsets.rangeByScore(b("z"), new ScoreBound(999, false), POS_INF, false, 0, 10).value()))
                .isEqualTo("[new=1000.0 ]");
        assertThat(zsets.count(b("z"), NEG_INF, POS_INF).value()).isEqualTo(501);
        assertThat(zsets.rank(b("z"), b("new"), false).value()).isEqualTo(500);
        assertThat(indexed(b("z"))).as("a new index for the new record").isNotSameAs(before);
    }

    @Test
    void aSetWhoseIndexWouldTakeMoreThanAQuarterOfTheBudgetIsReadFromRocksDb() throws Exception {
        try (TempStorage small = new TempStorage()) {
            Keyspace k = new Keyspace(small.storage, new ManualClock(1_700_000_000_000L), 16 << 20, 64 << 10);
            try {
                ZSetStore z = new ZSetStore(k);
                fill(z, "big", 1_000, new Random(3)); // about 45 KB of index against 16 KB allowed
                for (int i = 0; i < 50; i++) {
                    z.rangeByRank(b("big"), 0, -1, false);
                }
                k.close(); // waits for a build under way, if one had started
                assertThat(k.zsetIndexes().built()).isZero();
                assertThat(z.rangeByRank(b("big"), 0, 0, false).value()).hasSize(1);
            } finally {
                k.close();
            }
        }
    }

    /** A set written while its index was being built gets an index for its new record once read enough. */
    @Test
    void aBuildOvertakenByAWriteLeavesTheNextRecordFreeToBuildItsOwn() throws Exception {
        try (ZSetIndexCache cache = new ZSetIndexCache(1 << 20, (key, m, settled) -> true)) {
            Metadata first = Metadata.collection(io.rockhub.core.encoding.DataType.ZSET, 0, 1, 100);
            Metadata second = first.withSize(101);
            java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            cache.noteRead(b("z"), first, 1_000, (key, m, max) -> {
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return index(m);
            });
            reading.await();
            cache.noteRead(b("z"), second, 1_000, (key, m, max) -> index(m)); // written meanwhile: a build runs
            release.countDown();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (cache.get(b("z"), second) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no index for the record written during the first build");
                }
                cache.noteRead(b("z"), second, 1_000, (key, m, max) -> index(m));
                Thread.onSpinWait();
            }
            assertThat(cache.get(b("z"), first)).as("the overtaken build's index").isNull();
        }
    }

    private static ZSetIndexCache.Index index(Metadata m) {
        byte[][] members = new byte[(int) m.size()][];
        java.util.Arrays.fill(members, new byte[0]);
        return new ZSetIndexCache.Index(m, new double[members.length], members);
    }
}
