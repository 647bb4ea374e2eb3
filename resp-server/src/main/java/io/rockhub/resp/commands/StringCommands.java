package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.ExpiryChange;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.StringStore;
import io.rockhub.core.types.StringStore.Condition;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** String commands: parse here, storage in {@link StringStore}. */
final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("get", 2, "readonly fast", 1, 1, 1, "@read @string @fast", StringCommands::get)
            .keys("RO access index 1 range 0 1 0"))
         .add(of("set", -3, "write denyoom", 1, 1, 1, "@write @string @slow", StringCommands::set)
             .keys("RW access update variable_flags index 1 range 0 1 0 // RW and ACCESS due to the optional `GET` argument"))
         .add(of("setnx", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", StringCommands::setnx)
             .keys("OW insert index 1 range 0 1 0"))
         .add(of("setex", 4, "write denyoom", 1, 1, 1, "@write @string @slow", a -> setex(a, true))
             .keys("OW update index 1 range 0 1 0"))
         .add(of("psetex", 4, "write denyoom", 1, 1, 1, "@write @string @slow", a -> setex(a, false))
             .keys("OW update index 1 range 0 1 0"))
         .add(of("getex", -2, "write fast", 1, 1, 1, "@write @string @fast", StringCommands::getex)
             .keys("RW access update index 1 range 0 1 0 // RW and UPDATE because it changes the TTL"))
         .add(of("getdel", 2, "write fast", 1, 1, 1, "@write @string @fast", StringCommands::getdel)
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("getset", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", StringCommands::getset)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("mget", -2, "readonly fast", 1, -1, 1, "@read @string @fast", StringCommands::mget)
             .tips("request_policy:multi_shard")
             .keys("RO access index 1 range -1 1 0"))
         .add(of("mset", -3, "write denyoom", 1, -1, 2, "@write @string @slow", a -> mset(a, false))
             .tips("request_policy:multi_shard response_policy:all_succeeded")
             .keys("OW update index 1 range -1 2 0"))
         .add(of("msetnx", -3, "write denyoom", 1, -1, 2, "@write @string @slow", a -> mset(a, true))
             .tips("request_policy:multi_shard response_policy:agg_min")
             .keys("OW insert index 1 range -1 2 0"))
         .add(of("incr", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", a -> incrBy(a.bytes(1), 1))
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("decr", 2, "write denyoom fast", 1, 1, 1, "@write @string @fast", a -> incrBy(a.bytes(1), -1))
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("incrby", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast",
                 a -> incrBy(a.bytes(1), a.longAt(2)))
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("decrby", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", StringCommands::decrby)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast",
                 StringCommands::incrbyfloat)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("append", 3, "write denyoom fast", 1, 1, 1, "@write @string @fast", StringCommands::append)
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("strlen", 2, "readonly fast", 1, 1, 1, "@read @string @fast", StringCommands::strlen)
             .keys("RO index 1 range 0 1 0"))
         .add(of("getrange", 4, "readonly", 1, 1, 1, "@read @string @slow", StringCommands::getrange)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("substr", 4, "readonly", 1, 1, 1, "@read @string @slow", StringCommands::getrange)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("setrange", 4, "write denyoom", 1, 1, 1, "@write @string @slow", StringCommands::setrange)
             .keys("RW update index 1 range 0 1 0"));
    }

    private static StringStore strings(CommandContext ctx) {
        return ctx.hub().strings();
    }

    /** GET; on the read pool when the key's record is only on disk (see {@link io.rockhub.resp.server.ReadPool}). */
    private static Execution get(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            Result<byte[]> r = null;
            if (ctx.hub().reads().enabled()) {
                r = strings(ctx).getIfResident(key);
                if (r == null && ctx.session().offloadRead(w -> reply(ctx, strings(ctx).get(key), w))) {
                    return;
                }
            }
            reply(ctx, r != null ? r : strings(ctx).get(key), out);
        };
    }

    private static void reply(CommandContext ctx, Result<byte[]> r, RespWriter out) {
        if (r.status() == Status.WRONG_TYPE) {
            out.error(Errors.WRONG_TYPE);
            return;
        }
        (r.isOk() ? ctx.hub().stats().keyspaceHits : ctx.hub().stats().keyspaceMisses).increment();
        out.bulk(r.value());
    }

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]. */
    private static Execution set(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] value = a.bytes(2);
        Condition condition = Condition.ALWAYS;
        boolean get = false;
        boolean keepTtl = false;
        String unit = null;
        int expiryArg = -1;
        for (int i = 3; i < a.size(); i++) {
            String opt = a.option(i);
            boolean hasNext = i + 1 < a.size();
            switch (opt) {
                case "NX" -> {
                    if (condition == Condition.IF_PRESENT) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    condition = Condition.IF_ABSENT;
                }
                case "XX" -> {
                    if (condition == Condition.IF_ABSENT) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    condition = Condition.IF_PRESENT;
                }
                case "GET" -> get = true;
                case "KEEPTTL" -> {
                    if (unit != null) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    keepTtl = true;
                }
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (keepTtl || (unit != null && !unit.equals(opt)) || !hasNext) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    unit = opt;
                    expiryArg = ++i;
                }
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        ExpiryArgs expiry = unit == null ? null : expiryArgs(a, expiryArg, unit, "set");
        Condition cond = condition;
        boolean returnOld = get;
        boolean keep = keepTtl;
        return (ctx, out) -> {
            ExpiryChange change = keep ? ExpiryChange.KEEP : ExpiryChange.CLEAR;
            if (expiry != null) {
                change = expiry.resolve(ctx.hub().clock().millis());
                if (change == null) {
                    out.error(Errors.invalidExpire("set"));
                    return;
                }
            }
            StringStore.SetOutcome r = strings(ctx).set(key, value, cond, change, returnOld);
            if (r.status() == Status.WRONG_TYPE) {
                out.error(Errors.WRONG_TYPE);
            } else if (returnOld) {
                out.bulk(r.old());
            } else if (r.applied()) {
                out.ok();
            } else {
                out.nullBulk();
            }
        };
    }

    static ExpiryArgs expiryArgs(Args a, int index, String unit, String command) throws CommandError {
        long v = a.longAt(index);
        return switch (unit) {
            case "EX" -> ExpiryArgs.parse(v, true, true, command);
            case "PX" -> ExpiryArgs.parse(v, false, true, command);
            case "EXAT" -> ExpiryArgs.parse(v, true, false, command);
            default -> ExpiryArgs.parse(v, false, false, command);
        };
    }

    private static Execution setnx(Args a) {
        byte[] key = a.bytes(1);
        byte[] value = a.bytes(2);
        return (ctx, out) -> out.integer(
                strings(ctx).set(key, value, Condition.IF_ABSENT, ExpiryChange.CLEAR, false).applied() ? 1 : 0);
    }

    private static Execution setex(Args a, boolean seconds) throws CommandError {
        String name = seconds ? "setex" : "psetex";
        byte[] key = a.bytes(1);
        ExpiryArgs expiry = ExpiryArgs.parse(a.longAt(2), seconds, true, name);
        byte[] value = a.bytes(3);
        return (ctx, out) -> {
            ExpiryChange change = expiry.resolve(ctx.hub().clock().millis());
            if (change == null) {
                out.error(Errors.invalidExpire(name));
                return;
            }
            strings(ctx).set(key, value, Condition.ALWAYS, change, false);
            out.ok();
        };
    }

    /** GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]. */
    private static Execution getex(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        String unit = null;
        int expiryArg = -1;
        boolean persist = false;
        for (int i = 2; i < a.size(); i++) {
            String opt = a.option(i);
            switch (opt) {
                case "PERSIST" -> {
                    if (unit != null) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    persist = true;
                }
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (persist || (unit != null && !unit.equals(opt)) || i + 1 >= a.size()) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    unit = opt;
                    expiryArg = ++i;
                }
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        ExpiryArgs parsed = null;
        String refused = null;
        if (unit != null) {
            try {
                parsed = expiryArgs(a, expiryArg, unit, "getex");
            } catch (CommandError e) {
                // Redis looks at the key before the expiry value: a missing key answers nil,
                // another type WRONGTYPE, and only then is a bad value refused.
                refused = e.getMessage();
            }
        }
        ExpiryArgs expiry = parsed;
        String expiryError = refused;
        boolean clear = persist;
        return (ctx, out) -> {
            ExpiryChange change = clear ? ExpiryChange.CLEAR : null;
            String error = expiryError;
            if (expiry != null) {
                change = expiry.resolve(ctx.hub().clock().millis());
                error = change == null ? Errors.invalidExpire("getex") : null;
            }
            if (error != null) {
                Result<byte[]> current = strings(ctx).get(key);
                if (current.status() == Status.WRONG_TYPE) {
                    out.error(Errors.WRONG_TYPE);
                } else if (!current.isOk() || current.value() == null) {
                    out.nullBulk();
                } else {
                    out.error(error);
                }
                return;
            }
            writeValue(out, strings(ctx).getEx(key, change));
        };
    }

    private static Execution getdel(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> writeValue(out, strings(ctx).getDel(key));
    }

    private static Execution getset(Args a) {
        byte[] key = a.bytes(1);
        byte[] value = a.bytes(2);
        return (ctx, out) -> {
            StringStore.SetOutcome r = strings(ctx).set(key, value, Condition.ALWAYS, ExpiryChange.CLEAR, true);
            if (r.status() == Status.WRONG_TYPE) {
                out.error(Errors.WRONG_TYPE);
            } else {
                out.bulk(r.old());
            }
        };
    }

    private static void writeValue(RespWriter out, Result<byte[]> r) {
        if (!Replies.error(out, r.status())) {
            out.bulk(r.value());
        }
    }

    private static Execution mget(Args a) {
        List<byte[]> keys = a.slice(1);
        return (ctx, out) -> Replies.bulks(out, strings(ctx).multiGet(keys));
    }

    private static Execution mset(Args a, boolean onlyIfNoneExist) throws CommandError {
        if (a.size() % 2 == 0) {
            throw new CommandError(Errors.wrongArity(a.name()));
        }
        List<byte[]> pairs = a.slice(1);
        return (ctx, out) -> {
            boolean written = strings(ctx).multiSet(pairs, onlyIfNoneExist);
            if (onlyIfNoneExist) {
                out.integer(written ? 1 : 0);
            } else {
                out.ok();
            }
        };
    }

    private static Execution incrBy(byte[] key, long delta) {
        return (ctx, out) -> Replies.integer(out, strings(ctx).incrBy(key, delta));
    }

    private static Execution decrby(Args a) throws CommandError {
        long delta = a.longAt(2);
        if (delta == Long.MIN_VALUE) {
            throw new CommandError(Errors.DECREMENT_OVERFLOW);
        }
        return incrBy(a.bytes(1), -delta);
    }

    private static Execution incrbyfloat(Args a) {
        byte[] key = a.bytes(1);
        Numbers.LongDouble delta = a.longDoubleAt(2);
        return (ctx, out) -> {
            Result<String> r = strings(ctx).incrByFloat(key, delta);
            if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
        };
    }

    private static Execution append(Args a) {
        byte[] key = a.bytes(1);
        byte[] suffix = a.bytes(2);
        return (ctx, out) -> Replies.integer(out,
                strings(ctx).append(key, suffix, ctx.hub().config().getLong("proto-max-bulk-len")));
    }

    private static Execution strlen(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, strings(ctx).strlen(key));
    }

    private static Execution getrange(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long start = a.longAt(2);
        long end = a.longAt(3);
        return (ctx, out) -> writeValue(out, strings(ctx).getRange(key, start, end));
    }

    private static Execution setrange(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long offset = a.longAt(2);
        if (offset < 0) {
            throw new CommandError(Errors.OFFSET_OUT_OF_RANGE);
        }
        byte[] value = a.bytes(3);
        return (ctx, out) -> Replies.integer(out,
                strings(ctx).setRange(key, offset, value, ctx.hub().config().getLong("proto-max-bulk-len")));
    }
}
