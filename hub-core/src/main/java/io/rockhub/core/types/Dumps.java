package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.RdbPayload;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.List;

/**
 * DUMP and RESTORE: a key's whole value as an {@link RdbPayload} value, and a value written back as
 * a new key in one batch (its TTL included), through each type's store.
 */
public final class Dumps {
    private final Keyspace keys;
    private final StringStore strings;
    private final ListStore lists;
    private final SetStore sets;
    private final ZSetStore zsets;
    private final HashStore hashes;
    private final StreamStore streams;
    private final StreamGroups groups;
    private final StreamGroupInfo groupInfo;

    public Dumps(Keyspace keys, StringStore strings, ListStore lists, SetStore sets, ZSetStore zsets, HashStore hashes,
                 StreamStore streams, StreamGroups groups, StreamGroupInfo groupInfo) {
        this.keys = keys;
        this.strings = strings;
        this.lists = lists;
        this.sets = sets;
        this.zsets = zsets;
        this.hashes = hashes;
        this.streams = streams;
        this.groups = groups;
        this.groupInfo = groupInfo;
    }

    /** The value of a live key; NOT_FOUND, or NOT_APPLIED for a type not serializable yet (streams). */
    public Result<RdbPayload.Value> read(byte[] key) {
        Metadata m = keys.live(key);
        if (m == null) {
            return Result.notFound();
        }
        if (m.type().isString()) {
            return Result.ok(new RdbPayload.StringValue(strings.values().whole(key, m)));
        }
        return switch (m.type()) {
            case LIST -> Result.ok(new RdbPayload.ListValue(lists.range(key, 0, -1).value()));
            case SET -> Result.ok(new RdbPayload.SetValue(sets.members(key).value()));
            case HASH -> {
                List<byte[]> fv = new ArrayList<>();
                for (Keyspace.Entry e : hashes.all(key).value()) {
                    fv.add(e.sub());
                    fv.add(e.value());
                }
                yield Result.ok(new RdbPayload.HashValue(fv));
            }
            case ZSET -> {
                List<byte[]> members = new ArrayList<>();
                List<Double> scores = new ArrayList<>();
                for (ZSetStore.ScoredMember e : zsets.rangeByRank(key, 0, -1, false).value()) {
                    members.add(e.member());
                    scores.add(e.score());
                }
                yield Result.ok(new RdbPayload.ZSetValue(members, scores));
            }
            case STREAM -> Result.ok(stream(key));
            default -> Result.of(Status.NOT_APPLIED);
        };
    }

    private RdbPayload.StreamValue stream(byte[] key) {
        StreamGroupInfo.StreamFull full = groupInfo.full(key, 0).value();
        List<io.rockhub.core.encoding.StreamId> ids = new ArrayList<>();
        List<List<byte[]>> entries = new ArrayList<>();
        for (StreamStore.Entry e : full.entries()) {
            ids.add(e.id());
            entries.add(e.fields());
        }
        List<RdbPayload.StreamGroupValue> out = new ArrayList<>();
        for (StreamGroupInfo.GroupFull g : full.groups()) {
            List<RdbPayload.StreamPendingValue> pending = new ArrayList<>();
            for (StreamGroups.Pending p : g.pending()) {
                pending.add(new RdbPayload.StreamPendingValue(p.id(), p.deliveredAt(), p.deliveries(), p.consumer()));
            }
            List<RdbPayload.StreamConsumerValue> consumers = new ArrayList<>();
            for (StreamGroupInfo.ConsumerFull c : g.consumers()) {
                consumers.add(new RdbPayload.StreamConsumerValue(c.info().name(), c.info().seenAt()));
            }
            Long read = g.info().entriesRead();
            out.add(new RdbPayload.StreamGroupValue(g.info().name(), g.info().lastDelivered(), read == null ? -1 : read,
                    pending, consumers));
        }
        return new RdbPayload.StreamValue(ids, entries, full.meta().lastId(), full.meta().maxDeletedId(),
                full.meta().entriesAdded(), out);
    }

    /**
     * RESTORE: OK; NOT_APPLIED when the key exists and {@code replace} is false. An {@code expireAt}
     * already past leaves no key (removing a replaced one), as Redis does.
     */
    public Status restore(byte[] key, RdbPayload.Value v, long expireAt, boolean replace) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Metadata old = keys.physical(key);
            if (keys.isLive(old) && !replace) {
                return Status.NOT_APPLIED;
            }
            if (expireAt != 0 && expireAt <= keys.clock().millis()) {
                if (old != null) {
                    keys.remove(b, key, old);
                    if (keys.isLive(old)) {
                        b.event(KeyEvent.GENERIC, "del", key);
                    }
                    keys.commit(b);
                }
                return Status.OK;
            }
            Metadata neu;
            if (v instanceof RdbPayload.StringValue s) {
                neu = Metadata.string(s.value(), expireAt);
            } else if (v instanceof RdbPayload.ListValue l) {
                neu = lists.writeFresh(b, key, expireAt, l.items());
            } else if (v instanceof RdbPayload.SetValue s) {
                neu = sets.writeFresh(b, key, expireAt, s.members());
            } else if (v instanceof RdbPayload.HashValue h) {
                neu = hashes.writeFresh(b, key, expireAt, h.fieldsAndValues());
            } else if (v instanceof RdbPayload.StreamValue st) {
                neu = streams.writeFresh(b, key, expireAt, st);
                groups.writeFresh(b, key, neu, st.groups());
            } else {
                RdbPayload.ZSetValue z = (RdbPayload.ZSetValue) v;
                List<ZSetStore.ScoredMember> members = new ArrayList<>();
                for (int i = 0; i < z.members().size(); i++) {
                    members.add(new ZSetStore.ScoredMember(z.members().get(i), z.scores().get(i)));
                }
                neu = zsets.writeFresh(b, key, expireAt, members);
            }
            if (keys.isLive(old)) {
                b.event(KeyEvent.NEW, "new", key); // REPLACE deletes the old value, then adds the key anew
            }
            keys.put(b, key, old, neu);
            b.event(KeyEvent.GENERIC, "restore", key);
            keys.commit(b);
            return Status.OK;
        }
    }

    /** Whether Redis would load the value: no empty collection, no NaN score (else "Bad data format"). */
    public static boolean loadable(RdbPayload.Value v) {
        if (v instanceof RdbPayload.ListValue l) {
            return !l.items().isEmpty();
        } else if (v instanceof RdbPayload.SetValue s) {
            return !s.members().isEmpty();
        } else if (v instanceof RdbPayload.HashValue h) {
            return !h.fieldsAndValues().isEmpty();
        } else if (v instanceof RdbPayload.ZSetValue z) {
            return !z.members().isEmpty() && z.scores().stream().noneMatch(d -> d.isNaN());
        }
        return true;
    }
}
