package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamEntryCodec;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyLocks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksIterator;

/**
 * Consumer groups of a stream, stored beside its entries in the stream family (longer subkeys that
 * sort after every entry): a group record (last delivered id, entries read), one record per
 * consumer, and the pending-entries list (PEL) keyed by group and id, each with its consumer,
 * delivery time and delivery count. Every command's changes are one batch.
 */
public final class StreamGroups {
    static final byte GROUP = 'G';
    static final byte CONSUMER = 'C';
    private static final byte PENDING = 'P';
    private static final byte[] TAG_PREFIX = new byte[16];

    static {
        Arrays.fill(TAG_PREFIX, (byte) 0xff);
    }

    /** A group's state. */
    public record Group(StreamId lastDelivered, long entriesRead) {
    }

    /** A pending entry: delivered to {@code consumer}, not yet acknowledged. */
    public record Pending(StreamId id, byte[] consumer, long deliveredAt, long deliveries) {
    }

    /** A delivered entry; {@code fields} is null when the entry was deleted after delivery. */
    public record Delivery(StreamId id, List<byte[]> fields) {
    }

    private final Keyspace keys;
    private final StreamStore streams;

    public StreamGroups(Keyspace keys, StreamStore streams) {
        this.keys = keys;
        this.streams = streams;
    }

    static byte[] tagged(byte tag, byte[]... parts) {
        int len = 17;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = Arrays.copyOf(TAG_PREFIX, len);
        out[16] = tag;
        int off = 17;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    static byte[] lengthPrefixed(byte[] group) {
        byte[] out = new byte[4 + group.length];
        Bytes.putInt(out, 0, group.length);
        System.arraycopy(group, 0, out, 4, group.length);
        return out;
    }

    private static byte[] groupKey(byte[] key, Metadata m, byte[] group) {
        return InternalKey.encode(key, m.version(), tagged(GROUP, group));
    }

    private static byte[] consumerKey(byte[] key, Metadata m, byte[] group, byte[] consumer) {
        return InternalKey.encode(key, m.version(), tagged(CONSUMER, lengthPrefixed(group), consumer));
    }

    static byte[] pendingPrefix(byte[] key, Metadata m, byte[] group) {
        return InternalKey.encode(key, m.version(), tagged(PENDING, lengthPrefixed(group)));
    }

    private static byte[] pendingKey(byte[] key, Metadata m, byte[] group, StreamId id) {
        return InternalKey.encode(key, m.version(), tagged(PENDING, lengthPrefixed(group), id.encode()));
    }

    private static byte[] encodeGroup(Group g) {
        byte[] out = new byte[24];
        System.arraycopy(g.lastDelivered().encode(), 0, out, 0, 16);
        Bytes.putLong(out, 16, g.entriesRead());
        return out;
    }

    static Group decodeGroup(byte[] raw) {
        return new Group(StreamId.decode(raw, 0), Bytes.getLong(raw, 16));
    }

    private static byte[] encodePending(Pending p) {
        byte[] out = new byte[16 + p.consumer().length];
        Bytes.putLong(out, 0, p.deliveredAt());
        Bytes.putLong(out, 8, p.deliveries());
        System.arraycopy(p.consumer(), 0, out, 16, p.consumer().length);
        return out;
    }

    private static Pending decodePending(StreamId id, byte[] raw) {
        return new Pending(id, Arrays.copyOfRange(raw, 16, raw.length), Bytes.getLong(raw, 0), Bytes.getLong(raw, 8));
    }

    /** The stream's metadata and the group, or the status explaining why not. */
    record Located(Status status, Metadata stream, Group group) {
    }

    Located locate(byte[] key, byte[] group) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        if (!r.isOk()) {
            return new Located(r.status(), null, null);
        }
        byte[] raw = keys.storage().get(ColumnFamily.STREAM, groupKey(key, r.value(), group));
        return new Located(raw == null ? Status.NOT_APPLIED : Status.OK, r.value(), raw == null ? null : decodeGroup(raw));
    }

