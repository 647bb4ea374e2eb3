package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.StreamStore;
import io.rockhub.core.types.StreamStore.Entry;
import io.rockhub.core.types.StreamStore.IdSpec;
import io.rockhub.core.types.StreamStore.Trim;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Stream commands without consumer groups: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM. */
final class StreamCommands {
    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    static final byte[] DOLLAR = {'$'};
    static final byte[] GREATER = {'>'};

    private StreamCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("xadd", -5, "write denyoom fast", 1, 1, 1, "@write @stream @fast", StreamCommands::xadd)
            .tips("nondeterministic_output")
            .keys("RW update index 1 range 0 1 0 // UPDATE instead of INSERT because of the optional trimming feature"))
         .add(of("xlen", 2, "readonly fast", 1, 1, 1, "@read @stream @fast", StreamCommands::xlen)
             .keys("RO index 1 range 0 1 0"))
         .add(of("xrange", -4, "readonly", 1, 1, 1, "@read @stream @slow", a -> range(a, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("xrevrange", -4, "readonly", 1, 1, 1, "@read @stream @slow", a -> range(a, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("xdel", -3, "write fast", 1, 1, 1, "@write @stream @fast", StreamCommands::xdel)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("xtrim", -4, "write", 1, 1, 1, "@write @stream @slow", StreamCommands::xtrim)
             .tips("nondeterministic_output")
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("xsetid", -3, "write denyoom fast", 1, 1, 1, "@write @stream @fast", StreamCommands::xsetid)
             .keys("RW update index 1 range 0 1 0"))
         .add(of("xread", -4, "readonly blocking movablekeys", 0, 0, 0, "@read @stream @slow @blocking",
                 StreamCommands::xread)
             .keys("RO access keyword STREAMS 1 range -1 1 2"));
    }

    private static StreamStore streams(CommandContext ctx) {
        return ctx.hub().streams();
    }

    /** "ms" or "ms-seq" (unsigned); a missing seq is {@code defaultSeq}. Null if malformed. */
    static StreamId parseId(byte[] raw, long defaultSeq) {
        String s = new String(raw, StandardCharsets.US_ASCII);
        int dash = s.indexOf('-');
        Long ms = unsigned(dash < 0 ? s : s.substring(0, dash));
        if (ms == null) {
            return null;
        }
        if (dash < 0) {
            return new StreamId(ms, defaultSeq);
        }
        Long seq = unsigned(s.substring(dash + 1));
        return seq == null ? null : new StreamId(ms, seq);
    }

    private static Long unsigned(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static StreamId id(Args a, int i, long defaultSeq) throws CommandError {
        StreamId id = parseId(a.bytes(i), defaultSeq);
        if (id == null) {
            throw new CommandError(INVALID_ID);
        }
        return id;
    }

    /** Parses MAXLEN|MINID [=|~] threshold [LIMIT count] at {@code i}; returns the index after it. */
    private static int parseTrim(Args a, int i, Trim[] out) throws CommandError {
        boolean byLength = a.is(i, "MAXLEN");
        i++;
        boolean approximate = false;
        if (i < a.size() && a.is(i, "~")) {
            approximate = true;
            i++;
        } else if (i < a.size() && a.is(i, "=")) {
            i++;
        }
        if (i >= a.size()) {
            throw new CommandError(Errors.SYNTAX);
        }
        long maxLen = 0;
        StreamId minId = null;
        if (byLength) {
            maxLen = a.longAt(i);
            if (maxLen < 0) {
                throw new CommandError("ERR The MAXLEN argument must be >= 0.");
            }
        } else {
            minId = id(a, i, 0);
        }
        i++;
        long limit = 0;
        if (i + 1 < a.size() && a.is(i, "LIMIT")) {
            limit = a.longAt(i + 1);
            if (limit < 0) {
                throw new CommandError("ERR The LIMIT argument must be >= 0.");
            }
            if (!approximate) {
                throw new CommandError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
            i += 2;
        }
        out[0] = new Trim(byLength, maxLen, minId, approximate, limit);
        return i;
    }

    /** XADD key [NOMKSTREAM] [MAXLEN | MINID [= | ~] threshold [LIMIT count]] id field value [...]. */
    private static Execution xadd(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        boolean noMkStream = false;
        Trim[] trim = {null};
        int i = 2;
        while (i < a.size()) {
            if (a.is(i, "NOMKSTREAM")) {
                noMkStream = true;
                i++;
            } else if (a.is(i, "MAXLEN") || a.is(i, "MINID")) {
                i = parseTrim(a, i, trim);
            } else {
                break;
            }
        }
        if (i >= a.size()) {
            throw new CommandError(Errors.wrongArity("xadd"));
        }
        String idText = a.string(i);
        IdSpec spec;
        if (idText.equals("*")) {
            spec = IdSpec.generated();
        } else if (idText.endsWith("-*")) {
            Long ms = unsigned(idText.substring(0, idText.length() - 2));
            if (ms == null) {
                throw new CommandError(INVALID_ID);
            }
            spec = IdSpec.autoSeq(ms);
        } else {
            spec = IdSpec.of(id(a, i, 0));
        }
        // Redis reads the id, then counts the fields, then refuses 0-0 before the key is looked up.
        int fields = a.size() - i - 1;
        if (fields < 2 || fields % 2 != 0) {
            throw new CommandError(Errors.wrongArity("xadd"));
        }
        if (spec.explicit() != null && spec.explicit().equals(StreamId.MIN)) {
            throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
        }
        List<byte[]> fieldValues = a.slice(i + 1);
        boolean noMk = noMkStream;
        return (ctx, out) -> {
            Result<StreamId> r = streams(ctx).add(key, noMk, spec, fieldValues, trim[0]);
            switch (r.status()) {
                case ID_TOO_SMALL -> out.error("ERR The ID specified in XADD is equal or smaller than the target "
                        + "stream top item");
                case ID_ZERO -> out.error("ERR The ID specified in XADD must be greater than 0-0");
                case IDS_EXHAUSTED -> out.error("ERR The stream has exhausted the last possible ID, unable to add "
                        + "more items");
                default -> {
                    if (!Replies.error(out, r.status())) {
                        if (r.value() == null) {
                            out.nullBulk();
                        } else {
                            out.bulk(r.value());
                        }
                    }
                }
            }
        };
    }

    private static Execution xlen(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, streams(ctx).length(key));
    }

    /** A range bound: "-", "+", an id (missing seq: 0 at the start, max at the end), "(" exclusive. */
    static StreamId bound(Args a, int i, boolean start) throws CommandError {
        byte[] raw = a.bytes(i);
        String s = new String(raw, StandardCharsets.US_ASCII);
        if (s.equals("-")) {
            return StreamId.MIN;
        }
        if (s.equals("+")) {
            return StreamId.MAX;
        }
        boolean exclusive = s.startsWith("(");
        StreamId id = parseId(exclusive ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw, start ? 0 : -1);
        if (id == null) {
            throw new CommandError(INVALID_ID);
        }
        if (!exclusive) {
            return id;
        }
        StreamId moved = start ? id.next() : id.previous();
        if (moved == null) {
            throw new CommandError(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
        }
        return moved;
    }

    /** XRANGE key start end [COUNT n]; XREVRANGE key end start [COUNT n]. */
    private static Execution range(Args a, boolean reverse) throws CommandError {
        byte[] key = a.bytes(1);
        StreamId start = bound(a, reverse ? 3 : 2, true);
        StreamId end = bound(a, reverse ? 2 : 3, false);
        long count = Long.MAX_VALUE;
        boolean counted = false;
        for (int i = 4; i < a.size(); i++) {
            if (a.is(i, "COUNT") && i + 1 < a.size()) {
                count = a.longAt(++i);
                counted = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        long n = Math.max(0, count);
        boolean nothing = counted && n == 0;
        return (ctx, out) -> {
            if (nothing) {
                // COUNT 0: a missing key answers an empty array, an existing stream nil, as Redis.
                io.rockhub.core.encoding.Metadata m = ctx.hub().keys().live(key);
                if (m == null) {
                    out.array(0);
                } else if (m.type() != io.rockhub.core.encoding.DataType.STREAM) {
                    out.error(Errors.WRONG_TYPE);
                } else {
                    out.nullArray();
                }
                return;
            }
            Result<List<Entry>> r = streams(ctx).range(key, start, end, n, reverse);
            if (!Replies.error(out, r.status())) {
                writeEntries(out, r.value());
            }
        };
    }

    /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]. */
    private static Execution xsetid(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        StreamId lastId = id(a, 2, 0);
        Long entriesAdded = null;
        StreamId maxDeleted = null;
        for (int i = 3; i < a.size(); i++) {
            if (a.is(i, "ENTRIESADDED") && i + 1 < a.size()) {
                entriesAdded = a.longAt(++i);
                if (entriesAdded < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
            } else if (a.is(i, "MAXDELETEDID") && i + 1 < a.size()) {
                maxDeleted = id(a, ++i, 0);
                if (lastId.compareTo(maxDeleted) < 0) {
                    throw new CommandError("ERR The ID specified in XSETID is smaller than the provided "
                            + "max_deleted_entry_id");
                }
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Long added = entriesAdded;
        StreamId deleted = maxDeleted;
        return (ctx, out) -> {
            switch (streams(ctx).setId(key, lastId, added, deleted)) {
                case OK -> out.ok();
                case NOT_FOUND -> out.error(Errors.NO_SUCH_KEY);
                case ID_TOO_SMALL -> out.error("ERR The ID specified in XSETID is smaller than the target stream top item");
                case NOT_APPLIED -> out.error("ERR The entries_added specified in XSETID is smaller than the target "
                        + "stream length");
                case WRONG_TYPE -> out.error(Errors.WRONG_TYPE);
                default -> out.error("ERR unexpected XSETID outcome");
            }
        };
    }

    /** The BLOCK milliseconds of XREAD and XREADGROUP. */
    static long blockMillis(byte[] raw) throws CommandError {
        Long ms = io.rockhub.core.util.Numbers.parseLong(raw);
        if (ms == null) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        return ms;
    }

    /** XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]. */
    private static Execution xread(Args a) throws CommandError {
        long count = Long.MAX_VALUE;
        Long blockMillis = null;
        int i = 1;
        for (; i < a.size() && !a.is(i, "STREAMS"); i++) {
            if (a.is(i, "COUNT") && i + 1 < a.size()) {
                long c = a.longAt(++i);
                count = c <= 0 ? Long.MAX_VALUE : c;
            } else if (a.is(i, "BLOCK") && i + 1 < a.size()) {
                blockMillis = blockMillis(a.bytes(++i));
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        int remaining = a.size() - i - 1;
        if (i >= a.size() || remaining <= 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (remaining % 2 != 0) {
            throw new CommandError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                    + "must be specified.");
        }
        int n = remaining / 2;
        List<byte[]> keys = a.all().subList(i + 1, i + 1 + n);
        List<byte[]> idArgs = a.all().subList(i + 1 + n, i + 1 + 2 * n);
        long limit = count;
        Long block = blockMillis;
        return (ctx, out) -> {
            // Key by key, as Redis: the type, then the id. "$" means what arrives after this
            // command, so it is fixed now, not at each retry.
            List<StreamId> from = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Result<StreamId> last = streams(ctx).lastId(keys.get(k));
                if (Replies.error(out, last.status())) {
                    return;
                }
                byte[] raw = idArgs.get(k);
                if (Arrays.equals(raw, DOLLAR)) {
                    from.add(last.value());
                } else if (Arrays.equals(raw, GREATER)) {
                    out.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                            + "<consumer> option.");
                    return;
                } else {
                    StreamId id = parseId(raw, 0);
                    if (id == null) {
                        out.error(INVALID_ID);
                        return;
                    }
                    from.add(id);
                }
            }
            serveOrBlock(ctx, out, keys, block, (c, o) -> serveRead(c, o, keys, from, limit));
        };
    }

    /**
     * XREAD's and XREADGROUP's last step: answer now, or, with a BLOCK timeout ({@code block} not
     * null), wait for a change of one of the keys; a null array when nothing comes.
     */
    static void serveOrBlock(CommandContext ctx, RespWriter out, List<byte[]> keys, Long block,
                             io.rockhub.resp.command.Blocking.Attempt attempt) {
        if (block == null) {
            if (!attempt.serve(ctx, out)) {
                out.nullArray();
            }
            return;
        }
        BlockingCommands.blocking(keys, block, attempt, RespWriter::nullArray).run(ctx, out);
    }

    /** Writes the new entries of every stream that has some (a map in RESP3); false if none has. */
    private static boolean serveRead(CommandContext ctx, RespWriter out, List<byte[]> keys, List<StreamId> from,
                                     long count) {
        List<byte[]> found = new ArrayList<>();
        List<List<Entry>> entries = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            StreamId start = from.get(k).next();
            if (start == null) {
                continue;
            }
            Result<List<Entry>> r = streams(ctx).range(keys.get(k), start, StreamId.MAX, count, false);
            if (BlockingCommands.notReady(ctx, r.status())) {
                continue;
            }
            if (r.status() == Status.WRONG_TYPE) {
                out.error(Errors.WRONG_TYPE);
                return true;
            }
            if (r.isOk() && !r.value().isEmpty()) {
                found.add(keys.get(k));
                entries.add(r.value());
            }
        }
        if (found.isEmpty()) {
            return false;
        }
        writeStreams(out, found, entries);
        return true;
    }

    /** XREAD's and XREADGROUP's reply: RESP3 a map of stream to entries, RESP2 [stream, entries] pairs. */
    static void writeStreams(RespWriter out, List<byte[]> streams, List<List<Entry>> entries) {
        if (out.resp3()) {
            out.map(streams.size());
        } else {
            out.array(streams.size());
        }
        for (int k = 0; k < streams.size(); k++) {
            if (!out.resp3()) {
                out.array(2);
            }
            out.bulk(StoredKey.user(streams.get(k)));
            writeEntries(out, entries.get(k));
        }
    }

    /** Entries as [id, [field, value, ...]]; an entry without fields (deleted since) as [id, nil]. */
    static void writeEntries(RespWriter out, List<Entry> entries) {
        out.array(entries.size());
        for (Entry e : entries) {
            out.array(2).bulk(e.id());
            if (e.fields() == null) {
                out.nullArray();
                continue;
            }
            out.array(e.fields().size());
            for (byte[] f : e.fields()) {
                out.bulk(f);
            }
        }
    }

    private static Execution xdel(Args a) {
        byte[] key = a.bytes(1);
        List<StreamId> ids = new ArrayList<>();
        for (int i = 2; i < a.size(); i++) {
            StreamId id = parseId(a.bytes(i), 0);
            if (id == null) {
                return KeyFirst.refusal(key, io.rockhub.core.encoding.DataType.STREAM, out -> out.integer(0),
                        new CommandError(INVALID_ID));
            }
            ids.add(id);
        }
        return (ctx, out) -> Replies.integer(out, streams(ctx).delete(key, ids));
    }

    /** XTRIM key MAXLEN | MINID [= | ~] threshold [LIMIT count]. */
    private static Execution xtrim(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        if (!a.is(2, "MAXLEN") && !a.is(2, "MINID")) {
            throw new CommandError(Errors.SYNTAX);
        }
        Trim[] trim = {null};
        int end = parseTrim(a, 2, trim);
        if (end != a.size()) {
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> Replies.integer(out, streams(ctx).trim(key, trim[0]));
    }
}
