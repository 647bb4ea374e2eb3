package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.StreamId;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.StreamGroupInfo;
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
                 of("groups", 3, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoGroups),
                 of("consumers", 4, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoConsumers),
                 of("stream", -3, "readonly", 2, 2, 1, "@read @stream @slow", StreamInfoCommands::infoStream),
                 of("help", 2, "loading stale", 0, 0, 0, "@stream @slow", a -> (ctx, out) -> HelpText.write(out, "XINFO",
                         "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.",
                         "GROUPS <key>", "    Show the stream consumer groups.",
                         "STREAM <key>", "    Show information about the stream."))));
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
                if (g.entriesRead() == null) {
                    out.nullBulk();
                } else {
                    out.integer(g.entriesRead());
                }
                out.bulk("lag");
                if (g.lag() == null) {
                    out.nullBulk();
                } else {
                    out.integer(g.lag());
                }
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
     * XINFO STREAM key. The radix-tree figures describe Redis's in-memory layout; RockHub reports
     * what that layout would have at 100 entries per node. FULL is not implemented yet.
     */
    private static Execution infoStream(Args a) throws CommandError {
        byte[] key = a.bytes(2);
        if (a.size() > 3) {
            if (a.is(3, "FULL")) {
                throw new CommandError("ERR XINFO STREAM FULL is not supported yet");
            }
            throw new CommandError(Errors.SYNTAX);
        }
        return (ctx, out) -> {
            io.rockhub.core.encoding.Metadata m = ctx.hub().keys().live(key);
            if (m == null) {
                out.error(Errors.NO_SUCH_KEY);
                return;
            }
            if (m.type() != io.rockhub.core.encoding.DataType.STREAM) {
                out.error(Errors.WRONG_TYPE);
                return;
            }
            io.rockhub.core.encoding.StreamMeta meta = io.rockhub.core.encoding.StreamMeta.decode(m.value());
            List<io.rockhub.core.types.StreamStore.Entry> first =
                    ctx.hub().streams().range(key, StreamId.MIN, StreamId.MAX, 1, false).value();
            List<io.rockhub.core.types.StreamStore.Entry> last =
                    ctx.hub().streams().range(key, StreamId.MIN, StreamId.MAX, 1, true).value();
            long radixKeys = (m.size() + 99) / 100;
            out.map(10);
            out.bulk("length").integer(m.size());
            out.bulk("radix-tree-keys").integer(radixKeys);
            out.bulk("radix-tree-nodes").integer(radixKeys + 1);
            out.bulk("last-generated-id").bulk(meta.lastId().toString());
            out.bulk("max-deleted-entry-id").bulk(meta.maxDeletedId().toString());
            out.bulk("entries-added").integer(meta.entriesAdded());
            out.bulk("recorded-first-entry-id").bulk(first.isEmpty() ? "0-0" : first.get(0).id().toString());
            out.bulk("groups").integer(ctx.hub().streamGroupInfo().groupCount(key, m));
            out.bulk("first-entry");
            writeEntryOrNull(out, first);
            out.bulk("last-entry");
            writeEntryOrNull(out, last);
        };
    }

    private static void writeEntryOrNull(RespWriter out, List<io.rockhub.core.types.StreamStore.Entry> one) {
        if (one.isEmpty()) {
            out.nullBulk();
            return;
        }
        out.array(2).bulk(one.get(0).id().toString());
        out.array(one.get(0).fields().size());
        for (byte[] f : one.get(0).fields()) {
            out.bulk(f);
        }
    }
}
