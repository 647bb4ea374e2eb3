package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InlineEntries;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.util.Numbers;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hashes: metadata holds the field count and, while the hash is small, every field and value
 * ({@link InlineEntries}: one record to write and read); past that each field is a subkey
 * {@code [key][version][field]} holding its value. Owns every hash read-modify-write, under the key lock from read to commit.
 * Fields come back in byte order (Redis's order is its hash table's; clients must not rely on it).
 */
public final class HashStore {
    private final Keyspace keys;

    public HashStore(Keyspace keys) {
        this.keys = keys;
    }

    /** HSET / HMSET / HSETNX: how many fields were created. */
    public Result<Long> set(byte[] key, List<byte[]> fieldValues, boolean onlyNewFields) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collectionForWrite(key, DataType.HASH);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            Map<ByteBuffer, Boolean> seen = new HashMap<>();
            long added = 0;
            List<Keyspace.Entry> known = known(key, m);
            // Which fields exist, asked of RocksDB at once (a feature-store HSET names several).
            List<byte[]> present = null;
            if (known == null && m.size() > 0) {
                List<byte[]> fields = new ArrayList<>(fieldValues.size() / 2);
                for (int i = 0; i < fieldValues.size(); i += 2) {
                    fields.add(fieldValues.get(i));
                }
                present = keys.subkeys(key, m, fields);
            }
            List<byte[]> written = onlyNewFields ? new ArrayList<>(2) : fieldValues;
            for (int i = 0; i < fieldValues.size(); i += 2) {
                byte[] field = fieldValues.get(i);
                Boolean existed = seen.get(ByteBuffer.wrap(field));
                if (existed == null) {
                    existed = known != null ? EntrySnapshots.indexOf(known, field) >= 0
                            : present != null && present.get(i / 2) != null;
                }
                if (!existed) {
                    added++;
                } else if (onlyNewFields) {
                    continue;
                }
                seen.put(ByteBuffer.wrap(field), true);
                if (onlyNewFields) {
                    written.add(field);
                    written.add(fieldValues.get(i + 1));
                }
            }
            if (added > 0 || !onlyNewFields) {
                write(b, key, m, known, written, List.of(), m.size() + added, "hset");
            }
            return Result.ok(added);
        }
    }

    /** The hash's fields if known without reading RocksDB (always for a new or inline hash), else null. */
    private List<Keyspace.Entry> known(byte[] key, Metadata m) {
        return m.size() == 0 ? List.of() : keys.knownEntries(key, m);
    }

    /**
     * Commits a change of fields: {@code puts} (field and value pairs, a later pair winning) and
     * {@code removed}, leaving {@code newSize} fields. A new or inline hash that still fits stays one
     * record ({@link InlineEntries}); one that no longer fits moves to a subkey per field, at its version
     * (it had none there); a hash already in subkeys takes subkey writes.
     *
     * @param known the fields before: never null for a new or inline hash
     */
    private void write(Batch b, byte[] key, Metadata m, List<Keyspace.Entry> known, List<byte[]> puts,
                       List<byte[]> removed, long newSize, String event) {
        if (m.inlineEntries() || m.size() == 0) {
            keys.storeEntries(b, key, m, EntrySnapshots.with(known, puts, removed), InlineEntries.MAX_ENTRIES,
                    e -> b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.sub()), e.value()));
        } else {
            for (int i = 0; i + 1 < puts.size(); i += 2) {
                b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), puts.get(i)), puts.get(i + 1));
            }
            for (byte[] f : removed) {
                b.delete(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), f));
            }
            Metadata neu = m.withSize(newSize);
            keys.store(b, key, neu);
            keys.declareChange(neu, known, puts, removed);
        }
        b.event(KeyEvent.HASH, event, key);
        keys.commit(b);
    }

    public Result<byte[]> get(byte[] key, byte[] field) {
        Result<Metadata> r = keys.collection(key, DataType.HASH);
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        byte[] v = keys.subkey(key, r.value(), field);
        return v == null ? Result.notFound() : Result.ok(v);
    }

    /** HMGET: values in order, null for missing fields; NOT_FOUND reads as all null. */
    public Result<List<byte[]>> multiGet(byte[] key, List<byte[]> fields) {
        Result<Metadata> r = keys.collection(key, DataType.HASH);
        if (r.status() == Status.WRONG_TYPE) {
            return Result.wrongType();
        }
        List<byte[]> out = new ArrayList<>(fields.size());
        for (byte[] f : fields) {
            out.add(r.isOk() ? keys.subkey(key, r.value(), f) : null);
        }
        return Result.ok(out);
    }

    /** HDEL: fields removed; the hash disappears with its last field. */
    public Result<Long> delete(byte[] key, List<byte[]> fields) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.HASH);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = keys.knownEntries(key, m);
            Map<ByteBuffer, Boolean> done = new HashMap<>();
            List<byte[]> gone = new ArrayList<>();
            long removed = 0;
            for (byte[] f : fields) {
                if (done.putIfAbsent(ByteBuffer.wrap(f), true) != null) {
                    continue;
                }
                if (keys.subkey(key, m, known, f) != null) {
                    gone.add(f);
                    removed++;
                }
            }
            if (removed > 0) {
                write(b, key, m, known, List.of(), gone, m.size() - removed, "hdel");
            }
            return Result.ok(removed);
        }
    }

    public Result<Long> length(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.HASH);
        return switch (r.status()) {
            case OK -> Result.ok(r.value().size());
            case NOT_FOUND -> Result.ok(0L);
            default -> Result.of(r.status());
        };
    }

    /** HGETALL / HKEYS / HVALS: every field and value in byte order of the fields. */
    public Result<List<Keyspace.Entry>> all(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.HASH);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        return Result.ok(keys.subkeys(key, r.value(), null, Long.MAX_VALUE));
    }

    /** HSCAN: up to {@code count} fields after {@code after} (null = from the first), in byte order. */
    public Result<List<Keyspace.Entry>> scan(byte[] key, byte[] after, long count) {
        Result<Metadata> r = keys.collection(key, DataType.HASH);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        return Result.ok(keys.subkeys(key, r.value(), after, count));
    }

    /** HINCRBY: the new value; NOT_INTEGER if the field holds no integer, OVERFLOW past 64 bits. */
    public Result<Long> incrBy(byte[] key, byte[] field, long delta) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collectionForWrite(key, DataType.HASH);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = known(key, m);
            byte[] old = m.size() > 0 ? keys.subkey(key, m, known, field) : null;
            long current = 0;
            if (old != null) {
                Long parsed = Numbers.parseLong(old);
                if (parsed == null) {
                    return Result.of(Status.NOT_INTEGER);
                }
                current = parsed;
            }
            long next;
            try {
                next = Math.addExact(current, delta);
            } catch (ArithmeticException e) {
                return Result.of(Status.OVERFLOW);
            }
            byte[] value = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
            write(b, key, m, known, List.of(field, value), List.of(), m.size() + (old == null ? 1 : 0), "hincrby");
            return Result.ok(next);
        }
    }

    /** HINCRBYFLOAT, in Redis's long-double arithmetic and format; NOT_FLOAT for a non-number field. */
    public Result<String> incrByFloat(byte[] key, byte[] field, Numbers.LongDouble delta) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collectionForWrite(key, DataType.HASH);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = known(key, m);
            byte[] old = m.size() > 0 ? keys.subkey(key, m, known, field) : null;
            Numbers.LongDouble current = Numbers.LongDouble.of(BigDecimal.ZERO);
            if (old != null) {
                current = Numbers.parseLongDouble(old);
                if (current == null) {
                    return Result.of(Status.NOT_FLOAT);
                }
            }
            String text = Numbers.incrementLongDouble(current, delta);
            if (text == null) {
                return Result.of(Status.NAN_OR_INFINITY);
            }
            byte[] value = text.getBytes(StandardCharsets.US_ASCII);
            write(b, key, m, known, List.of(field, value), List.of(), m.size() + (old == null ? 1 : 0), "hincrbyfloat");
            return Result.ok(text);
        }
    }

    /**
     * HRANDFIELD with a count: {@code count >= 0} distinct fields (at most all), {@code count < 0}
     * |count| fields that may repeat. Reads the whole hash: O(n).
     */
    public Result<List<Keyspace.Entry>> random(byte[] key, long count) {
        Result<List<Keyspace.Entry>> all = all(key);
        if (!all.isOk() || all.value().isEmpty() || count == 0) {
            return all.isOk() ? Result.ok(List.of()) : all;
        }
        List<Keyspace.Entry> entries = new ArrayList<>(all.value());
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        List<Keyspace.Entry> out = new ArrayList<>();
        if (count < 0) {
            for (long i = 0; i < -count; i++) {
                out.add(entries.get(rnd.nextInt(entries.size())));
            }
            return Result.ok(out);
        }
        java.util.Collections.shuffle(entries, rnd);
        return Result.ok(entries.subList(0, (int) Math.min(count, entries.size())));
    }

    /**
     * RESTORE: writes fields and values (alternating; a repeated field keeps its last value) as a new
     * hash version, kept in its record when it fits there as any write would keep it.
     */
    public Metadata writeFresh(Batch b, byte[] key, long expireAt, List<byte[]> fieldsAndValues) {
        Metadata m = Metadata.collection(DataType.HASH, expireAt, keys.versions().next(), 0);
        List<Keyspace.Entry> entries = EntrySnapshots.with(List.of(), fieldsAndValues, List.of());
        byte[] record = Keyspace.inlineRecord(entries, InlineEntries.MAX_ENTRIES);
        if (record != null) {
            return m.withValue(record).withSize(entries.size());
        }
        for (Keyspace.Entry e : entries) {
            b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), e.sub()), e.value());
        }
        return m.withSize(entries.size());
    }
}
