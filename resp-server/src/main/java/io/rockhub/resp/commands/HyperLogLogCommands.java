package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.HyperLogLogStore;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** PFADD, PFCOUNT, PFMERGE: parse here, the format and estimator in {@link HyperLogLogStore}. */
final class HyperLogLogCommands {
    private static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private static final String CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

    private HyperLogLogCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("pfadd", -2, "write denyoom fast", 1, 1, 1, "@write @hyperloglog @fast", HyperLogLogCommands::pfadd)
            .keys("RW insert index 1 range 0 1 0"))
         .add(of("pfcount", -2, "readonly", 1, -1, 1, "@read @hyperloglog @slow", HyperLogLogCommands::pfcount)
             .keys("RW access index 1 range -1 1 0 // RW because it may change the internal representation of the key, and propagate to replicas"))
         .add(of("pfmerge", -2, "write denyoom", 1, -1, 1, "@write @hyperloglog @slow", HyperLogLogCommands::pfmerge)
             .keys("RW access insert index 1 range 0 1 0|RO access index 2 range -1 1 0"));
    }

    private static HyperLogLogStore hlls(CommandContext ctx) {
        return ctx.hub().hyperLogLogs();
    }

    /** {@code hll-sparse-max-bytes}: where a sparse HyperLogLog turns dense, as in Redis. */
    private static int sparseMax(CommandContext ctx) {
        return (int) Math.min(Integer.MAX_VALUE, ctx.hub().config().getLong("hll-sparse-max-bytes"));
    }

    private static boolean error(RespWriter out, Status s) {
        switch (s) {
            case NOT_HLL -> out.error(NOT_HLL);
            case CORRUPT_HLL -> out.error(CORRUPT);
            default -> {
                return Replies.error(out, s);
            }
        }
        return true;
    }

    private static void integer(RespWriter out, Result<Long> r) {
        if (!error(out, r.status())) {
            out.integer(r.value());
        }
    }

    private static Execution pfadd(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> elements = List.copyOf(a.slice(2));
        return (ctx, out) -> integer(out, hlls(ctx).add(key, elements, sparseMax(ctx)));
    }

    private static Execution pfcount(Args a) {
        List<byte[]> keys = List.copyOf(a.slice(1));
        return (ctx, out) -> integer(out, hlls(ctx).count(keys));
    }

    private static Execution pfmerge(Args a) {
        byte[] dest = a.bytes(1);
        List<byte[]> sources = List.copyOf(a.slice(2));
        return (ctx, out) -> {
            Status s = hlls(ctx).merge(dest, sources, sparseMax(ctx));
            if (!error(out, s)) {
                out.ok();
            }
        };
    }
}
