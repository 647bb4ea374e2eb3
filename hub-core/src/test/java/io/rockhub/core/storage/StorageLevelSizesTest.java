package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StorageLevelSizesTest {
    @Test
    void flushedKilobytesAreCountedExactlyOnLevelZero() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            // A new directory holds only its layout version, in the memtable.
            assertThat(s.levelSizes()).hasSize(7).allSatisfy(l -> {
                assertThat(l.files()).isZero();
                assertThat(l.bytes()).isZero();
            });
            s.flushMemtables();
            long filesBefore = s.levelSizes().get(0).files();
            try (Batch b = s.newBatch()) {
                for (int i = 0; i < 100; i++) {
                    b.put(ColumnFamily.METADATA, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[100]);
                }
                s.commit(b);
            }
            s.flushMemtables();

            Storage.LevelSize level0 = s.levelSizes().get(0);
            assertThat(level0.files()).isEqualTo(filesBefore + 1);
            // Well under a megabyte, so a size taken from "rocksdb.levelstats" would read 0.
            assertThat(level0.bytes()).isEqualTo(s.sstBytes()).isPositive();
        }
    }

    @Test
    void aFullCompactionMovesMemtablesAndLevelZeroIntoTheCompressedLastLevel() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            Storage s = tmp.storage;
            // Repetitive JSON-like values: the last level's zstd must shrink them well below their size.
            byte[] value = "{\"status\":\"succeeded\",\"currency\":\"EUR\",\"amount\":1000}".repeat(20)
                    .getBytes(StandardCharsets.UTF_8);
            for (int round = 0; round < 2; round++) {
                try (Batch b = s.newBatch()) {
                    for (int i = 0; i < 2000; i++) {
                        b.put(ColumnFamily.METADATA, ("k" + round + ":" + i).getBytes(StandardCharsets.UTF_8), value);
                    }
                    s.commit(b);
                }
                s.flushMemtables();
            }
            try (Batch b = s.newBatch()) {
                b.put(ColumnFamily.METADATA, "in-the-memtable".getBytes(StandardCharsets.UTF_8), value);
                s.commit(b);
            }
            assertThat(s.levelSizes().get(0).files()).as("two flushes on level 0").isGreaterThanOrEqualTo(2);
            long rawBytes = 4000L * value.length;

            assertThat(s.startFullCompaction()).isTrue();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (s.compacting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(s.compacting()).as("compaction over within 60 s").isFalse();
            java.util.List<Storage.LevelSize> levels = s.levelSizes();
            for (int l = 0; l < 6; l++) {
                assertThat(levels.get(l).files()).as("files on level %d", l).isZero();
            }
            assertThat(levels.get(6).bytes()).as("bytes on the last level").isEqualTo(s.sstBytes())
                    .isPositive().isLessThan(rawBytes / 5);
            assertThat(s.get(ColumnFamily.METADATA, "in-the-memtable".getBytes(StandardCharsets.UTF_8))).isEqualTo(value);
        }
    }
}
