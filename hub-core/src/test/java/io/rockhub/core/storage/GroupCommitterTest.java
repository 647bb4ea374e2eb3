package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rocksdb.TickerType;

/**
 * Durability is checked against RocksDB's own count of WAL fsyncs ({@code WAL_FILE_SYNCED}), not
 * against our counters: a committer that flushed without fsync would release every waiter and pass
 * a crash test (SIGKILL keeps the page cache), but not these.
 */
class GroupCommitterTest {
    private static void write(Storage s, String k) {
        try (Batch b = s.newBatch()) {
            b.put(ColumnFamily.METADATA, k.getBytes(StandardCharsets.UTF_8), new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0});
            s.commit(b);
        }
    }

    private static long walFsyncs(Storage s) {
        return s.ticker(TickerType.WAL_FILE_SYNCED);
    }

    /** Waits for the release of {@code seq}, running {@code onRelease} first, on whichever thread releases it. */
    private static void awaitRelease(Storage s, long seq, Runnable onRelease) throws InterruptedException {
        CountDownLatch mine = new CountDownLatch(1);
        Runnable release = () -> {
            onRelease.run();
            mine.countDown();
        };
        if (!s.committer().whenDurable(seq, release)) {
            release.run();
        }
        assertThat(mine.await(30, TimeUnit.SECONDS)).as("released within 30 s").isTrue();
    }

    @Test
    void inSyncModeEveryReleasedWriteWasFsyncedByRocksDbAndWritersShareTheFsyncs() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            int writers = 16;
            int perWriter = 100;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            AtomicInteger released = new AtomicInteger();
            AtomicInteger releasedWithoutFsync = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(writers);
            for (int w = 0; w < writers; w++) {
                int id = w;
                pool.submit(() -> {
                    try {
                        for (int i = 0; i < perWriter; i++) {
                            // Counted before the write: an fsync that covers it can only finish after it.
                            long fsyncsBeforeWrite = walFsyncs(s);
                            write(s, "k" + id + ":" + i);
                            long seq = s.latestSequence();
                            awaitRelease(s, seq, () -> {
                                // Released only by a WAL fsync that finished after the write was made.
                                if (walFsyncs(s) <= fsyncsBeforeWrite || s.committer().durableSequence() < seq) {
                                    releasedWithoutFsync.incrementAndGet();
                                }
                                released.incrementAndGet();
                            });
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();
            assertThat(released.get()).isEqualTo(writers * perWriter);
            assertThat(releasedWithoutFsync.get()).as("writes released before RocksDB fsynced the WAL").isZero();
            assertThat(walFsyncs(s)).as("RocksDB counts at least the fsyncs the committer claims")
                    .isGreaterThanOrEqualTo(s.committer().fsyncCount());
            assertThat(s.committer().fsyncCount()).as("sync mode fsyncs on every flush")
                    .isEqualTo(s.committer().flushCount());
            assertThat(s.committer().fsyncCount()).as("fsyncs for %d writes", writers * perWriter)
                    .isLessThan(writers * perWriter / 2);
        }
    }

    @Test
    void aHeldFlushHoldsTheReleaseAndTheFsyncComesBeforeIt() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            CountDownLatch gate = new CountDownLatch(1);
            AtomicLong heldTarget = new AtomicLong(-1);
            s.committer().beforeEachFlush(target -> {
                heldTarget.accumulateAndGet(target, Math::max);
                try {
                    gate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long fsyncsBefore = walFsyncs(s);
            write(s, "k");
            long seq = s.latestSequence();
            CountDownLatch released = new CountDownLatch(1);
            AtomicLong fsyncsAtRelease = new AtomicLong();
            assertThat(s.committer().whenDurable(seq, () -> {
                fsyncsAtRelease.set(walFsyncs(s));
                released.countDown();
            })).as("a fresh write is not durable yet").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (heldTarget.get() < seq && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(heldTarget.get()).as("the flush that covers the write has begun").isGreaterThanOrEqualTo(seq);
            // The only thread that releases waiters is the one held in the hook.
            assertThat(released.getCount()).as("released while its flush was held").isEqualTo(1);
            assertThat(s.committer().durableSequence()).isLessThan(seq);
            gate.countDown();
            assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fsyncsAtRelease.get()).as("RocksDB fsynced the WAL before the release").isGreaterThan(fsyncsBefore);
            s.committer().beforeEachFlush(null);
        }
    }

    @Test
    void relaxedModeReleasesWithoutFsyncAndFsyncsAboutOnceASecond() throws Exception {
        try (TempStorage tmp = new TempStorage(Map.of("rocksdb.write_options.sync", "no"))) {
            Storage s = tmp.storage;
            long start = System.nanoTime();
            long fsyncsBefore = walFsyncs(s);
            int writes = 300;
            for (int i = 0; i < writes; i++) {
                write(s, "k" + i);
                long seq = s.latestSequence();
                awaitRelease(s, seq, () -> { });
                assertThat(s.committer().durableSequence()).isGreaterThanOrEqualTo(seq);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(walFsyncs(s) - fsyncsBefore).as("fsyncs for %d released writes in %d s", writes, seconds)
                    .isLessThanOrEqualTo(seconds + 2);
            // ... and the last second's writes still reach the disk, like appendfsync everysec.
            long seq = s.latestSequence();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (walFsyncs(s) == fsyncsBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(walFsyncs(s)).as("an fsync within a few seconds of the writes").isGreaterThan(fsyncsBefore);
            assertThat(s.committer().durableSequence()).isGreaterThanOrEqualTo(seq);
        }
    }

    @Test
    void relaxedModeWritesTheWalFileOnTheCallersThreadAndSyncModeLeavesItToTheSyncThread() throws Exception {
        try (TempStorage tmp = new TempStorage(Map.of("rocksdb.write_options.sync", "no"))) {
            Storage s = tmp.storage;
            // The sync thread's once-a-second flush is held: only writeThrough can write the file.
            CountDownLatch syncThreadHeld = new CountDownLatch(1);
            s.committer().beforeEachFlush(target -> {
                try {
                    syncThreadHeld.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            write(s, "written-through-key");
            long seq = s.latestSequence();
            assertThat(walFilesContain(tmp.dir, "written-through-key")).as("in RocksDB's WAL buffer only").isFalse();
            assertThat(s.committer().writeThrough(seq)).isTrue();
            assertThat(walFilesContain(tmp.dir, "written-through-key")).as("in the WAL file after writeThrough").isTrue();
            assertThat(s.committer().durableSequence()).isGreaterThanOrEqualTo(seq);

            s.committer().setSyncMode(true);
            write(s, "k2");
            assertThat(s.committer().writeThrough(s.latestSequence())).as("sync mode needs the fsync round").isFalse();
            syncThreadHeld.countDown();
            s.committer().beforeEachFlush(null);
        }
    }

    private static boolean walFilesContain(java.nio.file.Path dir, String key) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                String text = new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (text.contains(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void durableModeDefersUntilTheSyncCoversTheSequence() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            write(tmp.storage, "k");
            long seq = tmp.storage.latestSequence();
            CountDownLatch synced = new CountDownLatch(1);
            if (tmp.storage.committer().whenDurable(seq, synced::countDown)) {
                assertThat(synced.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(tmp.storage.committer().durableSequence()).isGreaterThanOrEqualTo(seq);
            assertThat(tmp.storage.committer().whenDurable(seq, () -> { })).isFalse();
        }
    }

    /**
     * A writer alone (several syncs in a row found nobody else) fsyncs on its own thread: RocksDB
     * counts the fsync before the call returns, and the durable point covers the write. A second
     * writer's waiter, or a flush hook, sends the writes back to the sync thread's shared rounds.
     */
    @Test
    void aLoneWriterFsyncsOnItsOwnThreadAndOverlappingWritersShareTheSyncThread() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            GroupCommitter c = s.committer();
            write(s, "first");
            assertThat(c.syncThrough(s.latestSequence(), 1)).as("no lone rounds seen yet").isFalse();
            awaitRelease(s, s.latestSequence(), () -> { });
            for (int i = 0; i < GroupCommitter.LONE_ROUNDS; i++) {
                write(s, "lone" + i);
                awaitRelease(s, s.latestSequence(), () -> { });
            }
            write(s, "inline");
            long seq = s.latestSequence();
            long fsyncsBefore = walFsyncs(s);
            assertThat(c.durableSequence()).isLessThan(seq);
            assertThat(c.syncThrough(seq, 1)).as("a lone writer syncs itself").isTrue();
            assertThat(walFsyncs(s)).as("fsynced by RocksDB before the call returned").isGreaterThan(fsyncsBefore);
            assertThat(c.durableSequence()).isGreaterThanOrEqualTo(seq);
            assertThat(c.syncThrough(s.latestSequence(), 2)).as("a batch of two clients shares the rounds").isFalse();

            // Another writer queues while one waits: both go to the sync thread from then on.
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            c.beforeEachFlush(target -> {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            write(s, "hooked");
            assertThat(c.syncThrough(s.latestSequence(), 1)).as("a flush hook keeps flushes on the sync thread").isFalse();
            CountDownLatch bothReleased = new CountDownLatch(2);
            c.whenDurable(s.latestSequence(), bothReleased::countDown);
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            write(s, "second writer");
            c.whenDurable(s.latestSequence(), bothReleased::countDown);
            c.beforeEachFlush(null);
            release.countDown();
            assertThat(bothReleased.await(30, TimeUnit.SECONDS)).isTrue();
            write(s, "after");
            assertThat(c.syncThrough(s.latestSequence(), 1)).as("writers overlapped: shared rounds again").isFalse();
        }
    }
}
