package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamGroupCodec;
import io.rockhub.core.encoding.StreamGroupCodec.ConsumerRecord;
import io.rockhub.core.encoding.StreamGroupCodec.GroupRecord;
import io.rockhub.core.encoding.StreamGroupCodec.PendingRecord;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One command's changes to one consumer group, under the stream's key lock: every pending entry
 * added, moved or removed goes through here, so the PEL, the per-consumer "owned" index and the
 * pending counters of the group and its consumers change together in the command's batch.
 */
final class GroupEdit {
    private final Keyspace keys;
    private final Batch batch;
    private final byte[] key;
    private final Metadata stream;
    private final byte[] group;
    private final long now;
    private GroupRecord record;
    private boolean groupDirty;
    private boolean changed;
    /** Consumer records read so far; a null value means "no such consumer". */
    private final Map<ByteBuffer, ConsumerRecord> consumers = new HashMap<>();
    private final Set<ByteBuffer> dirtyConsumers = new LinkedHashSet<>();

    GroupEdit(Keyspace keys, Batch batch, byte[] key, Metadata stream, byte[] group, GroupRecord record) {
        this.keys = keys;
        this.batch = batch;
        this.key = key;
        this.stream = stream;
        this.group = group;
        this.record = record;
        this.now = keys.clock().millis();
    }

    long now() {
        return now;
    }

    GroupRecord record() {
        return record;
    }

    Metadata stream() {
        return stream;
    }

    byte[] key() {
        return key;
    }

    byte[] group() {
        return group;
    }

    Batch batch() {
        return batch;
    }

    byte[] full(byte[] sub) {
        return InternalKey.encode(key, stream.version(), sub);
    }

    void setRecord(GroupRecord neu) {
        record = neu;
        groupDirty = true;
        changed = true;
    }

    /** Marks a change made directly to the batch (an entry read, an unrelated record), so the command commits. */
    void markChanged() {
        changed = true;
    }

    ConsumerRecord consumer(byte[] name) {
        return consumers.computeIfAbsent(ByteBuffer.wrap(name), n -> {
            byte[] raw = keys.storage().get(ColumnFamily.STREAM, full(StreamGroupCodec.consumerSub(group, name)));
            return raw == null ? null : StreamGroupCodec.decodeConsumer(raw);
        });
    }

    private void putConsumer(byte[] name, ConsumerRecord c) {
        consumers.put(ByteBuffer.wrap(name), c);
        dirtyConsumers.add(ByteBuffer.wrap(name));
        changed = true;
    }

    /**
     * Creates the consumer if missing (returning true) and refreshes its seen time, and its active
     * time when something is delivered to it. A mere look by an existing consumer writes nothing,
     * as an empty read must not wake blocked readers of the key.
     */
    boolean touch(byte[] name, boolean active) {
        ConsumerRecord c = consumer(name);
        if (c == null) {
            putConsumer(name, new ConsumerRecord(now, active ? now : -1, 0));
            setRecord(record.withCounts(record.pending(), record.consumers() + 1));
            event("xgroup-createconsumer");
            return true;
        }
        if (active) {
            putConsumer(name, new ConsumerRecord(now, now, c.pending()));
        }
        return false;
    }

    /** Records a stream keyspace event for the stream being edited. */
    void event(String name) {
        batch.event(io.rockhub.core.storage.KeyEvent.STREAM, name, key);
    }

    /** Forgets a consumer that owns no pending entries any more. */
    void dropConsumer(byte[] name) {
        consumers.put(ByteBuffer.wrap(name), null);
        dirtyConsumers.remove(ByteBuffer.wrap(name));
        batch.delete(ColumnFamily.STREAM, full(StreamGroupCodec.consumerSub(group, name)));
        setRecord(record.withCounts(record.pending(), record.consumers() - 1));
    }

    PendingRecord pending(StreamId id) {
        byte[] raw = keys.storage().get(ColumnFamily.STREAM, full(StreamGroupCodec.pendingSub(group, id)));
        return raw == null ? null : StreamGroupCodec.decodePending(raw);
    }

    /** Records {@code id} as pending with {@code neu}; {@code old} is its previous record, if any. */
    void putPending(StreamId id, PendingRecord old, PendingRecord neu) {
        batch.put(ColumnFamily.STREAM, full(StreamGroupCodec.pendingSub(group, id)), StreamGroupCodec.encode(neu));
        changed = true;
        boolean sameOwner = old != null && java.util.Arrays.equals(old.consumer(), neu.consumer());
        if (sameOwner) {
            return;
        }
        if (old != null) {
            disown(id, old.consumer());
        } else {
            setRecord(record.withCounts(record.pending() + 1, record.consumers()));
        }
        batch.put(ColumnFamily.STREAM, full(StreamGroupCodec.ownedSub(group, neu.consumer(), id)), new byte[0]);
        adjustConsumerPending(neu.consumer(), +1);
    }

    /** Acknowledges (or forgets) a pending entry. */
    void removePending(StreamId id, PendingRecord old) {
        batch.delete(ColumnFamily.STREAM, full(StreamGroupCodec.pendingSub(group, id)));
        disown(id, old.consumer());
        setRecord(record.withCounts(record.pending() - 1, record.consumers()));
    }

    private void disown(StreamId id, byte[] owner) {
        batch.delete(ColumnFamily.STREAM, full(StreamGroupCodec.ownedSub(group, owner, id)));
        adjustConsumerPending(owner, -1);
    }

    private void adjustConsumerPending(byte[] name, long delta) {
        ConsumerRecord c = consumer(name);
        if (c == null) {
            // Owners always exist (DELCONSUMER drops their entries first); a new owner is created here.
            c = new ConsumerRecord(now, -1, 0);
            setRecord(record.withCounts(record.pending(), record.consumers() + 1));
        }
        putConsumer(name, new ConsumerRecord(c.seenAt(), c.activeAt(), c.pending() + delta));
    }

    /** Writes the group and consumer records into the batch; whether the command changed anything. */
    boolean finish() {
        if (groupDirty) {
            batch.put(ColumnFamily.STREAM, full(StreamGroupCodec.groupSub(group)), StreamGroupCodec.encode(record));
        }
        for (ByteBuffer name : dirtyConsumers) {
            byte[] n = new byte[name.remaining()];
            name.duplicate().get(n);
            batch.put(ColumnFamily.STREAM, full(StreamGroupCodec.consumerSub(group, n)),
                    StreamGroupCodec.encode(consumers.get(name)));
        }
        return changed;
    }
}
