package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.ColumnFamily;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * rocksdb.metadata_write_buffer_size sizes the metadata family's memtable apart from the others
 * (0: as rocksdb.write_buffer_size, 2 MB in these tests): a memtable is switched by the write that
 * finds it full, so how many of the entries written stay in the active one tells its size.
 */
class MetadataMemtableSizeTest {
    private static final int ENTRIES = 1500; // about 1.5 MB of 1 KB values

    @Test
    void aSmallerMetadataMemtableIsSwitchedSooner() throws Exception {
        try (TempStorage tmp = new TempStorage(Map.of("rocksdb.metadata_write_buffer_size", "1"))) {
            write(tmp.storage, ColumnFamily.METADATA);
            write(tmp.storage, ColumnFamily.SUBKEY);
            assertThat(active(tmp.storage, ColumnFamily.METADATA)).as("switched at about 1 MB").isLessThan(ENTRIES);
            assertThat(active(tmp.storage, ColumnFamily.SUBKEY)).as("2 MB, not full").isEqualTo(ENTRIES);
        }
    }

    @Test
    void byDefaultTheMetadataMemtableIsAsLargeAsTheOthers() throws Exception {
        try (TempStorage tmp = new TempStorage()) {
            write(tmp.storage, ColumnFamily.METADATA);
            assertThat(active(tmp.storage, ColumnFamily.METADATA)).isEqualTo(ENTRIES);
        }
    }

    private static void write(Storage s, ColumnFamily cf) {
        byte[] value = new byte[1024];
        for (int i = 0; i < ENTRIES; i++) {
            try (Batch b = s.newBatch()) {
                b.put(cf, ("key:" + i).getBytes(StandardCharsets.US_ASCII), value);
                s.commit(b);
            }
        }
    }

    private static long active(Storage s, ColumnFamily cf) {
        return s.longProperty(cf, "rocksdb.num-entries-active-mem-table");
    }
}
