package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.StreamGroups;
import io.rockhub.core.types.StreamGroupInfo;
import io.rockhub.core.types.StreamGroups.Delivery;
import io.rockhub.core.types.StreamGroups.Pending;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.Blocking;
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

/** Consumer groups: XGROUP, XREADGROUP, XACK, XPENDING; storage in {@link StreamGroups}. */
final class StreamGroupCommands {
    private static final String NEEDS_KEY = "ERR The XGROUP subcommand requires the key to exist. Note that for "
            + "CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";

    private StreamGroupCommands() {
    }

    static void register(CommandTable t) {
        t.add(container("xgroup", -2, "", "@slow",
                of("create", -5, "write denyoom", 2, 2, 1, "@write @stream @slow", StreamGroupCommands::create)
                    .keys("RW insert index 2 range 0 1 0"),
                of("setid", -5, "write", 2, 2, 1, "@write @stream @slow", StreamGroupCommands::setid)
                    .keys("RW update index 2 range 0 1 0"),
                of("destroy", 4, "write", 2, 2, 1, "@write @stream @slow", StreamGroupCommands::destroy)
                    .keys("RW delete index 2 range 0 1 0"),
                of("createconsumer", 5, "write denyoom", 2, 2, 1, "@write @stream @slow",
                        StreamGroupCommands::createConsumer)
                    .keys("RW insert index 2 range 0 1 0"),
                of("delconsumer", 5, "write", 2, 2, 1, "@write @stream @slow", StreamGroupCommands::delConsumer)
                    .keys("RW delete index 2 range 0 1 0"),
                of("help", 2, "loading stale", 0, 0, 0, "@stream @slow", a -> (ctx, out) -> HelpText.write(out, "XGROUP",
                        "CREATE <key> <groupname> <id|$> [option]", "    Create a new consumer group. Options are:",
                        "    * MKSTREAM", "      Create the empty stream if it does not exist.",
                        "    * ENTRIESREAD entries_read", "      Set the group's entries_read counter (internal use).",
                        "CREATECONSUMER <key> <groupname> <consumer>", "    Create a new consumer in the specified group.",
                        "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
                        "DESTROY <key> <groupname>", "    Remove the specified group.",
                        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                        "    Set the current group ID and entries_read counter."))))
         .add(of("xreadgroup", -7, "write blocking movablekeys", 0, 0, 0, "@write @stream @slow @blocking",
                 StreamGroupCommands::xreadgroup)
             .keys("RO access keyword STREAMS 4 range -1 1 2"))
         .add(of("xack", -4, "write fast", 1, 1, 1, "@write @stream @fast", StreamGroupCommands::xack)
             .keys("RW update index 1 range 0 1 0"))
         .add(of("xclaim", -6, "write fast", 1, 1, 1, "@write @stream @fast", StreamGroupCommands::xclaim)
             .tips("nondeterministic_output")
             .keys("RW update index 1 range 0 1 0"))
         .add(of("xautoclaim", -6, "write fast", 1, 1, 1, "@write @stream @fast", StreamGroupCommands::xautoclaim)
             .tips("nondeterministic_output")
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("xpending", -3, "readonly", 1, 1, 1, "@read @stream @slow", StreamGroupCommands::xpending)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"));
    }

    static StreamGroups groups(CommandContext ctx) {
        return ctx.hub().streamGroups();
    }

    static String noGroup(byte[] key, byte[] group) {
        return "NOGROUP No such consumer group '" + str(group) + "' for key name '" + str(StoredKey.user(key)) + "'";
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n], checked in Redis's order: the
     * options, the key's type, the key's existence (unless MKSTREAM), then the id.
     */
    private static Execution create(Args a) throws CommandError {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        byte[] idArg = a.bytes(4);
        boolean mkStream = false;
        Long read = null;
        for (int i = 5; i < a.size(); i++) {
            if (a.is(i, "MKSTREAM")) {
                mkStream = true;
            } else if (a.is(i, "ENTRIESREAD") && i + 1 < a.size()) {
                read = entriesReadAt(a, ++i);
            } else {
                throw new CommandError(syntax(a));
            }
        }
        boolean mk = mkStream;
        Long entriesRead = read;
        return (ctx, out) -> {
            Metadata m = ctx.hub().keys().live(key);
            if (m != null && m.type() != DataType.STREAM) {
                out.error(Errors.WRONG_TYPE);
                return;
            }
            if (m == null && !mk) {
                out.error(NEEDS_KEY);
                return;
            }
            StreamId id = null;
            if (!Arrays.equals(idArg, StreamCommands.DOLLAR)) {
                id = StreamCommands.parseId(idArg, 0);
                if (id == null) {
                    out.error(StreamCommands.INVALID_ID);
                    return;
                }
            }
            switch (groups(ctx).create(key, group, id, mk, entriesRead)) {
                case OK -> out.ok();
                case NOT_FOUND -> out.error(NEEDS_KEY);
                case NOT_APPLIED -> out.error("BUSYGROUP Consumer Group name already exists");
                default -> out.error(Errors.WRONG_TYPE);
            }
        };
    }

    private static long entriesReadAt(Args a, int i) throws CommandError {
        long read = a.longAt(i);
        if (read < 0 && read != -1) {
            throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
        }
        return read;
    }

    private static String syntax(Args a) {
        return "ERR unknown subcommand or wrong number of arguments for '" + a.string(1) + "'. Try XGROUP HELP.";
    }

    /**
     * XGROUP SETID key group id|$|-|+ [ENTRIESREAD n], checked in Redis's order: the key's type and
     * existence, the group, the id, then the options.
     */
    private static Execution setid(Args a) {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        byte[] idArg = a.bytes(4);
        return (ctx, out) -> {
            Result<io.rockhub.core.encoding.StreamGroupCodec.GroupRecord> g = groups(ctx).group(key, group);
            if (g.status() == Status.WRONG_TYPE) {
                out.error(Errors.WRONG_TYPE);
                return;
            }
            if (!g.isOk()) {
                out.error(ctx.hub().keys().live(key) == null ? NEEDS_KEY : noGroup(key, group));
                return;
            }
            if (a.size() != 5 && a.size() != 7) {
                out.error(syntax(a));
                return;
            }
            StreamId id;
            if (Arrays.equals(idArg, StreamCommands.DOLLAR)) {
                id = null;
            } else if (Arrays.equals(idArg, MINUS)) {
                id = StreamId.MIN;
            } else if (Arrays.equals(idArg, PLUS)) {
                id = StreamId.MAX;
            } else {
                id = StreamCommands.parseId(idArg, 0);
                if (id == null) {
                    out.error(StreamCommands.INVALID_ID);
                    return;
                }
            }
            Long read = null;
            if (a.size() == 7) {
                if (!a.is(5, "ENTRIESREAD")) {
                    out.error(syntax(a));
                    return;
                }
                try {
                    read = entriesReadAt(a, 6);
                } catch (CommandError e) {
                    out.error(e.getMessage());
                    return;
                }
            }
            switch (groups(ctx).setId(key, group, id, read)) {
                case OK -> out.ok();
                case NOT_FOUND -> out.error(NEEDS_KEY);
                case NOT_APPLIED -> out.error(noGroup(key, group));
                default -> out.error(Errors.WRONG_TYPE);
            }
        };
    }

    private static final byte[] MINUS = {'-'};
    private static final byte[] PLUS = {'+'};

    private static Execution destroy(Args a) {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        return (ctx, out) -> {
            Result<Boolean> r = groups(ctx).destroy(key, group);
            if (r.status() == Status.NOT_FOUND) {
                out.error(NEEDS_KEY);
            } else if (!Replies.error(out, r.status())) {
                out.integer(r.value() ? 1 : 0);
            }
        };
    }

    private static void groupError(RespWriter out, Status s, byte[] key, byte[] group) {
        switch (s) {
            case NOT_FOUND -> out.error(NEEDS_KEY);
            case NOT_APPLIED -> out.error(noGroup(key, group));
            default -> out.error(Errors.WRONG_TYPE);
        }
    }

    private static Execution createConsumer(Args a) {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        byte[] consumer = a.bytes(4);
        return (ctx, out) -> {
            Result<Boolean> r = groups(ctx).createConsumer(key, group, consumer);
            if (r.isOk()) {
                out.integer(r.value() ? 1 : 0);
            } else {
                groupError(out, r.status(), key, group);
            }
        };
    }

    private static Execution delConsumer(Args a) {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        byte[] consumer = a.bytes(4);
        return (ctx, out) -> {
            Result<Long> r = groups(ctx).deleteConsumer(key, group, consumer);
            if (r.isOk()) {
                out.integer(r.value());
            } else {
                groupError(out, r.status(), key, group);
            }
        };
    }

    /** XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]. */
    private static Execution xreadgroup(Args a) throws CommandError {
        byte[] group = null;
        byte[] consumer = null;
        long count = Long.MAX_VALUE;
        Long block = null;
        boolean noAck = false;
        int i = 1;
        for (; i < a.size() && !a.is(i, "STREAMS"); i++) {
            if (a.is(i, "GROUP") && i + 2 < a.size()) {
                group = a.bytes(++i);
                consumer = a.bytes(++i);
            } else if (a.is(i, "COUNT") && i + 1 < a.size()) {
                long c = a.longAt(++i);
                count = c <= 0 ? Long.MAX_VALUE : c;
            } else if (a.is(i, "BLOCK") && i + 1 < a.size()) {
                block = StreamCommands.blockMillis(a.bytes(++i));
            } else if (a.is(i, "NOACK")) {
                noAck = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        int remaining = a.size() - i - 1;
        if (i >= a.size() || remaining <= 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (remaining % 2 != 0) {
            throw new CommandError("ERR Unbalanced XREADGROUP list of streams: for each stream key an ID or '$' "
                    + "must be specified.");
        }
        if (group == null) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        int n = remaining / 2;
        List<byte[]> keys = a.all().subList(i + 1, i + 1 + n);
        List<byte[]> idArgs = a.all().subList(i + 1 + n, i + 1 + 2 * n);
        byte[] g = group;
        byte[] c = consumer;
        long limit = count;
        boolean skipPending = noAck;
        Long blockMillis = block;
        List<StreamId> parsed = new ArrayList<>();
        boolean reading = true;
        for (byte[] raw : idArgs) {
            StreamId id = java.util.Arrays.equals(raw, StreamCommands.GREATER) ? null : StreamCommands.parseId(raw, 0);
            if (id == null && !java.util.Arrays.equals(raw, StreamCommands.GREATER)) {
                reading = false;
            }
            parsed.add(id);
        }
        if (reading) {
            // Every id is good: the read itself reports WRONGTYPE and NOGROUP key by key, in Redis's
            // order, without looking each group up twice (this is the queue consumers' hot path).
            boolean allNew = parsed.stream().allMatch(java.util.Objects::isNull);
            Blocking.Attempt attempt = (cx, o) -> serveGroupRead(cx, o, keys, parsed, g, c, limit, skipPending);
            Long timeout = allNew ? blockMillis : null;
            return (ctx, out) -> StreamCommands.serveOrBlock(ctx, out, keys, timeout, attempt);
        }
        return (ctx, out) -> {
            // Some id is bad, so this ends in an error; which one, Redis decides key by key: the type,
            // the group, then the id.
            for (int k = 0; k < n; k++) {
                byte[] key = keys.get(k);
                Result<io.rockhub.core.encoding.StreamGroupCodec.GroupRecord> found = groups(ctx).group(key, g);
                if (found.status() == Status.WRONG_TYPE) {
                    out.error(Errors.WRONG_TYPE);
                    return;
                }
                if (!found.isOk()) {
                    out.error(noGroupToRead(key, g));
                    return;
                }
                byte[] raw = idArgs.get(k);
                if (java.util.Arrays.equals(raw, StreamCommands.DOLLAR)) {
                    out.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
                            + "history of this consumer by specifying a proper ID, or use the > ID to get new messages. "
                            + "The $ ID would just return an empty result set.");
                    return;
                }
                if (parsed.get(k) == null && !java.util.Arrays.equals(raw, StreamCommands.GREATER)) {
                    out.error(StreamCommands.INVALID_ID);
                    return;
                }
            }
        };
    }

    private static String noGroupToRead(byte[] key, byte[] group) {
        return "NOGROUP No such key '" + str(StoredKey.user(key)) + "' or consumer group '" + str(group)
                + "' in XREADGROUP with GROUP option";
    }

    private static boolean serveGroupRead(CommandContext ctx, RespWriter out, List<byte[]> keys, List<StreamId> ids,
                                          byte[] group, byte[] consumer, long count, boolean noAck) {
        List<byte[]> found = new ArrayList<>();
        List<List<Delivery>> deliveries = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            byte[] key = keys.get(k);
            Result<List<Delivery>> r = ids.get(k) == null
                    ? groups(ctx).readNew(key, group, consumer, count, noAck)
                    : groups(ctx).readHistory(key, group, consumer, ids.get(k), count);
            if (ctx.woken() && !r.isOk()) {
                // What Redis 7.0 tells a client blocked in XREADGROUP whose stream or group went away.
                io.rockhub.core.encoding.Metadata m = ctx.hub().keys().live(key);
                out.error(m == null || m.type() != io.rockhub.core.encoding.DataType.STREAM
                        ? "UNBLOCKED the stream key no longer exists"
                        : "NOGROUP the consumer group this client was blocked on no longer exists");
                return true;
            }
            if (r.status() == Status.WRONG_TYPE) {
                out.error(Errors.WRONG_TYPE);
                return true;
            }
            if (!r.isOk()) {
                out.error(noGroupToRead(key, group));
                return true;
            }
            if (!r.value().isEmpty() || ids.get(k) != null) {
                found.add(key);
                deliveries.add(r.value());
            }
        }
        if (found.isEmpty()) {
            return false;
        }
        List<List<io.rockhub.core.types.StreamStore.Entry>> asEntries = new ArrayList<>();
        for (List<Delivery> ds : deliveries) {
            List<io.rockhub.core.types.StreamStore.Entry> es = new ArrayList<>(ds.size());
            for (Delivery d : ds) {
                es.add(new io.rockhub.core.types.StreamStore.Entry(d.id(), d.fields()));
            }
            asEntries.add(es);
        }
        StreamCommands.writeStreams(out, found, asEntries);
        return true;
    }

    private static Execution xack(Args a) {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        List<StreamId> ids = new ArrayList<>();
        boolean valid = true;
        for (int i = 3; i < a.size(); i++) {
            StreamId id = StreamCommands.parseId(a.bytes(i), 0);
            valid &= id != null;
            ids.add(id);
        }
        boolean allValid = valid;
        return (ctx, out) -> {
            if (!allValid) {
                // As Redis: a missing key or group acknowledges nothing (0) before the ids are read.
                Result<io.rockhub.core.encoding.StreamGroupCodec.GroupRecord> g = groups(ctx).group(key, group);
                if (g.status() == Status.WRONG_TYPE) {
                    out.error(Errors.WRONG_TYPE);
                } else if (!g.isOk()) {
                    out.integer(0);
                } else {
                    out.error(StreamCommands.INVALID_ID);
                }
                return;
            }
            Replies.integer(out, groups(ctx).ack(key, group, ids));
        };
    }

    private static long integerOr(Args a, int i, String error) throws CommandError {
        Long v = Numbers.parseLong(a.bytes(i));
        if (v == null) {
            throw new CommandError(error);
        }
        return v;
    }

    /** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]. */
    /** XCLAIM: Redis looks the key and group up before it reads any other argument. */
    private static Execution xclaim(Args a) {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        try {
            return parseXclaim(a);
        } catch (CommandError refused) {
            return (ctx, out) -> {
                Result<io.rockhub.core.encoding.StreamGroupCodec.GroupRecord> g = groups(ctx).group(key, group);
                if (g.isOk()) {
                    out.error(refused.getMessage());
                } else {
                    pendingError(out, g.status(), key, group);
                }
            };
        }
    }

    private static Execution parseXclaim(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        byte[] consumer = a.bytes(3);
        long minIdle = Math.max(0, integerOr(a, 4, "ERR Invalid min-idle-time argument for XCLAIM"));
        List<StreamId> ids = new ArrayList<>();
        int i = 5;
        for (; i < a.size(); i++) {
            StreamId id = StreamCommands.parseId(a.bytes(i), 0);
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        Long idle = null;
        Long time = null;
        Long retry = null;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = null;
        for (; i < a.size(); i++) {
            boolean more = i + 1 < a.size();
            if (a.is(i, "FORCE")) {
                force = true;
            } else if (a.is(i, "JUSTID")) {
                justId = true;
            } else if (a.is(i, "IDLE") && more) {
                idle = integerOr(a, ++i, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (a.is(i, "TIME") && more) {
                time = integerOr(a, ++i, "ERR Invalid TIME option argument for XCLAIM");
            } else if (a.is(i, "RETRYCOUNT") && more) {
                retry = integerOr(a, ++i, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (a.is(i, "LASTID") && more) {
                lastId = StreamCommands.id(a, ++i, 0);
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + a.string(i) + "'");
            }
        }
        StreamGroups.ClaimOptions options = new StreamGroups.ClaimOptions(idle, time, retry, force, justId, lastId);
        return (ctx, out) -> {
            Result<List<Delivery>> r = groups(ctx).claim(key, group, consumer, minIdle, ids, options);
            if (!r.isOk()) {
                pendingError(out, r.status(), key, group);
                return;
            }
            writeClaimed(out, r.value(), options.justId());
        };
    }

    private static void writeClaimed(RespWriter out, List<Delivery> claimed, boolean justId) {
        if (!justId) {
            List<io.rockhub.core.types.StreamStore.Entry> es = new ArrayList<>(claimed.size());
            for (Delivery d : claimed) {
                es.add(new io.rockhub.core.types.StreamStore.Entry(d.id(), d.fields()));
            }
            StreamCommands.writeEntries(out, es);
            return;
        }
        out.array(claimed.size());
        for (Delivery d : claimed) {
            out.bulk(d.id());
        }
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]. */
    private static Execution xautoclaim(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        byte[] consumer = a.bytes(3);
        long minIdle = Math.max(0, integerOr(a, 4, "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = StreamCommands.bound(a, 5, true);
        long count = 100;
        boolean justId = false;
        for (int i = 6; i < a.size(); i++) {
            if (a.is(i, "COUNT") && i + 1 < a.size()) {
                count = a.longAt(++i);
                if (count <= 0 || count > Long.MAX_VALUE / 10) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
            } else if (a.is(i, "JUSTID")) {
                justId = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        long n = count;
        boolean ids = justId;
        return (ctx, out) -> {
            Result<StreamGroups.AutoClaim> r = groups(ctx).autoClaim(key, group, consumer, minIdle, start, n, ids);
            if (!r.isOk()) {
                pendingError(out, r.status(), key, group);
                return;
            }
            out.array(3).bulk(r.value().next().toString());
            writeClaimed(out, r.value().claimed(), ids);
            out.array(r.value().deleted().size());
            for (StreamId d : r.value().deleted()) {
                out.bulk(d.toString());
            }
        };
    }

    /** XPENDING key group [[IDLE min-idle-time] start end count [consumer]]. */
    private static Execution xpending(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] group = a.bytes(2);
        if (a.size() == 3) {
            return (ctx, out) -> {
                Result<StreamGroups.Summary> r = groups(ctx).summary(key, group);
                if (!r.isOk()) {
                    pendingError(out, r.status(), key, group);
                    return;
                }
                StreamGroups.Summary s = r.value();
                out.array(4).integer(s.count());
                if (s.count() == 0) {
                    out.nullBulk().nullBulk().nullArray();
                    return;
                }
                out.bulk(s.lowest().toString()).bulk(s.highest().toString());
                out.array(s.consumers().size());
                for (StreamGroupInfo.ConsumerInfo c : s.consumers()) {
                    out.array(2).bulk(c.name()).bulk(Long.toString(c.pending()));
                }
            };
        }
        int i = 3;
        long minIdle = 0;
        if (a.is(i, "IDLE") && i + 1 < a.size()) {
            minIdle = a.longAt(i + 1);
            i += 2;
        }
        if (a.size() - i < 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        StreamId start = StreamCommands.bound(a, i, true);
        StreamId end = StreamCommands.bound(a, i + 1, false);
        long count = Math.max(0, a.longAt(i + 2));
        // As in Redis, anything after the consumer is ignored.
        byte[] consumer = a.size() - i >= 4 ? a.bytes(i + 3) : null;
        long idle = minIdle;
        return (ctx, out) -> {
            Result<List<Pending>> r = groups(ctx).pendingRange(key, group, start, end, count, consumer, idle);
            if (!r.isOk()) {
                pendingError(out, r.status(), key, group);
                return;
            }
            long now = ctx.hub().clock().millis();
            out.array(r.value().size());
            for (Pending p : r.value()) {
                out.array(4).bulk(p.id()).bulk(p.consumer()).integer(Math.max(0, now - p.deliveredAt()))
                        .integer(p.deliveries());
            }
        };
    }

    private static void pendingError(RespWriter out, Status s, byte[] key, byte[] group) {
        if (s == Status.WRONG_TYPE) {
            out.error(Errors.WRONG_TYPE);
        } else {
            out.error("NOGROUP No such key '" + str(StoredKey.user(key)) + "' or consumer group '" + str(group) + "'");
        }
    }
}
