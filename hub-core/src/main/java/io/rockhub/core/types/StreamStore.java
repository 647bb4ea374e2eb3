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
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import java.util.ArrayList;
import java.util.List;
import io.rockhub.core.storage.Cursor;

/**
 * Streams: entries in their own column family under {@code [key][version][ms][seq]}, so ranges by
 * id are seeks; the metadata keeps the length (XLEN is O(1)), the last id, the largest deleted id and
 * the count of entries ever added. A stream survives its last entry, as in Redis.
 */
public final class StreamStore {
    /** Redis's stream-node-max-entries: "~" trims only whole nodes of this many entries. */
    static final int NODE_ENTRIES = 100;

    /** An entry: its id and field/value pairs. */
    public record Entry(StreamId id, List<byte[]> fields) {
    }

    /** How XADD picks the id: "*", "ms-*" or an explicit id. */
    public record IdSpec(StreamId explicit, Long msOnly, boolean auto) {
        public static IdSpec generated() {
            return new IdSpec(null, null, true);
        }

        public static IdSpec autoSeq(long ms) {
            return new IdSpec(null, ms, false);
        }

        public static IdSpec of(StreamId id) {
            return new IdSpec(id, null, false);
        }
    }

    /** MAXLEN or MINID trimming; {@code approximate} for "~", {@code limit} 0 = default. */
    public record Trim(boolean byLength, long maxLen, StreamId minId, boolean approximate, long limit) {
    }

    private final Keyspace keys;

    public StreamStore(Keyspace keys) {
        this.keys = keys;
    }

    static byte[] entryKey(byte[] key, Metadata m, StreamId id) {
        return InternalKey.encode(key, m.version(), id.encode());
    }

