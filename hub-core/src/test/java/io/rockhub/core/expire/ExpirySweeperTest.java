package io.rockhub.core.expire;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.ExpiryChange;
import io.rockhub.core.types.HashStore;
import io.rockhub.core.types.ListStore;
import io.rockhub.core.types.SetStore;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.StringStore;
import io.rockhub.core.types.StringStore.Condition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExpirySweeperTest {
    private TempStorage tmp;
    private ManualClock clock;
    private Keyspace keys;
    private StringStore strings;

    @BeforeEach
    void open() throws Exception {
        tmp = new TempStorage(Map.of("rocksdb.compression_per_level", "no"));
        clock = new ManualClock(1_700_000_000_000L);
        keys = new Keyspace(tmp.storage, clock);
        strings = new StringStore(keys);
    }

    @AfterEach
    void close() throws Exception {
        tmp.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sweeperRemovesOnlyDueKeysAndKeepsCountersExact() {
        for (int i = 0; i < 100; i++) {
            strings.set(b("due" + i), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 1000), false);
            strings.set(b("later" + i), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 60_000), false);
            strings.set(b("forever" + i), b("v"), Condition.ALWAYS, ExpiryChange.CLEAR, false);
        }
        keys.expireAt(b("due0"), clock.millis() + 120_000, io.rockhub.core.types.ExpireCondition.ALWAYS);
        ExpirySweeper sweeper = new ExpirySweeper(keys, 10_000, Long.MAX_VALUE);
        assertThat(sweeper.runOnce()).isZero();
        clock.advance(1000);
        assertThat(sweeper.runOnce()).isEqualTo(99);
        assertThat(keys.size()).isEqualTo(201);
        assertThat(keys.expiresCount()).isEqualTo(101);
        assertThat(keys.live(b("due0"))).as("re-armed TTL survives").isNotNull();
        assertThat(sweeper.expiredKeys()).isEqualTo(99);
        sweeper.close();
    }

    @Test
    void passesDoNotStepOverTheTombstonesOfResetTtlsOrOfSweptKeys() {
        ExpirySweeper sweeper = new ExpirySweeper(keys, 10_000, Long.MAX_VALUE);
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 500; i++) { // each re-set, a second later, deletes the previous index entry
                strings.set(b("k" + i), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 3_600_000 + round * 1000L), false);
            }
        }
        for (int i = 0; i < 2000; i++) {
            strings.set(b("soon" + i), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 1000), false);
        }
        sweeper.runOnce();
        clock.advance(1000);
        assertThat(sweeper.runOnce()).isEqualTo(2000);
        clock.advance(2000);
        sweeper.runOnce(); // the last pass whose margin for writes in flight reaches back to them
        clock.advance(100);
        long skipped = tmp.storage.deletedEntriesSkipped(sweeper::runOnce);
        assertThat(skipped).as("index entries deleted before this pass, stepped over by it").isLessThan(100);
        assertThat(keys.live(b("k1"))).isNotNull();
        clock.advance(3_600_000 + 20_000);
        assertThat(sweeper.runOnce()).as("the re-set TTLs expire").isEqualTo(500);
        sweeper.close();
    }

    @Test
    void anIndexEntryBehindTheResumePointIsSweptByTheFullScanWithinAMinute() {
        ExpirySweeper sweeper = new ExpirySweeper(keys, 10_000, Long.MAX_VALUE);
        sweeper.runOnce();
        clock.advance(30_000);
        sweeper.runOnce();
        // The clock stepped back between passes: a deadline behind where the passes resume.
        clock.advance(-25_000);
        strings.set(b("late"), b("v"), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 1000), false);
        clock.advance(25_100);
        assertThat(sweeper.runOnce()).isZero();
        assertThat(keys.live(b("late"))).as("logically expired meanwhile").isNull();
        clock.advance(30_000);
        assertThat(sweeper.runOnce()).isEqualTo(1);
        assertThat(keys.size()).isZero();
        sweeper.close();
    }

    @Test
    void expiredDataLeavesTheDiskWithoutWaitingForCompaction() {
        Random r = new Random(1);
        byte[] value = new byte[4096];
        for (int i = 0; i < 5000; i++) {
            r.nextBytes(value);
            strings.set(b("idem:" + i), value.clone(), Condition.ALWAYS, ExpiryChange.at(clock.millis() + 1000), false);
        }
        tmp.storage.flushMemtables();
        long before = tmp.storage.sstBytes();
        assertThat(before).isGreaterThan(15_000_000L);
        clock.advance(1000);
        ExpirySweeper sweeper = new ExpirySweeper(keys, 100_000, 1024 * 1024);
        assertThat(sweeper.runOnce()).isEqualTo(5000);
        long after = tmp.storage.sstBytes();
        assertThat(after).as("SST bytes after sweeping %d bytes", before).isLessThan(before / 10);
        assertThat(keys.size()).isZero();
        sweeper.close();
    }

    @Test
    void deadCollectionVersionsAreRangeDeleted() {
        long version = keys.versions().next();
        Metadata hash = Metadata.collection(DataType.HASH, 0, version, 1000);
        try (Batch batch = tmp.storage.newBatch()) {
            keys.put(batch, b("big"), null, hash);
            for (int i = 0; i < 1000; i++) {
                batch.put(ColumnFamily.SUBKEY, InternalKey.encode(b("big"), version, b("f" + i)), b("v"));
            }
            keys.commit(batch);
        }
        assertThat(keys.delete(List.of(b("big")))).isEqualTo(1);
        assertThat(subkeys()).as("DEL is O(1): subkeys stay until swept").isEqualTo(1000);
        ExpirySweeper sweeper = new ExpirySweeper(keys, 1000, Long.MAX_VALUE);
        sweeper.runOnce();
        assertThat(subkeys()).isZero();
        assertThat(sweeper.reclaimedVersions()).isEqualTo(1);
        sweeper.close();
    }

    @Test
    void expiredCollectionsOfEveryTypeLeaveNoSubkeysBehind() {
        HashStore hashes = new HashStore(keys);
        ZSetStore zsets = new ZSetStore(keys);
        ListStore lists = new ListStore(keys);
        SetStore sets = new SetStore(keys);
        hashes.set(b("h"), List.of(b("f"), b("v"), b("g"), b("w")), false);
        zsets.add(b("z"), List.of(new ZSetStore.ScoredMember(b("a"), 1), new ZSetStore.ScoredMember(b("b"), 2)),
                ZSetStore.AddOptions.NONE);
        lists.push(b("l"), List.of(b("x"), b("y")), false, false);
        sets.add(b("s"), List.of(b("m")));
        for (String k : List.of("h", "z", "l", "s")) {
            keys.expireAt(b(k), clock.millis() + 500, io.rockhub.core.types.ExpireCondition.ALWAYS);
        }
        clock.advance(1000); // their index entries fall on the next whole second
        ExpirySweeper sweeper = new ExpirySweeper(keys, 1000, Long.MAX_VALUE);
        sweeper.runOnce();
        assertThat(keys.size()).isZero();
        assertThat(tmp.count(ColumnFamily.SUBKEY)).isZero();
        assertThat(tmp.count(ColumnFamily.ZSET_SCORE)).isZero();
        assertThat(tmp.count(ColumnFamily.GARBAGE)).isZero();
        sweeper.close();
    }

    @Test
    void aTtlSetAgainWithinItsSecondLeavesTheIndexAloneAndTheKeyIsSweptAtThatSecond() {
        ExpirySweeper sweeper = new ExpirySweeper(keys, 10_000, Long.MAX_VALUE);
        long start = clock.millis();
        for (int i = 1; i <= 400; i++) {
            strings.set(b("session"), b("v" + i), Condition.ALWAYS, ExpiryChange.at(start + i), false);
        }
        assertThat(tmp.count(ColumnFamily.EXPIRE)).isEqualTo(1);
        assertThat(tmp.storage.deletedEntriesSkipped(() -> tmp.count(ColumnFamily.EXPIRE)))
                .as("no index entry was deleted: the deadline never left its second").isZero();
        clock.advance(400);
        assertThat(keys.live(b("session"))).as("gone for readers at its deadline").isNull();
        assertThat(sweeper.runOnce()).as("its index entry is due at the next whole second").isZero();
        clock.advance(600);
        assertThat(sweeper.runOnce()).isEqualTo(1);
        assertThat(tmp.count(ColumnFamily.EXPIRE)).isZero();
        assertThat(keys.expiresCount()).isZero();
        sweeper.close();
    }

    @Test
    void indexEntriesOfTheEarlierLayoutAtTheDeadlineItselfAreStillSwept() {
        long start = clock.millis();
        strings.set(b("old"), b("v"), Condition.ALWAYS, ExpiryChange.at(start + 250), false);
        strings.set(b("moved"), b("v"), Condition.ALWAYS, ExpiryChange.at(start + 250), false);
        for (String k : List.of("old", "moved")) {
            try (Batch batch = tmp.storage.newBatch()) { // as layout 3 indexed them
                batch.delete(ColumnFamily.EXPIRE, io.rockhub.core.encoding.ExpireKey.of(start + 250, b(k)).encode());
                batch.put(ColumnFamily.EXPIRE, new io.rockhub.core.encoding.ExpireKey(start + 250, b(k)).encode(), new byte[0]);
                keys.commit(batch);
            }
        }
        // Moved within its second by this layout: the index is left as it is, the layout-3 entry stays.
        keys.expireAt(b("moved"), start + 700, io.rockhub.core.types.ExpireCondition.ALWAYS);
        ExpirySweeper sweeper = new ExpirySweeper(keys, 10_000, Long.MAX_VALUE);
        clock.advance(250);
        assertThat(sweeper.runOnce()).as("the key at its exact entry").isEqualTo(1);
        assertThat(keys.live(b("moved"))).isNotNull();
        clock.advance(750);
        assertThat(sweeper.runOnce()).as("the moved key, re-indexed when its stale entry was met").isEqualTo(1);
        assertThat(tmp.count(ColumnFamily.EXPIRE)).isZero();
        assertThat(keys.size()).isZero();
        assertThat(keys.expiresCount()).isZero();
        sweeper.close();
    }

    private long subkeys() {
        return tmp.count(ColumnFamily.SUBKEY);
    }
}