    /**
     * XGROUP CREATE: OK; NOT_FOUND without the key (unless {@code mkStream}); NOT_APPLIED if the
     * group exists. {@code startId} null means "$".
     */
    public Status create(byte[] key, byte[] group, StreamId startId, boolean mkStream, Long entriesRead) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = mkStream ? keys.collectionForWrite(key, DataType.STREAM)
                    : keys.collection(key, DataType.STREAM);
            if (!r.isOk()) {
                return r.status();
            }
            Metadata m = r.value();
            if (keys.storage().get(ColumnFamily.STREAM, groupKey(key, m, group)) != null) {
                return Status.NOT_APPLIED;
            }
            StreamId start = startId != null ? startId : StreamMeta.decode(m.value()).lastId();
            b.put(ColumnFamily.STREAM, groupKey(key, m, group), encodeGroup(new Group(start,
                    entriesRead == null ? -1 : entriesRead)));
            keys.store(b, key, m);
            keys.commit(b);
            return Status.OK;
        }
    }

    /** XGROUP SETID: OK, NOT_FOUND (no key) or NOT_APPLIED (no group). {@code id} null means "$". */
    public Status setId(byte[] key, byte[] group, StreamId id, Long entriesRead) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return l.status();
            }
            StreamId to = id != null ? id : StreamMeta.decode(l.stream().value()).lastId();
            b.put(ColumnFamily.STREAM, groupKey(key, l.stream(), group),
                    encodeGroup(new Group(to, entriesRead == null ? -1 : entriesRead)));
            keys.store(b, key, l.stream());
            keys.commit(b);
            return Status.OK;
        }
    }

    /** XGROUP DESTROY: true if the group existed; NOT_FOUND without the key. */
    public Result<Boolean> destroy(byte[] key, byte[] group) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() == Status.NOT_APPLIED) {
                return Result.ok(false);
            }
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            b.delete(ColumnFamily.STREAM, groupKey(key, m, group));
            for (byte[] k : keysWithPrefix(InternalKey.encode(key, m.version(), tagged(CONSUMER, lengthPrefixed(group))))) {
                b.delete(ColumnFamily.STREAM, k);
            }
            for (byte[] k : keysWithPrefix(pendingPrefix(key, m, group))) {
                b.delete(ColumnFamily.STREAM, k);
            }
            keys.store(b, key, m);
            keys.commit(b);
            return Result.ok(true);
        }
    }

    List<byte[]> keysWithPrefix(byte[] prefix) {
        List<byte[]> out = new ArrayList<>();
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.STREAM)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                out.add(it.key());
            }
        }
        return out;
    }

    /** XGROUP CREATECONSUMER: true if created; NOT_FOUND / NOT_APPLIED (no group). */
    public Result<Boolean> createConsumer(byte[] key, byte[] group, byte[] consumer) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            boolean created = touchConsumer(b, key, l.stream(), group, consumer, false);
            if (created) {
                keys.store(b, key, l.stream());
                keys.commit(b);
            }
            return Result.ok(created);
        }
    }

    /** Creates the consumer if missing (true) and refreshes its seen (and active) time. */
    private boolean touchConsumer(Batch b, byte[] key, Metadata m, byte[] group, byte[] consumer, boolean active) {
        byte[] ck = consumerKey(key, m, group, consumer);
        byte[] raw = keys.storage().get(ColumnFamily.STREAM, ck);
        long now = keys.clock().millis();
        byte[] value = new byte[16];
        Bytes.putLong(value, 0, now);
        Bytes.putLong(value, 8, active ? now : raw == null ? -1 : Bytes.getLong(raw, 8));
        if (raw == null || active) {
            b.put(ColumnFamily.STREAM, ck, value);
        }
        return raw == null;
    }

    /** XGROUP DELCONSUMER: the number of entries it had pending; NOT_FOUND / NOT_APPLIED (no group). */
    public Result<Long> deleteConsumer(byte[] key, byte[] group, byte[] consumer) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            byte[] ck = consumerKey(key, m, group, consumer);
            if (keys.storage().get(ColumnFamily.STREAM, ck) == null) {
                return Result.ok(0L);
            }
            long pending = 0;
            for (Pending p : pending(key, m, group, StreamId.MIN, StreamId.MAX, Long.MAX_VALUE, consumer)) {
                b.delete(ColumnFamily.STREAM, pendingKey(key, m, group, p.id()));
                pending++;
            }
            b.delete(ColumnFamily.STREAM, ck);
            keys.store(b, key, m);
            keys.commit(b);
            return Result.ok(pending);
        }
    }

    /**
     * XREADGROUP with "&gt;": up to {@code count} entries after the group's last delivered id, each
     * recorded as pending for {@code consumer} (unless {@code noAck}). NOT_FOUND / NOT_APPLIED when
     * the key or group is missing; an empty list when nothing is new.
     */
    public Result<List<Delivery>> readNew(byte[] key, byte[] group, byte[] consumer, long count, boolean noAck) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            StreamId from = l.group().lastDelivered().next();
            List<StreamStore.Entry> entries = from == null ? List.of()
                    : streams.range(key, from, StreamId.MAX, count, false).value();
            boolean created = touchConsumer(b, key, m, group, consumer, !entries.isEmpty());
            List<Delivery> out = new ArrayList<>(entries.size());
            long now = keys.clock().millis();
            for (StreamStore.Entry e : entries) {
                out.add(new Delivery(e.id(), e.fields()));
                if (!noAck) {
                    byte[] pk = pendingKey(key, m, group, e.id());
                    byte[] old = keys.storage().get(ColumnFamily.STREAM, pk);
                    long deliveries = old == null ? 1 : decodePending(e.id(), old).deliveries() + 1;
                    b.put(ColumnFamily.STREAM, pk, encodePending(new Pending(e.id(), consumer, now, deliveries)));
                }
            }
            if (!entries.isEmpty()) {
                StreamMeta meta = StreamMeta.decode(m.value());
                StreamId first = firstId(key, m);
                long read = l.group().entriesRead();
                for (StreamStore.Entry e : entries) {
                    // Redis's logical read counter: counted while no deleted entry lies ahead, re-estimated otherwise.
                    if (read != -1 && !hasTombstones(meta, m.size(), e.id())) {
                        read++;
                    } else if (meta.entriesAdded() > 0) {
                        read = estimateEntriesRead(meta, m.size(), first, e.id());
                    }
                }
                b.put(ColumnFamily.STREAM, groupKey(key, m, group),
                        encodeGroup(new Group(entries.get(entries.size() - 1).id(), read)));
            }
            // Write only when something changed: a commit wakes blocked readers of the key, and an
            // empty read that committed would wake them, and itself, forever.
            if (created || !entries.isEmpty()) {
                keys.store(b, key, m);
                keys.commit(b);
            }
            return Result.ok(out);
        }
    }

    /** XREADGROUP with an id: the consumer's pending entries after it (fields null if deleted since). */
    public Result<List<Delivery>> readHistory(byte[] key, byte[] group, byte[] consumer, StreamId after, long count) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            StreamId from = after.next();
            List<Delivery> out = new ArrayList<>();
            if (from != null) {
                for (Pending p : pending(key, m, group, from, StreamId.MAX, count, consumer)) {
                    byte[] raw = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, m, p.id()));
                    out.add(new Delivery(p.id(), raw == null ? null : StreamEntryCodec.decode(raw)));
                }
            }
            if (touchConsumer(b, key, m, group, consumer, false)) {
                keys.store(b, key, m);
                keys.commit(b);
            }
            return Result.ok(out);
        }
    }

    /** XACK: how many of the ids were pending and are now acknowledged. */
    public Result<Long> ack(byte[] key, byte[] group, List<StreamId> ids) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return l.status() == Status.WRONG_TYPE ? Result.wrongType() : Result.ok(0L);
            }
            Metadata m = l.stream();
            long acked = 0;
            java.util.Set<StreamId> seen = new java.util.HashSet<>();
            for (StreamId id : ids) {
                byte[] pk = pendingKey(key, m, group, id);
                if (seen.add(id) && keys.storage().get(ColumnFamily.STREAM, pk) != null) {
                    b.delete(ColumnFamily.STREAM, pk);
                    acked++;
                }
            }
            if (acked > 0) {
                keys.store(b, key, m);
                keys.commit(b);
            }
            return Result.ok(acked);
        }
    }

    /** XCLAIM's options: a new idle time or delivery time, retry count, FORCE, JUSTID, LASTID. */
    public record ClaimOptions(Long idleMillis, Long timeMillis, Long retryCount, boolean force, boolean justId,
                               StreamId lastId) {
        public static final ClaimOptions NONE = new ClaimOptions(null, null, null, false, false, null);
    }

    /**
     * XCLAIM: gives the pending entries idle at least {@code minIdle} to {@code consumer}. Entries
     * deleted from the stream leave the PEL and are not returned, as in Redis 7.
     */
    public Result<List<Delivery>> claim(byte[] key, byte[] group, byte[] consumer, long minIdle, List<StreamId> ids,
                                        ClaimOptions o) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            long now = keys.clock().millis();
            List<Delivery> out = new ArrayList<>();
            boolean changed = false;
            for (StreamId id : ids) {
                byte[] pk = pendingKey(key, m, group, id);
                byte[] raw = keys.storage().get(ColumnFamily.STREAM, pk);
                byte[] entry = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, m, id));
                if (raw == null && !(o.force() && entry != null)) {
                    continue;
                }
                if (entry == null) {
                    b.delete(ColumnFamily.STREAM, pk);
                    changed = true;
                    continue;
                }
                Pending p = raw == null ? new Pending(id, consumer, 0, 0) : decodePending(id, raw);
                if (raw != null && minIdle > 0 && now - p.deliveredAt() < minIdle) {
                    continue;
                }
                out.add(claimOne(b, key, m, group, consumer, p, entry, now, o));
                changed = true;
            }
            if (o.lastId() != null && o.lastId().compareTo(l.group().lastDelivered()) > 0) {
                b.put(ColumnFamily.STREAM, groupKey(key, m, group),
                        encodeGroup(new Group(o.lastId(), l.group().entriesRead())));
                changed = true;
            }
            changed |= touchConsumer(b, key, m, group, consumer, !out.isEmpty());
            if (changed) {
                keys.store(b, key, m);
                keys.commit(b);
            }
            return Result.ok(out);
        }
    }

    private Delivery claimOne(Batch b, byte[] key, Metadata m, byte[] group, byte[] consumer, Pending p, byte[] entry,
                              long now, ClaimOptions o) {
        long deliveredAt = o.timeMillis() != null ? o.timeMillis() : o.idleMillis() != null ? now - o.idleMillis() : now;
        long deliveries = o.retryCount() != null ? o.retryCount() : o.justId() ? p.deliveries() : p.deliveries() + 1;
        b.put(ColumnFamily.STREAM, pendingKey(key, m, group, p.id()),
                encodePending(new Pending(p.id(), consumer, deliveredAt, deliveries)));
        return new Delivery(p.id(), o.justId() ? null : StreamEntryCodec.decode(entry));
    }

    /** XAUTOCLAIM's answer: where to continue (0-0 when done), what was claimed, what had been deleted. */
    public record AutoClaim(StreamId next, List<Delivery> claimed, List<StreamId> deleted) {
    }

    /** XAUTOCLAIM: scans the PEL from {@code start}, claiming up to {@code count} idle entries. */
    public Result<AutoClaim> autoClaim(byte[] key, byte[] group, byte[] consumer, long minIdle, StreamId start,
                                       long count, boolean justId) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Located l = locate(key, group);
            if (l.status() != Status.OK) {
                return Result.of(l.status());
            }
            Metadata m = l.stream();
            long now = keys.clock().millis();
            ClaimOptions o = new ClaimOptions(null, null, null, false, justId, null);
            List<Delivery> claimed = new ArrayList<>();
            List<StreamId> deleted = new ArrayList<>();
            // Redis looks at no more than ten times COUNT entries per call.
            List<Pending> scanned = pending(key, m, group, start, StreamId.MAX, count * 10 + 1, null);
            StreamId next = StreamId.MIN;
            int examined = 0;
            for (Pending p : scanned) {
                if (claimed.size() >= count || examined >= count * 10) {
                    next = p.id();
                    break;
                }
                examined++;
                byte[] entry = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, m, p.id()));
                if (entry == null) {
                    b.delete(ColumnFamily.STREAM, pendingKey(key, m, group, p.id()));
                    deleted.add(p.id());
                    continue;
                }
                if (minIdle > 0 && now - p.deliveredAt() < minIdle) {
                    continue;
                }
                claimed.add(claimOne(b, key, m, group, consumer, p, entry, now, o));
            }
            boolean created = touchConsumer(b, key, m, group, consumer, !claimed.isEmpty());
            if (created || !claimed.isEmpty() || !deleted.isEmpty()) {
                keys.store(b, key, m);
                keys.commit(b);
            }
            return Result.ok(new AutoClaim(next, claimed, deleted));
        }
    }

    /** Whether a deleted entry may lie in [start, end of stream]: Redis's streamRangeHasTombstones. */
    static boolean hasTombstones(StreamMeta meta, long length, StreamId start) {
        if (length == 0 || meta.maxDeletedId().equals(StreamId.MIN)) {
            return false;
        }
        return start.compareTo(meta.maxDeletedId()) <= 0;
    }

    /** How many entries precede and include {@code id} since the stream began, or -1 if unknowable. */
    static long estimateEntriesRead(StreamMeta meta, long length, StreamId first, StreamId id) {
        if (meta.entriesAdded() == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(meta.lastId()) <= 0) {
            return meta.entriesAdded();
        }
        int cmpLast = id.compareTo(meta.lastId());
        if (cmpLast == 0) {
            return meta.entriesAdded();
        }
        if (cmpLast > 0) {
            return -1;
        }
        int cmpFirst = id.compareTo(first);
        boolean fragmented = !meta.maxDeletedId().equals(StreamId.MIN) && meta.maxDeletedId().compareTo(first) >= 0;
        if (!fragmented) {
            if (cmpFirst < 0) {
                return meta.entriesAdded() - length;
            }
            if (cmpFirst == 0) {
                return meta.entriesAdded() - length + 1;
            }
        }
        return -1;
    }

    StreamId firstId(byte[] key, Metadata m) {
        List<StreamStore.Entry> first = streams.range(key, StreamId.MIN, StreamId.MAX, 1, false).value();
        return first.isEmpty() ? StreamId.MIN : first.get(0).id();
    }

    /** XPENDING's summary: total, lowest and highest id, and the count per consumer. */
    public record Summary(long count, StreamId lowest, StreamId highest, Map<String, Long> perConsumer) {
    }

    public Result<Summary> summary(byte[] key, byte[] group) {
        Located l = locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        List<Pending> all = pending(key, l.stream(), group, StreamId.MIN, StreamId.MAX, Long.MAX_VALUE, null);
        Map<String, Long> per = new java.util.TreeMap<>();
        for (Pending p : all) {
            per.merge(new String(p.consumer(), StandardCharsets.ISO_8859_1), 1L, Long::sum);
        }
        return Result.ok(new Summary(all.size(), all.isEmpty() ? null : all.get(0).id(),
                all.isEmpty() ? null : all.get(all.size() - 1).id(), new LinkedHashMap<>(per)));
    }

    /** XPENDING's extended form: pending entries in [start, end], optionally of one consumer and idle long enough. */
    public Result<List<Pending>> pendingRange(byte[] key, byte[] group, StreamId start, StreamId end, long count,
                                              byte[] consumer, long minIdle) {
        Located l = locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        long now = keys.clock().millis();
        List<Pending> out = new ArrayList<>();
        for (Pending p : pending(key, l.stream(), group, start, end, Long.MAX_VALUE, consumer)) {
            if (out.size() >= count) {
                break;
            }
            if (now - p.deliveredAt() >= minIdle) {
                out.add(p);
            }
        }
        return Result.ok(out);
    }

    /** Pending entries of the group in id order within [start, end], of one consumer if given. */
    List<Pending> pending(byte[] key, Metadata m, byte[] group, StreamId start, StreamId end, long count,
                                  byte[] consumer) {
        byte[] prefix = pendingPrefix(key, m, group);
        List<Pending> out = new ArrayList<>();
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.STREAM)) {
            for (it.seek(pendingKey(key, m, group, start)); it.isValid() && Bytes.startsWith(it.key(), prefix)
                    && out.size() < count; it.next()) {
                StreamId id = StreamId.decode(it.key(), prefix.length);
                if (id.compareTo(end) > 0) {
                    break;
                }
                Pending p = decodePending(id, it.value());
                if (consumer == null || Arrays.equals(consumer, p.consumer())) {
                    out.add(p);
                }
            }
        }
        return out;
    }
}
