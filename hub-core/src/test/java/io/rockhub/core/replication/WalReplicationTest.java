package io.rockhub.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.storage.StorageException;
import io.rockhub.core.storage.TempStorage;
import io.rockhub.core.storage.WalCursor;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.ExpiryChange;
import io.rockhub.core.types.HashStore;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.StringStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replication primitives on real RocksDB: WAL batches shipped and applied unchanged, checkpoints. */
class WalReplicationTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Keyspace keys, int from, int to) {
        StringStore strings = new StringStore(keys);
        HashStore hashes = new HashStore(keys);
        for (int i = from; i < to; i++) {
            strings.set(b("k" + i), b("v" + i), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
            hashes.set(b("h" + (i % 10)), List.of(b("f" + i), b("x")), false);
        }
    }

    /** Every record of every family, as hex, in key order: two databases are equal when these are. */
    private static List<String> dump(TempStorage t) {
        List<String> out = new ArrayList<>();
        for (ColumnFamily cf : ColumnFamily.values()) {
            try (var it = t.storage.iterator(cf)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    out.add(cf + ":" + HexFormat.of().formatHex(it.key()) + "=" + HexFormat.of().formatHex(it.value()));
                }
            }
        }
        return out;
    }

    private static long ship(TempStorage primary, TempStorage replica) {
        long shipped = 0;
        try (WalCursor cursor = primary.storage.walFrom(replica.storage.latestSequence() + 1)) {
            assertThat(cursor.covers()).isTrue();
            for (WalBatch batch; (batch = cursor.poll()) != null; shipped++) {
                replica.storage.applyReplicated(batch);
            }
        }
        return shipped;
    }

    @Test
    void batchesAppliedUnchangedLeaveEqualSequencesAndBytes() throws Exception {
        try (TempStorage primary = new TempStorage(); TempStorage replica = new TempStorage()) {
            Keyspace keys = new Keyspace(primary.storage, new ManualClock(1_000), 0);
            write(keys, 0, 500);
            primary.storage.syncWal();
            assertThat(ship(primary, replica)).isEqualTo(1000);
            assertThat(replica.storage.latestSequence()).isEqualTo(primary.storage.latestSequence());
            assertThat(dump(replica)).isEqualTo(dump(primary));

            write(keys, 500, 600); // the cursor follows a growing WAL
            primary.storage.syncWal();
            assertThat(ship(primary, replica)).isEqualTo(200);
            assertThat(dump(replica)).isEqualTo(dump(primary));

            for (int round = 0; round < 5; round++) { // and new (recycled) WAL files after flushes
                primary.storage.flushMemtables();
                write(keys, 600 + round * 50, 650 + round * 50);
                primary.storage.syncWal();
                assertThat(ship(primary, replica)).isEqualTo(100);
            }
            assertThat(replica.storage.latestSequence()).isEqualTo(primary.storage.latestSequence());
            assertThat(dump(replica)).isEqualTo(dump(primary));
        }
    }

    @Test
    void appliedBatchesReportTheUserKeysTheyChanged() throws Exception {
        try (TempStorage primary = new TempStorage(); TempStorage replica = new TempStorage()) {
            Keyspace keys = new Keyspace(primary.storage, new ManualClock(1_000), 0);
            long first = primary.storage.latestSequence() + 1; // after the layout version a new directory records
            write(keys, 0, 1);
            primary.storage.syncWal();
            List<String> touched = new ArrayList<>();
            try (WalCursor cursor = primary.storage.walFrom(first)) {
                for (WalBatch batch; (batch = cursor.poll()) != null; ) {
                    replica.storage.describe(batch).keys().forEach(k -> touched.add(new String(k)));
                    replica.storage.applyReplicated(batch);
                }
            }
            assertThat(touched).containsExactly("k0", "h0");
        }
    }

    @Test
    void aBatchThatDoesNotFollowIsRefused() throws Exception {
        try (TempStorage primary = new TempStorage(); TempStorage replica = new TempStorage()) {
            Keyspace keys = new Keyspace(primary.storage, new ManualClock(1_000), 0);
            long first = primary.storage.latestSequence() + 1;
            write(keys, 0, 3);
            primary.storage.syncWal();
            try (WalCursor cursor = primary.storage.walFrom(first)) {
                cursor.poll();
                WalBatch second = cursor.poll();
                assertThatThrownBy(() -> replica.storage.applyReplicated(second)).isInstanceOf(StorageException.class)
                        .hasMessageContaining("does not follow");
            }
        }
    }

    @Test
    void aGapThatLeftTheWalIsReportedNotSkipped() throws Exception {
        try (TempStorage primary = new TempStorage(Map.of("rocksdb.wal_ttl_seconds", "0",
                "rocksdb.wal_size_limit_mb", "0"))) {
            Keyspace keys = new Keyspace(primary.storage, new ManualClock(1_000), 0);
            write(keys, 0, 100);
            primary.storage.syncWal();
            try (WalCursor cursor = primary.storage.walFrom(1)) {
                assertThat(cursor.covers()).isTrue();
            }
            // Flushes make the WAL files holding sequence 1 obsolete; later writes reuse them.
            for (int round = 0; round < 6; round++) {
                primary.storage.flushMemtables();
                write(keys, 100 + round * 100, 200 + round * 100);
                primary.storage.syncWal();
            }
            try (WalCursor cursor = primary.storage.walFrom(1)) {
                assertThat(cursor.covers()).isFalse();
            }
            try (WalCursor cursor = primary.storage.walFrom(primary.storage.latestSequence() + 1)) {
                assertThat(cursor.covers()).as("nothing missed yet").isTrue();
                assertThat(cursor.poll()).isNull();
            }
        }
    }

    @Test
    void checkpointsKnowTheirSequenceAndDigestTheirFiles(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        try (TempStorage primary = new TempStorage()) {
            Keyspace keys = new Keyspace(primary.storage, new ManualClock(1_000), 0);
            write(keys, 0, 200);
            Path target = tmp.resolve("cp");
            long seq = primary.storage.createCheckpoint(target);
            assertThat(seq).isEqualTo(primary.storage.latestSequence());
            CheckpointManifest m = CheckpointManifest.of("cp1", seq, target);
            assertThat(m.files()).extracting(CheckpointManifest.FileEntry::name).contains("CURRENT");
            assertThat(m.files()).allSatisfy(f -> assertThat(f.sha256()).hasSize(64));
            assertThat(m.totalBytes()).isPositive();
        }
    }

    @Test
    void replicationStateSurvivesAndPromotionKeepsTheOldHistory(@org.junit.jupiter.api.io.TempDir Path dir) {
        ReplicationState s = ReplicationState.fresh();
        s.save(dir);
        assertThat(ReplicationState.load(dir)).isEqualTo(s);
        ReplicationState promoted = s.promoted(41);
        assertThat(promoted.replid()).isNotEqualTo(s.replid());
        assertThat(promoted.continues(s.replid(), 42)).as("a replica that had everything up to 41").isTrue();
        assertThat(promoted.continues(s.replid(), 43)).as("an old primary that wrote past the promotion").isFalse();
        assertThat(promoted.continues(ReplicationState.newId(), 1)).isFalse();
    }
}
