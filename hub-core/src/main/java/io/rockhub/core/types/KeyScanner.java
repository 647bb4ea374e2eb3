package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.storage.Storage;
import io.rockhub.core.time.Clock;
import io.rockhub.core.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.rocksdb.RocksIterator;

/**
 * Walks the keyspace in RocksDB key order for SCAN, KEYS and RANDOMKEY, hiding expired keys.
 * A pattern's literal prefix bounds the walk. Thread-safe; reads committed state only.
 */
public final class KeyScanner {
    private final Storage storage;
    private final Clock clock;

    public KeyScanner(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * A page of SCAN: the user keys found and the stored key of the last key visited, or null when
     * the scan is complete.
     */
    public record ScanPage(List<byte[]> keys, byte[] resumeAfter) {
    }

    /**
     * Visits up to {@code count} keys of a namespace after the stored key {@code after} (exclusive;
     * null = from the start), returning the user keys of those that exist and match {@code pattern}
     * (null = all) and {@code type} (null = any).
     */
    public ScanPage scan(int namespace, byte[] after, byte[] pattern, long count, DataType type) {
        List<byte[]> out = new ArrayList<>();
        byte[] prefix = StoredKey.scanPrefix(namespace, pattern == null ? new byte[0] : Glob.literalPrefix(pattern));
        int skip = StoredKey.prefixLength(prefix);
        long now = clock.millis();
        try (RocksIterator it = storage.iterator(ColumnFamily.METADATA)) {
            if (after == null || compare(after, prefix) < 0) {
                it.seek(prefix);
            } else {
                it.seek(after);
                if (it.isValid() && java.util.Arrays.equals(it.key(), after)) {
                    it.next();
                }
            }
            long visited = 0;
            byte[] last = null;
            while (it.isValid() && visited < count) {
                byte[] key = it.key();
                if (!io.rockhub.core.encoding.Bytes.startsWith(key, prefix)) {
                    return new ScanPage(out, null);
                }
                visited++;
                last = key;
                byte[] raw = it.value();
                if (!(Metadata.peekExpireAt(raw) != 0 && Metadata.peekExpireAt(raw) <= now)
                        && (type == null || type.sameRedisType(Metadata.peekType(raw)))
                        && (pattern == null || Glob.matches(pattern, key, skip, false))) {
                    out.add(java.util.Arrays.copyOfRange(key, skip, key.length));
                }
                it.next();
            }
            if (!it.isValid() || !io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix)) {
                return new ScanPage(out, null);
            }
            return new ScanPage(out, last);
        }
    }

    /** KEYS: every existing key of a namespace matching the pattern. */
    public List<byte[]> keys(int namespace, byte[] pattern) {
        if (pattern != null && pattern.length == 1 && pattern[0] == '*') {
            pattern = null; // Redis's shortcut for "all keys", which lists even the empty key
        }
        List<byte[]> out = new ArrayList<>();
        byte[] after = null;
        do {
            ScanPage page = scan(namespace, after, pattern, 10_000, null);
            out.addAll(page.keys());
            after = page.resumeAfter();
        } while (after != null);
        return out;
    }

    /**
     * The user keys of up to {@code limit} existing keys stored from {@code from} (included) to
     * {@code to} (excluded), in stored order: in cluster mode one hash slot is such a range.
     */
    public List<byte[]> keysBetween(byte[] from, byte[] to, long limit) {
        List<byte[]> out = new ArrayList<>();
        long now = clock.millis();
        try (RocksIterator it = storage.iterator(ColumnFamily.METADATA)) {
            for (it.seek(from); it.isValid() && out.size() < limit && compare(it.key(), to) < 0; it.next()) {
                long exp = Metadata.peekExpireAt(it.value());
                if (exp == 0 || exp > now) {
                    out.add(StoredKey.user(it.key()));
                }
            }
        }
        return out;
    }

    /** Whether any key, expired or not, is stored from {@code from} (included) to {@code to} (excluded). */
    public boolean anyBetween(byte[] from, byte[] to) {
        try (RocksIterator it = storage.iterator(ColumnFamily.METADATA)) {
            it.seek(from);
            return it.isValid() && compare(it.key(), to) < 0;
        }
    }

    /** RANDOMKEY: a random existing user key of a namespace, or null if there is none. */
    public byte[] randomKey(int namespace) {
        long now = clock.millis();
        byte[] probe = new byte[8];
        ThreadLocalRandom.current().nextBytes(probe);
        byte[] start = StoredKey.namespaceStart(namespace);
        try (RocksIterator it = storage.iterator(ColumnFamily.METADATA)) {
            for (int pass = 0; pass < 2; pass++) {
                it.seek(pass == 0 ? StoredKey.of(namespace, probe) : start);
                for (int tries = 0; it.isValid() && tries < 10_000 && it.key()[0] == start[0]; tries++, it.next()) {
                    long exp = Metadata.peekExpireAt(it.value());
                    if (exp == 0 || exp > now) {
                        return StoredKey.user(it.key());
                    }
                }
            }
        }
        return null;
    }

    private static int compare(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }
}
