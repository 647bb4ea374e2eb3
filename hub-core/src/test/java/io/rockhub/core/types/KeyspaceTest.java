package io.rockhub.core.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.StringStore.Condition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyspaceTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private StringStore strings;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage();
        clock = new ManualClock(1_700_000_000_000L);
        // A small cache, so the tests exercise hits, misses and evictions together.
        keys = new Keyspace(tmp.storage, clock, 64 * 1024);
        strings = new StringStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void set(String k, String v, long ttl) {
        strings.set(b(k), b(v), Condition.ALWAYS, ttl > 0 ? ExpiryChange.at(clock.millis() + ttl) : ExpiryChange.CLEAR,
                false);
    }

    /** SET in a database namespace. */
    private void setIn(int ns, String k, String v, long ttl) {
        strings.set(io.rockhub.core.encoding.StoredKey.of(ns, b(k)), b(v), Condition.ALWAYS,
                ttl > 0 ? ExpiryChange.at(clock.millis() + ttl) : ExpiryChange.CLEAR, false);
    }

    private long scanCount() {
        return tmp.count(ColumnFamily.METADATA);
    }

    private long expireIndexCount() {
        return tmp.count(ColumnFamily.EXPIRE);
    }

    @Test
    void countersStayExactUnderRandomOperations() {
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            String k = "k" + r.nextInt(200);
            switch (r.nextInt(8)) {
                case 0, 1 -> set(k, "v", 0);
                case 2 -> set(k, "v", 1 + r.nextInt(10_000));
                case 3 -> keys.delete(List.of(b(k), b("k" + r.nextInt(200))));
                case 4 -> keys.expireAt(b(k), clock.millis() + r.nextInt(5000) - 1000, ExpireCondition.ALWAYS);
                case 5 -> keys.persist(b(k));
                case 6 -> keys.rename(b(k), b("k" + r.nextInt(200)), r.nextBoolean());
                default -> strings.incrBy(b("n" + r.nextInt(20)), 1);
            }
            if (r.nextInt(100) == 0) {
                clock.advance(r.nextInt(3000));
            }
        }
        assertThat(keys.size()).isEqualTo(scanCount());
        assertThat(keys.expiresCount()).isEqualTo(expireIndexCount());
    }

    @Test
    void readersNeverSeeAValueGoBackwardsWhileItIsOverwritten() throws Exception {
        int writes = 50_000;
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Thread t = new Thread(() -> {
                long last = -1;
                while (!done.get()) {
                    Result<byte[]> v = strings.get(b("hot"));
                    long now = v.isOk() ? Long.parseLong(new String(v.value())) : -1;
                    if (now < last) {
                        failure.set("read " + now + " after " + last);
                    }
                    last = now;
                }
            });
            t.start();
            readers.add(t);
        }
        for (int i = 0; i < writes; i++) {
            set("hot", Long.toString(i), 0);
            if (i % 100 == 0) {
                set("filler" + i, "x".repeat(500), 0);
            }
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(new String(strings.get(b("hot")).value())).isEqualTo(Long.toString(writes - 1));
        assertThat(keys.cacheBytes()).isLessThanOrEqualTo(64 * 1024 + 64 * 2048);
    }

    @Test
    void renameKeepsTheTtlAndMovesTheIndexEntry() {
        set("a", "1", 10_000);
        assertThat(keys.rename(b("a"), b("b"), false)).isEqualTo(Status.OK);
        assertThat(keys.ttlMillis(b("b"))).isEqualTo(10_000);
        assertThat(keys.ttlMillis(b("a"))).isEqualTo(-2);
        assertThat(expireIndexCount()).isEqualTo(1);
    }

    @Test
    void expireInThePastDeletesAndConditionsFollowRedis() {
        set("k", "v", 0);
        assertThat(keys.expireAt(b("k"), clock.millis() + 100, new ExpireCondition(false, false, true, false)))
                .as("GT on a persistent key").isEqualTo(Status.NOT_APPLIED);
        assertThat(keys.expireAt(b("k"), clock.millis() + 100, new ExpireCondition(false, false, false, true)))
                .as("LT on a persistent key").isEqualTo(Status.OK);
        assertThat(keys.expireAt(b("k"), clock.millis() - 1, ExpireCondition.ALWAYS)).isEqualTo(Status.OK);
        assertThat(keys.countExisting(List.of(b("k")))).isZero();
        assertThat(keys.size()).isZero();
    }

    @Test
    void copyOfACollectionCopiesItsSubkeysUnderANewVersion() {
        long version = keys.versions().next();
        try (Batch batch = tmp.storage.newBatch()) {
            keys.put(batch, b("h"), null, Metadata.collection(DataType.HASH, 0, version, 2));
            batch.put(ColumnFamily.SUBKEY, InternalKey.encode(b("h"), version, b("f1")), b("v1"));
            batch.put(ColumnFamily.SUBKEY, InternalKey.encode(b("h"), version, b("f2")), b("v2"));
            keys.commit(batch);
        }
        assertThat(keys.copy(b("h"), b("h2"), false)).isEqualTo(Status.OK);
        Metadata copy = keys.live(b("h2"));
        assertThat(copy.version()).isNotEqualTo(version);
        assertThat(tmp.storage.get(ColumnFamily.SUBKEY, InternalKey.encode(b("h2"), copy.version(), b("f2"))))
                .isEqualTo(b("v2"));
    }

    @Test
    void scanPagesCoverEveryKeyOnceAndHonourThePrefix() {
        for (int i = 0; i < 250; i++) {
            setIn(0, "p:" + i, "x", 0);
            setIn(0, "q:" + i, "x", 0);
            setIn(1, "p:" + i, "x", 0);
        }
        List<String> seen = new ArrayList<>();
        byte[] after = null;
        do {
            KeyScanner.ScanPage page = new KeyScanner(tmp.storage, clock).scan(0, after, b("p:*"), 30, null);
            page.keys().forEach(k -> seen.add(new String(k)));
            after = page.resumeAfter();
        } while (after != null);
        assertThat(seen).hasSize(250).doesNotHaveDuplicates().allMatch(s -> s.startsWith("p:"));
    }

    @Test
    void flushAllRemovesEverythingAndResetsCounters() {
        for (int i = 0; i < 100; i++) {
            setIn(i % 3, "f" + i, "x", i % 2 == 0 ? 10_000 : 0);
        }
        keys.flushAll();
        assertThat(keys.size()).isZero();
        assertThat(keys.expiresCount()).isZero();
        assertThat(scanCount()).isZero();
        assertThat(expireIndexCount()).isZero();
        assertThat(new KeyScanner(tmp.storage, clock).randomKey(0)).isNull();
        setIn(0, "after", "x", 0);
        assertThat(keys.size()).isEqualTo(1);
        assertThat(new String(new KeyScanner(tmp.storage, clock).randomKey(0))).isEqualTo("after");
    }

    @Test
    void flushingOneDatabaseLeavesTheOthersAndTheirCounters() {
        HashStore hashes = new HashStore(keys);
        for (int i = 0; i < 30; i++) {
            setIn(i % 3, "f" + i, "x", i % 2 == 0 ? 10_000 : 0);
            hashes.set(io.rockhub.core.encoding.StoredKey.of(i % 3, b("h" + i)), List.of(b("f"), b("v")), false);
        }
        assertThat(keys.size(1)).isEqualTo(20);
        keys.flushNamespace(1);
        assertThat(keys.size(1)).isZero();
        assertThat(keys.expiresCount(1)).isZero();
        assertThat(keys.size(0)).isEqualTo(20);
        assertThat(keys.size(2)).isEqualTo(20);
        assertThat(keys.expiresCount(0) + keys.expiresCount(2)).isEqualTo(10);
        assertThat(new KeyScanner(tmp.storage, clock).keys(1, null)).isEmpty();
        assertThat(new KeyScanner(tmp.storage, clock).keys(2, null)).hasSize(20);
        // Nothing of database 1 is left in the versioned families either.
        try (var it = tmp.storage.iterator(ColumnFamily.SUBKEY)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                assertThat(it.key()[0]).isNotEqualTo((byte) 1);
            }
        }
        // The stale expiry entries of database 1 are dropped by the sweeper in their time, not counted.
        assertThat(new HashStore(keys).get(io.rockhub.core.encoding.StoredKey.of(2, b("h2")), b("f")).value()).isEqualTo(b("v"));
    }
}
