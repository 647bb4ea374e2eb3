package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamEntryCodec;
import io.rockhub.core.encoding.StreamGroupCodec;
import io.rockhub.core.encoding.StreamGroupCodec.GroupRecord;
import io.rockhub.core.encoding.StreamGroupCodec.PendingRecord;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.rockhub.core.storage.Cursor;

/**
 * Consumer groups of a stream, stored beside its entries (layouts in {@link StreamGroupCodec}).
 * Every command's changes, including pending entries and the group's position, are one batch.
 */
public final class StreamGroups {
    /** A pending entry: delivered to {@code consumer}, not yet acknowledged. */
    public record Pending(StreamId id, byte[] consumer, long deliveredAt, long deliveries) {
    }

    /** A delivered entry; {@code fields} is null when the entry was deleted after delivery. */
    public record Delivery(StreamId id, List<byte[]> fields) {
    }

    private final Keyspace keys;
    private final StreamStore streams;
    private final DeadLetters deadLetters;

    public StreamGroups(Keyspace keys, StreamStore streams) {
        this.keys = keys;
        this.streams = streams;
        this.deadLetters = new DeadLetters(keys, streams);
    }

    static byte[] groupKey(byte[] key, Metadata m, byte[] group) {
        return InternalKey.encode(key, m.version(), StreamGroupCodec.groupSub(group));
    }

    /** The stream's metadata and the group, or the status explaining why not. */
    record Located(Status status, Metadata stream, GroupRecord group) {
    }

