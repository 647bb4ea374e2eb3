package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksIterator;

/** What XINFO reports about a stream's groups and consumers, read from {@link StreamGroups}' records. */
public final class StreamGroupInfo {
    private final Keyspace keys;
    private final StreamGroups groups;

    public StreamGroupInfo(Keyspace keys, StreamGroups groups) {
        this.keys = keys;
        this.groups = groups;
    }

    /** A group as XINFO GROUPS shows it; {@code entriesRead} and {@code lag} are null when unknown. */
    public record GroupInfo(byte[] name, long consumers, long pending, StreamId lastDelivered, Long entriesRead,
                            Long lag) {
    }

    /** A consumer as XINFO CONSUMERS shows it. */
    public record ConsumerInfo(byte[] name, long pending, long seenAt) {
    }

    /** XINFO GROUPS, in name order. NOT_FOUND without the key. */
    public Result<List<GroupInfo>> groupsInfo(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        Metadata m = r.value();
        StreamMeta meta = StreamMeta.decode(m.value());
        StreamId first = groups.firstId(key, m);
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroups.tagged(StreamGroups.GROUP));
        List<GroupInfo> out = new ArrayList<>();
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.STREAM)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                byte[] name = Arrays.copyOfRange(it.key(), prefix.length, it.key().length);
                StreamGroups.Group g = StreamGroups.decodeGroup(it.value());
                long consumers = groups.keysWithPrefix(InternalKey.encode(key, m.version(),
                        StreamGroups.tagged(StreamGroups.CONSUMER, StreamGroups.lengthPrefixed(name)))).size();
                long pending = groups.keysWithPrefix(StreamGroups.pendingPrefix(key, m, name)).size();
                Long lag;
                if (meta.entriesAdded() == 0) {
                    lag = 0L;
                } else if (g.entriesRead() != -1 && !StreamGroups.hasTombstones(meta, m.size(), g.lastDelivered())) {
                    lag = meta.entriesAdded() - g.entriesRead();
                } else {
                    long est = StreamGroups.estimateEntriesRead(meta, m.size(), first, g.lastDelivered());
                    lag = est == -1 ? null : meta.entriesAdded() - est;
                }
                out.add(new GroupInfo(name, consumers, pending, g.lastDelivered(),
                        g.entriesRead() == -1 ? null : g.entriesRead(), lag));
            }
        }
        return Result.ok(out);
    }

    /** XINFO CONSUMERS, in name order. NOT_FOUND / NOT_APPLIED (no group). */
    public Result<List<ConsumerInfo>> consumersInfo(byte[] key, byte[] group) {
        StreamGroups.Located l = groups.locate(key, group);
        if (l.status() != Status.OK) {
            return Result.of(l.status());
        }
        Metadata m = l.stream();
        Map<String, Long> pendingPer = new java.util.HashMap<>();
        for (StreamGroups.Pending p : groups.pending(key, m, group, StreamId.MIN, StreamId.MAX, Long.MAX_VALUE, null)) {
            pendingPer.merge(new String(p.consumer(), StandardCharsets.ISO_8859_1), 1L, Long::sum);
        }
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroups.tagged(StreamGroups.CONSUMER, StreamGroups.lengthPrefixed(group)));
        List<ConsumerInfo> out = new ArrayList<>();
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.STREAM)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                byte[] name = Arrays.copyOfRange(it.key(), prefix.length, it.key().length);
                out.add(new ConsumerInfo(name, pendingPer.getOrDefault(new String(name, StandardCharsets.ISO_8859_1), 0L),
                        Bytes.getLong(it.value(), 0)));
            }
        }
        return Result.ok(out);
    }

    /** The number of groups of a stream, for XINFO STREAM. */
    public long groupCount(byte[] key, Metadata m) {
        return groups.keysWithPrefix(InternalKey.encode(key, m.version(), StreamGroups.tagged(StreamGroups.GROUP))).size();
    }
}
