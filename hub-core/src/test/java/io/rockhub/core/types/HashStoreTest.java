package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.InlineEntries;
import io.rockhub.core.expire.ExpirySweeper;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HashStoreTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private HashStore hashes;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        clock = new ManualClock(1_700_000_000_000L);
        keys = new Keyspace(tmp.storage, clock, 1 << 20);
        hashes = new HashStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> pairs(String... kv) {
        List<byte[]> out = new ArrayList<>();
        for (String s : kv) {
            out.add(b(s));
        }
        return out;
    }

    @Test
    void setCountsOnlyNewFieldsAndSizeIsKeptInMetadata() {
        assertThat(hashes.set(b("card:1:features"), pairs("avg_amount", "42.5", "txn_count_24h", "7"), false).value())
                .isEqualTo(2);
        assertThat(hashes.set(b("card:1:features"), pairs("avg_amount", "43", "country", "DE", "country", "FR"), false)
                .value()).isEqualTo(1);
        assertThat(hashes.length(b("card:1:features")).value()).isEqualTo(3);
        assertThat(new String(hashes.get(b("card:1:features"), b("country")).value())).isEqualTo("FR");
        assertThat(hashes.set(b("card:1:features"), pairs("country", "US"), true).value()).isZero();
        assertThat(new String(hashes.get(b("card:1:features"), b("country")).value())).isEqualTo("FR");
    }

    @Test
    void wholeHashReadsStayCoherentWhileFieldsChange() throws Exception {
        hashes.set(b("cfg"), pairs("version", "0", "limit", "500"), false);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread t = new Thread(() -> {
                long last = -1;
                while (!done.get()) {
                    long seen = -1;
                    for (Keyspace.Entry e : hashes.all(b("cfg")).value()) {
                        if (new String(e.sub()).equals("version")) {
                            seen = Long.parseLong(new String(e.value()));
                        }
                    }
                    if (seen < last) {
                        failure.set("version " + seen + " after " + last);
                    }
                    last = seen;
                }
            });
            t.start();
            readers.add(t);
        }
        for (int i = 1; i <= 20_000; i++) {
            hashes.set(b("cfg"), pairs("version", Integer.toString(i)), false);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(hashes.all(b("cfg")).value()).extracting(e -> new String(e.value())).containsExactly("500", "20000");
        hashes.delete(b("cfg"), pairs("limit"));
        assertThat(hashes.all(b("cfg")).value()).hasSize(1);
    }

    @Test
    void aHashWrittenFromNothingIsKnownWholeWithoutReadingItBack() {
        hashes.set(b("feat:1"), pairs("f2", "17", "f1", "0.25", "f2", "18"), false);
        var m = keys.physical(b("feat:1"));
        List<Keyspace.Entry> known = keys.knownEntries(b("feat:1"), m);
        assertThat(known).as("write-through: the writer knew the whole hash").isNotNull();
        assertThat(known.stream().map(e -> new String(e.sub()) + "=" + new String(e.value())))
                .containsExactly("f1=0.25", "f2=18");
    }

    /**
     * Whatever the cache holds as a hash's whole content (declared by writers, inside transactions
     * too, or read once) is exactly what RocksDB holds, through every kind of hash write.
     */
    @Test
    void entriesKnownWithoutRocksDbAlwaysMatchRocksDb() {
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        String[] names = {"h1", "h2", "h3"};
        java.util.Map<String, java.util.TreeMap<String, String>> model = new java.util.HashMap<>();
        for (String n : names) {
            model.put(n, new java.util.TreeMap<>());
        }
        for (int step = 0; step < 3000; step++) {
            int group = 1 + rnd.nextInt(3);
            Runnable ops = () -> {
                for (int g = 0; g < group; g++) {
                    randomWrite(rnd, names[rnd.nextInt(names.length)], model);
                }
            };
            if (group > 1) {
                keys.runTransaction(ops);
            } else {
                ops.run();
            }
            for (String n : names) {
                var m = keys.physical(b(n));
                List<String> stored = m == null ? List.of()
                        : keys.subkeys(b(n), m, null, Long.MAX_VALUE, null, Long.MAX_VALUE).stream()
                                .map(e -> new String(e.sub()) + "=" + new String(e.value())).toList();
                List<String> expected = model.get(n).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
                assertThat(stored).as("seed %d step %d key %s in RocksDB", seed, step, n).isEqualTo(expected);
                List<Keyspace.Entry> known = m == null ? null : keys.knownEntries(b(n), m);
                if (known != null) {
                    assertThat(known.stream().map(e -> new String(e.sub()) + "=" + new String(e.value())).toList())
                            .as("seed %d step %d key %s known", seed, step, n).isEqualTo(expected);
                }
                assertThat(hashes.all(b(n)).value().stream().map(e -> new String(e.sub()) + "=" + new String(e.value())).toList())
                        .as("seed %d step %d key %s HGETALL", seed, step, n).isEqualTo(expected);
            }
        }
    }

    private void randomWrite(java.util.Random rnd, String name, java.util.Map<String, java.util.TreeMap<String, String>> model) {
        java.util.TreeMap<String, String> h = model.get(name);
        // Now and then many fields or a long value: the hash leaves its record for subkeys.
        int fields = rnd.nextInt(20) == 0 ? InlineEntries.MAX_ENTRIES + 8 : 6;
        String f = "f" + rnd.nextInt(fields);
        switch (rnd.nextInt(7)) {
            case 0, 1 -> {
                String f2 = "f" + rnd.nextInt(fields);
                String v = rnd.nextInt(30) == 0 ? "v".repeat(InlineEntries.MAX_BYTES + 1) : "v" + rnd.nextInt(100);
                String v2 = "w" + rnd.nextInt(100);
                hashes.set(b(name), pairs(f, v, f2, v2), false);
                h.put(f, v);
                h.put(f2, v2);
            }
            case 2 -> {
                String v = "n" + rnd.nextInt(100);
                hashes.set(b(name), pairs(f, v), true);
                h.putIfAbsent(f, v);
            }
            case 3 -> {
                String f2 = "f" + rnd.nextInt(6);
                hashes.delete(b(name), pairs(f, f2));
                h.remove(f);
                h.remove(f2);
            }
            case 4 -> {
                String cur = h.get(f);
                if (cur == null || cur.matches("-?\\d+")) {
                    hashes.incrBy(b(name), b(f), 3);
                    h.put(f, Long.toString((cur == null ? 0 : Long.parseLong(cur)) + 3));
                }
            }
            case 5 -> {
                if (rnd.nextInt(4) == 0) {
                    keys.delete(List.of(b(name)));
                    h.clear();
                }
            }
            default -> {
                hashes.all(b(name)); // a whole read that may attach the entries
                hashes.get(b(name), b(f));
            }
        }
    }

    @Test
    void removingTheLastFieldRemovesTheKeyAndItsSubkeys() {
        hashes.set(b("h"), pairs("a", "1", "b", "2"), false);
        assertThat(hashes.delete(b("h"), pairs("a", "a", "zz")).value()).isEqualTo(1);
        assertThat(hashes.delete(b("h"), pairs("b")).value()).isEqualTo(1);
        assertThat(keys.type(b("h"))).isNull();
        assertThat(keys.size()).isZero();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        assertThat(tmp.count(ColumnFamily.GARBAGE)).isZero();
    }

    @Test
    void deletingABigHashIsOneWriteAndTheSweeperReclaimsItsFields() {
        List<byte[]> kv = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            kv.add(b("f" + i));
            kv.add(b("v" + i));
        }
        hashes.set(b("big"), kv, false);
        assertThat(keys.delete(List.of(b("big")))).isEqualTo(1);
        assertThat(hashes.length(b("big")).value()).isZero();
        hashes.set(b("big"), pairs("fresh", "1"), false);
        assertThat(hashes.all(b("big")).value()).hasSize(1);
        try (ExpirySweeper sweeper = new ExpirySweeper(keys, 1000, Long.MAX_VALUE)) {
            sweeper.runOnce();
        }
        assertThat(tmp.count(ColumnFamily.SUBKEY)).as("the fresh hash is one record").isZero();
    }

    @Test
    void aRestoredSmallHashIsOneRecordAsAWrittenOneIs() {
        try (io.rockhub.core.storage.Batch b = keys.storage().newBatch()) {
            var m = hashes.writeFresh(b, b("r"), 0, pairs("b", "2", "a", "1", "b", "3"));
            assertThat(m.inlineEntries()).isTrue();
            assertThat(m.size()).isEqualTo(2);
            keys.put(b, b("r"), null, m);
            keys.commit(b);
        }
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        assertThat(hashes.all(b("r")).value().stream().map(e -> new String(e.sub()) + "=" + new String(e.value())))
                .containsExactly("a=1", "b=3");
    }

    @Test
    void aSmallHashIsOneRecordUntilItOutgrowsItAndThenStaysInSubkeys() {
        hashes.set(b("h"), pairs("a", "1", "b", "2"), false);
        assertThat(keys.physical(b("h")).inlineEntries()).isTrue();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        hashes.set(b("h"), pairs("c", "x".repeat(InlineEntries.MAX_BYTES + 1)), false);
        assertThat(keys.physical(b("h")).inlineEntries()).isFalse();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isEqualTo(3);
        hashes.delete(b("h"), pairs("c"));
        assertThat(keys.physical(b("h")).inlineEntries()).as("as Redis: no way back").isFalse();
        assertThat(hashes.all(b("h")).value().stream().map(e -> new String(e.sub()) + "=" + new String(e.value())))
                .containsExactly("a=1", "b=2");
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i <= InlineEntries.MAX_ENTRIES; i++) {
            many.add(b("f" + i));
            many.add(b("v" + i));
        }
        hashes.set(b("wide"), many.subList(0, 2 * InlineEntries.MAX_ENTRIES), false);
        assertThat(keys.physical(b("wide")).inlineEntries()).isTrue();
        assertThat(hashes.set(b("wide"), many.subList(2 * InlineEntries.MAX_ENTRIES, many.size()), false).value()).isEqualTo(1);
        assertThat(keys.physical(b("wide")).inlineEntries()).isFalse();
        assertThat(hashes.length(b("wide")).value()).isEqualTo(InlineEntries.MAX_ENTRIES + 1);
        assertThat(hashes.get(b("wide"), b("f0")).value()).isEqualTo(b("v0"));
        assertThat(hashes.scan(b("wide"), b("f0"), 2).value()).hasSize(2);
    }

    @Test
    void expiredHashIsGoneAndAWriteStartsAFreshOne() {
        hashes.set(b("session:9"), pairs("user", "42", "cart", "3"), false);
        keys.expireAt(b("session:9"), clock.millis() + 1000, ExpireCondition.ALWAYS);
        clock.advance(1000);
        assertThat(hashes.get(b("session:9"), b("user")).status()).isEqualTo(Status.NOT_FOUND);
        assertThat(hashes.set(b("session:9"), pairs("user", "43"), false).value()).isEqualTo(1);
        assertThat(hashes.length(b("session:9")).value()).isEqualTo(1);
        assertThat(hashes.get(b("session:9"), b("cart")).status()).isEqualTo(Status.NOT_FOUND);
        assertThat(keys.ttlMillis(b("session:9"))).isEqualTo(-1);
    }

    @Test
    void wrongTypeLeavesStringsAlone() {
        new StringStore(keys).set(b("s"), b("v"), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        assertThat(hashes.set(b("s"), pairs("f", "v"), false).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(hashes.get(b("s"), b("f")).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(hashes.incrBy(b("s"), b("f"), 1).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(new String(new StringStore(keys).get(b("s")).value())).isEqualTo("v");
    }

    @Test
    void incrementsCreateFieldsAndRefuseNonNumbers() {
        assertThat(hashes.incrBy(b("m"), b("n"), 5).value()).isEqualTo(5);
        assertThat(hashes.incrBy(b("m"), b("n"), Long.MAX_VALUE).status()).isEqualTo(Status.OVERFLOW);
        assertThat(hashes.incrByFloat(b("m"), b("f"), ld("5.6")).value()).isEqualTo("5.6");
        assertThat(hashes.incrByFloat(b("m"), b("f"), ld("5000")).value()).isEqualTo("5005.60000000000000009");
        hashes.set(b("m"), pairs("t", "abc"), false);
        assertThat(hashes.incrBy(b("m"), b("t"), 1).status()).isEqualTo(Status.NOT_INTEGER);
        assertThat(hashes.incrByFloat(b("m"), b("t"), ld("1")).status()).isEqualTo(Status.NOT_FLOAT);
        assertThat(hashes.length(b("m")).value()).isEqualTo(3);
    }

    @Test
    void scanPagesThroughEveryFieldInOrder() {
        List<byte[]> kv = new ArrayList<>();
        for (int i = 0; i < 95; i++) {
            kv.add(b(String.format("f%03d", i)));
            kv.add(b("v"));
        }
        hashes.set(b("h"), kv, false);
        List<String> seen = new ArrayList<>();
        byte[] after = null;
        do {
            List<Keyspace.Entry> page = hashes.scan(b("h"), after, 10).value();
            page.forEach(e -> seen.add(new String(e.sub())));
            after = page.size() < 10 ? null : page.get(page.size() - 1).sub();
        } while (after != null);
        assertThat(seen).hasSize(95).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void randomFieldsAreDistinctForPositiveCountsAndMayRepeatForNegative() {
        hashes.set(b("r"), pairs("a", "1", "b", "2", "c", "3"), false);
        assertThat(hashes.random(b("r"), 2).value()).hasSize(2).doesNotHaveDuplicates();
        assertThat(hashes.random(b("r"), 10).value()).hasSize(3);
        assertThat(hashes.random(b("r"), -7).value()).hasSize(7);
        assertThat(hashes.random(b("nokey"), 3).value()).isEmpty();
    }

    private static io.rockhub.core.util.Numbers.LongDouble ld(String s) {
        return io.rockhub.core.util.Numbers.parseLongDouble(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