    /** XADD: the new entry's id; null with {@code noMkStream} when the key is absent. */
    public Result<StreamId> add(byte[] key, boolean noMkStream, IdSpec spec, List<byte[]> fields, Trim trim) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = noMkStream ? keys.collection(key, DataType.STREAM)
                    : keys.collectionForWrite(key, DataType.STREAM);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(null) : Result.of(r.status());
            }
            Metadata m = r.value();
            StreamMeta meta = StreamMeta.decode(m.value());
            StreamId last = meta.lastId();
            if (last.equals(StreamId.MAX)) {
                return Result.of(Status.IDS_EXHAUSTED); // whatever id was asked for, as Redis
            }
            StreamId id;
            if (spec.auto()) {
                id = generatedId(last);
                if (id == null) {
                    return Result.of(Status.IDS_EXHAUSTED);
                }
            } else if (spec.msOnly() != null) {
                long ms = spec.msOnly();
                int c = Long.compareUnsigned(ms, last.ms());
                if (c < 0 || (c == 0 && last.seq() == -1)) {
                    return Result.of(Status.ID_TOO_SMALL);
                }
                id = c > 0 ? new StreamId(ms, 0) : new StreamId(ms, last.seq() + 1);
                if (id.equals(StreamId.MIN)) {
                    return Result.of(Status.ID_ZERO);
                }
            } else {
                id = spec.explicit();
                if (id.equals(StreamId.MIN)) {
                    return Result.of(Status.ID_ZERO);
                }
                if (id.compareTo(last) <= 0) {
                    return Result.of(Status.ID_TOO_SMALL);
                }
            }
            Metadata neu = append(b, key, m, id, fields);
            long added = neu.size();
            if (trim != null) {
                neu = trim(b, key, neu, trim, id);
            }
            keys.store(b, key, neu);
            b.event(KeyEvent.STREAM, "xadd", key);
            if (neu.size() < added) {
                b.event(KeyEvent.STREAM, "xtrim", key);
            }
            keys.commit(b);
            return Result.ok(id);
        }
    }

    /** The id "*" stands for after {@code last}: now, or the next sequence; null when ids ran out. */
    StreamId generatedId(StreamId last) {
        long now = keys.clock().millis();
        return Long.compareUnsigned(now, last.ms()) > 0 ? new StreamId(now, 0) : last.next();
    }

    /**
     * Adds an entry whose id is above the stream's last into {@code b}, for a caller holding the key's
     * lock; returns the metadata after it, which the caller stores.
     */
    Metadata append(Batch b, byte[] key, Metadata m, StreamId id, List<byte[]> fields) {
        StreamMeta meta = StreamMeta.decode(m.value());
        b.put(ColumnFamily.STREAM, entryKey(key, m, id), StreamEntryCodec.encode(fields));
        return m.withSize(m.size() + 1).withValue(new StreamMeta(id, meta.maxDeletedId(), meta.entriesAdded() + 1).encode());
    }

    /**
     * XSETID: sets the last id (and optionally entries-added and max-deleted-id). NOT_FOUND without
     * the key; ID_TOO_SMALL below the newest entry; NOT_APPLIED when entries-added is below the length.
     */
    public Status setId(byte[] key, StreamId lastId, Long entriesAdded, StreamId maxDeleted) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.STREAM);
            if (!r.isOk()) {
                return r.status();
            }
            Metadata m = r.value();
            if (m.size() > 0) {
                List<Entry> top = scan(key, m, StreamId.MIN, StreamId.MAX, 1, true);
                if (!top.isEmpty() && lastId.compareTo(top.get(0).id()) < 0) {
                    return Status.ID_TOO_SMALL;
                }
                if (entriesAdded != null && m.size() > entriesAdded) {
                    return Status.NOT_APPLIED;
                }
            }
            StreamMeta meta = StreamMeta.decode(m.value());
            StreamMeta neu = new StreamMeta(lastId, maxDeleted == null ? meta.maxDeletedId() : maxDeleted,
                    entriesAdded == null ? meta.entriesAdded() : entriesAdded);
            keys.store(b, key, m.withValue(neu.encode()));
            b.event(KeyEvent.STREAM, "xsetid", key);
            keys.commit(b);
            return Status.OK;
        }
    }

    /** The stream's last id (0-0 for a missing key), what XREAD's "$" stands for. */
    public Result<StreamId> lastId(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        return switch (r.status()) {
            case OK -> Result.ok(StreamMeta.decode(r.value().value()).lastId());
            case NOT_FOUND -> Result.ok(StreamId.MIN);
            default -> Result.of(r.status());
        };
    }

    public Result<Long> length(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        return switch (r.status()) {
            case OK -> Result.ok(r.value().size());
            case NOT_FOUND -> Result.ok(0L);
            default -> Result.of(r.status());
        };
    }

    /** XRANGE / XREVRANGE: entries with start <= id <= end, at most {@code count}. */
    public Result<List<Entry>> range(byte[] key, StreamId start, StreamId end, long count, boolean reverse) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        if (r.status() == Status.NOT_FOUND) {
            return Result.ok(List.of());
        }
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        return Result.ok(scan(key, r.value(), start, end, count, reverse));
    }

    private List<Entry> scan(byte[] key, Metadata m, StreamId start, StreamId end, long count, boolean reverse) {
        List<Entry> out = new ArrayList<>();
        if (start.compareTo(end) > 0) {
            return out;
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        try (Cursor it = keys.storage().cursor(ColumnFamily.STREAM)) {
            if (reverse) {
                it.seekForPrev(entryKey(key, m, end));
            } else {
                it.seek(entryKey(key, m, start));
            }
            // Group, consumer and pending records share the prefix but are longer than an entry key.
            while (it.isValid() && Bytes.startsWith(it.key(), prefix) && out.size() < count
                    && it.key().length == prefix.length + 16) {
                StreamId id = StreamId.decode(it.key(), prefix.length);
                if (reverse ? id.compareTo(start) < 0 : id.compareTo(end) > 0) {
                    break;
                }
                out.add(new Entry(id, StreamEntryCodec.decode(it.value())));
                if (reverse) {
                    it.prev();
                } else {
                    it.next();
                }
            }
        }
        return out;
    }

    /** XDEL: entries deleted. */
    public Result<Long> delete(byte[] key, List<StreamId> ids) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.STREAM);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata m = r.value();
            StreamMeta meta = StreamMeta.decode(m.value());
            StreamId maxDeleted = meta.maxDeletedId();
            java.util.Set<StreamId> seen = new java.util.HashSet<>();
            long deleted = 0;
            for (StreamId id : ids) {
                if (seen.add(id) && keys.storage().get(ColumnFamily.STREAM, entryKey(key, m, id)) != null) {
                    b.delete(ColumnFamily.STREAM, entryKey(key, m, id));
                    deleted++;
                    if (id.compareTo(maxDeleted) > 0) {
                        maxDeleted = id;
                    }
                }
            }
            if (deleted > 0) {
                keys.store(b, key, m.withSize(m.size() - deleted)
                        .withValue(new StreamMeta(meta.lastId(), maxDeleted, meta.entriesAdded()).encode()));
                b.event(KeyEvent.STREAM, "xdel", key);
                keys.commit(b);
            }
            return Result.ok(deleted);
        }
    }

    /** XTRIM: entries removed. */
    public Result<Long> trim(byte[] key, Trim trim) {
        try (KeyLocks.Held held = keys.locks().lock(key); Batch b = keys.storage().newBatch()) {
            Result<Metadata> r = keys.collection(key, DataType.STREAM);
            if (!r.isOk()) {
                return r.status() == Status.NOT_FOUND ? Result.ok(0L) : Result.of(r.status());
            }
            Metadata before = r.value();
            Metadata after = trim(b, key, before, trim, null);
            long removed = before.size() - after.size();
            if (removed > 0) {
                keys.store(b, key, after);
                b.event(KeyEvent.STREAM, "xtrim", key);
                keys.commit(b);
            }
            return Result.ok(removed);
        }
    }

    /**
     * Deletes the oldest entries the trim asks for into {@code b}; returns the metadata after it.
     * With "~" only whole groups of {@value #NODE_ENTRIES} entries go, as Redis drops whole nodes,
     * and at most {@code limit} entries (default 100 nodes' worth).
     */
    private Metadata trim(Batch b, byte[] key, Metadata m, Trim trim, StreamId appended) {
        long limit = trim.approximate() ? (trim.limit() > 0 ? trim.limit() : 100L * NODE_ENTRIES) : Long.MAX_VALUE;
        long removable = trim.byLength() ? Math.max(0, m.size() - trim.maxLen()) : Long.MAX_VALUE;
        if (trim.approximate()) {
            removable = Math.min(removable, limit) / NODE_ENTRIES * NODE_ENTRIES;
        }
        if (removable == 0) {
            return m;
        }
        // MINID reads only the entries below the threshold.
        StreamId end = trim.byLength() ? StreamId.MAX : trim.minId().previous();
        if (end == null) {
            return m;
        }
        long wanted = Math.min(removable, m.size());
        List<Entry> oldest = new ArrayList<>(scan(key, m, StreamId.MIN, end, wanted, false));
        // The entry XADD just put in the batch is invisible to the scan; Redis trims after adding,
        // so it goes too when the trim reaches it (MAXLEN 0, or a MINID above it).
        if (appended != null && oldest.size() < wanted && appended.compareTo(end) <= 0 && !trim.approximate()) {
            oldest.add(new Entry(appended, null));
        }
        long removed = 0;
        if (!trim.byLength() && trim.approximate()) {
            oldest = oldest.subList(0, oldest.size() / NODE_ENTRIES * NODE_ENTRIES);
        }
        // Trimming, unlike XDEL, leaves max-deleted-entry-id alone (Redis 7.0 does the same: the
        // stream's first entry tells the lag computation what was trimmed).
        for (Entry e : oldest) {
            b.delete(ColumnFamily.STREAM, entryKey(key, m, e.id()));
            removed++;
        }
        return m.withSize(m.size() - removed);
    }

    /** RESTORE: writes the entries as a new stream version with its counters; the caller adds groups and stores the record. */
    public Metadata writeFresh(Batch b, byte[] key, long expireAt, io.rockhub.core.encoding.RdbPayload.StreamValue v) {
        Metadata m = Metadata.collection(DataType.STREAM, expireAt, keys.versions().next(), v.ids().size())
                .withValue(new StreamMeta(v.lastId(), v.maxDeleted(), v.entriesAdded()).encode());
        for (int i = 0; i < v.ids().size(); i++) {
            b.put(ColumnFamily.STREAM, entryKey(key, m, v.ids().get(i)), StreamEntryCodec.encode(v.entries().get(i)));
        }
        return m;
    }
}
