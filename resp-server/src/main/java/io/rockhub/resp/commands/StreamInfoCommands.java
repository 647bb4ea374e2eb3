package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.encoding.StreamMeta;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.StreamGroupInfo;
import io.rockhub.core.types.StreamGroups;
import io.rockhub.core.types.StreamStore;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** XINFO GROUPS, CONSUMERS and STREAM. */
final class StreamInfoCommands {
    private StreamInfoCommands() {
    }

    static void register(CommandTable t) {
        t.add(container("xinfo", -2, "", "@slow",
                 of("groups", 3, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoGroups)
                     .keys("RO access index 2 range 0 1 0"),
                 of("consumers", 4, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoConsumers)
                     .tips("nondeterministic_output")
                     .keys("RO access index 2 range 0 1 0"),
                 of("stream", -3, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoStream)
                     .keys("RO access index 2 range 0 1 0"),
                 of("help", 2, "loading stale", 0, 0, 0, "@stream @slow", a -> (ctx, out) -> HelpText.write(out, "XINFO",
                         "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.",
                         "GROUPS <key>", "    Show the stream consumer groups.",
                         "STREAM <key> [FULL [COUNT <count>]", "    Show information about the stream."))));
    }

    private static Execution infoGroups(Args a) {
        byte[] key = a.bytes(2);
        return (ctx, out) -> {
            Result<List<StreamGroupInfo.GroupInfo>> r = ctx.hub().streamGroupInfo().groupsInfo(key);
            if (r.status() == Status.NOT_FOUND) {
                out.error(Errors.NO_SUCH_KEY);
                return;
            }
            if (Replies.error(out, r.status())) {
                return;
            }
            out.array(r.value().size());
            for (StreamGroupInfo.GroupInfo g : r.value()) {
                out.map(6);
                out.bulk("name").bulk(g.name());
                out.bulk("consumers").integer(g.consumers());
                out.bulk("pending").integer(g.pending());
                out.bulk("last-delivered-id").bulk(g.lastDelivered().toString());
                out.bulk("entries-read");
                integerOrNull(out, g.entriesRead());
                out.bulk("lag");
                integerOrNull(out, g.lag());
            }
        };
    }

    private static Execution infoConsumers(Args a) {
        byte[] key = a.bytes(2);
        byte[] group = a.bytes(3);
        return (ctx, out) -> {
            Result<List<StreamGroupInfo.ConsumerInfo>> r = ctx.hub().streamGroupInfo().consumersInfo(key, group);
            if (r.status() == Status.NOT_FOUND) {
                out.error(Errors.NO_SUCH_KEY);
                return;
            }
            if (r.status() == Status.NOT_APPLIED) {
                out.error(StreamGroupCommands.noGroup(key, group));
                return;
            }
            if (Replies.error(out, r.status())) {
                return;
            }
            long now = ctx.hub().clock().millis();
            out.array(r.value().size());
            for (StreamGroupInfo.ConsumerInfo c : r.value()) {
                out.map(3);
                out.bulk("name").bulk(c.name());
                out.bulk("pending").integer(c.pending());
                out.bulk("idle").integer(Math.max(0, now - c.seenAt()));
            }
        };
    }

