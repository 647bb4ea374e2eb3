package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lists: items are subkeys {@code [key][version][u64 index]} filling {@code [head, tail)}, the
 * bounds kept in the metadata, so pushes and pops at either end and LINDEX/LSET are O(1) and LRANGE
 * is O(m). LINSERT and LREM rewrite the list (O(n)), as in kvrocks.
 */
public final class ListStore {
    private final Keyspace keys;

    public ListStore(Keyspace keys) {
        this.keys = keys;
    }

    private static byte[] itemKey(byte[] key, Metadata m, long index) {
        byte[] sub = new byte[8];
        Bytes.putLong(sub, 0, index);
        return InternalKey.encode(key, m.version(), sub);
    }

    /** LPUSH / RPUSH / LPUSHX / RPUSHX: the new length (0 when {@code onlyIfExists} and absent). */
    public Result<Long> push(byte[] key, List<byte[]> items, boolean left, boolean onlyIfExists) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = onlyIfExists ? keys.collection(key, DataType.LIST)
                    : keys.collectionForWrite(key, DataType.LIST);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata m = pushInto(b, key, r.value(), items, left);
            keys.store(b, key, m);
            b.event(KeyEvent.LIST, left ? "lpush" : "rpush", key);
            keys.commit(b);
            return Result.ok(m.size());
        }
    }

    /** SORT ... STORE: {@code key} becomes a list of {@code items} (no TTL), or is deleted when there are none. */
    public long replace(byte[] key, List<byte[]> items) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata old = keys.physical(key);
            if (items.isEmpty()) {
                if (keys.isLive(old)) {
                    keys.remove(b, key, old);
                    b.event(KeyEvent.GENERIC, "del", key);
                }
            } else {
                Metadata fresh = Metadata.collection(DataType.LIST, 0, keys.versions().next(), 0);
                Metadata m = pushInto(b, key, fresh, items, false);
                keys.put(b, key, old, m.withSize(items.size()));
                b.event(KeyEvent.LIST, "sortstore", key);
            }
            keys.commit(b);
            return items.size();
        }
    }

    private static Metadata pushInto(Batch b, byte[] key, Metadata m, List<byte[]> items, boolean left) {
        long head = m.head();
        long tail = m.tail();
        for (byte[] item : items) {
            if (left) {
                head--;
                b.put(ColumnFamily.SUBKEY, itemKey(key, m, head), item);
            } else {
                b.put(ColumnFamily.SUBKEY, itemKey(key, m, tail), item);
                tail++;
            }
        }
        return m.withBounds(head, tail);
    }

    /** LPOP / RPOP: up to {@code count} items; NOT_FOUND for a missing key. */
    public Result<List<byte[]>> pop(byte[] key, long count, boolean left) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.LIST);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            long n = Math.min(count, m.size());
            List<byte[]> out = new ArrayList<>((int) n);
            long head = m.head();
            long tail = m.tail();
            for (long i = 0; i < n; i++) {
                long index = left ? head++ : --tail;
                out.add(keys.storage().get(ColumnFamily.SUBKEY, itemKey(key, m, index)));
                b.delete(ColumnFamily.SUBKEY, itemKey(key, m, index));
            }
            if (n > 0) {
                keys.store(b, key, m.withBounds(head, tail));
                b.event(KeyEvent.LIST, left ? "lpop" : "rpop", key);
                keys.commit(b);
            }
            return Result.ok(out);
        }
    }

    public Result<Long> length(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.LIST);
        return switch (r.status()) {
            case OK -> Result.ok(r.value().size());
            case NOT_FOUND -> Result.ok(0L);
            default -> Result.of(r.status());
        };
    }

    /** LINDEX: the item, or null when out of range or the key is missing. */
    public Result<byte[]> index(byte[] key, long index) {
        Result<Metadata> r = keys.collection(key, DataType.LIST);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(null) : Result.of(r.status());
        }
        Metadata m = r.value();
        long i = index < 0 ? m.size() + index : index;
        if (i < 0 || i >= m.size()) {
            return Result.ok(null);
        }
        return Result.ok(keys.storage().get(ColumnFamily.SUBKEY, itemKey(key, m, m.head() + i)));
    }

    /** LRANGE with Redis's index rules. */
    public Result<List<byte[]>> range(byte[] key, long start, long stop) {
        Result<Metadata> r = keys.collection(key, DataType.LIST);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(List.of()) : Result.of(r.status());
        }
        Metadata m = r.value();
        long[] span = Ranks.clamp(m.size(), start, stop);
        if (span == null) {
            return Result.ok(List.of());
        }
        List<byte[]> out = new ArrayList<>();
        byte[] sub = new byte[8];
        Bytes.putLong(sub, 0, m.head() + span[0]);
        for (Keyspace.Entry e : keys.subkeys(key, m, null, Long.MAX_VALUE, sub, span[1] - span[0] + 1)) {
            out.add(e.value());
        }
        return Result.ok(out);
    }

    /** LSET: OK, NOT_FOUND (no such key) or NOT_APPLIED (index out of range). */
    public Status set(byte[] key, long index, byte[] value) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.LIST);
            if (!r.isOk()) {
                return r.status();
            }
            Metadata m = r.value();
            long i = index < 0 ? m.size() + index : index;
            if (i < 0 || i >= m.size()) {
                return Status.NOT_APPLIED;
            }
            b.put(ColumnFamily.SUBKEY, itemKey(key, m, m.head() + i), value);
            keys.store(b, key, m);
            b.event(KeyEvent.LIST, "lset", key);
            keys.commit(b);
            return Status.OK;
        }
    }

    /** LTRIM: keeps [start, stop]; deletes the rest (range-deleted outside transactions). */
    public Status trim(byte[] key, long start, long stop) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.LIST);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Status.OK : r.status();
            }
            Metadata m = r.value();
            long[] span = Ranks.clamp(m.size(), start, stop);
            long newHead = span == null ? m.tail() : m.head() + span[0];
            long newTail = span == null ? m.tail() : m.head() + span[1] + 1;
            deleteIndexes(b, key, m, m.head(), newHead);
            deleteIndexes(b, key, m, newTail, m.tail());
            keys.store(b, key, m.withBounds(newHead, newTail));
            b.event(KeyEvent.LIST, "ltrim", key);
            keys.commit(b);
            return Status.OK;
        }
    }

    private void deleteIndexes(Batch b, byte[] key, Metadata m, long from, long to) {
        if (from >= to) {
            return;
        }
        if (to - from > 16 && !keys.storage().inTransaction()) {
            b.deleteRange(ColumnFamily.SUBKEY, itemKey(key, m, from), itemKey(key, m, to));
            return;
        }
        for (long i = from; i < to; i++) {
            b.delete(ColumnFamily.SUBKEY, itemKey(key, m, i));
        }
    }

    /** All items, head first. */
    private List<byte[]> all(byte[] key, Metadata m) {
        List<byte[]> out = new ArrayList<>((int) Math.min(m.size(), 1 << 20));
        for (Keyspace.Entry e : keys.subkeys(key, m, null, Long.MAX_VALUE)) {
            out.add(e.value());
        }
        return out;
    }

    /** Replaces the items with {@code items}, keeping the head index. */
    private void rewrite(Batch b, byte[] key, Metadata m, List<byte[]> items) {
        deleteIndexes(b, key, m, m.head(), m.tail());
        long index = m.head();
        for (byte[] item : items) {
            b.put(ColumnFamily.SUBKEY, itemKey(key, m, index++), item);
        }
        keys.store(b, key, m.withBounds(m.head(), index));
    }

    /** LINSERT: the new length, -1 if the pivot is absent, 0 if the key is. */
    public Result<Long> insert(byte[] key, boolean before, byte[] pivot, byte[] value) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.LIST);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            List<byte[]> items = all(key, r.value());
            for (int i = 0; i < items.size(); i++) {
                if (Arrays.equals(items.get(i), pivot)) {
                    items.add(before ? i : i + 1, value);
                    rewrite(b, key, r.value(), items);
                    b.event(KeyEvent.LIST, "linsert", key);
                    keys.commit(b);
                    return Result.ok((long) items.size());
                }
            }
            return Result.ok(-1L);
        }
    }

    /** LREM: removes up to |count| items equal to {@code value} (from the tail when count < 0; all for 0). */
    public Result<Long> remove(byte[] key, long count, byte[] value) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.LIST);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            List<byte[]> items = all(key, r.value());
            // Redis negates a negative count in C: LLONG_MIN stays negative and never equals the
            // number removed, so every match goes (from the tail).
            long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
            long removed = 0;
            if (count >= 0) {
                for (int i = 0; i < items.size() && removed < limit; ) {
                    if (Arrays.equals(items.get(i), value)) {
                        items.remove(i);
                        removed++;
                    } else {
                        i++;
                    }
                }
            } else {
                for (int i = items.size() - 1; i >= 0 && removed < limit; i--) {
                    if (Arrays.equals(items.get(i), value)) {
                        items.remove(i);
                        removed++;
                    }
                }
            }
            if (removed > 0) {
                rewrite(b, key, r.value(), items);
                b.event(KeyEvent.LIST, "lrem", key);
                keys.commit(b);
            }
            return Result.ok(removed);
        }
    }

    /**
     * LPOS: 0-based positions of {@code element}; {@code rank} picks which match to start from
     * (negative: from the tail), {@code count} how many (0 = all), {@code maxLen} how many items to
     * compare (0 = all).
     */
    public Result<List<Long>> positions(byte[] key, byte[] element, long rank, long count, long maxLen) {
        Result<Metadata> r = keys.collection(key, DataType.LIST);
        if (!r.isOk()) {
            return r.status() == Status.NOT_FOUND ? Result.ok(List.of()) : Result.of(r.status());
        }
        List<byte[]> items = all(key, r.value());
        List<Long> out = new ArrayList<>();
        // Redis negates a negative rank; LONG_MIN stays negative and so matches the first hit.
        long skip = rank > 0 ? rank - 1 : rank == Long.MIN_VALUE ? 0 : -(rank + 1);
        long compared = 0;
        int n = items.size();
        for (int k = 0; k < n && (maxLen == 0 || compared < maxLen); k++, compared++) {
            int i = rank > 0 ? k : n - 1 - k;
            if (Arrays.equals(items.get(i), element)) {
                if (skip > 0) {
                    skip--;
                    continue;
                }
                out.add((long) i);
                // Redis stops when matches - rank + 1 >= count, which overflows for LONG_MIN: then
                // COUNT never stops it (the caller takes the first when no COUNT was given).
                if (count != 0 && out.size() >= count && rank != Long.MIN_VALUE) {
                    break;
                }
            }
        }
        return Result.ok(out);
    }

    /** LMOVE / RPOPLPUSH: the moved item, or null when the source is empty. */
    public Result<byte[]> move(byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
        try (KeyLocks.Held held = keys.locks().lock(src, dst); Batch b = keys.storage().newBatch()) {
            Result<Metadata> from = keys.collection(src, DataType.LIST);
            if (from.status() == Status.WRONG_TYPE) {
                return Result.wrongType();
            }
            if (!from.isOk()) {
                return Result.ok(null);
            }
            Result<Metadata> to = keys.collectionForWrite(dst, DataType.LIST);
            if (!to.isOk()) {
                return Result.of(to.status());
            }
            Metadata f = from.value();
            long index = fromLeft ? f.head() : f.tail() - 1;
            byte[] item = keys.storage().get(ColumnFamily.SUBKEY, itemKey(src, f, index));
            b.delete(ColumnFamily.SUBKEY, itemKey(src, f, index));
            Metadata fAfter = fromLeft ? f.withBounds(f.head() + 1, f.tail()) : f.withBounds(f.head(), f.tail() - 1);
            if (Arrays.equals(src, dst)) {
                keys.store(b, dst, pushInto(b, dst, fAfter, List.of(item), toLeft));
            } else {
                keys.store(b, src, fAfter);
                keys.store(b, dst, pushInto(b, dst, to.value(), List.of(item), toLeft));
            }
            // Redis pushes first, then reports the pop (and the source's deletion).
            b.event(KeyEvent.LIST, toLeft ? "lpush" : "rpush", dst);
            b.event(KeyEvent.LIST, fromLeft ? "lpop" : "rpop", src);
            keys.commit(b);
            return Result.ok(item);
        }
    }

    /** RESTORE: writes {@code items} as a new list version; the caller stores the returned record under the key lock. */
    public Metadata writeFresh(Batch b, byte[] key, long expireAt, List<byte[]> items) {
        Metadata fresh = Metadata.collection(DataType.LIST, expireAt, keys.versions().next(), 0);
        return pushInto(b, key, fresh, items, false);
    }
}
