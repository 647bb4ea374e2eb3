package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.types.ListStore;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** List commands (the blocking ones are in {@link BlockingCommands}); storage in {@link ListStore}. */
final class ListCommands {
    private ListCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("lpush", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", a -> push(a, true, false))
            .keys("RW insert index 1 range 0 1 0"))
         .add(of("rpush", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", a -> push(a, false, false))
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("lpushx", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", a -> push(a, true, true))
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("rpushx", -3, "write denyoom fast", 1, 1, 1, "@write @list @fast", a -> push(a, false, true))
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("lpop", -2, "write fast", 1, 1, 1, "@write @list @fast", a -> pop(a, true))
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("rpop", -2, "write fast", 1, 1, 1, "@write @list @fast", a -> pop(a, false))
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("llen", 2, "readonly fast", 1, 1, 1, "@read @list @fast", ListCommands::llen)
             .keys("RO index 1 range 0 1 0"))
         .add(of("lrange", 4, "readonly", 1, 1, 1, "@read @list @slow", ListCommands::lrange)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("lindex", 3, "readonly", 1, 1, 1, "@read @list @slow", ListCommands::lindex)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("lset", 4, "write denyoom", 1, 1, 1, "@write @list @slow", ListCommands::lset)
             .keys("RW update index 1 range 0 1 0"))
         .add(of("linsert", 5, "write denyoom", 1, 1, 1, "@write @list @slow", ListCommands::linsert)
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("lrem", 4, "write", 1, 1, 1, "@write @list @slow", ListCommands::lrem)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("ltrim", 4, "write", 1, 1, 1, "@write @list @slow", ListCommands::ltrim)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("lpos", -3, "readonly", 1, 1, 1, "@read @list @slow", ListCommands::lpos)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("lmove", 5, "write denyoom", 1, 2, 1, "@write @list @slow", ListCommands::lmove)
             .keys("RW access delete index 1 range 0 1 0|RW insert index 2 range 0 1 0"))
         .add(of("rpoplpush", 3, "write denyoom", 1, 2, 1, "@write @list @slow",
                 a -> move(a.bytes(1), a.bytes(2), false, true))
             .keys("RW access delete index 1 range 0 1 0|RW insert index 2 range 0 1 0"))
         .add(of("lmpop", -4, "write movablekeys", 0, 0, 0, "@write @list @slow", ListCommands::lmpop)
             .keys("RW access delete index 1 keynum 0 1 1"));
    }

    private static ListStore lists(CommandContext ctx) {
        return ctx.hub().lists();
    }

    private static Execution push(Args a, boolean left, boolean onlyIfExists) {
        byte[] key = a.bytes(1);
        List<byte[]> items = a.slice(2);
        return (ctx, out) -> Replies.integer(out, lists(ctx).push(key, items, left, onlyIfExists));
    }

    /** LPOP / RPOP key [count]. */
    private static Execution pop(Args a, boolean left) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() > 3) {
            throw new CommandError(Errors.wrongArity(a.name()));
        }
        boolean counted = a.size() == 3;
        long count = counted ? positive(a, 2, "ERR value is out of range, must be positive") : 1;
        return (ctx, out) -> {
            Result<List<byte[]>> r = lists(ctx).pop(key, count, left);
            if (r.status() == Status.NOT_FOUND) {
                if (counted) {
                    out.nullArray();
                } else {
                    out.nullBulk();
                }
            } else if (!Replies.error(out, r.status())) {
                if (counted) {
                    Replies.bulks(out, r.value());
                } else {
                    out.bulk(r.value().isEmpty() ? null : r.value().get(0));
                }
            }
        };
    }

    static long positive(Args a, int i, String error) throws CommandError {
        Long v = Numbers.parseLong(a.bytes(i));
        if (v == null || v < 0) {
            throw new CommandError(error);
        }
        return v;
    }

    private static Execution llen(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, lists(ctx).length(key));
    }

    private static Execution lrange(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long start = a.longAt(2);
        long stop = a.longAt(3);
        return (ctx, out) -> {
            Result<List<byte[]>> r = lists(ctx).range(key, start, stop);
            if (!Replies.error(out, r.status())) {
                Replies.bulks(out, r.value());
            }
        };
    }

    // LINDEX and LSET look the key up before they read the index (a missing key answers nil or
    // "no such key" whatever the index says), as Redis does; LRANGE, LTRIM and LREM read it first.
    private static Execution lindex(Args a) {
        byte[] key = a.bytes(1);
        Long index = Numbers.parseLong(a.bytes(2));
        if (index == null) {
            return KeyFirst.refusal(key, DataType.LIST, RespWriter::nullBulk, new CommandError(Errors.NOT_INTEGER));
        }
        return (ctx, out) -> {
            Result<byte[]> r = lists(ctx).index(key, index);
            if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
        };
    }

    private static Execution lset(Args a) {
        byte[] key = a.bytes(1);
        Long index = Numbers.parseLong(a.bytes(2));
        byte[] value = a.bytes(3);
        if (index == null) {
            return KeyFirst.refusal(key, DataType.LIST, out -> out.error(Errors.NO_SUCH_KEY),
                    new CommandError(Errors.NOT_INTEGER));
        }
        return (ctx, out) -> {
            Status s = lists(ctx).set(key, index, value);
            switch (s) {
                case OK -> out.ok();
                case NOT_FOUND -> out.error(Errors.NO_SUCH_KEY);
                case NOT_APPLIED -> out.error("ERR index out of range");
                default -> Replies.error(out, s);
            }
        };
    }

    private static Execution linsert(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        boolean before;
        if (a.is(2, "BEFORE")) {
            before = true;
        } else if (a.is(2, "AFTER")) {
            before = false;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        byte[] pivot = a.bytes(3);
        byte[] value = a.bytes(4);
        return (ctx, out) -> Replies.integer(out, lists(ctx).insert(key, before, pivot, value));
    }

    private static Execution lrem(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long count = a.longAt(2);
        byte[] value = a.bytes(3);
        return (ctx, out) -> Replies.integer(out, lists(ctx).remove(key, count, value));
    }

    private static Execution ltrim(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long start = a.longAt(2);
        long stop = a.longAt(3);
        return (ctx, out) -> {
            Status s = lists(ctx).trim(key, start, stop);
            if (!Replies.error(out, s)) {
                out.ok();
            }
        };
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    private static Execution lpos(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] element = a.bytes(2);
        long rank = 1;
        long count = -1;
        long maxLen = 0;
        for (int i = 3; i < a.size(); i++) {
            if (i + 1 >= a.size()) {
                throw new CommandError(Errors.SYNTAX);
            }
            switch (a.option(i)) {
                case "RANK" -> {
                    rank = a.longAt(++i);
                    if (rank == 0) {
                        throw new CommandError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                                + "second ... or use negative to start from the end of the list");
                    }
                }
                case "COUNT" -> count = positive(a, ++i, "ERR COUNT can't be negative");
                case "MAXLEN" -> maxLen = positive(a, ++i, "ERR MAXLEN can't be negative");
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        long r = rank;
        long c = count;
        long m = maxLen;
        return (ctx, out) -> {
            Result<List<Long>> res = lists(ctx).positions(key, element, r, c < 0 ? 1 : c, m);
            if (Replies.error(out, res.status())) {
                return;
            }
            if (c < 0) {
                if (res.value().isEmpty()) {
                    out.nullBulk();
                } else {
                    out.integer(res.value().get(0));
                }
                return;
            }
            out.array(res.value().size());
            for (long p : res.value()) {
                out.integer(p);
            }
        };
    }

    static boolean direction(Args a, int i) throws CommandError {
        if (a.is(i, "LEFT")) {
            return true;
        }
        if (a.is(i, "RIGHT")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
    }

    private static Execution lmove(Args a) throws CommandError {
        return move(a.bytes(1), a.bytes(2), direction(a, 3), direction(a, 4));
    }

    private static Execution move(byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
        return (ctx, out) -> {
            Result<byte[]> r = lists(ctx).move(src, dst, fromLeft, toLeft);
            if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
        };
    }

    /** The numkeys key... LEFT|RIGHT [COUNT n] tail shared by LMPOP and BLMPOP (from {@code first}). */
    record MultiPop(List<byte[]> keys, boolean left, long count) {
        static MultiPop parse(Args a, int first, boolean zset) throws CommandError {
            Long numKeys = Numbers.parseLong(a.bytes(first));
            if (numKeys == null || numKeys <= 0) {
                throw new CommandError("ERR numkeys should be greater than 0");
            }
            int dirIndex = first + 1 + (int) Math.min(numKeys, Integer.MAX_VALUE - first - 2);
            if (numKeys > a.size() - first - 2) {
                throw new CommandError(Errors.SYNTAX);
            }
            List<byte[]> keys = a.all().subList(first + 1, dirIndex);
            boolean left;
            if (zset) {
                if (a.is(dirIndex, "MIN")) {
                    left = true;
                } else if (a.is(dirIndex, "MAX")) {
                    left = false;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            } else {
                left = direction(a, dirIndex);
            }
            long count = 1;
            boolean counted = false;
            for (int i = dirIndex + 1; i < a.size(); i++) {
                if (a.is(i, "COUNT") && i + 1 < a.size() && !counted) {
                    Long c = Numbers.parseLong(a.bytes(++i));
                    if (c == null || c <= 0) {
                        throw new CommandError("ERR count should be greater than 0");
                    }
                    count = c;
                    counted = true;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            }
            return new MultiPop(keys, left, count);
        }
    }

    private static Execution lmpop(Args a) throws CommandError {
        MultiPop p = MultiPop.parse(a, 1, false);
        return (ctx, out) -> {
            for (byte[] key : p.keys()) {
                Result<List<byte[]>> r = lists(ctx).pop(key, p.count(), p.left());
                if (r.status() == Status.NOT_FOUND) {
                    continue;
                }
                if (!Replies.error(out, r.status())) {
                    out.array(2).bulk(StoredKey.user(key));
                    Replies.bulks(out, r.value());
                }
                return;
            }
            out.nullArray();
        };
    }
}
