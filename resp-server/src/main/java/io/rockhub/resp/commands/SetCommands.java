package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.Result;
import io.rockhub.core.types.SetStore;
import io.rockhub.core.types.SetStore.Algebra;
import io.rockhub.core.util.Glob;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** Set commands: parse here, storage in {@link SetStore}. */
final class SetCommands {
    private SetCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("sadd", -3, "write denyoom fast", 1, 1, 1, "@write @set @fast", SetCommands::sadd)
            .keys("RW insert index 1 range 0 1 0"))
         .add(of("srem", -3, "write fast", 1, 1, 1, "@write @set @fast", SetCommands::srem)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("scard", 2, "readonly fast", 1, 1, 1, "@read @set @fast", SetCommands::scard)
             .keys("RO index 1 range 0 1 0"))
         .add(of("sismember", 3, "readonly fast", 1, 1, 1, "@read @set @fast", a -> contains(a, false))
             .keys("RO index 1 range 0 1 0"))
         .add(of("smismember", -3, "readonly fast", 1, 1, 1, "@read @set @fast", a -> contains(a, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("smembers", 2, "readonly", 1, 1, 1, "@read @set @slow", SetCommands::smembers)
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("srandmember", -2, "readonly", 1, 1, 1, "@read @set @slow", SetCommands::srandmember)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("spop", -2, "write fast", 1, 1, 1, "@write @set @fast", SetCommands::spop)
             .tips("nondeterministic_output")
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("smove", 4, "write fast", 1, 2, 1, "@write @set @fast", SetCommands::smove)
             .keys("RW access delete index 1 range 0 1 0|RW insert index 2 range 0 1 0"))
         .add(of("sinter", -2, "readonly", 1, -1, 1, "@read @set @slow", a -> combine(a, Algebra.INTER))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range -1 1 0"))
         .add(of("sunion", -2, "readonly", 1, -1, 1, "@read @set @slow", a -> combine(a, Algebra.UNION))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range -1 1 0"))
         .add(of("sdiff", -2, "readonly", 1, -1, 1, "@read @set @slow", a -> combine(a, Algebra.DIFF))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range -1 1 0"))
         .add(of("sintercard", -3, "readonly movablekeys", 0, 0, 0, "@read @set @slow", SetCommands::sintercard)
             .keys("RO access index 1 keynum 0 1 1"))
         .add(of("sinterstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", a -> store(a, Algebra.INTER))
             .keys("RW update index 1 range 0 1 0|RO access index 2 range -1 1 0"))
         .add(of("sunionstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", a -> store(a, Algebra.UNION))
             .keys("OW update index 1 range 0 1 0|RO access index 2 range -1 1 0"))
         .add(of("sdiffstore", -3, "write denyoom", 1, -1, 1, "@write @set @slow", a -> store(a, Algebra.DIFF))
             .keys("OW update index 1 range 0 1 0|RO access index 2 range -1 1 0"))
         .add(of("sscan", -3, "readonly", 1, 1, 1, "@read @set @slow", SetCommands::sscan)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"));
    }

    static final String OUT_OF_LONG_RANGE =
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    /** A non-negative integer; anything else gets the command's own message, as Redis words it. */
    private static long positive(Args a, int i, String error) throws CommandError {
        Long v = io.rockhub.core.util.Numbers.parseLong(a.bytes(i));
        if (v == null || v < 0) {
            throw new CommandError(error);
        }
        return v;
    }

    private static SetStore sets(CommandContext ctx) {
        return ctx.hub().sets();
    }


    private static void members(RespWriter out, Result<List<byte[]>> r, boolean asSet) {
        if (Replies.error(out, r.status())) {
            return;
        }
        if (!asSet) {
            Replies.bulks(out, r.value());
            return;
        }
        out.set(r.value().size());
        for (byte[] m : r.value()) {
            out.bulk(m);
        }
    }

    private static Execution sadd(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> members = a.slice(2);
        return (ctx, out) -> Replies.integer(out, sets(ctx).add(key, members));
    }

    private static Execution srem(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> members = a.slice(2);
        return (ctx, out) -> Replies.integer(out, sets(ctx).remove(key, members));
    }

    private static Execution scard(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, sets(ctx).cardinality(key));
    }

    private static Execution contains(Args a, boolean many) {
        byte[] key = a.bytes(1);
        List<byte[]> members = a.slice(2);
        return (ctx, out) -> {
            Result<List<Boolean>> r = sets(ctx).contains(key, members);
            if (Replies.error(out, r.status())) {
                return;
            }
            if (many) {
                out.array(r.value().size());
            }
            for (boolean b : r.value()) {
                out.integer(b ? 1 : 0);
            }
        };
    }

    private static Execution smembers(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> members(out, sets(ctx).members(key), true);
    }

    /** SRANDMEMBER key [count]. */
    private static Execution srandmember(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (a.size() == 2) {
            return (ctx, out) -> {
                Result<List<byte[]>> r = sets(ctx).random(key, 1);
                if (!Replies.error(out, r.status())) {
                    out.bulk(r.value().isEmpty() ? null : r.value().get(0));
                }
            };
        }
        long count = a.longAt(2);
        if (count == Long.MIN_VALUE) {
            throw new CommandError(OUT_OF_LONG_RANGE);
        }
        return (ctx, out) -> members(out, sets(ctx).random(key, count), false);
    }

    /** SPOP key [count]. */
    private static Execution spop(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (a.size() == 2) {
            return (ctx, out) -> {
                Result<List<byte[]>> r = sets(ctx).pop(key, 1);
                if (!Replies.error(out, r.status())) {
                    out.bulk(r.value().isEmpty() ? null : r.value().get(0));
                }
            };
        }
        long count = positive(a, 2, "ERR value is out of range, must be positive");
        return (ctx, out) -> members(out, sets(ctx).pop(key, count), true);
    }

    private static Execution smove(Args a) {
        byte[] src = a.bytes(1);
        byte[] dst = a.bytes(2);
        byte[] member = a.bytes(3);
        return (ctx, out) -> {
            Result<Boolean> r = sets(ctx).move(src, dst, member);
            if (!Replies.error(out, r.status())) {
                out.integer(r.value() ? 1 : 0);
            }
        };
    }

    private static Execution combine(Args a, Algebra op) {
        List<byte[]> keys = a.slice(1);
        return (ctx, out) -> members(out, sets(ctx).combine(op, keys), true);
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
    private static Execution sintercard(Args a) throws CommandError {
        long numKeys = positive(a, 1, "ERR numkeys should be greater than 0");
        if (numKeys == 0) {
            throw new CommandError("ERR numkeys should be greater than 0");
        }
        if (numKeys > a.size() - 2) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        List<byte[]> keys = a.all().subList(2, 2 + (int) numKeys);
        long limit = 0;
        for (int i = 2 + (int) numKeys; i < a.size(); i++) {
            if (a.is(i, "LIMIT") && i + 1 < a.size()) {
                limit = positive(a, ++i, "ERR LIMIT can't be negative");
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        long max = limit;
        return (ctx, out) -> Replies.integer(out, sets(ctx).interCard(keys, max));
    }

    private static Execution store(Args a, Algebra op) {
        byte[] dst = a.bytes(1);
        List<byte[]> keys = a.slice(2);
        return (ctx, out) -> Replies.integer(out, sets(ctx).combineAndStore(op, dst, keys));
    }

    /** SSCAN key cursor [MATCH pattern] [COUNT count]. */
    private static Execution sscan(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        ScanArgs scan = ScanArgs.parse(a, 2);
        return (ctx, out) -> {
            byte[] after = scan.resume(ctx.hub(), out);
            if (after == ScanArgs.UNKNOWN) {
                return;
            }
            Result<List<byte[]>> r = sets(ctx).scan(key, after, scan.count());
            if (Replies.error(out, r.status())) {
                return;
            }
            List<byte[]> page = r.value();
            byte[] last = page.isEmpty() ? null : page.get(page.size() - 1);
            long next = ScanArgs.next(ctx.hub(), page.size(), scan.count(), last);
            List<byte[]> matched = scan.pattern() == null ? page
                    : page.stream().filter(m -> Glob.matches(scan.pattern(), m, false)).toList();
            out.array(2);
            out.bulk(Long.toUnsignedString(next));
            Replies.bulks(out, matched);
        };
    }
}
