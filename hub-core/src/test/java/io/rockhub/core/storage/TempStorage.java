package io.rockhub.core.storage;

import io.rockhub.core.config.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** A real RocksDB in a temporary directory, deleted on close. */
public final class TempStorage implements AutoCloseable {
    public final Path dir;
    public final Storage storage;

    public TempStorage() throws Exception {
        this(Map.of());
    }

    public TempStorage(Map<String, String> settings) throws Exception {
        dir = Files.createTempDirectory("rockhub-core-test");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("dir", dir.toString());
        all.put("rocksdb.block_cache_size", "8");
        all.put("rocksdb.write_buffer_size", "2");
        all.putAll(settings);
        storage = Storage.open(HubConfig.load(null, all));
    }

    /** Number of records in one column family, by iterating it. */
    public long count(io.rockhub.core.encoding.ColumnFamily cf) {
        long n = 0;
        try (var it = storage.iterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        storage.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
