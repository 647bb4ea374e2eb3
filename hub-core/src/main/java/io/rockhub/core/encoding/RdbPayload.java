package io.rockhub.core.encoding;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DUMP / RESTORE payloads in Redis's serialization format, so values move between Redis and
 * RockHub (migration tools DUMP on one side and RESTORE on the other):
 *
 * <pre>
 * [u8 RDB object type][object][u16 RDB version, little-endian][u64 CRC-64/Jones of all before, little-endian]
 * </pre>
 *
 * Read: every object type Redis 7.0 writes for strings, lists, sets, sorted sets, hashes and streams
 * (plain, quicklist 2 of listpacks, intset, listpack, stream listpacks 1 and 2; strings raw,
 * integer-encoded or LZF-compressed). Written: the plain forms (0 string, 1 list, 2 set, 5 sorted set
 * with binary scores, 4 hash), which every Redis since 2.x loads, and streams as stream listpacks 2
 * (one entry per listpack, groups with their pending entries and consumers), with RDB version 10.
 */
public final class RdbPayload {
    public static final int RDB_VERSION = 10;
    static final int STRING = 0;
    static final int LIST = 1;
    static final int SET = 2;
    static final int ZSET = 3;
    static final int HASH = 4;
    static final int ZSET_2 = 5;
    static final int SET_INTSET = 11;
    static final int HASH_LISTPACK = 16;
    static final int ZSET_LISTPACK = 17;
    static final int LIST_QUICKLIST_2 = 18;
    static final int STREAM_LISTPACKS = 15;
    static final int STREAM_LISTPACKS_2 = 19;
    private static final int STREAM_ITEM_DELETED = 1;
    private static final int STREAM_ITEM_SAMEFIELDS = 2;

    private RdbPayload() {
    }

    /** A value of one of the five basic types. */
    public sealed interface Value permits StringValue, ListValue, SetValue, ZSetValue, HashValue, StreamValue {
    }

    /**
     * A stream: its entries (ids and field-value lists, in order), length, last, first and largest
     * deleted ids, entries ever added, and consumer groups.
     */
    public record StreamValue(List<StreamId> ids, List<List<byte[]>> entries, StreamId lastId, StreamId maxDeleted,
                              long entriesAdded, List<StreamGroupValue> groups) implements Value {
    }

    /** A consumer group: last delivered id, entries read (-1 unknown), pending entries and consumers. */
    public record StreamGroupValue(byte[] name, StreamId lastDelivered, long entriesRead,
                                   List<StreamPendingValue> pending, List<StreamConsumerValue> consumers) {
    }

    /** A pending entry: when it was last delivered, how often, and to which consumer. */
    public record StreamPendingValue(StreamId id, long deliveredAt, long deliveries, byte[] consumer) {
    }

    public record StreamConsumerValue(byte[] name, long seenAt) {
    }

    public record StringValue(byte[] value) implements Value {
    }

    public record ListValue(List<byte[]> items) implements Value {
    }

    public record SetValue(List<byte[]> members) implements Value {
    }

    /** Members with their scores, in any order. */
    public record ZSetValue(List<byte[]> members, List<Double> scores) implements Value {
    }

    /** Fields and values, alternating. */
    public record HashValue(List<byte[]> fieldsAndValues) implements Value {
    }

    /** What a payload holds: a value, or why it cannot be restored (Redis's error text). */
    public record Parsed(Value value, String error) {
    }

    // ---- writing ----

    public static byte[] dump(Value v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (v instanceof StringValue s) {
            out.write(STRING);
            writeString(out, s.value());
        } else if (v instanceof ListValue l) {
            out.write(LIST);
            writeLength(out, l.items().size());
            l.items().forEach(i -> writeString(out, i));
        } else if (v instanceof SetValue s) {
            out.write(SET);
            writeLength(out, s.members().size());
            s.members().forEach(m -> writeString(out, m));
        } else if (v instanceof ZSetValue z) {
            out.write(ZSET_2);
            writeLength(out, z.members().size());
            for (int i = 0; i < z.members().size(); i++) {
                writeString(out, z.members().get(i));
                long bits = Double.doubleToRawLongBits(z.scores().get(i));
                for (int k = 0; k < 8; k++) {
                    out.write((int) (bits >>> (8 * k)));
                }
            }
        } else if (v instanceof HashValue h) {
            out.write(HASH);
            writeLength(out, h.fieldsAndValues().size() / 2);
            h.fieldsAndValues().forEach(x -> writeString(out, x));
        } else if (v instanceof StreamValue st) {
            writeStream(out, st);
        }
        return withTrailer(out);
    }

