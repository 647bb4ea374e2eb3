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
}
