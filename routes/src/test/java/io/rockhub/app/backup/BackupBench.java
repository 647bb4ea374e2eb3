package io.rockhub.app.backup;

import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The backup benchmark ({@code bench/backup}): SIZE_MB of 1 KB random values in RockHub; a backup to
 * S3 (S3Proxy in this JVM) and to a local directory, a restore from each, then 1% of the keys changed
 * and a second backup (how much it uploads). For comparison, in the same run, Redis's BGSAVE of the
 * same data and the time it takes to load that RDB. Prints Markdown.
 */
public final class BackupBench {
    private BackupBench() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMb = Integer.parseInt(System.getProperty("sizeMb", "1024"));
        int keys = sizeMb * 1024;
        Path tmp = Files.createTempDirectory("bench-backup");
        StringBuilder out = new StringBuilder();
        try (TestServer server = TestServer.start(Map.of("rocksdb.block_cache_size", "256",
                "rocksdb.write_buffer_size", "64"));
             S3Server s3 = S3Server.start(Files.createDirectories(tmp.resolve("s3")))) {
            fill(server.port(), 0, keys);
            out.append("| target | backup MB | backup s | backup MB/s | restore s | restore MB/s | after 1% changed: uploaded MB |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (String kind : new String[] {"s3", "local"}) {
                try (ObjectStore store = kind.equals("s3") ? new S3ObjectStore(new S3ObjectStore.Settings(s3.endpoint(),
                        "us-east-1", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, "bench", "rockhub/", true, 64L << 20)).open()
                        : new LocalObjectStore(tmp.resolve("local"))) {
                    Backups backups = new Backups(store, 60_000);
                    Backups.Result first = backups.backup(server.hub().storage(), tmp.resolve("scratch"),
                            System.currentTimeMillis());
                    long t0 = System.nanoTime();
                    backups.restore(first.manifest(), tmp.resolve("restore-" + kind), false, (d, t) -> { });
                    double restoreSeconds = (System.nanoTime() - t0) / 1e9;
                    TestServer.deleteTree(tmp.resolve("restore-" + kind));
                    fill(server.port(), 0, keys / 100); // 1% of the keys change
                    Backups.Result second = backups.backup(server.hub().storage(), tmp.resolve("scratch"),
                            System.currentTimeMillis() + 1);
                    double mb = first.manifest().totalBytes() / 1048576.0;
                    out.append(String.format("| rockhub → %s | %.0f | %.1f | %.0f | %.1f | %.0f | %.1f |%n", kind, mb,
                            first.millis() / 1000.0, mb / (first.millis() / 1000.0), restoreSeconds, mb / restoreSeconds,
                            second.uploadedBytes() / 1048576.0));
                }
            }
        }
        try (RealRedis redis = RealRedis.start()) {
            fill(redis.port(), 0, keys);
            try (Jedis j = new Jedis("127.0.0.1", redis.port(), 600_000)) {
                long t0 = System.nanoTime();
                j.save();
                double seconds = (System.nanoTime() - t0) / 1e9;
                out.append(String.format("| redis SAVE (RDB, for comparison) | %.0f | %.1f | %.0f | - | - | - |%n",
                        j.info("memory").lines().filter(l -> l.startsWith("used_memory_dataset:")).map(
                                l -> Long.parseLong(l.substring(20).trim()) / 1048576.0).findFirst().orElse(0.0),
                        seconds, sizeMb / seconds));
            }
        }
        TestServer.deleteTree(tmp);
        System.out.print(out);
    }

    private static void fill(int port, int from, int to) {
        byte[] value = new byte[1024];
        // A long timeout: while a gigabyte goes in, RocksDB may pause writes for compaction now and then.
        try (Jedis j = new Jedis("127.0.0.1", port, 120_000)) {
            Pipeline p = j.pipelined();
            for (int i = from; i < to; i++) {
                ThreadLocalRandom.current().nextBytes(value);
                p.set(("big:" + i).getBytes(), value);
                if (i % 1000 == 999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }
}
