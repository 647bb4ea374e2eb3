package io.rockhub.core.types;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.util.Numbers;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strings: values stored whole in the key's metadata record. Owns every string read-modify-write;
 * each holds the key lock from read to commit, so concurrent INCRs never lose an update.
 */
public final class StringStore {
    /** SET's NX / XX. */
    public enum Condition { ALWAYS, IF_ABSENT, IF_PRESENT }

    /**
     * @param applied whether the value was written
     * @param old     the previous value when asked for (null if none)
     */
    public record SetOutcome(Status status, boolean applied, byte[] old) {
    }

    /** A value must stay readable whole (GET) in one Java array, whatever proto-max-bulk-len says. */
    public static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

    private final Keyspace keys;
    private final StringValues values;

    public StringStore(Keyspace keys) {
        this.keys = keys;
        this.values = new StringValues(keys);
    }

    public StringValues values() {
        return values;
    }

    public Result<byte[]> get(byte[] key) {
        return get(key, keys.physical(key));
    }

    /** GET without waiting for the disk: null when the key's record is only in a file. */
    public Result<byte[]> getIfResident(byte[] key) {
        Metadata m = keys.physicalIfResident(key);
        return m == Keyspace.NOT_RESIDENT ? null : get(key, m);
    }

    private Result<byte[]> get(byte[] key, Metadata m) {
        Status s = stringStatus(m);
        return s == Status.OK ? Result.ok(values.whole(key, m)) : Result.of(s);
    }

    /** OK for a live string; NOT_FOUND for no key or an expired one; WRONG_TYPE otherwise. */
    private Status stringStatus(Metadata m) {
        if (!keys.isLive(m)) {
            return Status.NOT_FOUND;
        }
        return m.type().isString() ? Status.OK : Status.WRONG_TYPE;
    }

    /** MGET: values in order, null where a key is missing or not a string. */
    public List<byte[]> multiGet(List<byte[]> keyList) {
        List<byte[]> out = new ArrayList<>(keyList.size());
        for (byte[] k : keyList) {
            Result<byte[]> r = get(k);
            out.add(r.isOk() ? r.value() : null);
        }
        return out;
    }

