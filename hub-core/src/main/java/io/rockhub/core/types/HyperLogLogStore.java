package io.rockhub.core.types;

import io.rockhub.core.encoding.HyperLogLog;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.List;

/**
 * PFADD, PFCOUNT and PFMERGE on string values in Redis's HyperLogLog format ({@link HyperLogLog}).
 * Like Redis, a single-key PFCOUNT stores the cardinality it computed in the value's cache.
 */
public final class HyperLogLogStore {
    private final Keyspace keys;
    private final StringValues values;

    public HyperLogLogStore(Keyspace keys, StringValues values) {
        this.keys = keys;
        this.values = values;
    }

    /** The live value of {@code key} as a HyperLogLog: OK, NOT_FOUND, WRONG_TYPE or NOT_HLL. */
    private Result<HyperLogLog> read(byte[] key, Metadata m) {
        if (!keys.isLive(m)) {
            return Result.notFound();
        }
        if (!m.type().isString()) {
            return Result.wrongType();
        }
        HyperLogLog hll = HyperLogLog.parse(values.whole(key, m));
        return hll == null ? Result.of(Status.NOT_HLL) : Result.ok(hll);
    }

    private void write(Batch b, byte[] key, Metadata old, HyperLogLog hll) {
        long expireAt = keys.isLive(old) ? old.expireAt() : 0;
        keys.put(b, key, old, Metadata.string(hll.bytes(), expireAt));
    }

    /** PFADD: 1 if the key was created or a register grew, else 0. */
    public Result<Long> add(byte[] key, List<byte[]> elements, int sparseMaxBytes) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            Result<HyperLogLog> r = read(key, m);
            if (!r.isOk() && r.status() != Status.NOT_FOUND) {
                return Result.of(r.status());
            }
            boolean created = !r.isOk();
            HyperLogLog hll = created ? HyperLogLog.empty() : r.value();
            boolean updated = created;
            for (byte[] e : elements) {
                int changed = hll.add(e, sparseMaxBytes);
                if (changed < 0) {
                    // Redis edits the value in place, element by element: what the elements before
                    // the corruption was found changed stays changed.
                    if (updated) {
                        write(b, key, m, hll);
                        keys.commit(b);
                    }
                    return Result.of(Status.CORRUPT_HLL);
                }
                updated |= changed == 1;
            }
            if (updated) {
                hll.invalidateCache(); // even for a new, empty one, as Redis does
                write(b, key, m, hll);
                b.event(KeyEvent.STRING, "pfadd", key);
                keys.commit(b);
            }
            return Result.ok(updated ? 1L : 0L);
        }
    }

    /** PFCOUNT of one key (caching the result in the value) or of the union of several. */
    public Result<Long> count(List<byte[]> keyList) {
        if (keyList.size() == 1) {
            byte[] key = keyList.get(0);
            try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
                Metadata m = keys.physical(key);
                Result<HyperLogLog> r = read(key, m);
                if (r.status() == Status.NOT_FOUND) {
                    return Result.ok(0L);
                }
                if (!r.isOk()) {
                    return Result.of(r.status());
                }
                HyperLogLog hll = r.value();
                if (hll.cacheValid()) {
                    return Result.ok(hll.cached());
                }
                long card = hll.count();
                if (card < 0) {
                    return Result.of(Status.CORRUPT_HLL);
                }
                hll.cache(card);
                write(b, key, m, hll);
                keys.commit(b);
                return Result.ok(card);
            }
        }
        int[] max = new int[HyperLogLog.REGISTERS];
        for (byte[] key : keyList) {
            Result<HyperLogLog> r = read(key, keys.physical(key));
            if (r.status() == Status.NOT_FOUND) {
                continue;
            }
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            if (!r.value().mergeInto(max)) {
                return Result.of(Status.CORRUPT_HLL);
            }
        }
        return Result.ok(HyperLogLog.count(max));
    }

    /** PFMERGE: the destination (itself one of the inputs) becomes the union; OK or an error status. */
    public Status merge(byte[] dest, List<byte[]> sources, int sparseMaxBytes) {
        List<byte[]> all = new ArrayList<>();
        all.add(dest);
        all.addAll(sources);
        try (KeyLocks.Held held = keys.locks().lock(all); Batch b = keys.storage().newBatch()) {
            int[] max = new int[HyperLogLog.REGISTERS];
            boolean dense = false;
            for (byte[] key : all) {
                Result<HyperLogLog> r = read(key, keys.physical(key));
                if (r.status() == Status.NOT_FOUND) {
                    continue;
                }
                if (!r.isOk()) {
                    return r.status();
                }
                dense |= !r.value().isSparse();
                if (!r.value().mergeInto(max)) {
                    return Status.CORRUPT_HLL;
                }
            }
            Metadata m = keys.physical(dest);
            Result<HyperLogLog> current = read(dest, m);
            HyperLogLog hll = current.isOk() ? current.value() : HyperLogLog.empty();
            if (dense && !hll.toDense()) {
                return Status.CORRUPT_HLL;
            }
            hll.raiseAll(max, sparseMaxBytes);
            write(b, dest, m, hll);
            b.event(KeyEvent.STRING, "pfadd", dest);
            keys.commit(b);
            return Status.OK;
        }
    }
}
