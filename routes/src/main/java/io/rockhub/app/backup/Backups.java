package io.rockhub.app.backup;

import io.rockhub.core.replication.CheckpointManifest;
import io.rockhub.core.replication.DataDirs;
import io.rockhub.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint backups in an {@link ObjectStore}. A backup is a RocksDB checkpoint: its SST and blob
 * files are immutable, so each is stored once under {@code files/<name>.<sha256 prefix>} and shared
 * by every later backup that still has it (incremental by construction); the checkpoint's other
 * files go under {@code backups/<id>/}, and the manifest ({@code backups/<id>/manifest}) is written
 * last. Restore verifies every SHA-256; verify restores into a scratch directory and checks the key
 * count and digest against the manifest. Retention deletes only what no kept backup references.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectStore store;
    private final long retryMillis;
    private final java.util.concurrent.atomic.AtomicLong uploadRetries = new java.util.concurrent.atomic.AtomicLong();

    /** @param retryMillis how long an upload is retried (with back-off) while the store is unreachable */
    public Backups(ObjectStore store, long retryMillis) {
        this.store = store;
        this.retryMillis = retryMillis;
    }

    /** An upload, retried with back-off until {@code retryMillis} passed: a store that comes back lets the backup finish. */
    private void upload(String what, IoAction action) throws IOException {
        long deadline = System.nanoTime() + retryMillis * 1_000_000;
        long backoff = 100;
        while (true) {
            try {
                action.run();
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                uploadRetries.incrementAndGet();
                LOG.warn("upload of {} failed ({}); retrying in {} ms", what, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** Uploads that failed and were tried again, since this instance was made. */
    public long uploadRetries() {
        return uploadRetries.get();
    }

    public ObjectStore store() {
        return store;
    }

    /** What a backup did: the manifest, and how many files and bytes it actually uploaded. */
    public record Result(BackupManifest manifest, int uploadedFiles, long uploadedBytes, long millis) {
    }

    /** Makes a checkpoint of {@code storage} in {@code scratch} (which must not exist) and uploads it. */
    public synchronized Result backup(Storage storage, Path scratch, long nowMillis) throws IOException {
        long started = System.nanoTime();
        Path checkpoint = scratch.resolve("checkpoint");
        Files.createDirectories(scratch);
        try {
            long seq = storage.createCheckpoint(checkpoint);
            Storage.DirectoryFacts facts = Storage.inspect(checkpoint);
            String id = ID_TIME.format(Instant.ofEpochMilli(nowMillis)) + "-" + String.format("%015d", seq);
            CheckpointManifest files = CheckpointManifest.of(id, seq, checkpoint);
            List<BackupManifest.Entry> entries = new ArrayList<>();
            int uploaded = 0;
            long uploadedBytes = 0;
            for (CheckpointManifest.FileEntry f : files.files()) {
                String key = shared(f.name()) ? "files/" + f.name() + "." + f.sha256().substring(0, 16)
                        : "backups/" + id + "/" + f.name();
                boolean[] present = {false};
                if (shared(f.name())) {
                    upload(key, () -> present[0] = store.exists(key));
                }
                if (!present[0]) {
                    upload(key, () -> store.put(key, checkpoint.resolve(f.name())));
                    uploaded++;
                    uploadedBytes += f.size();
                }
                entries.add(new BackupManifest.Entry(f.name(), f.size(), f.sha256(), key));
            }
            BackupManifest m = new BackupManifest(id, nowMillis, seq, facts.keys(), facts.digest().records(),
                    facts.digest().sha256(), List.copyOf(entries));
            upload(manifestKey(id), () -> store.putBytes(manifestKey(id), m.encode()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.info("backup {} at sequence {}: {} keys, {} files ({} bytes), uploaded {} files ({} bytes) to {} in {} ms",
                    id, seq, m.keys(), entries.size(), m.totalBytes(), uploaded, uploadedBytes, store.describe(), millis);
            return new Result(m, uploaded, uploadedBytes, millis);
        } finally {
            DataDirs.deleteTree(scratch);
        }
    }

    /** SST and blob files never change once written: stored once, shared by backups. */
    private static boolean shared(String name) {
        return name.endsWith(".sst") || name.endsWith(".blob");
    }

    private static String manifestKey(String id) {
        return "backups/" + id + "/manifest";
    }

    /** Every complete backup (those with a manifest), oldest first. */
    public List<BackupManifest> list() throws IOException {
        List<BackupManifest> out = new ArrayList<>();
        for (String key : store.list("backups/")) {
            if (key.endsWith("/manifest")) {
                out.add(BackupManifest.decode(store.getBytes(key)));
            }
        }
        out.sort(Comparator.comparingLong(BackupManifest::sequence).thenComparing(BackupManifest::id));
        return out;
    }

    /** The backup with this id, or the newest when {@code id} is null. */
    public BackupManifest find(String id) throws IOException {
        if (id != null) {
            if (!store.exists(manifestKey(id))) {
                throw new IOException("no backup " + id + " in " + store.describe());
            }
            return BackupManifest.decode(store.getBytes(manifestKey(id)));
        }
        List<BackupManifest> all = list();
        if (all.isEmpty()) {
            throw new IOException("no backup in " + store.describe());
        }
        return all.get(all.size() - 1);
    }

    /** Progress of a long restore: bytes done and to do. */
    public interface Progress {
        void report(long done, long total);
    }

    /**
     * Downloads a backup into {@code target}, verifying every file's SHA-256; refuses a non-empty
     * target unless {@code force}. The files land in {@code <target>.restoring} and are renamed into
     * place only when all of them verified.
     */
    public BackupManifest restore(BackupManifest m, Path target, boolean force, Progress progress) throws IOException {
        if (Files.isDirectory(target) && !isEmpty(target)) {
            if (!force) {
                throw new IOException("refusing to restore into non-empty " + target + " (use --force to replace it)");
            }
        }
        Path tmp = target.toAbsolutePath().resolveSibling(target.getFileName() + ".restoring");
        DataDirs.deleteTree(tmp);
        Files.createDirectories(tmp);
        long done = 0;
        for (BackupManifest.Entry f : m.files()) {
            Path local = tmp.resolve(f.name());
            store.get(f.objectKey(), local);
            String sha = CheckpointManifest.sha256(local);
            long size = Files.size(local);
            if (!sha.equals(f.sha256()) || size != f.size()) {
                DataDirs.deleteTree(tmp);
                throw new IOException("backup " + m.id() + " is corrupt: " + f.objectKey() + " has SHA-256 " + sha
                        + " and " + size + " bytes, the manifest says " + f.sha256() + " and " + f.size());
            }
            done += f.size();
            progress.report(done, m.totalBytes());
        }
        if (Files.exists(target)) {
            DataDirs.deleteTree(target);
        }
        Files.move(tmp, target);
        LOG.info("restored backup {} (sequence {}, {} keys) into {}", m.id(), m.sequence(), m.keys(), target);
        return m;
    }

    /** What verify found. */
    public record Verification(BackupManifest manifest, boolean ok, String report) {
    }

    /** Restores into {@code scratch}, opens it read-only and compares its key count and digest with the manifest. */
    public Verification verify(BackupManifest m, Path scratch) throws IOException {
        Path target = scratch.resolve("restore");
        try {
            restore(m, target, true, (d, t) -> { });
            Storage.DirectoryFacts facts = Storage.inspect(target);
            boolean ok = facts.keys() == m.keys() && facts.digest().sha256().equals(m.digest())
                    && facts.digest().records() == m.records() && facts.digest().sequence() == m.sequence();
            String report = String.format("backup %s: %s (sequence %d, %d keys, %d records, digest %s%s)", m.id(),
                    ok ? "OK" : "MISMATCH", facts.digest().sequence(), facts.keys(), facts.digest().records(),
                    facts.digest().sha256(), ok ? "" : "; manifest says sequence " + m.sequence() + ", " + m.keys()
                            + " keys, " + m.records() + " records, digest " + m.digest());
            return new Verification(m, ok, report);
        } finally {
            DataDirs.deleteTree(scratch);
        }
    }

    /**
     * Keeps the newest {@code keepLast} backups and any younger than {@code maxAgeMillis} (0 = no age
     * rule), and always the newest one; deletes the others and every shared file no kept backup
     * names. Returns the ids deleted.
     */
    public synchronized List<String> retain(int keepLast, long maxAgeMillis, long nowMillis) throws IOException {
        List<BackupManifest> all = list();
        List<BackupManifest> keep = new ArrayList<>();
        List<BackupManifest> drop = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            BackupManifest m = all.get(i);
            boolean newest = i >= all.size() - Math.max(1, keepLast);
            boolean young = maxAgeMillis > 0 && nowMillis - m.createdMillis() <= maxAgeMillis;
            (newest || young ? keep : drop).add(m);
        }
        Set<String> referenced = new HashSet<>();
        keep.forEach(m -> m.files().forEach(f -> referenced.add(f.objectKey())));
        List<String> deleted = new ArrayList<>();
        for (BackupManifest m : drop) {
            // The manifest goes first: a backup is either listed and whole, or gone.
            store.delete(manifestKey(m.id()));
            for (String key : store.list("backups/" + m.id() + "/")) {
                store.delete(key);
            }
            deleted.add(m.id());
        }
        for (String key : store.list("files/")) {
            if (!referenced.contains(key)) {
                store.delete(key);
            }
        }
        // Shipped WAL older than the oldest kept backup can no longer be replayed onto anything.
        long oldestKept = keep.stream().mapToLong(BackupManifest::sequence).min().orElse(-1);
        for (String key : PointInTime.segmentsBefore(store, oldestKept)) {
            store.delete(key);
        }
        if (!deleted.isEmpty()) {
            LOG.info("retention: deleted backups {}, kept {}", deleted, keep.stream().map(BackupManifest::id).toList());
        }
        return deleted;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
