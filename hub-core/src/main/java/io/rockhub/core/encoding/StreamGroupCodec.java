package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * Consumer-group records of a stream. They live in the stream family under the stream's key and
 * version, like its entries, but their subkeys start with sixteen 0xff bytes, so they sort after
 * every 16-byte entry id and a range read of entries never meets them:
 *
 * <pre>
 * group     [ff x16]['G'][group]                                 -> [16 last delivered][i64 entries read]
 *                                                                   [i64 pending][i64 consumers]
 *                                                                   [i64 dead-letter after][dead-letter key]
 * consumer  [ff x16]['C'][u32 len][group][consumer]              -> [i64 seen ms][i64 active ms, -1 never][i64 pending]
 * pending   [ff x16]['P'][u32 len][group][16 id]                 -> [i64 delivered ms][i64 deliveries][consumer]
 * owned     [ff x16]['Q'][u32 len][group][u32 len][consumer][16 id] -> empty
 * </pre>
 *
 * The pending list (PEL) is keyed by id for the group's ordered scans (XPENDING, XAUTOCLAIM); the
 * "owned" index repeats each pending id under its consumer, so a consumer's history and its
 * XPENDING never scan other consumers' entries. The counters in the group and consumer records make
 * the XPENDING summary and XINFO counts O(1) per group and per consumer.
 */
public final class StreamGroupCodec {
    private static final byte GROUP = 'G';
    private static final byte CONSUMER = 'C';
    private static final byte PENDING = 'P';
    private static final byte OWNED = 'Q';
    private static final int TAG_AT = 16;

    private StreamGroupCodec() {
    }

    /**
     * A group's state. {@code entriesRead} is -1 when unknown; {@code deadLetterAfter} is 0 when no
     * dead-letter policy is set, otherwise the delivery count after which entries move to
     * {@code deadLetterKey}.
     */
    public record GroupRecord(StreamId lastDelivered, long entriesRead, long pending, long consumers,
                              long deadLetterAfter, byte[] deadLetterKey) {
        public GroupRecord withLastDelivered(StreamId id, long read) {
            return new GroupRecord(id, read, pending, consumers, deadLetterAfter, deadLetterKey);
        }

        public GroupRecord withCounts(long newPending, long newConsumers) {
            return new GroupRecord(lastDelivered, entriesRead, newPending, newConsumers, deadLetterAfter, deadLetterKey);
        }

        public GroupRecord withDeadLetter(long after, byte[] key) {
            return new GroupRecord(lastDelivered, entriesRead, pending, consumers, after, key);
        }

        public static GroupRecord fresh(StreamId lastDelivered, long entriesRead) {
            return new GroupRecord(lastDelivered, entriesRead, 0, 0, 0, new byte[0]);
        }
    }

    /** A consumer: last seen (any read or claim attempt), last active (something delivered), pending count. */
    public record ConsumerRecord(long seenAt, long activeAt, long pending) {
    }

    /** A pending entry's value: when and how often it was delivered, and to whom. */
    public record PendingRecord(long deliveredAt, long deliveries, byte[] consumer) {
    }

    private static byte[] tagged(byte tag, int extra) {
        byte[] out = new byte[TAG_AT + 1 + extra];
        Arrays.fill(out, 0, TAG_AT, (byte) 0xff);
        out[TAG_AT] = tag;
        return out;
    }

    private static int putLengthPrefixed(byte[] out, int at, byte[] part) {
        Bytes.putInt(out, at, part.length);
        System.arraycopy(part, 0, out, at + 4, part.length);
        return at + 4 + part.length;
    }

    /** The subkey of a group record; with an empty name, the prefix of every group record. */
    public static byte[] groupSub(byte[] group) {
        byte[] out = tagged(GROUP, group.length);
        System.arraycopy(group, 0, out, TAG_AT + 1, group.length);
        return out;
    }

