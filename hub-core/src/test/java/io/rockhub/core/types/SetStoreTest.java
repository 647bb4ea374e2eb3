package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.SetStore.Algebra;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SetStoreTest {
    private TempStorage tmp;
    private Keyspace keys;
    private SetStore sets;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        keys = new Keyspace(tmp.storage, new ManualClock(1_700_000_000_000L), 1 << 20);
        sets = new SetStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static List<byte[]> b(String... s) {
        List<byte[]> out = new ArrayList<>();
        for (String x : s) {
            out.add(x.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<String> str(List<byte[]> members) {
        return members.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void addAndRemoveKeepTheCardinalityAndEmptySetsDisappear() {
        assertThat(sets.add(b("s").get(0), b("a", "b", "a")).value()).isEqualTo(2);
        assertThat(sets.add(b("s").get(0), b("b", "c")).value()).isEqualTo(1);
        assertThat(sets.cardinality(b("s").get(0)).value()).isEqualTo(3);
        assertThat(sets.remove(b("s").get(0), b("a", "b", "c", "z")).value()).isEqualTo(3);
        assertThat(keys.type(b("s").get(0))).isNull();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        assertThat(keys.size()).isZero();
    }

    @Test
    void algebraFollowsRedis() {
        sets.add(b("a").get(0), b("1", "2", "3", "4"));
        sets.add(b("b").get(0), b("3", "4", "5"));
        assertThat(str(sets.combine(Algebra.INTER, b("a", "b")).value())).containsExactly("3", "4");
        assertThat(str(sets.combine(Algebra.UNION, b("a", "b")).value())).containsExactly("1", "2", "3", "4", "5");
        assertThat(str(sets.combine(Algebra.DIFF, b("a", "b")).value())).containsExactly("1", "2");
        assertThat(sets.combine(Algebra.INTER, b("a", "missing")).value()).isEmpty();
        assertThat(sets.interCard(b("a", "b"), 1).value()).isEqualTo(1);
        assertThat(sets.combineAndStore(Algebra.UNION, b("dst").get(0), b("a", "b")).value()).isEqualTo(5);
        assertThat(sets.cardinality(b("dst").get(0)).value()).isEqualTo(5);
        assertThat(sets.combineAndStore(Algebra.INTER, b("dst").get(0), b("a", "missing")).value()).isZero();
        assertThat(keys.type(b("dst").get(0))).isNull();
    }

    @Test
    void moveAndPopUpdateBothSides() {
        sets.add(b("src").get(0), b("x", "y"));
        assertThat(sets.move(b("src").get(0), b("dst").get(0), b("x").get(0)).value()).isTrue();
        assertThat(sets.move(b("src").get(0), b("dst").get(0), b("x").get(0)).value()).isFalse();
        assertThat(str(sets.members(b("dst").get(0)).value())).containsExactly("x");
        assertThat(str(sets.pop(b("src").get(0), 5).value())).containsExactly("y");
        assertThat(keys.type(b("src").get(0))).isNull();
        assertThat(keys.size()).isEqualTo(1);
    }

    /**
     * Whatever the cache holds as a set's whole content (declared by SADD and SREM, inside
     * transactions too, or read once) is exactly what RocksDB holds, through every kind of set write.
     */
    @Test
    void membersKnownWithoutRocksDbAlwaysMatchRocksDb() {
        long seed = System.nanoTime();
        java.util.Random rnd = new java.util.Random(seed);
        String[] names = {"s1", "s2"};
        java.util.Map<String, java.util.TreeSet<String>> model = new java.util.HashMap<>();
        for (String n : names) {
            model.put(n, new java.util.TreeSet<>());
        }
        for (int step = 0; step < 3000; step++) {
            int group = 1 + rnd.nextInt(3);
            Runnable ops = () -> {
                for (int g = 0; g < group; g++) {
                    String name = names[rnd.nextInt(names.length)];
                    String other = name.equals("s1") ? "s2" : "s1";
                    java.util.TreeSet<String> set = model.get(name);
                    String m1 = "m" + rnd.nextInt(6);
                    String m2 = "m" + rnd.nextInt(6);
                    switch (rnd.nextInt(6)) {
                        case 0, 1 -> {
                            sets.add(b(name).get(0), b(m1, m2));
                            set.add(m1);
                            set.add(m2);
                        }
                        case 2 -> {
                            sets.remove(b(name).get(0), b(m1, m2));
                            set.remove(m1);
                            set.remove(m2);
                        }
                        case 3 -> {
                            for (String popped : str(sets.pop(b(name).get(0), 1 + rnd.nextInt(2)).value())) {
                                assertThat(set.remove(popped)).as("seed %d: popped a member", seed).isTrue();
                            }
                        }
                        case 4 -> {
                            if (sets.move(b(name).get(0), b(other).get(0), b(m1).get(0)).value()) {
                                set.remove(m1);
                                model.get(other).add(m1);
                            }
                        }
                        default -> {
                            sets.members(b(name).get(0)); // a whole read that may attach the entries
                            sets.contains(b(name).get(0), b(m1));
                        }
                    }
                }
            };
            if (group > 1) {
                keys.runTransaction(ops);
            } else {
                ops.run();
            }
            for (String n : names) {
                var m = keys.physical(b(n).get(0));
                List<String> stored = m == null ? List.of()
                        : keys.subkeys(b(n).get(0), m, null, Long.MAX_VALUE, null, Long.MAX_VALUE).stream()
                                .map(e -> new String(e.sub())).toList();
                List<String> expected = List.copyOf(model.get(n));
                assertThat(stored).as("seed %d step %d key %s in RocksDB", seed, step, n).isEqualTo(expected);
                List<Keyspace.Entry> known = m == null ? null : keys.knownEntries(b(n).get(0), m);
                if (known != null) {
                    assertThat(known.stream().map(e -> new String(e.sub())).toList())
                            .as("seed %d step %d key %s known", seed, step, n).isEqualTo(expected);
                }
                assertThat(str(sets.members(b(n).get(0)).value()))
                        .as("seed %d step %d key %s SMEMBERS", seed, step, n).containsExactlyInAnyOrderElementsOf(expected);
                for (String member : List.of("m0", "m3")) {
                    assertThat(sets.contains(b(n).get(0), b(member)).value().get(0))
                            .as("seed %d step %d SISMEMBER %s %s", seed, step, n, member).isEqualTo(expected.contains(member));
                }
            }
        }
    }

    @Test
    void wrongTypeAnywhereFailsTheWholeOperation() {
        new StringStore(keys).set(b("str").get(0), b("v").get(0), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        sets.add(b("a").get(0), b("1"));
        assertThat(sets.combine(Algebra.UNION, b("a", "str")).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(sets.add(b("str").get(0), b("1")).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(sets.move(b("a").get(0), b("str").get(0), b("1").get(0)).status()).isEqualTo(Status.WRONG_TYPE);
        assertThat(sets.cardinality(b("a").get(0)).value()).isEqualTo(1);
    }

    @Test
    void popOfOneTakesEveryMemberExactlyOnceAndRandomOfOnePicksEachMemberAboutEvenly() {
        // 100 members: more than the key cache keeps whole, so the cursor path is the one exercised.
        List<byte[]> members = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            members.add(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        sets.add(b("s").get(0), members);
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            seen.merge(str(sets.random(b("s").get(0), i % 2 == 0 ? 1 : -1).value()).get(0), 1, Integer::sum);
        }
        assertThat(seen).hasSize(100);
        // 200 expected per member; a fair pick stays within 120..280 with overwhelming probability.
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isBetween(120, 280));

        java.util.Set<String> popped = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            List<String> one = str(sets.pop(b("s").get(0), 1).value());
            assertThat(one).hasSize(1);
            assertThat(popped.add(one.get(0))).as("popped twice: %s", one.get(0)).isTrue();
        }
        assertThat(popped).hasSize(100);
        assertThat(sets.pop(b("s").get(0), 1).value()).isEmpty();
    }

    @Test
    void aReadOfOneSetStopsAtItsEndWithoutSteppingOverTheNextKeysDeletedMembers() {
        byte[] small = b("a").get(0);
        byte[] next = b("b").get(0);
        sets.add(small, b("x", "y", "z"));
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        sets.add(next, many);
        // Deleted members of the key that sorts next: tombstones right after the small set's range.
        sets.remove(next, many.subList(0, 1999));
        io.rockhub.core.encoding.Metadata m = keys.collection(small, io.rockhub.core.encoding.DataType.SET).value();
        List<Keyspace.Entry> read = new ArrayList<>();
        long skipped = tmp.storage.deletedEntriesSkipped(
                () -> read.addAll(keys.subkeys(small, m, null, Long.MAX_VALUE, null, Long.MAX_VALUE)));
        assertThat(read).hasSize(3);
        assertThat(skipped).as("deleted entries stepped over to read a 3-member set").isLessThan(10);
    }
}