    Located locate(byte[] key, byte[] group) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        if (!r.isOk()) {
            return new Located(r.status(), null, null);
        }
        byte[] raw = keys.storage().get(ColumnFamily.STREAM, groupKey(key, r.value(), group));
        return new Located(raw == null ? Status.NOT_APPLIED : Status.OK, r.value(),
                raw == null ? null : StreamGroupCodec.decodeGroup(raw));
    }

    /** Runs {@code body} on the located group; the batch commits when the edit changed something. */
    private <T> Result<T> edit(byte[] key, byte[] group, Batch b, java.util.function.Function<GroupEdit, Result<T>> body) {
        Located l = locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        GroupEdit e = new GroupEdit(keys, b, key, l.stream(), group, l.group());
        Result<T> out = body.apply(e);
        if (e.finish()) {
            keys.store(b, key, l.stream());
        }
        keys.commit(b); // with nothing written, only its keyspace events (if any) go out
        return out;
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
            b.put(ColumnFamily.STREAM, groupKey(key, m, group), StreamGroupCodec.encode(
                    GroupRecord.fresh(start, entriesRead == null ? -1 : entriesRead)));
            keys.store(b, key, m);
            b.event(KeyEvent.STREAM, "xgroup-create", key);
            keys.commit(b);
            return Status.OK;
        }
    }

    /** XGROUP SETID: OK, NOT_FOUND (no key) or NOT_APPLIED (no group). {@code id} null means "$". */
    public Status setId(byte[] key, byte[] group, StreamId id, Long entriesRead) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                StreamId to = id != null ? id : StreamMeta.decode(e.stream().value()).lastId();
                e.setRecord(e.record().withLastDelivered(to, entriesRead == null ? -1 : entriesRead));
                e.event("xgroup-setid");
                return Result.ok(Status.OK);
            }).status();
        }
    }

    /**
     * The RockHub dead-letter policy of a group: once an entry has been delivered {@code after}
     * times, a further delivery moves it to {@code deadLetterKey} instead (0 turns the policy off).
     * NOT_FOUND / NOT_APPLIED (no group).
     */
    public Status setDeadLetter(byte[] key, byte[] group, long after, byte[] deadLetterKey) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                e.setRecord(e.record().withDeadLetter(after, after == 0 ? new byte[0] : deadLetterKey));
                return Result.ok(Status.OK);
            }).status();
        }
    }

    /** The group's record (counters, position, dead-letter policy); NOT_FOUND / NOT_APPLIED. */
    public Result<GroupRecord> group(byte[] key, byte[] group) {
        Located l = locate(key, group);
        return l.status() == Status.OK ? Result.ok(l.group()) : Result.of(l.status());
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
            for (byte[] prefix : List.of(StreamGroupCodec.consumerSub(group, new byte[0]),
                    StreamGroupCodec.pendingPrefix(group), StreamGroupCodec.ownedGroupPrefix(group))) {
                for (byte[] k : keysWithPrefix(InternalKey.encode(key, m.version(), prefix))) {
                    b.delete(ColumnFamily.STREAM, k);
                }
            }
            keys.store(b, key, m);
            b.event(KeyEvent.STREAM, "xgroup-destroy", key);
            keys.commit(b);
            return Result.ok(true);
        }
    }

    List<byte[]> keysWithPrefix(byte[] prefix) {
        List<byte[]> out = new ArrayList<>();
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.STREAM, prefix)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                out.add(it.key());
            }
        }
        return out;
    }

    /** XGROUP CREATECONSUMER: true if created; NOT_FOUND / NOT_APPLIED (no group). */
    public Result<Boolean> createConsumer(byte[] key, byte[] group, byte[] consumer) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> Result.ok(e.touch(consumer, false)));
        }
    }

    /** XGROUP DELCONSUMER: the number of entries it had pending; NOT_FOUND / NOT_APPLIED (no group). */
    public Result<Long> deleteConsumer(byte[] key, byte[] group, byte[] consumer) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                if (e.consumer(consumer) == null) {
                    return Result.ok(0L);
                }
                e.event("xgroup-delconsumer");
                long pending = 0;
                for (StreamId id : ownedIds(e, consumer, StreamId.MIN, StreamId.MAX, Long.MAX_VALUE)) {
                    e.removePending(id, e.pending(id));
                    pending++;
                }
                e.dropConsumer(consumer);
                return Result.ok(pending);
            });
        }
    }

    /**
     * XREADGROUP with "&gt;": up to {@code count} entries after the group's last delivered id, each
     * recorded as pending for {@code consumer} (unless {@code noAck}). NOT_FOUND / NOT_APPLIED when
     * the key or group is missing; an empty list when nothing is new.
     */
    public Result<List<Delivery>> readNew(byte[] key, byte[] group, byte[] consumer, long count, boolean noAck) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            // An empty read changes nothing but a new consumer: a commit would wake blocked readers
            // of the key, and an empty read that committed would wake them, and itself, forever.
            return edit(key, group, b, e -> {
                StreamId from = e.record().lastDelivered().next();
                List<StreamStore.Entry> entries = from == null ? List.of()
                        : streams.range(key, from, StreamId.MAX, count, false).value();
                // Redis 7.0 creates (and refreshes) the consumer only when a read of ">" delivers something.
                if (!entries.isEmpty()) {
                    e.touch(consumer, true);
                }
                List<Delivery> out = new ArrayList<>(entries.size());
                // New entries are pending already only after XGROUP SETID rewound the group: look
                // them up only when they are not above the highest pending id.
                StreamId highestPending = entries.isEmpty() || noAck ? null : highestPending(key, e);
                for (StreamStore.Entry entry : entries) {
                    out.add(new Delivery(entry.id(), entry.fields()));
                    if (!noAck) {
                        PendingRecord old = highestPending == null || entry.id().compareTo(highestPending) > 0 ? null
                                : e.pending(entry.id());
                        e.putPending(entry.id(), old, new PendingRecord(e.now(), old == null ? 1 : old.deliveries() + 1,
                                consumer));
                    }
                }
                if (!entries.isEmpty()) {
                    e.setRecord(e.record().withLastDelivered(entries.get(entries.size() - 1).id(),
                            entriesReadAfter(key, e, entries)));
                }
                return Result.ok(out);
            });
        }
    }

    /** Redis's logical read counter: counted while no deleted entry lies ahead, re-estimated otherwise. */
    private long entriesReadAfter(byte[] key, GroupEdit e, List<StreamStore.Entry> entries) {
        Metadata m = e.stream();
        StreamMeta meta = StreamMeta.decode(m.value());
        StreamId[] first = {null}; // a seek, made only when needed
        java.util.function.Supplier<StreamId> firstId = () -> first[0] != null ? first[0] : (first[0] = firstId(key, m));
        long read = e.record().entriesRead();
        for (StreamStore.Entry entry : entries) {
            if (read != -1 && !hasTombstones(meta, m.size(), firstId, entry.id())) {
                read++;
            } else if (meta.entriesAdded() > 0) {
                read = estimateEntriesRead(meta, m.size(), firstId.get(), entry.id());
            }
        }
        return read;
    }

    /** The group's highest pending id, or null when nothing is pending. */
    private StreamId highestPending(byte[] key, GroupEdit e) {
        return e.record().pending() == 0 ? null : pendingEnd(key, e.stream(), e.group(), true);
    }

    /** The lowest ({@code highest} false) or highest pending id of a group with pending entries. */
    private StreamId pendingEnd(byte[] key, Metadata m, byte[] group, boolean highest) {
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroupCodec.pendingPrefix(group));
        try (Cursor it = keys.storage().cursor(ColumnFamily.STREAM)) {
            if (highest) {
                it.seekForPrev(InternalKey.encode(key, m.version(), StreamGroupCodec.pendingSub(group, StreamId.MAX)));
            } else {
                it.seek(prefix);
            }
            return it.isValid() && Bytes.startsWith(it.key(), prefix) ? StreamId.decode(it.key(), prefix.length) : null;
        }
    }

    /**
     * XREADGROUP with an id: the consumer's pending entries after it (fields null if deleted since),
     * each delivered once more, as Redis counts it. Reads the consumer's own index only.
     */
    public Result<List<Delivery>> readHistory(byte[] key, byte[] group, byte[] consumer, StreamId after, long count) {
        try (KeyLocks.Held held = deadLetters.lock(this, key, group); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                StreamId from = after.next();
                List<Delivery> out = new ArrayList<>();
                DeadLetters.Mover mover = deadLetters.mover(e);
                List<StreamId> ids = from == null ? List.of() : ownedIds(e, consumer, from, StreamId.MAX, count);
                for (StreamId id : ids) {
                    byte[] raw = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, e.stream(), id));
                    if (raw == null) {
                        out.add(new Delivery(id, null));
                        continue;
                    }
                    PendingRecord p = e.pending(id);
                    if (mover.moves(id, p, p.deliveries() + 1, raw)) {
                        continue;
                    }
                    e.putPending(id, p, new PendingRecord(e.now(), p.deliveries() + 1, consumer));
                    out.add(new Delivery(id, StreamEntryCodec.decode(raw)));
                }
                mover.finish();
                e.touch(consumer, false);
                return Result.ok(out);
            });
        }
    }

    /** XACK: how many of the ids were pending and are now acknowledged. */
    public Result<Long> ack(byte[] key, byte[] group, List<StreamId> ids) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Long> r = edit(key, group, b, e -> {
                long acked = 0;
                Set<StreamId> seen = new HashSet<>();
                for (StreamId id : ids) {
                    PendingRecord p = seen.add(id) ? e.pending(id) : null;
                    if (p != null) {
                        e.removePending(id, p);
                        acked++;
                    }
                }
                return Result.ok(acked);
            });
            return r.isOk() || r.status() == Status.WRONG_TYPE ? r : Result.ok(0L);
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
        try (KeyLocks.Held held = deadLetters.lock(this, key, group); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                List<Delivery> out = new ArrayList<>();
                DeadLetters.Mover mover = deadLetters.mover(e);
                for (StreamId id : ids) {
                    PendingRecord p = e.pending(id);
                    byte[] entry = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, e.stream(), id));
                    if (p == null && !(o.force() && entry != null)) {
                        continue;
                    }
                    if (entry == null) {
                        e.removePending(id, p);
                        continue;
                    }
                    if (p != null && minIdle > 0 && e.now() - p.deliveredAt() < minIdle) {
                        continue;
                    }
                    Delivery d = claimOne(e, mover, consumer, id, p, entry, o);
                    if (d != null) {
                        out.add(d);
                    }
                }
                mover.finish();
                if (o.lastId() != null && o.lastId().compareTo(e.record().lastDelivered()) > 0) {
                    e.setRecord(e.record().withLastDelivered(o.lastId(), e.record().entriesRead()));
                }
                // As Redis 7.0: the claiming consumer comes into being only when it claims something.
                if (!out.isEmpty()) {
                    e.touch(consumer, true);
                }
                return Result.ok(out);
            });
        }
    }

    /** Claims one entry for {@code consumer}; null when the dead-letter policy moved it instead. */
    private static Delivery claimOne(GroupEdit e, DeadLetters.Mover mover, byte[] consumer, StreamId id,
                                     PendingRecord p, byte[] entry, ClaimOptions o) {
        long now = e.now();
        long before = p == null ? 0 : p.deliveries();
        long deliveredAt = o.timeMillis() != null ? o.timeMillis() : o.idleMillis() != null ? now - o.idleMillis() : now;
        long deliveries = o.retryCount() != null ? o.retryCount() : o.justId() ? before : before + 1;
        if (!o.justId() && mover.moves(id, p, deliveries, entry)) {
            return null;
        }
        e.putPending(id, p, new PendingRecord(deliveredAt, deliveries, consumer));
        return new Delivery(id, o.justId() ? null : StreamEntryCodec.decode(entry));
    }

    /** XAUTOCLAIM's answer: where to continue (0-0 when done), what was claimed, what had been deleted. */
    public record AutoClaim(StreamId next, List<Delivery> claimed, List<StreamId> deleted) {
    }

    /** XAUTOCLAIM: scans the PEL from {@code start}, claiming up to {@code count} idle entries. */
    public Result<AutoClaim> autoClaim(byte[] key, byte[] group, byte[] consumer, long minIdle, StreamId start,
                                       long count, boolean justId) {
        try (KeyLocks.Held held = deadLetters.lock(this, key, group); Batch b = keys.storage().newBatch()) {
            return edit(key, group, b, e -> {
                ClaimOptions o = new ClaimOptions(null, null, null, false, justId, null);
                List<Delivery> claimed = new ArrayList<>();
                List<StreamId> deleted = new ArrayList<>();
                DeadLetters.Mover mover = deadLetters.mover(e);
                // Redis looks at no more than ten times COUNT entries per call.
                List<Pending> scanned = pending(key, e.stream(), group, start, StreamId.MAX, count * 10 + 1);
                StreamId next = StreamId.MIN;
                int examined = 0;
                for (Pending p : scanned) {
                    // As Redis 7.0: a deleted entry dropped from the PEL counts against COUNT too.
                    if (claimed.size() + deleted.size() >= count || examined >= count * 10) {
                        next = p.id();
                        break;
                    }
                    examined++;
                    PendingRecord rec = new PendingRecord(p.deliveredAt(), p.deliveries(), p.consumer());
                    byte[] entry = keys.storage().get(ColumnFamily.STREAM, StreamStore.entryKey(key, e.stream(), p.id()));
                    if (entry == null) {
                        e.removePending(p.id(), rec);
                        deleted.add(p.id());
                        continue;
                    }
                    if (minIdle > 0 && e.now() - p.deliveredAt() < minIdle) {
                        continue;
                    }
                    Delivery d = claimOne(e, mover, consumer, p.id(), rec, entry, o);
                    if (d != null) {
                        claimed.add(d);
                    }
                }
                mover.finish();
                if (!claimed.isEmpty()) {
                    e.touch(consumer, true);
                }
                return Result.ok(new AutoClaim(next, claimed, deleted));
            });
        }
    }

    /** Whether a deleted entry may lie in [start, end of stream]: Redis's streamRangeHasTombstones. */
    /**
     * Whether a deleted entry lies at or after {@code start}, as Redis's streamRangeHasTombstones: not
     * when the newest deletion precedes the first entry (it was trimmed away since). {@code first} is
     * asked only when needed (a seek).
     */
    static boolean hasTombstones(StreamMeta meta, long length, java.util.function.Supplier<StreamId> first,
                                 StreamId start) {
        if (length == 0 || meta.maxDeletedId().equals(StreamId.MIN) || start.compareTo(meta.maxDeletedId()) > 0) {
            return false;
        }
        return first.get().compareTo(meta.maxDeletedId()) <= 0;
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

    /** XPENDING's summary: total, lowest and highest id, and the count per consumer that has any. */
    public record Summary(long count, StreamId lowest, StreamId highest, List<StreamGroupInfo.ConsumerInfo> consumers) {
    }

    /** XPENDING's summary from the group's counters, the PEL's two ends and the consumer records. */
    public Result<Summary> summary(byte[] key, byte[] group) {
        Located l = locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        if (l.group().pending() == 0) {
            return Result.ok(new Summary(0, null, null, List.of()));
        }
        Metadata m = l.stream();
        StreamId lowest = pendingEnd(key, m, group, false);
        StreamId highest = pendingEnd(key, m, group, true);
        List<StreamGroupInfo.ConsumerInfo> owners = new ArrayList<>();
        for (StreamGroupInfo.ConsumerInfo c : consumers(key, m, group)) {
            if (c.pending() > 0) {
                owners.add(c);
            }
        }
        return Result.ok(new Summary(l.group().pending(), lowest, highest, owners));
    }

    /** The group's consumers in name order, from their records. */
    List<StreamGroupInfo.ConsumerInfo> consumers(byte[] key, Metadata m, byte[] group) {
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroupCodec.consumerSub(group, new byte[0]));
        List<StreamGroupInfo.ConsumerInfo> out = new ArrayList<>();
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.STREAM, prefix)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                StreamGroupCodec.ConsumerRecord c = StreamGroupCodec.decodeConsumer(it.value());
                out.add(new StreamGroupInfo.ConsumerInfo(Arrays.copyOfRange(it.key(), prefix.length, it.key().length),
                        c.pending(), c.seenAt(), c.activeAt()));
            }
        }
        return out;
    }

    /**
     * XPENDING's extended form: pending entries in [start, end] idle at least {@code minIdle}, of one
     * consumer (read from its own index) or of the whole group.
     */
    public Result<List<Pending>> pendingRange(byte[] key, byte[] group, StreamId start, StreamId end, long count,
                                              byte[] consumer, long minIdle) {
        Located l = locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        long now = keys.clock().millis();
        List<Pending> out = new ArrayList<>();
        if (minIdle <= 0) {
            return Result.ok(consumer == null ? pending(key, l.stream(), group, start, end, count)
                    : ownedPending(key, l.stream(), group, consumer, start, end, count));
        }
        // With IDLE, entries that are too fresh are skipped without counting; page through them.
        StreamId from = start;
        while (from != null && out.size() < count) {
            List<Pending> page = consumer == null ? pending(key, l.stream(), group, from, end, 1024)
                    : ownedPending(key, l.stream(), group, consumer, from, end, 1024);
            for (Pending p : page) {
                if (out.size() < count && now - p.deliveredAt() >= minIdle) {
                    out.add(p);
                }
            }
            from = page.size() < 1024 ? null : page.get(page.size() - 1).id().next();
        }
        return Result.ok(out);
    }

    /** Pending entries of the group in id order within [start, end]. */
    List<Pending> pending(byte[] key, Metadata m, byte[] group, StreamId start, StreamId end, long count) {
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroupCodec.pendingPrefix(group));
        List<Pending> out = new ArrayList<>();
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.STREAM, prefix)) {
            for (it.seek(InternalKey.encode(key, m.version(), StreamGroupCodec.pendingSub(group, start)));
                 it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < count; it.next()) {
                StreamId id = StreamId.decode(it.key(), prefix.length);
                if (id.compareTo(end) > 0) {
                    break;
                }
                PendingRecord p = StreamGroupCodec.decodePending(it.value());
                out.add(new Pending(id, p.consumer(), p.deliveredAt(), p.deliveries()));
            }
        }
        return out;
    }

    /** One consumer's pending entries within [start, end], from its index plus a point read each. */
    List<Pending> ownedPending(byte[] key, Metadata m, byte[] group, byte[] consumer, StreamId start, StreamId end,
                               long count) {
        List<Pending> out = new ArrayList<>();
        for (StreamId id : ownedIds(key, m, group, consumer, start, end, count)) {
            byte[] raw = keys.storage().get(ColumnFamily.STREAM,
                    InternalKey.encode(key, m.version(), StreamGroupCodec.pendingSub(group, id)));
            PendingRecord p = StreamGroupCodec.decodePending(raw);
            out.add(new Pending(id, p.consumer(), p.deliveredAt(), p.deliveries()));
        }
        return out;
    }

    private List<StreamId> ownedIds(GroupEdit e, byte[] consumer, StreamId start, StreamId end, long count) {
        return ownedIds(e.key(), e.stream(), e.group(), consumer, start, end, count);
    }

    List<StreamId> ownedIds(byte[] key, Metadata m, byte[] group, byte[] consumer, StreamId start, StreamId end,
                            long count) {
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroupCodec.ownedPrefix(group, consumer));
        List<StreamId> out = new ArrayList<>();
        try (Cursor it = keys.storage().prefixCursor(ColumnFamily.STREAM, prefix)) {
            for (it.seek(InternalKey.encode(key, m.version(), StreamGroupCodec.ownedSub(group, consumer, start)));
                 it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < count; it.next()) {
                StreamId id = StreamId.decode(it.key(), prefix.length);
                if (id.compareTo(end) > 0) {
                    break;
                }
                out.add(id);
            }
        }
        return out;
    }

    /** RESTORE: writes the groups, their pending entries and consumers under the stream's (new) version. */
    public void writeFresh(Batch b, byte[] key, Metadata m, List<io.rockhub.core.encoding.RdbPayload.StreamGroupValue> groups) {
        for (io.rockhub.core.encoding.RdbPayload.StreamGroupValue g : groups) {
            b.put(ColumnFamily.STREAM, groupKey(key, m, g.name()), StreamGroupCodec.encode(new GroupRecord(
                    g.lastDelivered(), g.entriesRead(), g.pending().size(), g.consumers().size(), 0, new byte[0])));
            for (io.rockhub.core.encoding.RdbPayload.StreamConsumerValue c : g.consumers()) {
                long owned = g.pending().stream().filter(p -> Arrays.equals(p.consumer(), c.name())).count();
                // Redis 7.0 keeps one time per consumer; it is the last activity too.
                b.put(ColumnFamily.STREAM, InternalKey.encode(key, m.version(), StreamGroupCodec.consumerSub(g.name(), c.name())),
                        StreamGroupCodec.encode(new StreamGroupCodec.ConsumerRecord(c.seenAt(), c.seenAt(), owned)));
            }
            for (io.rockhub.core.encoding.RdbPayload.StreamPendingValue p : g.pending()) {
                b.put(ColumnFamily.STREAM, InternalKey.encode(key, m.version(), StreamGroupCodec.pendingSub(g.name(), p.id())),
                        StreamGroupCodec.encode(new StreamGroupCodec.PendingRecord(p.deliveredAt(), p.deliveries(), p.consumer())));
                b.put(ColumnFamily.STREAM, InternalKey.encode(key, m.version(),
                        StreamGroupCodec.ownedSub(g.name(), p.consumer(), p.id())), new byte[0]);
            }
        }
    }
}
