package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sets: metadata holds the cardinality; each member is a subkey {@code [key][version][member]}
 * with an empty value. Owns every set read-modify-write. Members come back in byte order.
 */
public final class SetStore {
    private static final byte[] EMPTY = new byte[0];

    private final Keyspace keys;

    public SetStore(Keyspace keys) {
        this.keys = keys;
    }

    /** SADD: members added. */
    public Result<Long> add(byte[] key, List<byte[]> members) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collectionForWrite(key, DataType.SET);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = keys.knownEntries(key, m);
            List<byte[]> written = new ArrayList<>();
            long added = addAll(b, key, m, members, known, written);
            if (added > 0) {
                Metadata neu = m.withSize(m.size() + added);
                keys.store(b, key, neu);
                keys.declareChange(neu, known, written, List.of());
                b.event(KeyEvent.SET, "sadd", key);
                keys.commit(b);
            }
            return Result.ok(added);
        }
    }

    /**
     * Puts the members not yet in the set ({@code known}: its entries as {@link Keyspace#knownEntries}
     * gave them), adding each with its value to {@code written}.
     */
    private long addAll(Batch b, byte[] key, Metadata m, java.util.Collection<byte[]> members,
                        List<Keyspace.Entry> known, List<byte[]> written) {
        Set<ByteBuffer> seen = new java.util.HashSet<>();
        long added = 0;
        for (byte[] member : members) {
            if (!seen.add(ByteBuffer.wrap(member))) {
                continue;
            }
            if (m.size() == 0 || keys.subkey(key, m, known, member) == null) {
                b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), member), EMPTY);
                written.add(member);
                written.add(EMPTY);
                added++;
            }
        }
        return added;
    }

    /** SREM: members removed; the set disappears with its last member. */
    public Result<Long> remove(byte[] key, List<byte[]> members) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.SET);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata m = r.value();
            List<Keyspace.Entry> known = keys.knownEntries(key, m);
            Set<ByteBuffer> seen = new java.util.HashSet<>();
            List<byte[]> gone = new ArrayList<>();
            long removed = 0;
            for (byte[] member : members) {
                if (seen.add(ByteBuffer.wrap(member)) && keys.subkey(key, m, known, member) != null) {
                    b.delete(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), member));
                    gone.add(member);
                    removed++;
                }
            }
            if (removed > 0) {
                Metadata neu = m.withSize(m.size() - removed);
                keys.store(b, key, neu);
                keys.declareChange(neu, known, List.of(), gone);
                b.event(KeyEvent.SET, "srem", key);
                keys.commit(b);
            }
            return Result.ok(removed);
        }
    }

    public Result<Long> cardinality(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.SET);
        return switch (r.status()) {
            case OK -> Result.ok(r.value().size());
            case NOT_FOUND -> Result.ok(0L);
            default -> Result.of(r.status());
        };
    }

    /** SISMEMBER / SMISMEMBER: one flag per member. */
    public Result<List<Boolean>> contains(byte[] key, List<byte[]> members) {
        Result<Metadata> r = keys.collection(key, DataType.SET);
        if (r.status() == Status.WRONG_TYPE) {
            return Result.wrongType();
        }
        List<Boolean> out = new ArrayList<>(members.size());
        for (byte[] member : members) {
            out.add(r.isOk() && keys.subkey(key, r.value(), member) != null);
        }
        return Result.ok(out);
    }

    /** SMEMBERS: every member (an empty list for a missing key). */
    public Result<List<byte[]>> members(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.SET);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        List<byte[]> out = new ArrayList<>((int) Math.min(r.value().size(), 1 << 20));
        for (Keyspace.Entry e : keys.subkeys(key, r.value(), null, Long.MAX_VALUE)) {
            out.add(e.sub());
        }
        return Result.ok(out);
    }

    /** SSCAN: up to {@code count} members after {@code after} (null = from the first). */
    public Result<List<byte[]>> scan(byte[] key, byte[] after, long count) {
        Result<Metadata> r = keys.collection(key, DataType.SET);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        return Result.ok(keys.subkeys(key, r.value(), after, count).stream().map(Keyspace.Entry::sub).toList());
    }

    /**
     * SRANDMEMBER: {@code count >= 0} distinct members (at most all), {@code count < 0} |count|
     * members that may repeat. Reads the whole set, O(n); one member, half of it on average.
     */
    public Result<List<byte[]>> random(byte[] key, long count) {
        if (count == 1 || count == -1) {
            Result<Metadata> r = keys.collection(key, DataType.SET);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(List.of()) : Result.of(r.status());
            }
            return Result.ok(randomMember(key, r.value()));
        }
        Result<List<byte[]>> all = members(key);
        if (!all.isOk() || all.value().isEmpty() || count == 0) {
            return all.isOk() ? Result.ok(List.of()) : all;
        }
        return Result.ok(pick(all.value(), count));
    }

    /** One member at a uniformly random position, stepped to without reading the others (empty if none). */
    private List<byte[]> randomMember(byte[] key, Metadata m) {
        byte[] member = keys.nthSubkey(key, m, ThreadLocalRandom.current().nextLong(m.size()));
        return member == null ? List.of() : List.of(member);
    }

    private static List<byte[]> pick(List<byte[]> members, long count) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (count < 0) {
            List<byte[]> out = new ArrayList<>();
            for (long i = 0; i < -count; i++) {
                out.add(members.get(rnd.nextInt(members.size())));
            }
            return out;
        }
        List<byte[]> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, rnd);
        return shuffled.subList(0, (int) Math.min(count, shuffled.size()));
    }

    /** SPOP: removes and returns up to {@code count} random members. */
    public Result<List<byte[]>> pop(byte[] key, long count) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.SET);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(List.of()) : Result.of(r.status());
            }
            Metadata m = r.value();
            List<byte[]> popped;
            if (count == 1) {
                popped = randomMember(key, m);
            } else {
                List<byte[]> all = new ArrayList<>();
                for (Keyspace.Entry e : keys.subkeys(key, m, null, Long.MAX_VALUE)) {
                    all.add(e.sub());
                }
                popped = pick(all, count);
            }
            for (byte[] member : popped) {
                b.delete(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), member));
            }
            if (!popped.isEmpty()) {
                keys.store(b, key, m.withSize(m.size() - popped.size()));
                b.event(KeyEvent.SET, "spop", key);
                keys.commit(b);
            }
            return Result.ok(popped);
        }
    }

    /** SMOVE: true if the member was moved (or, with source = destination, is a member). */
    public Result<Boolean> move(byte[] src, byte[] dst, byte[] member) {
        try (KeyLocks.Held held = keys.locks().lock(src, dst); Batch b = keys.storage().newBatch()) {
            Result<Metadata> from = keys.collection(src, DataType.SET);
            Result<Metadata> to = keys.collectionForWrite(dst, DataType.SET);
            // As Redis: a missing source answers 0 before either key's type is looked at.
            if (from.status() == Status.NOT_FOUND) {
                return Result.ok(false);
            }
            if (from.status() == Status.WRONG_TYPE || to.status() == Status.WRONG_TYPE) {
                return Result.wrongType();
            }
            if (!from.isOk() || keys.subkey(src, from.value(), member) == null) {
                return Result.ok(false);
            }
            if (java.util.Arrays.equals(src, dst)) {
                return Result.ok(true);
            }
            Metadata f = from.value();
            b.delete(ColumnFamily.SUBKEY, InternalKey.encode(src, f.version(), member));
            keys.store(b, src, f.withSize(f.size() - 1));
            b.event(KeyEvent.SET, "srem", src);
            long added = addAll(b, dst, to.value(), List.of(member), keys.knownEntries(dst, to.value()),
                    new ArrayList<>());
            if (added > 0) {
                keys.store(b, dst, to.value().withSize(to.value().size() + added));
                b.event(KeyEvent.SET, "sadd", dst);
            }
            keys.commit(b);
            return Result.ok(true);
        }
    }

    /** The three set algebra operations. */
    public enum Algebra { INTER, UNION, DIFF }

    /** SINTER / SUNION / SDIFF; every key is type-checked first, as in Redis; missing keys are empty. */
    public Result<List<byte[]>> combine(Algebra op, List<byte[]> setKeys) {
        List<Metadata> sets = new ArrayList<>();
        for (byte[] k : setKeys) {
            Result<Metadata> r = keys.collection(k, DataType.SET);
            if (r.status() == Status.WRONG_TYPE) {
                return Result.wrongType();
            }
            sets.add(r.isOk() ? r.value() : null);
        }
        return Result.ok(compute(op, setKeys, sets, Long.MAX_VALUE));
    }

    /** SINTERCARD: the size of the intersection, counting stops at {@code limit} (0 = no limit). */
    public Result<Long> interCard(List<byte[]> setKeys, long limit) {
        List<Metadata> sets = new ArrayList<>();
        for (byte[] k : setKeys) {
            Result<Metadata> r = keys.collection(k, DataType.SET);
            if (r.status() == Status.WRONG_TYPE) {
                return Result.wrongType();
            }
            sets.add(r.isOk() ? r.value() : null);
        }
        return Result.ok((long) compute(Algebra.INTER, setKeys, sets, limit == 0 ? Long.MAX_VALUE : limit).size());
    }

    private List<byte[]> compute(Algebra op, List<byte[]> setKeys, List<Metadata> sets, long limit) {
        switch (op) {
            case INTER -> {
                if (sets.contains(null)) {
                    return List.of();
                }
                int smallest = 0;
                for (int i = 1; i < sets.size(); i++) {
                    if (sets.get(i).size() < sets.get(smallest).size()) {
                        smallest = i;
                    }
                }
                List<byte[]> out = new ArrayList<>();
                for (Keyspace.Entry e : keys.subkeys(setKeys.get(smallest), sets.get(smallest), null, Long.MAX_VALUE)) {
                    boolean inAll = true;
                    for (int i = 0; i < sets.size() && inAll; i++) {
                        inAll = i == smallest || keys.subkey(setKeys.get(i), sets.get(i), e.sub()) != null;
                    }
                    if (inAll) {
                        out.add(e.sub());
                        if (out.size() >= limit) {
                            break;
                        }
                    }
                }
                return out;
            }
            case UNION -> {
                Set<ByteBuffer> seen = new LinkedHashSet<>();
                for (int i = 0; i < sets.size(); i++) {
                    if (sets.get(i) != null) {
                        for (Keyspace.Entry e : keys.subkeys(setKeys.get(i), sets.get(i), null, Long.MAX_VALUE)) {
                            seen.add(ByteBuffer.wrap(e.sub()));
                        }
                    }
                }
                return seen.stream().map(ByteBuffer::array).sorted(java.util.Arrays::compareUnsigned).toList();
            }
            default -> {
                if (sets.get(0) == null) {
                    return List.of();
                }
                List<byte[]> out = new ArrayList<>();
                for (Keyspace.Entry e : keys.subkeys(setKeys.get(0), sets.get(0), null, Long.MAX_VALUE)) {
                    boolean elsewhere = false;
                    for (int i = 1; i < sets.size() && !elsewhere; i++) {
                        elsewhere = sets.get(i) != null && keys.subkey(setKeys.get(i), sets.get(i), e.sub()) != null;
                    }
                    if (!elsewhere) {
                        out.add(e.sub());
                    }
                }
                return out;
            }
        }
    }

    /**
     * SINTERSTORE / SUNIONSTORE / SDIFFSTORE: replaces {@code dst} (whatever its type) with the
     * result, or deletes it when the result is empty; returns the result's size.
     */
    public Result<Long> combineAndStore(Algebra op, byte[] dst, List<byte[]> setKeys) {
        String event = switch (op) {
            case INTER -> "sinterstore";
            case UNION -> "sunionstore";
            case DIFF -> "sdiffstore";
        };
        List<byte[]> all = new ArrayList<>(setKeys);
        all.add(dst);
        try (KeyLocks.Held held = keys.locks().lock(all); Batch b = keys.storage().newBatch()) {
            Result<List<byte[]>> r = combine(op, setKeys);
            if (!r.isOk()) {
                return Result.of(r.status());
            }
            Metadata old = keys.physical(dst);
            if (r.value().isEmpty()) {
                if (old != null) {
                    keys.remove(b, dst, old);
                    if (keys.isLive(old)) {
                        b.event(KeyEvent.GENERIC, "del", dst);
                    }
                }
            } else {
                Metadata neu = Metadata.collection(DataType.SET, 0, keys.versions().next(), r.value().size());
                for (byte[] member : r.value()) {
                    b.put(ColumnFamily.SUBKEY, InternalKey.encode(dst, neu.version(), member), EMPTY);
                }
                keys.put(b, dst, old, neu);
                b.event(KeyEvent.SET, event, dst);
            }
            keys.commit(b);
            return Result.ok((long) r.value().size());
        }
    }

    /** RESTORE: writes the (distinct) members as a new set version; the caller stores the returned record. */
    public Metadata writeFresh(Batch b, byte[] key, long expireAt, List<byte[]> members) {
        Metadata m = Metadata.collection(DataType.SET, expireAt, keys.versions().next(), 0);
        java.util.Set<java.nio.ByteBuffer> seen = new java.util.HashSet<>();
        for (byte[] member : members) {
            if (seen.add(java.nio.ByteBuffer.wrap(member))) {
                b.put(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), member), EMPTY);
            }
        }
        return m.withSize(seen.size());
    }
}
