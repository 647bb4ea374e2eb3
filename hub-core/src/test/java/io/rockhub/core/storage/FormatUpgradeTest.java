package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.FormatVersion;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.encoding.StreamGroupCodec;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.time.ManualClock;
import io.rockhub.core.types.ExpireCondition;
import io.rockhub.core.types.ExpiryChange;
import io.rockhub.core.types.HashStore;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.ListStore;
import io.rockhub.core.types.SetStore;
import io.rockhub.core.types.StreamGroups;
import io.rockhub.core.types.StreamStore;
import io.rockhub.core.types.StringStore;
import io.rockhub.core.types.ZSetStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

/**
 * A directory written in layout 1 (keys bare) opens as layout 2 with every record where the new
 * layout puts it. The layout-1 directory is made from real store writes by taking namespace 0 out of
 * every key again, so every family and value that names a key is covered.
 */
class FormatUpgradeTest {
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] k(String s) {
        return StoredKey.of(0, b(s));
    }

    private Storage open(Path dir) throws Exception {
        return Storage.open(HubConfig.load(null, Map.of("dir", dir.toString(), "rocksdb.block_cache_size", "8")));
    }

    private static final ColumnFamily[] KEYED = {ColumnFamily.METADATA, ColumnFamily.SUBKEY, ColumnFamily.EXPIRE,
        ColumnFamily.GARBAGE, ColumnFamily.ZSET_SCORE, ColumnFamily.STREAM};

    /** Every record of every family, as hex, in key order. */
    private static List<String> dump(Storage s) {
        List<String> out = new ArrayList<>();
        for (ColumnFamily cf : ColumnFamily.values()) {
            try (RocksIterator it = s.iterator(cf)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    out.add(cf + ":" + HexFormat.of().formatHex(it.key()) + "=" + HexFormat.of().formatHex(it.value()));
                }
            }
        }
        return out;
    }

    private void writeEverything(Storage s) {
        Keyspace keys = new Keyspace(s, new ManualClock(1_000), 0);
        new StringStore(keys).set(k("s"), b("v"), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        new StringStore(keys).set(k("ttl"), b("v"), StringStore.Condition.ALWAYS, ExpiryChange.CLEAR, false);
        keys.expireAt(k("ttl"), 50_000, ExpireCondition.ALWAYS);
        new HashStore(keys).set(k("h"), List.of(b("f"), b("1"), b("g"), b("2")), false);
        new SetStore(keys).add(k("set"), List.of(b("a"), b("b")));
        new ZSetStore(keys).add(k("z"), List.of(new ZSetStore.ScoredMember(b("m"), 1.5)), ZSetStore.AddOptions.NONE);
        ListStore lists = new ListStore(keys);
        lists.push(k("l"), List.of(b("x"), b("y")), false, false);
        lists.push(k("gone"), List.of(b("x")), false, false);
        keys.delete(List.of(k("gone"))); // leaves a garbage entry
        StreamStore streams = new StreamStore(keys);
        streams.add(k("st"), false, StreamStore.IdSpec.of(new StreamId(5, 0)), List.of(b("f"), b("v")), null);
        StreamGroups groups = new StreamGroups(keys, streams);
        groups.create(k("st"), b("g"), StreamId.MIN, false, null);
        groups.setDeadLetter(k("st"), b("g"), 3, k("dlq"));
        s.syncWal();
    }

    /** Takes namespace 0 out of every key (and of a group's dead-letter key): layout 1. */
    private static void downgrade(Storage s) {
        try (Batch b = s.newBatch()) {
            for (ColumnFamily cf : KEYED) {
                try (RocksIterator it = s.iterator(cf)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        byte[] key = it.key();
                        int at = cf == ColumnFamily.EXPIRE || cf == ColumnFamily.GARBAGE ? 8 : 0;
                        assertThat(key[at]).isZero();
                        byte[] old = new byte[key.length - 1];
                        System.arraycopy(key, 0, old, 0, at);
                        System.arraycopy(key, at + 1, old, at, key.length - at - 1);
                        byte[] value = it.value();
                        if (cf == ColumnFamily.STREAM && old.length > 4 + Bytes.getInt(old, 0) + 8 + 16
                                && old[4 + Bytes.getInt(old, 0) + 8 + 16] == 'G') {
                            StreamGroupCodec.GroupRecord g = StreamGroupCodec.decodeGroup(value);
                            value = StreamGroupCodec.encode(g.withDeadLetter(g.deadLetterAfter(), StoredKey.user(g.deadLetterKey())));
                        }
                        b.delete(cf, key);
                        b.put(cf, old, value);
                    }
                }
            }
            b.delete(ColumnFamily.DEFAULT, FormatVersion.KEY);
            s.commit(b);
        }
        s.syncWal();
    }

    @Test
    void aLayoutTwoDirectoryOnlyHasItsVersionRecordedWhenOpened() throws Exception {
        Path dir = tmp.resolve("data2");
        List<String> expected;
        try (Storage s = open(dir)) {
            writeEverything(s);
            expected = dump(s);
            try (Batch b = s.newBatch()) {
                b.put(ColumnFamily.DEFAULT, FormatVersion.KEY, FormatVersion.encode(FormatVersion.NAMESPACED));
                s.commit(b);
            }
        }
        try (Storage s = open(dir)) {
            assertThat(s.get(ColumnFamily.DEFAULT, FormatVersion.KEY)).isEqualTo(FormatVersion.encode(FormatVersion.CURRENT));
            assertThat(dump(s)).isEqualTo(expected);
        }
        assertThat(Files.exists(FormatUpgrade.checkpointDir(dir))).as("nothing copied").isFalse();
    }

    @Test
    void aLayoutOneDirectoryIsUpgradedWhenOpened() throws Exception {
        Path dir = tmp.resolve("data");
        List<String> expected;
        try (Storage s = open(dir)) {
            writeEverything(s);
            expected = dump(s);
            downgrade(s);
            assertThat(dump(s)).isNotEqualTo(expected);
        }
        try (Storage s = open(dir)) {
            assertThat(dump(s)).isEqualTo(expected);
            assertThat(s.get(ColumnFamily.DEFAULT, FormatVersion.KEY)).isEqualTo(FormatVersion.encode(FormatVersion.CURRENT));
            Keyspace keys = new Keyspace(s, new ManualClock(2_000), 0);
            assertThat(new HashStore(keys).get(k("h"), b("g")).value()).isEqualTo(b("2"));
            assertThat(keys.size(0)).isEqualTo(7);
            assertThat(keys.expiresCount(0)).isEqualTo(1);
        }
        assertThat(Files.exists(FormatUpgrade.checkpointDir(dir))).as("the old data is removed once upgraded").isFalse();
    }

    @Test
    void anUpgradeCutShortResumesFromWhereItStopped() throws Exception {
        Path dir = tmp.resolve("data");
        Path source = FormatUpgrade.checkpointDir(dir);
        List<String> expected;
        try (Storage s = open(dir)) {
            writeEverything(s);
            expected = dump(s);
            downgrade(s);
            // What a crash leaves once the metadata family was copied: the checkpoint of the old
            // data, the old keys gone, the metadata copied, the progress marker at its last key.
            s.createCheckpoint(source);
            try (Batch b = s.newBatch()) {
                byte[] lastMeta = null;
                for (ColumnFamily cf : KEYED) {
                    try (RocksIterator it = s.iterator(cf)) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            b.delete(cf, it.key());
                            if (cf == ColumnFamily.METADATA) {
                                b.put(cf, FormatUpgrade.upgradeKey(cf, it.key()), it.value());
                                lastMeta = it.key();
                            }
                        }
                    }
                }
                byte[] marker = new byte[1 + lastMeta.length];
                marker[0] = (byte) ColumnFamily.METADATA.ordinal();
                System.arraycopy(lastMeta, 0, marker, 1, lastMeta.length);
                b.put(ColumnFamily.DEFAULT, FormatVersion.UPGRADE_PROGRESS, marker);
                s.commit(b);
            }
            s.syncWal();
        }
        try (Storage s = open(dir)) {
            List<String> actual = dump(s);
            assertThat(actual).isEqualTo(expected);
        }
        assertThat(Files.exists(source)).isFalse();
    }

    /**
     * A point-in-time restore of a backup taken before the upgrade: the backup (layout 1) takes the
     * layout-1 WAL written after it without being upgraded first, and is upgraded when opened after.
     */
    @Test
    void aLayoutOneBackupTakesItsWalThenUpgrades() throws Exception {
        Path live = tmp.resolve("live");
        Path backup = tmp.resolve("backup");
        try (Storage s = open(live)) {
            writeEverything(s);
            downgrade(s);
        }
        long base;
        try (Storage s = Storage.open(HubConfig.load(null, Map.of("dir", live.toString(), "rocksdb.block_cache_size", "8",
                "rocksdb.wal_ttl_seconds", "3600")), false)) {
            base = s.createCheckpoint(backup);
            // What the old server wrote after the backup: a layout-1 string record "late".
            try (Batch b = s.newBatch()) {
                b.put(ColumnFamily.METADATA, b("late"), io.rockhub.core.encoding.Metadata.string(b("v"), 0).encode());
                b.put(ColumnFamily.DEFAULT, io.rockhub.core.encoding.Counters.KEYS,
                        io.rockhub.core.encoding.Counters.operand(s.counter(io.rockhub.core.encoding.Counters.KEYS) + 1));
                s.commit(b);
            }
            s.syncWal();
            try (Storage restored = Storage.open(HubConfig.load(null, Map.of("dir", backup.toString(),
                    "rocksdb.block_cache_size", "8")), false); WalCursor cursor = s.walFrom(base + 1)) {
                assertThat(restored.latestSequence()).isEqualTo(base);
                for (io.rockhub.core.replication.WalBatch batch; (batch = cursor.poll()) != null; ) {
                    restored.applyReplicated(batch);
                }
                restored.syncWal();
            }
        }
        try (Storage s = open(backup)) {
            Keyspace keys = new Keyspace(s, new ManualClock(2_000), 0);
            assertThat(new StringStore(keys).get(k("late")).value()).isEqualTo(b("v"));
            assertThat(new HashStore(keys).get(k("h"), b("g")).value()).isEqualTo(b("2"));
            assertThat(keys.size(0)).isEqualTo(8);
        }
    }

    @Test
    void aNewDirectoryStartsAtTheCurrentLayout() throws Exception {
        try (Storage s = open(tmp.resolve("fresh"))) {
            assertThat(FormatVersion.decode(s.get(ColumnFamily.DEFAULT, FormatVersion.KEY))).isEqualTo(FormatVersion.CURRENT);
        }
    }
}
