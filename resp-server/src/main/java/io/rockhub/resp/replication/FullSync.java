package io.rockhub.resp.replication;

import io.rockhub.core.replication.CheckpointManifest;
import io.rockhub.core.replication.DataDirs;
import io.rockhub.core.replication.ReplicationState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's side of a full sync: asks the primary for a checkpoint, copies its files into a
 * staging directory beside the data ({@code <dir>.sync}) in chunks, resuming a copy an earlier
 * attempt left (same checkpoint, files kept by size), verifies every SHA-256, and renames the
 * staging directory to {@code <dir>.ready}. The old data stays untouched and usable until the
 * ready copy is swapped in ({@link DataDirs#installReady}).
 */
final class FullSync {
    private static final Logger LOG = LoggerFactory.getLogger(FullSync.class);
    private static final int CHUNK = 8 << 20;
    private static final String MARKER = "SYNC-CHECKPOINT";

    private final LinkIo io;
    private final Path dataDir;
    private final LongSupplier nanoClock;
    private final LongSupplier maxMegabytesPerSecond;
    private volatile long copied;
    private volatile long total;

    FullSync(LinkIo io, Path dataDir, LongSupplier nanoClock, LongSupplier maxMegabytesPerSecond) {
        this.io = io;
        this.dataDir = dataDir;
        this.nanoClock = nanoClock;
        this.maxMegabytesPerSecond = maxMegabytesPerSecond;
    }

    long copied() {
        return copied;
    }

    long total() {
        return total;
    }

    /** Runs the copy; returns the ready directory, verified. */
    Path run() throws IOException {
        io.send("REPLCONF", "GETCHECKPOINT");
        if (io.arrayHeader() != 4) {
            throw new IOException("unexpected checkpoint description from primary");
        }
        String id = io.bulkString();
        long seq = io.integer();
        String[] history = io.bulkString().split(" ");
        ReplicationState primaryState = new ReplicationState(history[0], history[1], Long.parseLong(history[2]));
        int n = io.arrayHeader();
        List<CheckpointManifest.FileEntry> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            io.arrayHeader();
            files.add(new CheckpointManifest.FileEntry(io.bulkString(), io.integer(), io.bulkString()));
        }
        CheckpointManifest manifest = new CheckpointManifest(id, seq, files);
        total = manifest.totalBytes();

        Path staging = DataDirs.staging(dataDir);
        Path marker = staging.resolve(MARKER);
        if (Files.exists(staging) && !(Files.exists(marker) && Files.readString(marker).equals(id))) {
            DataDirs.deleteTree(staging);
        }
        Files.createDirectories(staging);
        Files.writeString(marker, id);
        LOG.info("full sync: copying checkpoint {} (sequence {}): {} files, {} MB", id, seq, files.size(),
                total / (1 << 20));
        long started = nanoClock.getAsLong();
        long lastLog = started;
        copied = 0;
        long already = 0;
        for (CheckpointManifest.FileEntry f : files) {
            Path local = staging.resolve(f.name());
            already += Files.exists(local) ? Math.min(Files.size(local), f.size()) : 0;
        }
        long fetched = 0;
        if (already > 0) {
            LOG.info("full sync: resuming an interrupted copy of the same checkpoint, {} MB already here",
                    already >> 20);
        }
        for (CheckpointManifest.FileEntry f : files) {
            Path local = staging.resolve(f.name());
            long have = Files.exists(local) ? Files.size(local) : 0;
            if (have > f.size()) {
                Files.delete(local);
                have = 0;
            }
            copied += have;
            try (OutputStream out = Files.newOutputStream(local, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                while (have < f.size()) {
                    io.send("REPLFETCH", id, f.name(), Long.toString(have), Integer.toString(CHUNK));
                    byte[] chunk = io.bulk();
                    if (chunk.length == 0) {
                        throw new IOException("primary sent nothing for " + f.name() + " at " + have);
                    }
                    out.write(chunk);
                    have += chunk.length;
                    copied += chunk.length;
                    fetched += chunk.length;
                    pace(fetched, started);
                    long now = nanoClock.getAsLong();
                    if (now - lastLog > 2_000_000_000L) {
                        lastLog = now;
                        LOG.info("full sync: {} of {} MB ({}%), {} MB/s", copied >> 20, total >> 20,
                                total == 0 ? 100 : copied * 100 / total, rate(copied, now - started));
                    }
                }
            }
            if (!CheckpointManifest.sha256(local).equals(f.sha256())) {
                Files.delete(local);
                throw new IOException("full sync: checksum mismatch for " + f.name() + "; it will be copied again");
            }
        }
        Files.delete(marker);
        primaryState.save(staging);
        Path ready = DataDirs.ready(dataDir);
        DataDirs.deleteTree(ready);
        Files.move(staging, ready);
        LOG.info("full sync: {} MB copied and verified in {} s ({} MB/s); installing", total >> 20,
                (nanoClock.getAsLong() - started) / 1_000_000_000L, rate(total, nanoClock.getAsLong() - started));
        return ready;
    }

    /** Sleeps as long as copying {@code bytes} since {@code startNanos} went faster than max-replication-mb. */
    private void pace(long bytes, long startNanos) throws IOException {
        long limit = maxMegabytesPerSecond.getAsLong();
        if (limit <= 0) {
            return;
        }
        long due = startNanos + (long) (bytes * 1e9 / (limit << 20));
        long wait = due - nanoClock.getAsLong();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("full sync interrupted");
            }
        }
    }

    private static long rate(long bytes, long nanos) {
        return nanos <= 0 ? 0 : (long) (bytes / (nanos / 1e9) / (1 << 20));
    }
}
