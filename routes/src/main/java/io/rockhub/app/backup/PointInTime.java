package io.rockhub.app.backup;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.replication.WalBatch;
import io.rockhub.core.storage.Storage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Restores to a point: the newest backup at or before the target, then the shipped WAL after it, up
 * to the target sequence or time, applied batch by batch (so the result's sequence numbers are the
 * original server's). A hole in the shipped WAL before the target is an error, not a shorter restore.
 */
public final class PointInTime {
    private final ObjectStore store;

    public PointInTime(ObjectStore store) {
        this.store = store;
    }

    /** What to restore: one backup exactly, a sequence number, a time, or everything there is. */
    public record Target(String backupId, Long sequence, Long timeMillis) {
        public static Target backup(String id) {
            return new Target(id, null, null);
        }

        public static Target sequence(long seq) {
            return new Target(null, seq, null);
        }

        public static Target time(long millis) {
            return new Target(null, null, millis);
        }

        public static Target latest() {
            return new Target(null, null, null);
        }
    }

    /** The backup restored, the WAL batches replayed after it, and the sequence the result holds. */
    public record Outcome(BackupManifest backup, long replayedBatches, long sequence) {
    }

    public Outcome restore(Backups backups, Target target, Path dir, boolean force, Backups.Progress progress)
            throws IOException {
        BackupManifest base = choose(backups, target);
        backups.restore(base, dir, force, progress);
        if (target.backupId() != null) {
            return new Outcome(base, 0, base.sequence());
        }
        return replay(base, target, dir);
    }

    private BackupManifest choose(Backups backups, Target target) throws IOException {
        if (target.backupId() != null) {
            return backups.find(target.backupId());
        }
        BackupManifest chosen = null;
        for (BackupManifest m : backups.list()) {
            boolean fits = target.sequence() != null ? m.sequence() <= target.sequence()
                    : target.timeMillis() == null || m.createdMillis() <= target.timeMillis();
            if (fits) {
                chosen = m;
            }
        }
        if (chosen == null) {
            throw new IOException("no backup at or before the target in " + store.describe());
        }
        return chosen;
    }

    private Outcome replay(BackupManifest base, Target target, Path dir) throws IOException {
        HubConfig config;
        try {
            config = HubConfig.load(null, Map.of("dir", dir.toString(), "rocksdb.block_cache_size", "16"));
        } catch (io.rockhub.core.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
        long replayed = 0;
        // The backup's own layout, untouched: its shipped WAL is in that layout and must follow it
        // sequence for sequence. The server upgrades the result when it opens it.
        try (Storage storage = Storage.open(config, false)) {
            long latest = storage.latestSequence();
            outer:
            for (String key : store.list(WalShipper.PREFIX)) {
                if (WalShipper.lastSequenceOf(key) <= latest) {
                    continue;
                }
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(store.getBytes(key)));
                byte[] magic = in.readNBytes(WalShipper.MAGIC.length);
                if (!Arrays.equals(magic, WalShipper.MAGIC)) {
                    throw new IOException("shipped WAL segment " + key + " is not a RockHub WAL segment");
                }
                while (true) {
                    long seq;
                    try {
                        seq = in.readLong();
                    } catch (EOFException end) {
                        break;
                    }
                    long count = in.readLong();
                    long at = in.readLong();
                    byte[] data = in.readNBytes(in.readInt());
                    WalBatch b = new WalBatch(seq, count, data);
                    if (b.lastSequence() <= latest) {
                        continue;
                    }
                    if ((target.sequence() != null && b.lastSequence() > target.sequence())
                            || (target.timeMillis() != null && at > target.timeMillis())) {
                        break outer;
                    }
                    if (b.sequence() != latest + 1) {
                        throw new IOException("the shipped WAL has a hole: after sequence " + latest + " comes " + seq
                                + " (" + key + "); the restore cannot reach the target");
                    }
                    storage.applyReplicated(b);
                    latest = b.lastSequence();
                    replayed++;
                }
            }
            if (target.sequence() != null && latest < target.sequence()) {
                throw new IOException("the shipped WAL ends at sequence " + latest + ", before the target "
                        + target.sequence() + "; the restore cannot reach it");
            }
            storage.syncWal();
            return new Outcome(base, replayed, latest);
        }
    }

    /** WAL segments whose batches all precede {@code sequence} (nothing a kept backup needs). */
    static List<String> segmentsBefore(ObjectStore store, long sequence) throws IOException {
        return store.list(WalShipper.PREFIX).stream()
                .filter(k -> WalShipper.lastSequenceOf(k) <= sequence).toList();
    }
}
