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
import org.junit.jupiter.api.Test;

class GroupCommitterTest {
    private static void write(Storage s, String k) {
        try (Batch b = s.newBatch()) {
            b.put(ColumnFamily.METADATA, k.getBytes(StandardCharsets.UTF_8), new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0});
            s.commit(b);
        }
    }

    @Test
    void concurrentWritersShareFsyncsAndEveryoneIsReleased() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            int writers = 16;
            int perWriter = 100;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            AtomicInteger released = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(writers * perWriter);
            for (int w = 0; w < writers; w++) {
                int id = w;
                pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        write(s, "k" + id + ":" + i);
                        long seq = s.latestSequence();
                        CountDownLatch mine = new CountDownLatch(1);
                        Runnable release = () -> {
                            assertThat(s.committer().durableSequence()).isGreaterThanOrEqualTo(seq);
                            released.incrementAndGet();
                            mine.countDown();
                            done.countDown();
                        };
                        if (!s.committer().whenDurable(seq, release)) {
                            release.run();
                        }
                        try {
                            mine.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            pool.shutdown();
            assertThat(released.get()).isEqualTo(writers * perWriter);
            assertThat(s.committer().syncCount()).as("fsyncs for %d writes", writers * perWriter)
                    .isLessThan(writers * perWriter / 2);
        }
    }

    @Test
    void relaxedModeStillWritesTheWalBeforeReleasing() throws Exception {
        try (TempStorage tmp = new TempStorage(Map.of("rocksdb.write_options.sync", "no"))) {
            write(tmp.storage, "k");
            long seq = tmp.storage.latestSequence();
            CountDownLatch written = new CountDownLatch(1);
            if (tmp.storage.committer().whenDurable(seq, written::countDown)) {
                assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(tmp.storage.committer().durableSequence()).isGreaterThanOrEqualTo(seq);
        }
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
}
