package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.types.ListStore;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.Blocking;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/**
 * BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP: each tries once; if
 * nothing is there the connection waits (see {@link Blocking}); inside EXEC they answer at once.
 */
final class BlockingCommands {
    private BlockingCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("blpop", -3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", a -> bpop(a, true))
            .keys("RW access delete index 1 range -2 1 0"))
         .add(of("brpop", -3, "write noscript blocking", 1, -2, 1, "@write @list @slow @blocking", a -> bpop(a, false))
             .keys("RW access delete index 1 range -2 1 0"))
         .add(of("blmove", 6, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking",
                 a -> bmove(a, ListCommands.direction(a, 3), ListCommands.direction(a, 4), 5))
             .keys("RW access delete index 1 range 0 1 0|RW insert index 2 range 0 1 0"))
         .add(of("brpoplpush", 4, "write denyoom noscript blocking", 1, 2, 1, "@write @list @slow @blocking",
                 a -> bmove(a, false, true, 3))
             .keys("RW access delete index 1 range 0 1 0|RW insert index 2 range 0 1 0"))
         .add(of("blmpop", -5, "write blocking movablekeys", 0, 0, 0, "@write @list @slow @blocking",
                 BlockingCommands::blmpop)
             .keys("RW access delete index 2 keynum 0 1 1"))
         .add(of("bzpopmin", -3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking",
                 a -> bzpop(a, false))
             .keys("RW access delete index 1 range -2 1 0"))
         .add(of("bzpopmax", -3, "write noscript blocking fast", 1, -2, 1, "@write @sortedset @fast @blocking",
                 a -> bzpop(a, true))
             .keys("RW access delete index 1 range -2 1 0"))
         .add(of("bzmpop", -5, "write blocking movablekeys", 0, 0, 0, "@write @sortedset @slow @blocking",
                 BlockingCommands::bzmpop)
             .keys("RW access delete index 2 keynum 0 1 1"));
    }

    private static final java.math.BigDecimal TWO_63 = new java.math.BigDecimal(java.math.BigInteger.ONE.shiftLeft(63));

    /**
     * Redis's timeout argument: seconds as a long double, times 1000 in long double, rounded up to
     * whole milliseconds; 0 waits forever. What C's conversion makes of an infinite or too large
     * product (LLONG_MIN on x86) Redis reports as "timeout is negative", and so do we.
     */
    static long timeoutMillis(Args a, int i) throws CommandError {
        Numbers.LongDouble seconds = Numbers.parseLongDouble(a.bytes(i));
        if (seconds == null) {
            throw new CommandError("ERR timeout is not a float or out of range");
        }
        long ms = Long.MIN_VALUE;
        if (!seconds.isInfinite()) {
            java.math.BigDecimal product = Numbers.toLongDouble(seconds.value().multiply(java.math.BigDecimal.valueOf(1000)));
            java.math.BigDecimal up = product.setScale(0, java.math.RoundingMode.CEILING);
            if (up.abs().compareTo(TWO_63) < 0) {
                ms = up.longValueExact();
            }
        }
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        // Beyond a few million years a deadline is "never"; capped so that now + timeout cannot overflow.
        return Math.min(ms, Long.MAX_VALUE / 4);
    }

    /** Serves now, or answers at once inside EXEC, or leaves the connection waiting. */
    static Execution blocking(List<byte[]> keys, long timeout, Blocking.Attempt attempt,
                                      Blocking.Timeout onTimeout) {
        return blocking(keys, timeout, attempt, onTimeout, onTimeout);
    }

    /** {@code inTransaction}: the reply inside EXEC, which for BLMOVE differs from its timeout reply. */
    private static Execution blocking(List<byte[]> keys, long timeout, Blocking.Attempt attempt,
                                      Blocking.Timeout onTimeout, Blocking.Timeout inTransaction) {
        return (ctx, out) -> {
            if (attempt.serve(ctx, out)) {
                return;
            }
            if (ctx.session().executingTransaction()) {
                inTransaction.write(out);
                return;
            }
            ctx.session().block(new Blocking(keys, timeout, attempt, onTimeout));
        };
    }

    /** A woken client whose key now has another type waits on, as in Redis; at first it gets WRONGTYPE. */
    static boolean notReady(CommandContext ctx, Status status) {
        return ctx.woken() && status == Status.WRONG_TYPE;
    }

    static boolean hasOtherType(CommandContext ctx, byte[] key, DataType type) {
        io.rockhub.core.encoding.Metadata m = ctx.hub().keys().live(key);
        return m != null && m.type() != type;
    }

    private static ListStore lists(CommandContext ctx) {
        return ctx.hub().lists();
    }

    private static ZSetStore zsets(CommandContext ctx) {
        return ctx.hub().zsets();
    }

    private static Execution bpop(Args a, boolean left) throws CommandError {
        List<byte[]> keys = a.all().subList(1, a.size() - 1);
        long timeout = timeoutMillis(a, a.size() - 1);
        return blocking(keys, timeout, (ctx, out) -> {
            for (byte[] key : keys) {
                Result<List<byte[]>> r = lists(ctx).pop(key, 1, left);
                if (r.status() == Status.NOT_FOUND || notReady(ctx, r.status())) {
                    continue;
                }
                if (!Replies.error(out, r.status())) {
                    out.array(2).bulk(StoredKey.user(key)).bulk(r.value().get(0));
                }
                return true;
            }
            return false;
        }, RespWriter::nullArray);
    }

    private static Execution bmove(Args a, boolean fromLeft, boolean toLeft, int timeoutIndex) throws CommandError {
        byte[] src = a.bytes(1);
        byte[] dst = a.bytes(2);
        long timeout = timeoutMillis(a, timeoutIndex);
        return blocking(List.of(src), timeout, (ctx, out) -> {
            if (ctx.woken() && hasOtherType(ctx, src, DataType.LIST)) {
                return false;
            }
            Result<byte[]> r = lists(ctx).move(src, dst, fromLeft, toLeft);
            if (r.isOk() && r.value() == null) {
                return false;
            }
            if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
            return true;
        }, RespWriter::nullArray, RespWriter::nullBulk);
    }

    private static Execution blmpop(Args a) throws CommandError {
        long timeout = timeoutMillis(a, 1);
        ListCommands.MultiPop p = ListCommands.MultiPop.parse(a, 2, false);
        return blocking(p.keys(), timeout, (ctx, out) -> {
            for (byte[] key : p.keys()) {
                Result<List<byte[]>> r = lists(ctx).pop(key, p.count(), p.left());
                if (r.status() == Status.NOT_FOUND || notReady(ctx, r.status())) {
                    continue;
                }
                if (!Replies.error(out, r.status())) {
                    out.array(2).bulk(StoredKey.user(key));
                    Replies.bulks(out, r.value());
                }
                return true;
            }
            return false;
        }, RespWriter::nullArray);
    }

    private static Execution bzpop(Args a, boolean highest) throws CommandError {
        List<byte[]> keys = a.all().subList(1, a.size() - 1);
        long timeout = timeoutMillis(a, a.size() - 1);
        return blocking(keys, timeout, (ctx, out) -> {
            for (byte[] key : keys) {
                Result<List<ScoredMember>> r = zsets(ctx).pop(key, 1, highest);
                if ((r.isOk() && r.value().isEmpty()) || notReady(ctx, r.status())) {
                    continue;
                }
                if (!Replies.error(out, r.status())) {
                    ScoredMember e = r.value().get(0);
                    out.array(3).bulk(StoredKey.user(key)).bulk(e.member()).doubleValue(e.score());
                }
                return true;
            }
            return false;
        }, RespWriter::nullArray);
    }

    private static Execution bzmpop(Args a) throws CommandError {
        long timeout = timeoutMillis(a, 1);
        ListCommands.MultiPop p = ListCommands.MultiPop.parse(a, 2, true);
        return blocking(p.keys(), timeout, (ctx, out) -> ZSetAlgebraCommands.mpop(ctx, out, p), RespWriter::nullArray);
    }
}
