import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The floor under every durable write: what RocksDB itself (RocksJava, as RockHub uses it) takes to
 * put one 100-byte value under a random key of 100,000 into its memtable, in batches of 1 and 16,
 * with memtables of 64 MB (RockHub's default) and 16 MB; the WAL written but not synced (the fsync
 * is shared by every writer of a group commit, so it is not per entry). Run by bench/floor/run.
 */
public final class MemtableFloor {
    public static void main(String[] args) throws Exception {
        RocksDB.loadLibrary();
        Path root = Path.of(args[0]);
        System.out.println("| memtable | batch | µs per put | puts/s on one core |");
        System.out.println("|---:|---:|---:|---:|");
        for (long mb : new long[] {64, 16}) {
            for (int batch : new int[] {1, 16}) {
                Path dir = Files.createTempDirectory(root, "floor");
                try (Options o = new Options().setCreateIfMissing(true).setWriteBufferSize(mb << 20);
                     RocksDB db = RocksDB.open(o, dir.toString()); WriteOptions wo = new WriteOptions()) {
                    double us = run(db, wo, batch);
                    System.out.printf("| %d MB | %d | %.2f | %,.0f |%n", mb, batch, us, 1e6 / us);
                }
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Puts 1.6M entries (the memtable fills and flushes meanwhile, as under load); times the last two thirds. */
    private static double run(RocksDB db, WriteOptions wo, int batch) throws Exception {
        int keys = 100_000;
        byte[][] pool = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            // Shaped as RockHub stores a string key: a type byte, then the key.
            pool[i] = ("\u0001key:" + String.format("%012d", i)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        byte[] value = new byte[100];
        Random r = new Random(42);
        int total = 1_600_000;
        long start = 0;
        int timed = 0;
        for (int done = 0; done < total; done += batch) {
            if (done >= total / 3 && start == 0) {
                start = System.nanoTime();
                timed = done;
            }
            try (WriteBatch b = new WriteBatch()) {
                for (int i = 0; i < batch; i++) {
                    b.put(pool[r.nextInt(keys)], value);
                }
                db.write(wo, b);
            }
        }
        return (System.nanoTime() - start) / 1e3 / (total - timed);
    }
}