    /**
     * XINFO STREAM key [FULL [COUNT count]]. The radix-tree figures describe Redis's in-memory
     * layout; RockHub reports what that layout would have at 100 entries per node. FULL follows
     * Redis 7.2, which added each consumer's active-time.
     */
    private static Execution infoStream(Args a) throws CommandError {
        byte[] key = a.bytes(2);
        if (a.size() == 3) {
            return (ctx, out) -> summary(ctx, out, key);
        }
        if (!a.is(3, "FULL") || (a.size() != 4 && (a.size() != 6 || !a.is(4, "COUNT")))) {
            throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + a.string(1)
                    + "'. Try XINFO HELP.");
        }
        long parsed = a.size() == 6 ? a.longAt(5) : 10;
        long count = parsed < 0 ? 10 : parsed;
        return (ctx, out) -> {
            Result<StreamGroupInfo.StreamFull> r = ctx.hub().streamGroupInfo().full(key, count);
            if (r.status() == Status.NOT_FOUND) {
                out.error(Errors.NO_SUCH_KEY);
                return;
            }
            if (Replies.error(out, r.status())) {
                return;
            }
            writeFull(out, r.value());
        };
    }

    private static void summary(io.rockhub.resp.command.CommandContext ctx, RespWriter out, byte[] key) {
        Metadata m = ctx.hub().keys().live(key);
        if (m == null) {
            out.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (m.type() != DataType.STREAM) {
            out.error(Errors.WRONG_TYPE);
            return;
        }
        StreamMeta meta = StreamMeta.decode(m.value());
        List<StreamStore.Entry> first = ctx.hub().streams().range(key, StreamId.MIN, StreamId.MAX, 1, false).value();
        List<StreamStore.Entry> last = ctx.hub().streams().range(key, StreamId.MIN, StreamId.MAX, 1, true).value();
        out.map(10);
        writeHead(out, m, meta, first.isEmpty() ? StreamId.MIN : first.get(0).id());
        out.bulk("groups").integer(ctx.hub().streamGroupInfo().groupCount(key, m));
        out.bulk("first-entry");
        writeEntryOrNull(out, first);
        out.bulk("last-entry");
        writeEntryOrNull(out, last);
    }

    private static void writeHead(RespWriter out, Metadata m, StreamMeta meta, StreamId firstId) {
        long radixKeys = (m.size() + 99) / 100;
        out.bulk("length").integer(m.size());
        out.bulk("radix-tree-keys").integer(radixKeys);
        out.bulk("radix-tree-nodes").integer(radixKeys + 1);
        out.bulk("last-generated-id").bulk(meta.lastId().toString());
        out.bulk("max-deleted-entry-id").bulk(meta.maxDeletedId().toString());
        out.bulk("entries-added").integer(meta.entriesAdded());
        out.bulk("recorded-first-entry-id").bulk(firstId.toString());
    }

    private static void writeFull(RespWriter out, StreamGroupInfo.StreamFull f) {
        out.map(9);
        writeHead(out, f.stream(), f.meta(), f.firstId());
        out.bulk("entries").array(f.entries().size());
        for (StreamStore.Entry e : f.entries()) {
            out.array(2).bulk(e.id().toString());
            Replies.bulks(out, e.fields());
        }
        out.bulk("groups").array(f.groups().size());
        for (StreamGroupInfo.GroupFull g : f.groups()) {
            out.map(7);
            out.bulk("name").bulk(g.info().name());
            out.bulk("last-delivered-id").bulk(g.info().lastDelivered().toString());
            out.bulk("entries-read");
            integerOrNull(out, g.info().entriesRead());
            out.bulk("lag");
            integerOrNull(out, g.info().lag());
            out.bulk("pel-count").integer(g.info().pending());
            out.bulk("pending").array(g.pending().size());
            for (StreamGroups.Pending p : g.pending()) {
                out.array(4).bulk(p.id().toString()).bulk(p.consumer()).integer(p.deliveredAt()).integer(p.deliveries());
            }
            out.bulk("consumers").array(g.consumers().size());
            for (StreamGroupInfo.ConsumerFull c : g.consumers()) {
                out.map(5);
                out.bulk("name").bulk(c.info().name());
                out.bulk("seen-time").integer(c.info().seenAt());
                out.bulk("active-time").integer(c.info().activeAt());
                out.bulk("pel-count").integer(c.info().pending());
                out.bulk("pending").array(c.pending().size());
                for (StreamGroups.Pending p : c.pending()) {
                    out.array(3).bulk(p.id().toString()).integer(p.deliveredAt()).integer(p.deliveries());
                }
            }
        }
    }

    private static void integerOrNull(RespWriter out, Long value) {
        if (value == null) {
            out.nullBulk();
        } else {
            out.integer(value);
        }
    }

    private static void writeEntryOrNull(RespWriter out, List<StreamStore.Entry> one) {
        if (one.isEmpty()) {
            out.nullBulk();
            return;
        }
        out.array(2).bulk(one.get(0).id().toString());
        Replies.bulks(out, one.get(0).fields());
    }
}
