package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.HashStore;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.util.Glob;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import java.util.List;

/** Hash commands: parse here, storage in {@link HashStore}. */
final class HashCommands {
    private static final String HASH_NOT_INTEGER = "ERR hash value is not an integer";
    private static final String HASH_NOT_FLOAT = "ERR hash value is not a float";

    private HashCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("hset", -4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", a -> set(a, false))
            .keys("RW update index 1 range 0 1 0"))
         .add(of("hmset", -4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", a -> set(a, true))
             .keys("RW update index 1 range 0 1 0"))
         .add(of("hsetnx", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HashCommands::setnx)
             .keys("RW insert index 1 range 0 1 0"))
         .add(of("hget", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HashCommands::get)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hmget", -3, "readonly fast", 1, 1, 1, "@read @hash @fast", HashCommands::mget)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hdel", -3, "write fast", 1, 1, 1, "@write @hash @fast", HashCommands::del)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("hlen", 2, "readonly fast", 1, 1, 1, "@read @hash @fast", HashCommands::len)
             .keys("RO index 1 range 0 1 0"))
         .add(of("hexists", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HashCommands::exists)
             .keys("RO index 1 range 0 1 0"))
         .add(of("hstrlen", 3, "readonly fast", 1, 1, 1, "@read @hash @fast", HashCommands::strlen)
             .keys("RO index 1 range 0 1 0"))
         .add(of("hincrby", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast", HashCommands::incrby)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("hincrbyfloat", 4, "write denyoom fast", 1, 1, 1, "@write @hash @fast",
                 HashCommands::incrbyfloat)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("hkeys", 2, "readonly", 1, 1, 1, "@read @hash @slow", a -> all(a, true, false))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hvals", 2, "readonly", 1, 1, 1, "@read @hash @slow", a -> all(a, false, true))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hgetall", 2, "readonly", 1, 1, 1, "@read @hash @slow", a -> all(a, true, true))
             .tips("nondeterministic_output_order")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hrandfield", -2, "readonly", 1, 1, 1, "@read @hash @slow", HashCommands::randfield)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("hscan", -3, "readonly", 1, 1, 1, "@read @hash @slow", HashCommands::scan)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"));
    }

    private static HashStore hashes(CommandContext ctx) {
        return ctx.hub().hashes();
    }

    private static Execution set(Args a, boolean legacyReply) throws CommandError {
        if (a.size() % 2 != 0) {
            throw new CommandError(Errors.wrongArity(a.name()));
        }
        byte[] key = a.bytes(1);
        List<byte[]> pairs = a.slice(2);
        return (ctx, out) -> {
            Result<Long> r = hashes(ctx).set(key, pairs, false);
            if (!Replies.error(out, r.status())) {
                if (legacyReply) {
                    out.ok();
                } else {
                    out.integer(r.value());
                }
            }
        };
    }

    private static Execution setnx(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> pair = a.slice(2);
        return (ctx, out) -> Replies.integer(out, hashes(ctx).set(key, pair, true));
    }

    private static Execution get(Args a) {
        byte[] key = a.bytes(1);
        byte[] field = a.bytes(2);
        return (ctx, out) -> {
            Result<byte[]> r = hashes(ctx).get(key, field);
            if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
        };
    }

    private static Execution mget(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> fields = a.slice(2);
        return (ctx, out) -> {
            Result<List<byte[]>> r = hashes(ctx).multiGet(key, fields);
            if (!Replies.error(out, r.status())) {
                Replies.bulks(out, r.value());
            }
        };
    }

    private static Execution del(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> fields = a.slice(2);
        return (ctx, out) -> Replies.integer(out, hashes(ctx).delete(key, fields));
    }

    private static Execution len(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, hashes(ctx).length(key));
    }

    private static Execution exists(Args a) {
        byte[] key = a.bytes(1);
        byte[] field = a.bytes(2);
        return (ctx, out) -> {
            Result<byte[]> r = hashes(ctx).get(key, field);
            if (!Replies.error(out, r.status())) {
                out.integer(r.isOk() ? 1 : 0);
            }
        };
    }

    private static Execution strlen(Args a) {
        byte[] key = a.bytes(1);
        byte[] field = a.bytes(2);
        return (ctx, out) -> {
            Result<byte[]> r = hashes(ctx).get(key, field);
            if (!Replies.error(out, r.status())) {
                out.integer(r.isOk() ? r.value().length : 0);
            }
        };
    }

    private static Execution incrby(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] field = a.bytes(2);
        long delta = a.longAt(3);
        return (ctx, out) -> {
            Result<Long> r = hashes(ctx).incrBy(key, field, delta);
            if (r.status() == Status.NOT_INTEGER) {
                out.error(HASH_NOT_INTEGER);
            } else if (!Replies.error(out, r.status())) {
                out.integer(r.value());
            }
        };
    }

    private static Execution incrbyfloat(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        byte[] field = a.bytes(2);
        Numbers.LongDouble delta = a.longDoubleAt(3);
        if (delta == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        if (delta.isInfinite()) {
            // Unlike INCRBYFLOAT, Redis refuses an infinite increment before looking at the key.
            throw new CommandError("ERR value is NaN or Infinity");
        }
        return (ctx, out) -> {
            Result<String> r = hashes(ctx).incrByFloat(key, field, delta);
            if (r.status() == Status.NOT_FLOAT) {
                out.error(HASH_NOT_FLOAT);
            } else if (!Replies.error(out, r.status())) {
                out.bulk(r.value());
            }
        };
    }

    private static Execution all(Args a, boolean fields, boolean values) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            Result<List<Keyspace.Entry>> r = hashes(ctx).all(key);
            if (Replies.error(out, r.status())) {
                return;
            }
            List<Keyspace.Entry> entries = r.value();
            if (fields && values) {
                out.map(entries.size());
            } else {
                out.array(entries.size());
            }
            for (Keyspace.Entry e : entries) {
                if (fields) {
                    out.bulk(e.sub());
                }
                if (values) {
                    out.bulk(e.value());
                }
            }
        };
    }

    /** HRANDFIELD key [count [WITHVALUES]]. */
    private static Execution randfield(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() == 2) {
            return (ctx, out) -> {
                Result<List<Keyspace.Entry>> r = hashes(ctx).random(key, 1);
                if (!Replies.error(out, r.status())) {
                    out.bulk(r.value().isEmpty() ? null : r.value().get(0).sub());
                }
            };
        }
        RandomArgs random = RandomArgs.parse(a, "WITHVALUES");
        long count = random.count();
        boolean withValues = random.withPairs();
        return (ctx, out) -> {
            Result<List<Keyspace.Entry>> r = hashes(ctx).random(key, count);
            if (Replies.error(out, r.status())) {
                return;
            }
            List<Keyspace.Entry> picked = r.value();
            if (withValues && out.resp3()) {
                out.array(picked.size());
                for (Keyspace.Entry e : picked) {
                    out.array(2).bulk(e.sub()).bulk(e.value());
                }
                return;
            }
            out.array((long) picked.size() * (withValues ? 2 : 1));
            for (Keyspace.Entry e : picked) {
                out.bulk(e.sub());
                if (withValues) {
                    out.bulk(e.value());
                }
            }
        };
    }

    /** HSCAN key cursor [MATCH pattern] [COUNT count]. */
    private static Execution scan(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        ScanArgs scan = ScanArgs.parse(a, 2);
        return (ctx, out) -> {
            byte[] after = scan.resume(ctx.hub(), out);
            if (after == ScanArgs.UNKNOWN) {
                return;
            }
            Result<List<Keyspace.Entry>> r = hashes(ctx).scan(key, after, scan.count());
            if (Replies.error(out, r.status())) {
                return;
            }
            List<Keyspace.Entry> page = r.value();
            byte[] last = page.isEmpty() ? null : page.get(page.size() - 1).sub();
            long next = ScanArgs.next(ctx.hub(), page.size(), scan.count(), last);
            List<Keyspace.Entry> matched = scan.pattern() == null ? page
                    : page.stream().filter(e -> Glob.matches(scan.pattern(), e.sub(), false)).toList();
            out.array(2);
            out.bulk(Long.toUnsignedString(next));
            out.array(matched.size() * 2L);
            for (Keyspace.Entry e : matched) {
                out.bulk(e.sub()).bulk(e.value());
            }
        };
    }

}
