package io.rockhub.core.types;

import io.rockhub.core.encoding.Bytes;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamGroupCodec;
import io.rockhub.core.encoding.StreamGroupCodec.GroupRecord;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksIterator;

/** What XINFO reports about a stream's groups and consumers, read from {@link StreamGroups}' records. */
public final class StreamGroupInfo {
    private final Keyspace keys;
    private final StreamGroups groups;
    private final StreamStore streams;

    public StreamGroupInfo(Keyspace keys, StreamGroups groups, StreamStore streams) {
        this.keys = keys;
        this.groups = groups;
        this.streams = streams;
    }

    /** A group as XINFO GROUPS shows it; {@code entriesRead} and {@code lag} are null when unknown. */
    public record GroupInfo(byte[] name, long consumers, long pending, StreamId lastDelivered, Long entriesRead,
                            Long lag) {
    }

    /** A consumer as XINFO CONSUMERS shows it; {@code activeAt} is -1 before its first delivery. */
    public record ConsumerInfo(byte[] name, long pending, long seenAt, long activeAt) {
    }

    /** XINFO GROUPS, in name order. NOT_FOUND without the key. */
    public Result<List<GroupInfo>> groupsInfo(byte[] key) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        return r.isOk() ? Result.ok(groupsOf(key, r.value())) : Result.of(r.status());
    }

    private List<GroupInfo> groupsOf(byte[] key, Metadata m) {
        StreamMeta meta = StreamMeta.decode(m.value());
        StreamId first = groups.firstId(key, m);
        byte[] prefix = InternalKey.encode(key, m.version(), StreamGroupCodec.groupSub(new byte[0]));
        int subAt = prefix.length - StreamGroupCodec.groupSub(new byte[0]).length;
        List<GroupInfo> out = new ArrayList<>();
        try (RocksIterator it = keys.storage().iterator(ColumnFamily.STREAM)) {
            for (it.seek(prefix); it.isValid() && Bytes.startsWith(it.key(), prefix); it.next()) {
                GroupRecord g = StreamGroupCodec.decodeGroup(it.value());
                out.add(new GroupInfo(StreamGroupCodec.groupName(it.key(), subAt), g.consumers(), g.pending(),
                        g.lastDelivered(), g.entriesRead() == -1 ? null : g.entriesRead(), lag(meta, m, first, g)));
            }
        }
        return out;
    }

    private static Long lag(StreamMeta meta, Metadata m, StreamId first, GroupRecord g) {
        if (meta.entriesAdded() == 0) {
            return 0L;
        }
        if (g.entriesRead() != -1 && !StreamGroups.hasTombstones(meta, m.size(), () -> first, g.lastDelivered())) {
            return meta.entriesAdded() - g.entriesRead();
        }
        long est = StreamGroups.estimateEntriesRead(meta, m.size(), first, g.lastDelivered());
        return est == -1 ? null : meta.entriesAdded() - est;
    }

    /** XINFO CONSUMERS, in name order. NOT_FOUND / NOT_APPLIED (no group). */
    public Result<List<ConsumerInfo>> consumersInfo(byte[] key, byte[] group) {
        StreamGroups.Located l = groups.locate(key, group);
        return l.status() == Status.OK ? Result.ok(groups.consumers(key, l.stream(), group)) : Result.of(l.status());
    }

    /** The number of groups of a stream, for XINFO STREAM. */
    public long groupCount(byte[] key, Metadata m) {
        return groups.keysWithPrefix(InternalKey.encode(key, m.version(), StreamGroupCodec.groupSub(new byte[0]))).size();
    }

    /** A consumer in XINFO STREAM FULL: its record and its first pending entries. */
    public record ConsumerFull(ConsumerInfo info, List<StreamGroups.Pending> pending) {
    }

    /** A group in XINFO STREAM FULL: its summary, its first pending entries and its consumers. */
    public record GroupFull(GroupInfo info, List<StreamGroups.Pending> pending, List<ConsumerFull> consumers) {
    }

    /** XINFO STREAM FULL: the stream's first entries and every group with up to {@code count} pending each. */
    public record StreamFull(Metadata stream, StreamMeta meta, StreamId firstId, List<StreamStore.Entry> entries,
                             List<GroupFull> groups) {
    }

    /** XINFO STREAM FULL [COUNT count]; {@code count} 0 means everything. NOT_FOUND / WRONG_TYPE. */
    public Result<StreamFull> full(byte[] key, long count) {
        Result<Metadata> r = keys.collection(key, DataType.STREAM);
        if (!r.isOk()) {
            return Result.of(r.status());
        }
        long limit = count == 0 ? Long.MAX_VALUE : count;
        Metadata m = r.value();
        List<GroupFull> out = new ArrayList<>();
        for (GroupInfo g : groupsOf(key, m)) {
            List<ConsumerFull> consumers = new ArrayList<>();
            for (ConsumerInfo c : groups.consumers(key, m, g.name())) {
                consumers.add(new ConsumerFull(c,
                        groups.ownedPending(key, m, g.name(), c.name(), StreamId.MIN, StreamId.MAX, limit)));
            }
            out.add(new GroupFull(g, groups.pending(key, m, g.name(), StreamId.MIN, StreamId.MAX, limit), consumers));
        }
        List<StreamStore.Entry> entries = streams.range(key, StreamId.MIN, StreamId.MAX, limit, false).value();
        return Result.ok(new StreamFull(m, StreamMeta.decode(m.value()), groups.firstId(key, m), entries, out));
    }
}