    /** The trailer every payload ends with: RDB version (2 bytes LE), then CRC64 of all before it (LE). */
    private static byte[] withTrailer(ByteArrayOutputStream out) {
        out.write(RDB_VERSION & 0xff);
        out.write(RDB_VERSION >>> 8);
        long crc = Crc64.of(out.toByteArray());
        for (int k = 0; k < 8; k++) {
            out.write((int) (crc >>> (8 * k)));
        }
        return out.toByteArray();
    }

    /** RDB_OPCODE_FUNCTION2: a function library's code follows, as an RDB string. */
    static final int FUNCTION2 = 0xf5;

    /**
     * FUNCTION DUMP's payload (Redis 7.0): {@code [0xf5][rdb string: library code]} per library, then
     * the trailer. Strings are written uncompressed (Redis reads both).
     */
    public static byte[] dumpFunctions(List<byte[]> codes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] code : codes) {
            out.write(FUNCTION2);
            writeString(out, code);
        }
        return withTrailer(out);
    }

    /** FUNCTION RESTORE's reading: the libraries' codes, or Redis's error. */
    public record Functions(List<byte[]> codes, String error) {
    }

    public static Functions restoreFunctions(byte[] payload) {
        String trailer = checkTrailer(payload);
        if (trailer != null) {
            return new Functions(null, trailer);
        }
        try {
            Reader r = new Reader(payload, payload.length - 10);
            List<byte[]> codes = new java.util.ArrayList<>();
            while (r.pos < r.end) {
                if (r.u8() != FUNCTION2) {
                    return new Functions(null, "ERR given type is not a function");
                }
                codes.add(r.string());
            }
            return new Functions(codes, null);
        } catch (RuntimeException malformed) {
            return new Functions(null, "ERR Bad data format");
        }
    }

    /** Null when the payload's version and CRC64 are right, else Redis's error. */
    private static String checkTrailer(byte[] payload) {
        if (payload.length < 10) {
            return "ERR DUMP payload version or checksum are wrong";
        }
        int footer = payload.length - 10;
        int version = (payload[footer] & 0xff) | ((payload[footer + 1] & 0xff) << 8);
        long crc = 0;
        for (int k = 7; k >= 0; k--) {
            crc = (crc << 8) | (payload[footer + 2 + k] & 0xff);
        }
        if (version > RDB_VERSION || Crc64.of(Arrays.copyOf(payload, footer + 2)) != crc) {
            return "ERR DUMP payload version or checksum are wrong";
        }
        return null;
    }

    /**
     * A stream as RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0's): one listpack node per entry, keyed by the
     * entry's id; each node's master entry holds the entry's fields, and the entry refers to them
     * (SAMEFIELDS) with its values. Then length, ids, counters and the consumer groups.
     */
    private static void writeStream(ByteArrayOutputStream out, StreamValue st) {
        out.write(STREAM_LISTPACKS_2);
        writeLength(out, st.ids().size());
        for (int i = 0; i < st.ids().size(); i++) {
            List<byte[]> fv = st.entries().get(i);
            writeString(out, st.ids().get(i).encode());
            Listpack lp = new Listpack();
            int fields = fv.size() / 2;
            lp.integer(1).integer(0).integer(fields);
            for (int f = 0; f < fields; f++) {
                lp.string(fv.get(2 * f));
            }
            lp.integer(0);
            lp.integer(STREAM_ITEM_SAMEFIELDS).integer(0).integer(0);
            for (int f = 0; f < fields; f++) {
                lp.string(fv.get(2 * f + 1));
            }
            lp.integer(3 + fields);
            writeLength(out, lp.bytesLength());
            out.writeBytes(lp.bytes());
        }
        writeLength(out, st.ids().size());
        writeLength(out, st.lastId().ms());
        writeLength(out, st.lastId().seq());
        StreamId first = st.ids().isEmpty() ? StreamId.MIN : st.ids().get(0);
        writeLength(out, first.ms());
        writeLength(out, first.seq());
        writeLength(out, st.maxDeleted().ms());
        writeLength(out, st.maxDeleted().seq());
        writeLength(out, st.entriesAdded());
        writeLength(out, st.groups().size());
        for (StreamGroupValue g : st.groups()) {
            writeString(out, g.name());
            writeLength(out, g.lastDelivered().ms());
            writeLength(out, g.lastDelivered().seq());
            writeLength(out, g.entriesRead());
            writeLength(out, g.pending().size());
            for (StreamPendingValue p : g.pending()) {
                out.writeBytes(p.id().encode());
                writeMillis(out, p.deliveredAt());
                writeLength(out, p.deliveries());
            }
            writeLength(out, g.consumers().size());
            for (StreamConsumerValue c : g.consumers()) {
                writeString(out, c.name());
                writeMillis(out, c.seenAt());
                List<StreamPendingValue> owned = g.pending().stream()
                        .filter(p -> java.util.Arrays.equals(p.consumer(), c.name())).toList();
                writeLength(out, owned.size());
                for (StreamPendingValue p : owned) {
                    out.writeBytes(p.id().encode());
                }
            }
        }
    }

    private static void writeMillis(ByteArrayOutputStream out, long ms) {
        for (int k = 0; k < 8; k++) {
            out.write((int) (ms >>> (8 * k)));
        }
    }

    /** A listpack being built: entries, each with its length again backwards, then the header. */
    static final class Listpack {
        private final ByteArrayOutputStream entries = new ByteArrayOutputStream();
        private int count;

        Listpack integer(long v) {
            byte[] e;
            if (v >= 0 && v <= 127) {
                e = new byte[] {(byte) v};
            } else if (v >= -4096 && v <= 4095) {
                long u = v & 0x1fff;
                e = new byte[] {(byte) (0xc0 | (u >>> 8)), (byte) u};
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                e = new byte[] {(byte) 0xf1, (byte) v, (byte) (v >>> 8)};
            } else if (v >= -(1 << 23) && v <= (1 << 23) - 1) {
                e = new byte[] {(byte) 0xf2, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16)};
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                e = new byte[] {(byte) 0xf3, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
            } else {
                e = new byte[9];
                e[0] = (byte) 0xf4;
                for (int k = 0; k < 8; k++) {
                    e[1 + k] = (byte) (v >>> (8 * k));
                }
            }
            return add(e);
        }

        Listpack string(byte[] s) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            if (s.length < 64) {
                e.write(0x80 | s.length);
            } else if (s.length < 4096) {
                e.write(0xe0 | (s.length >>> 8));
                e.write(s.length & 0xff);
            } else {
                e.write(0xf0);
                for (int k = 0; k < 4; k++) {
                    e.write(s.length >>> (8 * k));
                }
            }
            e.writeBytes(s);
            return add(e.toByteArray());
        }

        private Listpack add(byte[] entry) {
            entries.writeBytes(entry);
            long l = entry.length;
            if (l <= 127) {
                entries.write((int) l);
            } else if (l < 16383) {
                entries.write((int) (l >>> 7));
                entries.write((int) ((l & 127) | 128));
            } else if (l < 2097151) {
                entries.write((int) (l >>> 14));
                entries.write((int) (((l >>> 7) & 127) | 128));
                entries.write((int) ((l & 127) | 128));
            } else if (l < 268435455) {
                entries.write((int) (l >>> 21));
                entries.write((int) (((l >>> 14) & 127) | 128));
                entries.write((int) (((l >>> 7) & 127) | 128));
                entries.write((int) ((l & 127) | 128));
            } else {
                entries.write((int) (l >>> 28));
                entries.write((int) (((l >>> 21) & 127) | 128));
                entries.write((int) (((l >>> 14) & 127) | 128));
                entries.write((int) (((l >>> 7) & 127) | 128));
                entries.write((int) ((l & 127) | 128));
            }
            count++;
            return this;
        }

        int bytesLength() {
            return 6 + entries.size() + 1;
        }

        byte[] bytes() {
            int total = bytesLength();
            byte[] out = new byte[total];
            for (int k = 0; k < 4; k++) {
                out[k] = (byte) (total >>> (8 * k));
            }
            int n = Math.min(count, 65535);
            out[4] = (byte) n;
            out[5] = (byte) (n >>> 8);
            System.arraycopy(entries.toByteArray(), 0, out, 6, entries.size());
            out[total - 1] = (byte) 0xff;
            return out;
        }
    }

    static void writeLength(ByteArrayOutputStream out, long len) {
        if (len >= 0 && len < 64) {
            out.write((int) len);
        } else if (len >= 0 && len < 16384) {
            out.write((int) (0x40 | (len >>> 8)));
            out.write((int) (len & 0xff));
        } else if (len >= 0 && len <= 0xffffffffL) {
            out.write(0x80);
            for (int k = 3; k >= 0; k--) {
                out.write((int) (len >>> (8 * k)));
            }
        } else {
            out.write(0x81);
            for (int k = 7; k >= 0; k--) {
                out.write((int) (len >>> (8 * k)));
            }
        }
    }

    /** A string as Redis saves it: short strings that are exact integers in the integer encodings. */
    static void writeString(ByteArrayOutputStream out, byte[] s) {
        if (s.length <= 11) {
            Long v = io.rockhub.core.util.Numbers.parseLong(s);
            if (v != null && Long.toString(v).equals(new String(s, StandardCharsets.US_ASCII))) {
                if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
                    out.write(0xc0);
                    out.write((int) (long) v);
                    return;
                } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
                    out.write(0xc1);
                    out.write((int) (v & 0xff));
                    out.write((int) ((v >>> 8) & 0xff));
                    return;
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    out.write(0xc2);
                    for (int k = 0; k < 4; k++) {
                        out.write((int) (v >>> (8 * k)));
                    }
                    return;
                }
            }
        }
        writeLength(out, s.length);
        out.writeBytes(s);
    }

    // ---- reading ----

    private static final Parsed BAD_FORMAT = new Parsed(null, "ERR Bad data format");

    /** Checks the trailer (version, CRC) and reads the object; errors as Redis words them. */
    public static Parsed restore(byte[] payload) {
        String trailer = checkTrailer(payload);
        if (trailer != null) {
            return new Parsed(null, trailer);
        }
        int footer = payload.length - 10;
        try {
            Reader r = new Reader(payload, footer);
            // Like Redis, bytes left between the object and the trailer are not looked at.
            return new Parsed(r.object(), null);
        } catch (RuntimeException malformed) {
            return BAD_FORMAT;
        }
    }

    /** A cursor over an RDB object; any malformation throws (and becomes "Bad data format"). */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        int u8() {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated");
            }
            return b[pos++] & 0xff;
        }

        /** A length, or for special string encodings {@code -1 - encoding}. */
        long length() {
            int first = u8();
            return switch (first >>> 6) {
                case 0 -> first & 0x3f;
                case 1 -> ((first & 0x3f) << 8) | u8();
                case 2 -> {
                    if (first == 0x80) {
                        long v = 0;
                        for (int k = 0; k < 4; k++) {
                            v = (v << 8) | u8();
                        }
                        yield v;
                    } else if (first == 0x81) {
                        long v = 0;
                        for (int k = 0; k < 8; k++) {
                            v = (v << 8) | u8();
                        }
                        yield v;
                    }
                    throw new IllegalArgumentException("bad length");
                }
                default -> -1 - (first & 0x3f);
            };
        }

        int count() {
            long n = length();
            if (n < 0 || n > end) {
                throw new IllegalArgumentException("bad count");
            }
            return (int) n;
        }

        byte[] bytes(long n) {
            if (n < 0 || pos + n > end) {
                throw new IllegalArgumentException("truncated");
            }
            byte[] out = Arrays.copyOfRange(b, pos, (int) (pos + n));
            pos += (int) n;
            return out;
        }

        byte[] string() {
            long len = length();
            if (len >= 0) {
                return bytes(len);
            }
            int enc = (int) (-1 - len);
            long v;
            switch (enc) {
                case 0 -> v = (byte) u8();
                case 1 -> v = (short) (u8() | (u8() << 8));
                case 2 -> v = u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24);
                case 3 -> {
                    long clen = length();
                    long ulen = length();
                    // LZF expands at most ~ 264/3 times; a claimed length beyond that is a lie, not a reason to allocate.
                    if (clen < 0 || ulen < 0 || ulen > clen * 100 || ulen > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("bad lzf lengths");
                    }
                    return Lzf.decompress(bytes(clen), (int) ulen);
                }
                default -> throw new IllegalArgumentException("bad string encoding");
            }
            if (enc == 2) {
                v = (int) v;
            }
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        }

        Value object() {
            int type = u8();
            switch (type) {
                case STRING:
                    return new StringValue(string());
                case LIST: {
                    int n = count();
                    List<byte[]> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(string());
                    }
                    return new ListValue(items);
                }
                case SET: {
                    int n = count();
                    List<byte[]> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        items.add(string());
                    }
                    return new SetValue(items);
                }
                case ZSET:
                case ZSET_2: {
                    int n = count();
                    List<byte[]> members = new ArrayList<>(n);
                    List<Double> scores = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        members.add(string());
                        scores.add(type == ZSET_2 ? binaryDouble() : stringDouble());
                    }
                    return new ZSetValue(members, scores);
                }
                case HASH: {
                    int n = count();
                    List<byte[]> fv = new ArrayList<>(2 * n);
                    for (int i = 0; i < 2 * n; i++) {
                        fv.add(string());
                    }
                    return new HashValue(fv);
                }
                case SET_INTSET:
                    return new SetValue(intset(string()));
                case HASH_LISTPACK:
                    return new HashValue(listpack(string()));
                case ZSET_LISTPACK: {
                    List<byte[]> entries = listpack(string());
                    List<byte[]> members = new ArrayList<>();
                    List<Double> scores = new ArrayList<>();
                    for (int i = 0; i + 1 < entries.size(); i += 2) {
                        members.add(entries.get(i));
                        Double d = io.rockhub.core.util.Numbers.parseScore(entries.get(i + 1), true);
                        if (d == null) {
                            throw new IllegalArgumentException("bad score");
                        }
                        scores.add(d);
                    }
                    return new ZSetValue(members, scores);
                }
                case LIST_QUICKLIST_2: {
                    int nodes = count();
                    List<byte[]> items = new ArrayList<>();
                    for (int i = 0; i < nodes; i++) {
                        long container = length();
                        byte[] data = string();
                        if (container == 1) {
                            items.add(data);
                        } else if (container == 2) {
                            items.addAll(listpack(data));
                        } else {
                            throw new IllegalArgumentException("bad container");
                        }
                    }
                    return new ListValue(items);
                }
                case STREAM_LISTPACKS:
                case STREAM_LISTPACKS_2:
                    return stream(type == STREAM_LISTPACKS_2);
                default:
                    throw new IllegalArgumentException("unsupported type " + type);
            }
        }

        long millis() {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v |= (long) u8() << (8 * k);
            }
            return v;
        }

        StreamId rawId() {
            byte[] raw = bytes(16);
            return StreamId.decode(raw, 0);
        }

        Value stream(boolean v2) {
            int nodes = count();
            List<StreamId> ids = new ArrayList<>();
            List<List<byte[]>> entries = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                byte[] nodeKey = string();
                if (nodeKey.length != 16) {
                    throw new IllegalArgumentException("bad stream node key");
                }
                StreamId master = StreamId.decode(nodeKey, 0);
                List<byte[]> lp = listpack(string());
                int at = 0;
                long valid = num(lp.get(at++));
                long deleted = num(lp.get(at++));
                int masterFields = (int) num(lp.get(at++));
                List<byte[]> fields = lp.subList(at, at + masterFields);
                at += masterFields;
                at++; // the master entry's terminating 0
                for (long e = 0; e < valid + deleted; e++) {
                    int flags = (int) num(lp.get(at++));
                    StreamId id = new StreamId(master.ms() + num(lp.get(at++)), master.seq() + num(lp.get(at++)));
                    List<byte[]> fv = new ArrayList<>();
                    if ((flags & STREAM_ITEM_SAMEFIELDS) != 0) {
                        for (int f = 0; f < masterFields; f++) {
                            fv.add(fields.get(f));
                            fv.add(lp.get(at++));
                        }
                    } else {
                        int num = (int) num(lp.get(at++));
                        for (int f = 0; f < 2 * num; f++) {
                            fv.add(lp.get(at++));
                        }
                    }
                    at++; // lp-count
                    if ((flags & STREAM_ITEM_DELETED) == 0) {
                        ids.add(id);
                        entries.add(fv);
                    }
                }
            }
            long length = length();
            StreamId last = new StreamId(length(), length());
            StreamId maxDeleted = StreamId.MIN;
            long added = length;
            if (v2) {
                new StreamId(length(), length()); // the first id: the entries say it
                maxDeleted = new StreamId(length(), length());
                added = length();
            }
            if (length != ids.size()) {
                throw new IllegalArgumentException("stream length does not match its entries");
            }
            int groupCount = count();
            List<StreamGroupValue> groups = new ArrayList<>();
            for (int g = 0; g < groupCount; g++) {
                byte[] name = string();
                StreamId lastDelivered = new StreamId(length(), length());
                long entriesRead = v2 ? length() : -1;
                int pelSize = count();
                List<StreamId> pelIds = new ArrayList<>();
                List<long[]> pelData = new ArrayList<>();
                for (int p = 0; p < pelSize; p++) {
                    pelIds.add(rawId());
                    long deliveredAt = millis();
                    pelData.add(new long[] {deliveredAt, length()});
                }
                byte[][] owners = new byte[pelSize][];
                int consumerCount = count();
                List<StreamConsumerValue> consumers = new ArrayList<>();
                for (int c = 0; c < consumerCount; c++) {
                    byte[] consumer = string();
                    long seen = millis();
                    consumers.add(new StreamConsumerValue(consumer, seen));
                    int owned = count();
                    for (int o = 0; o < owned; o++) {
                        int index = pelIds.indexOf(rawId());
                        if (index < 0 || owners[index] != null) {
                            throw new IllegalArgumentException("consumer pending entry not in the group");
                        }
                        owners[index] = consumer;
                    }
                }
                List<StreamPendingValue> pending = new ArrayList<>();
                for (int p = 0; p < pelSize; p++) {
                    if (owners[p] == null) {
                        throw new IllegalArgumentException("group pending entry without a consumer");
                    }
                    pending.add(new StreamPendingValue(pelIds.get(p), pelData.get(p)[0], pelData.get(p)[1], owners[p]));
                }
                groups.add(new StreamGroupValue(name, lastDelivered, entriesRead, pending, consumers));
            }
            return new StreamValue(ids, entries, last, maxDeleted, added, groups);
        }

        private static long num(byte[] s) {
            return Long.parseLong(new String(s, StandardCharsets.US_ASCII));
        }

        double binaryDouble() {
            long bits = 0;
            for (int k = 0; k < 8; k++) {
                bits |= (long) u8() << (8 * k);
            }
            return Double.longBitsToDouble(bits);
        }

        double stringDouble() {
            int len = u8();
            return switch (len) {
                case 253 -> Double.NaN;
                case 254 -> Double.POSITIVE_INFINITY;
                case 255 -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(new String(bytes(len), StandardCharsets.US_ASCII));
            };
        }
    }

    /** An intset: [u32 encoding: bytes per integer][u32 count][integers], little-endian. */
    static List<byte[]> intset(byte[] s) {
        int width = (int) le(s, 0, 4);
        long count = le(s, 4, 4);
        if ((width != 2 && width != 4 && width != 8) || 8 + count * width != s.length) {
            throw new IllegalArgumentException("bad intset");
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long v = le(s, 8 + i * width, width);
            v = (v << (64 - 8 * width)) >> (64 - 8 * width);
            out.add(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static long le(byte[] s, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) {
            v = (v << 8) | (s[at + k] & 0xff);
        }
        return v;
    }

    /**
     * A listpack's entries as strings: [u32 total bytes][u16 count] entries [0xff]; each entry is
     * an encoding byte (7-bit uint, 6/12/32-bit string length, 13/16/24/32/64-bit integer), its
     * data, and its length again backwards (1 to 5 bytes).
     */
    static List<byte[]> listpack(byte[] s) {
        if (s.length < 7 || le(s, 0, 4) != s.length || (s[s.length - 1] & 0xff) != 0xff) {
            throw new IllegalArgumentException("bad listpack");
        }
        List<byte[]> out = new ArrayList<>();
        int p = 6;
        while ((s[p] & 0xff) != 0xff) {
            int e = s[p] & 0xff;
            int start = p;
            if ((e & 0x80) == 0) {
                out.add(Long.toString(e & 0x7f).getBytes(StandardCharsets.US_ASCII));
                p += 1;
            } else if ((e & 0xc0) == 0x80) {
                int len = e & 0x3f;
                out.add(Arrays.copyOfRange(s, p + 1, p + 1 + len));
                p += 1 + len;
            } else if ((e & 0xe0) == 0xc0) {
                long v = ((e & 0x1f) << 8) | (s[p + 1] & 0xff);
                v = (v << 51) >> 51;
                out.add(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                p += 2;
            } else if ((e & 0xf0) == 0xe0) {
                int len = ((e & 0x0f) << 8) | (s[p + 1] & 0xff);
                out.add(Arrays.copyOfRange(s, p + 2, p + 2 + len));
                p += 2 + len;
            } else if (e == 0xf0) {
                int len = (int) le(s, p + 1, 4);
                out.add(Arrays.copyOfRange(s, p + 5, p + 5 + len));
                p += 5 + len;
            } else if (e >= 0xf1 && e <= 0xf4) {
                int n = switch (e) {
                    case 0xf1 -> 2;
                    case 0xf2 -> 3;
                    case 0xf3 -> 4;
                    default -> 8;
                };
                long v = le(s, p + 1, n);
                v = (v << (64 - 8 * n)) >> (64 - 8 * n);
                out.add(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                p += 1 + n;
            } else {
                throw new IllegalArgumentException("bad listpack entry");
            }
            int entry = p - start;
            p += entry <= 127 ? 1 : entry < 16383 ? 2 : entry < 2097151 ? 3 : entry < 268435455 ? 4 : 5;
            if (p >= s.length) {
                throw new IllegalArgumentException("bad listpack");
            }
        }
        if (p != s.length - 1 || (le(s, 4, 2) != 65535 && le(s, 4, 2) != out.size())) {
            throw new IllegalArgumentException("bad listpack count");
        }
        return out;
    }

    /** CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, initial 0). */
    static final class Crc64 {
        private static final long[] TABLE = new long[256];

        static {
            long poly = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 reflected
            for (int i = 0; i < 256; i++) {
                long crc = i;
                for (int k = 0; k < 8; k++) {
                    crc = (crc & 1) != 0 ? (crc >>> 1) ^ poly : crc >>> 1;
                }
                TABLE[i] = crc;
            }
        }

        static long of(byte[] data) {
            long crc = 0;
            for (byte x : data) {
                crc = TABLE[(int) ((crc ^ x) & 0xff)] ^ (crc >>> 8);
            }
            return crc;
        }
    }

    /** LZF decompression (liblzf's format), for strings Redis saved compressed. */
    static final class Lzf {
        static byte[] decompress(byte[] in, int outLength) {
            byte[] out = new byte[outLength];
            int ip = 0;
            int op = 0;
            while (ip < in.length) {
                int ctrl = in[ip++] & 0xff;
                if (ctrl < 32) {
                    int len = ctrl + 1;
                    if (op + len > outLength || ip + len > in.length) {
                        throw new IllegalArgumentException("bad lzf literal");
                    }
                    System.arraycopy(in, ip, out, op, len);
                    ip += len;
                    op += len;
                } else {
                    int len = ctrl >>> 5;
                    int ref = op - ((ctrl & 0x1f) << 8) - 1;
                    if (len == 7) {
                        len += in[ip++] & 0xff;
                    }
                    ref -= in[ip++] & 0xff;
                    len += 2;
                    if (ref < 0 || op + len > outLength) {
                        throw new IllegalArgumentException("bad lzf back reference");
                    }
                    for (int i = 0; i < len; i++) {
                        out[op++] = out[ref++];
                    }
                }
            }
            if (op != outLength) {
                throw new IllegalArgumentException("bad lzf length");
            }
            return out;
        }
    }
}
