package io.rockhub.resp.replication;

import io.rockhub.core.replication.CheckpointManifest;
import io.rockhub.core.replication.DataDirs;
import io.rockhub.core.storage.Storage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of a full sync: a RocksDB checkpoint beside the data directory
 * ({@code <dir>.checkpoints/<sequence>}), its manifest, and its files served in chunks so a replica
 * can resume an interrupted copy. A recent checkpoint is reused, so replicas that need a copy at the
 * same time share one.
 */
final class CheckpointSource {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSource.class);

    private final Storage storage;
    private final Path root;
    private CheckpointManifest current;
    private long createdAt;

    CheckpointSource(Storage storage) {
        this.storage = storage;
        this.root = storage.dir().resolveSibling(storage.dir().getFileName() + ".checkpoints");
    }

    /** The checkpoint to copy: a recent one, or a new one (older ones are removed). */
    synchronized CheckpointManifest checkpoint(long reuseMillis, long now) {
        if (current != null && now - createdAt <= reuseMillis && Files.isDirectory(root.resolve(current.id()))
                && continuable(current.sequence())) {
            return current;
        }
        long started = System.nanoTime();
        Path tmp = root.resolve("tmp-" + now);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
        long seq = storage.createCheckpoint(tmp);
        String id = Long.toString(seq);
        Path dir = root.resolve(id);
        try {
            if (Files.exists(dir)) {
                DataDirs.deleteTree(dir);
            }
            Files.move(tmp, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install checkpoint " + dir, e);
        }
        CheckpointManifest m = CheckpointManifest.of(id, seq, dir);
        LOG.info("full sync: checkpoint {} at sequence {}: {} files, {} bytes, made in {} ms", dir, seq,
                m.files().size(), m.totalBytes(), (System.nanoTime() - started) / 1_000_000);
        removeAllBut(id);
        current = m;
        createdAt = now;
        return m;
    }

    /** Whether a replica installing a checkpoint at {@code seq} can continue from the WAL after it. */
    private boolean continuable(long seq) {
        try (io.rockhub.core.storage.WalCursor cursor = storage.walFrom(seq + 1)) {
            return cursor.covers();
        }
    }

    /** Up to {@code length} bytes of a checkpoint file from {@code offset}; empty at the end. */
    byte[] read(String id, String name, long offset, int length) throws IOException {
        if (name.contains("/") || name.contains("..") || id.contains("/") || id.contains("..")) {
            throw new IOException("bad file name " + id + "/" + name);
        }
        Path f = root.resolve(id).resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long size = raf.length();
            int n = (int) Math.max(0, Math.min(length, size - offset));
            byte[] out = new byte[n];
            raf.seek(offset);
            raf.readFully(out);
            return out;
        }
    }

    private void removeAllBut(String keep) {
        try (Stream<Path> list = Files.list(root)) {
            for (Path p : list.toList()) {
                if (!p.getFileName().toString().equals(keep)) {
                    DataDirs.deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot remove old checkpoints in {}", root, e);
        }
    }
}