    /** The group's name from a group subkey (or a full key whose tail is a group subkey). */
    public static byte[] groupName(byte[] key, int subAt) {
        return Arrays.copyOfRange(key, subAt + TAG_AT + 1, key.length);
    }

    /** The subkey of a consumer record; with an empty consumer, the prefix of the group's consumers. */
    public static byte[] consumerSub(byte[] group, byte[] consumer) {
        byte[] out = tagged(CONSUMER, 4 + group.length + consumer.length);
        int at = putLengthPrefixed(out, TAG_AT + 1, group);
        System.arraycopy(consumer, 0, out, at, consumer.length);
        return out;
    }

    /** The prefix of the group's pending records. */
    public static byte[] pendingPrefix(byte[] group) {
        byte[] out = tagged(PENDING, 4 + group.length);
        putLengthPrefixed(out, TAG_AT + 1, group);
        return out;
    }

    public static byte[] pendingSub(byte[] group, StreamId id) {
        return withId(pendingPrefix(group), id);
    }

    /** The prefix of one consumer's entries in the "owned" index. */
    public static byte[] ownedPrefix(byte[] group, byte[] consumer) {
        byte[] out = tagged(OWNED, 8 + group.length + consumer.length);
        putLengthPrefixed(out, putLengthPrefixed(out, TAG_AT + 1, group), consumer);
        return out;
    }

    /** The prefix of every consumer's entries of the group in the "owned" index. */
    public static byte[] ownedGroupPrefix(byte[] group) {
        byte[] out = tagged(OWNED, 4 + group.length);
        putLengthPrefixed(out, TAG_AT + 1, group);
        return out;
    }

    public static byte[] ownedSub(byte[] group, byte[] consumer, StreamId id) {
        return withId(ownedPrefix(group, consumer), id);
    }

    private static byte[] withId(byte[] prefix, StreamId id) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + 16);
        System.arraycopy(id.encode(), 0, out, prefix.length, 16);
        return out;
    }

    public static byte[] encode(GroupRecord g) {
        byte[] out = new byte[48 + g.deadLetterKey().length];
        System.arraycopy(g.lastDelivered().encode(), 0, out, 0, 16);
        Bytes.putLong(out, 16, g.entriesRead());
        Bytes.putLong(out, 24, g.pending());
        Bytes.putLong(out, 32, g.consumers());
        Bytes.putLong(out, 40, g.deadLetterAfter());
        System.arraycopy(g.deadLetterKey(), 0, out, 48, g.deadLetterKey().length);
        return out;
    }

    public static GroupRecord decodeGroup(byte[] raw) {
        return new GroupRecord(StreamId.decode(raw, 0), Bytes.getLong(raw, 16), Bytes.getLong(raw, 24),
                Bytes.getLong(raw, 32), Bytes.getLong(raw, 40), Arrays.copyOfRange(raw, 48, raw.length));
    }

    public static byte[] encode(ConsumerRecord c) {
        byte[] out = new byte[24];
        Bytes.putLong(out, 0, c.seenAt());
        Bytes.putLong(out, 8, c.activeAt());
        Bytes.putLong(out, 16, c.pending());
        return out;
    }

    public static ConsumerRecord decodeConsumer(byte[] raw) {
        return new ConsumerRecord(Bytes.getLong(raw, 0), Bytes.getLong(raw, 8), Bytes.getLong(raw, 16));
    }

    public static byte[] encode(PendingRecord p) {
        byte[] out = new byte[16 + p.consumer().length];
        Bytes.putLong(out, 0, p.deliveredAt());
        Bytes.putLong(out, 8, p.deliveries());
        System.arraycopy(p.consumer(), 0, out, 16, p.consumer().length);
        return out;
    }

    public static PendingRecord decodePending(byte[] raw) {
        return new PendingRecord(Bytes.getLong(raw, 0), Bytes.getLong(raw, 8), Arrays.copyOfRange(raw, 16, raw.length));
    }
}
