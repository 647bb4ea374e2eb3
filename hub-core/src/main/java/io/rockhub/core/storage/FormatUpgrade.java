package io.rockhub.core.storage;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.FormatVersion;
import io.rockhub.core.encoding.StreamGroupCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a data directory written by an older RockHub to the current layout when it is opened
 * (see {@link FormatVersion}). Version 1 stored user keys bare; version 2 puts database namespace 0
 * in front of every one of them (in the metadata key, in front of the length prefix of subkeys, after
 * the deadline or version of expiry and garbage entries, and in a group's dead-letter key).
 *
 * <p>Crash-safe and resumable: a RocksDB checkpoint (hard links, beside the directory) keeps the
 * old data; one batch then removes every old key and records that the copy began; the copy goes
 * in synced batches, each recording how far it got. A crash anywhere resumes from the checkpoint
 * and the recorded position. Counters keep their names (they are namespace 0's), so they carry over.
 */
final class FormatUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(FormatUpgrade.class);
    private static final int BATCH_ENTRIES = 20_000;
    private static final ColumnFamily[] KEYED = {ColumnFamily.METADATA, ColumnFamily.SUBKEY, ColumnFamily.EXPIRE,
        ColumnFamily.GARBAGE, ColumnFamily.ZSET_SCORE, ColumnFamily.STREAM};

    private FormatUpgrade() {
    }

    static Path checkpointDir(Path dir) {
        return dir.resolveSibling(dir.getFileName() + ".format1");
    }

    static void run(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> families, Path dir) throws RocksDBException {
        ColumnFamilyHandle meta = families.get(ColumnFamily.DEFAULT);
        int version = FormatVersion.decode(db.get(meta, FormatVersion.KEY));
        if (version > FormatVersion.CURRENT) {
            throw new StorageException("data directory " + dir + " has layout version " + version
                    + ", newer than this RockHub understands (" + FormatVersion.CURRENT + ")", null);
        }
        if (version == FormatVersion.CURRENT) {
            return;
        }
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            byte[] progress = db.get(meta, FormatVersion.UPGRADE_PROGRESS);
            if (version >= FormatVersion.NAMESPACED && progress == null) {
                // Later versions only add forms a newer reader understands (inline hashes): nothing to copy.
                db.put(meta, sync, FormatVersion.KEY, FormatVersion.encode(FormatVersion.CURRENT));
                LOG.info("data directory {} upgraded from layout {} to {}", dir, version, FormatVersion.CURRENT);
                return;
            }
            if (progress == null && isEmpty(db, families)) {
                db.put(meta, sync, FormatVersion.KEY, FormatVersion.encode(FormatVersion.CURRENT));
                return;
            }
            Path source = checkpointDir(dir);
            if (progress == null) {
                LOG.info("upgrading data directory {} from layout 1 to {}: keeping the old data in {} until done",
                        dir, FormatVersion.CURRENT, source);
                deleteTree(source);
                try (Checkpoint cp = Checkpoint.create(db)) {
                    cp.createCheckpoint(source.toString());
                }
                try (WriteBatch clear = new WriteBatch()) {
                    for (ColumnFamily cf : KEYED) {
                        clearFamily(db, families.get(cf), clear);
                    }
                    progress = new byte[] {(byte) 0xff};
                    clear.put(meta, FormatVersion.UPGRADE_PROGRESS, progress);
                    db.write(sync, clear);
                }
            } else {
                LOG.info("resuming the upgrade of data directory {} from {}", dir, source);
            }
            copy(db, families, source, progress, sync);
            try (WriteBatch done = new WriteBatch()) {
                done.delete(meta, FormatVersion.UPGRADE_PROGRESS);
                done.put(meta, FormatVersion.KEY, FormatVersion.encode(FormatVersion.CURRENT));
                db.write(sync, done);
            }
            deleteTree(source);
            LOG.info("data directory {} upgraded to layout {}", dir, FormatVersion.CURRENT);
        }
    }

    private static boolean isEmpty(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> families) {
        for (ColumnFamily cf : KEYED) {
            try (RocksIterator it = db.newIterator(families.get(cf))) {
                it.seekToFirst();
                if (it.isValid()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void clearFamily(RocksDB db, ColumnFamilyHandle h, WriteBatch b) throws RocksDBException {
        try (RocksIterator it = db.newIterator(h)) {
            it.seekToFirst();
            if (!it.isValid()) {
                return;
            }
            byte[] first = it.key();
            it.seekToLast();
            byte[] last = it.key();
            b.deleteRange(h, first, last);
            b.delete(h, last);
        }
    }

    /** Copies every family from the checkpoint, resuming after {@code progress} ({@code [ordinal][last key]}, 0xff = start). */
    private static void copy(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> families, Path source, byte[] progress,
                             WriteOptions sync) {
        int resumeFamily = progress[0] == (byte) 0xff ? -1 : progress[0];
        byte[] resumeAfter = resumeFamily < 0 ? null : Arrays.copyOfRange(progress, 1, progress.length);
        Storage.readOnly(source, (old, oldFamilies) -> {
            long copied = 0;
            for (ColumnFamily cf : KEYED) {
                if (cf.ordinal() < resumeFamily) {
                    continue;
                }
                ColumnFamilyHandle to = families.get(cf);
                WriteBatch b = new WriteBatch();
                try (RocksIterator it = old.newIterator(oldFamilies.get(cf))) {
                    if (cf.ordinal() == resumeFamily) {
                        it.seek(resumeAfter);
                        if (it.isValid() && Arrays.equals(it.key(), resumeAfter)) {
                            it.next();
                        }
                    } else {
                        it.seekToFirst();
                    }
                    byte[] last = null;
                    for (; it.isValid(); it.next()) {
                        last = it.key();
                        b.put(to, upgradeKey(cf, last), upgradeValue(cf, last, it.value()));
                        if (b.count() >= BATCH_ENTRIES) {
                            commit(db, families, b, cf, last, sync);
                            copied += BATCH_ENTRIES;
                            LOG.info("upgrade: {} records copied ({} so far)", copied, cf.cfName());
                            b.close();
                            b = new WriteBatch();
                        }
                    }
                    if (last != null && b.count() > 0) {
                        copied += b.count();
                        commit(db, families, b, cf, last, sync);
                    }
                } finally {
                    b.close();
                }
            }
            LOG.info("upgrade: {} records copied in all", copied);
            return null;
        });
    }

    private static void commit(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> families, WriteBatch b,
                               ColumnFamily cf, byte[] last, WriteOptions sync) throws RocksDBException {
        byte[] marker = new byte[1 + last.length];
        marker[0] = (byte) cf.ordinal();
        System.arraycopy(last, 0, marker, 1, last.length);
        b.put(families.get(ColumnFamily.DEFAULT), FormatVersion.UPGRADE_PROGRESS, marker);
        db.write(sync, b);
    }

    /** Version 1 key to version 2: namespace 0 in front of the user key (after the u64 of expiry and garbage). */
    static byte[] upgradeKey(ColumnFamily cf, byte[] key) {
        int at = cf == ColumnFamily.EXPIRE || cf == ColumnFamily.GARBAGE ? 8 : 0;
        byte[] out = new byte[key.length + 1];
        System.arraycopy(key, 0, out, 0, at);
        System.arraycopy(key, at, out, at + 1, key.length - at);
        return out;
    }

    /** A group record names its dead-letter stream by key: that key moves to namespace 0 too. */
    static byte[] upgradeValue(ColumnFamily cf, byte[] key, byte[] value) {
        if (cf != ColumnFamily.STREAM) {
            return value;
        }
        int sub = 4 + Bytes.getInt(key, 0) + 8;
        byte[] groupTag = StreamGroupCodec.groupSub(new byte[0]);
        if (key.length < sub + groupTag.length || !Arrays.equals(key, sub, sub + groupTag.length, groupTag, 0, groupTag.length)) {
            return value;
        }
        StreamGroupCodec.GroupRecord g = StreamGroupCodec.decodeGroup(value);
        if (g.deadLetterKey().length == 0) {
            return value;
        }
        return StreamGroupCodec.encode(g.withDeadLetter(g.deadLetterAfter(), upgradeKey(ColumnFamily.METADATA, g.deadLetterKey())));
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove " + p + ": " + e.getMessage(), e);
        }
    }
}