    /**
     * SET with its options. Without {@code returnOld} any existing type is overwritten; with it a
     * non-string old value is WRONG_TYPE and nothing changes, as in Redis.
     */
    public SetOutcome set(byte[] key, byte[] value, Condition condition, ExpiryChange expiry, boolean returnOld) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata old = keys.physical(key);
            boolean exists = keys.isLive(old);
            if (returnOld && exists && !old.type().isString()) {
                return new SetOutcome(Status.WRONG_TYPE, false, null);
            }
            byte[] previous = exists && old.type().isString() && (returnOld || old.type() == DataType.STRING)
                    ? values.whole(key, old) : null;
            if (condition == Condition.IF_ABSENT && exists || condition == Condition.IF_PRESENT && !exists) {
                return new SetOutcome(Status.OK, false, previous);
            }
            long expireAt = expiry.apply(exists ? old.expireAt() : 0);
            if (expireAt != 0 && expireAt <= keys.clock().millis()) {
                if (old != null) {
                    keys.remove(b, key, old);
                }
                b.event(KeyEvent.GENERIC, "del", key);
            } else {
                keys.put(b, key, old, Metadata.string(value, expireAt));
                b.event(KeyEvent.STRING, "set", key);
                if (expiry.mode() == ExpiryChange.Mode.AT) {
                    b.event(KeyEvent.GENERIC, "expire", key);
                }
            }
            keys.commit(b);
            return new SetOutcome(Status.OK, true, previous);
        }
    }

    /** GETDEL. */
    public Result<byte[]> getDel(byte[] key) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            Status s = stringStatus(m);
            if (s != Status.OK) {
                return Result.of(s);
            }
            byte[] value = values.whole(key, m);
            keys.remove(b, key, m);
            b.event(KeyEvent.GENERIC, "del", key);
            keys.commit(b);
            return Result.ok(value);
        }
    }

    /** GETEX: returns the value and applies {@code change} (null = leave the TTL alone). */
    public Result<byte[]> getEx(byte[] key, ExpiryChange change) {
        if (change == null) {
            return get(key);
        }
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            Status s = stringStatus(m);
            if (s != Status.OK) {
                return Result.of(s);
            }
            byte[] value = values.whole(key, m);
            long expireAt = change.apply(m.expireAt());
            if (expireAt != 0 && expireAt <= keys.clock().millis()) {
                keys.remove(b, key, m);
                b.event(KeyEvent.GENERIC, "del", key);
            } else if (change.mode() == ExpiryChange.Mode.AT) {
                keys.put(b, key, m, m.withExpireAt(expireAt));
                b.event(KeyEvent.GENERIC, "expire", key);
            } else if (change.mode() == ExpiryChange.Mode.CLEAR && m.hasExpiry()) {
                keys.put(b, key, m, m.withExpireAt(0));
                b.event(KeyEvent.GENERIC, "persist", key);
            }
            keys.commit(b);
            return Result.ok(value);
        }
    }

    /** MSET / MSETNX over key-value pairs; with {@code onlyIfNoneExist} nothing is written if any key exists. */
    public boolean multiSet(List<byte[]> keyValues, boolean onlyIfNoneExist) {
        List<byte[]> keyList = new ArrayList<>();
        for (int i = 0; i < keyValues.size(); i += 2) {
            keyList.add(keyValues.get(i));
        }
        try (KeyLocks.Held held = keys.locks().lock(keyList); Batch b = keys.storage().newBatch()) {
            if (onlyIfNoneExist) {
                for (byte[] k : keyList) {
                    if (keys.live(k) != null) {
                        return false;
                    }
                }
            }
            // Later pairs win for repeated keys; track what this batch already wrote.
            java.util.Map<java.nio.ByteBuffer, Metadata> written = new java.util.HashMap<>();
            for (int i = 0; i < keyValues.size(); i += 2) {
                byte[] k = keyValues.get(i);
                java.nio.ByteBuffer id = java.nio.ByteBuffer.wrap(k);
                Metadata old = written.containsKey(id) ? written.get(id) : keys.physical(k);
                Metadata neu = Metadata.string(keyValues.get(i + 1), 0);
                keys.put(b, k, old, neu);
                b.event(KeyEvent.STRING, "set", k);
                written.put(id, neu);
            }
            keys.commit(b);
            return true;
        }
    }

    /** INCRBY family; the TTL is kept. */
    public Result<Long> incrBy(byte[] key, long delta) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            long current = 0;
            if (exists) {
                if (!m.type().isString()) {
                    return Result.wrongType();
                }
                Long parsed = m.type() == DataType.STRING ? Numbers.parseLong(m.value()) : null;
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
            keys.put(b, key, m, Metadata.string(value, exists ? m.expireAt() : 0));
            b.event(KeyEvent.STRING, "incrby", key);
            keys.commit(b);
            return Result.ok(next);
        }
    }

    /**
     * INCRBYFLOAT, computed as Redis computes it (80-bit long double) and printed in its "human"
     * format, so every digit of the reply matches Redis. {@code delta} is null when the argument is
     * not a number: Redis checks the key's type and value first, then the argument.
     */
    public Result<String> incrByFloat(byte[] key, Numbers.LongDouble delta) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            Numbers.LongDouble current = Numbers.LongDouble.of(BigDecimal.ZERO);
            if (exists) {
                if (!m.type().isString()) {
                    return Result.wrongType();
                }
                current = m.type() == DataType.STRING ? Numbers.parseLongDouble(m.value()) : null;
                if (current == null) {
                    return Result.of(Status.NOT_FLOAT);
                }
            }
            if (delta == null) {
                return Result.of(Status.NOT_FLOAT);
            }
            String text = Numbers.incrementLongDouble(current, delta);
            if (text == null) {
                return Result.of(Status.NAN_OR_INFINITY);
            }
            keys.put(b, key, m, Metadata.string(text.getBytes(StandardCharsets.US_ASCII), exists ? m.expireAt() : 0));
            b.event(KeyEvent.STRING, "incrbyfloat", key);
            keys.commit(b);
            return Result.ok(text);
        }
    }

    /** APPEND: the new length, or TOO_LARGE if it would pass {@code maxLength}. */
    public Result<Long> append(byte[] key, byte[] suffix, long maxLength) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            if (exists && !m.type().isString()) {
                return Result.wrongType();
            }
            StringValues.Editor e = values.edit(key, m);
            if (e.length() + suffix.length > Math.min(maxLength, MAX_LENGTH)) {
                return Result.of(Status.TOO_LARGE);
            }
            e.write(e.length(), suffix);
            e.commit(b, exists ? m.expireAt() : 0);
            b.event(KeyEvent.STRING, "append", key);
            keys.commit(b);
            return Result.ok(e.length());
        }
    }

    public Result<Long> strlen(byte[] key) {
        Metadata m = keys.physical(key);
        Status s = stringStatus(m);
        if (s == Status.NOT_FOUND) {
            return Result.ok(0L);
        }
        return s == Status.OK ? Result.ok(StringValues.length(m)) : Result.of(s);
    }

    /** GETRANGE with Redis's negative-index rules; a missing key reads as "". */
    public Result<byte[]> getRange(byte[] key, long start, long end) {
        Metadata m = keys.physical(key);
        Status s = stringStatus(m);
        if (s == Status.WRONG_TYPE) {
            return Result.of(s);
        }
        long len = s == Status.OK ? StringValues.length(m) : 0;
        if (start < 0 && end < 0 && start > end) {
            return Result.ok(new byte[0]);
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            return Result.ok(new byte[0]);
        }
        return Result.ok(values.read(key, m, start, (int) (end - start + 1)));
    }

    /** SETRANGE: the new length; zero-pads as needed; TOO_LARGE past {@code maxLength}. */
    public Result<Long> setRange(byte[] key, long offset, byte[] patch, long maxLength) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata m = keys.physical(key);
            boolean exists = keys.isLive(m);
            if (exists && !m.type().isString()) {
                return Result.wrongType();
            }
            if (patch.length == 0) {
                return Result.ok(exists ? StringValues.length(m) : 0L);
            }
            // Compared without adding, which could overflow for offsets near 2^63.
            if (offset > Math.min(maxLength, MAX_LENGTH) - patch.length) {
                return Result.of(Status.TOO_LARGE);
            }
            StringValues.Editor e = values.edit(key, m);
            e.write(offset, patch);
            e.commit(b, exists ? m.expireAt() : 0);
            b.event(KeyEvent.STRING, "setrange", key);
            keys.commit(b);
            return Result.ok(e.length());
        }
    }
}
