package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.container;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.types.ExpireCondition;
import io.rockhub.core.types.KeyScanner;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.types.Status;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import java.util.List;

/** Type-independent key commands: parse here, storage in {@link Keyspace}. */
final class KeyCommands {
    private KeyCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("del", -2, "write", 1, -1, 1, "@keyspace @write @slow", KeyCommands::del)
            .tips("request_policy:multi_shard response_policy:agg_sum")
            .keys("RM delete index 1 range -1 1 0"))
         .add(of("unlink", -2, "write fast", 1, -1, 1, "@keyspace @write @fast", KeyCommands::del)
             .tips("request_policy:multi_shard response_policy:agg_sum")
             .keys("RM delete index 1 range -1 1 0"))
         .add(of("exists", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", KeyCommands::exists)
             .tips("request_policy:multi_shard response_policy:agg_sum")
             .keys("RO index 1 range -1 1 0"))
         .add(of("touch", -2, "readonly fast", 1, -1, 1, "@keyspace @read @fast", KeyCommands::exists)
             .tips("request_policy:multi_shard response_policy:agg_sum")
             .keys("RO index 1 range -1 1 0"))
         .add(of("type", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", KeyCommands::type)
             .keys("RO index 1 range 0 1 0"))
         .add(of("expire", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", a -> expire(a, true, true))
             .keys("RW update index 1 range 0 1 0"))
         .add(of("pexpire", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", a -> expire(a, false, true))
             .keys("RW update index 1 range 0 1 0"))
         .add(of("expireat", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", a -> expire(a, true, false))
             .keys("RW update index 1 range 0 1 0"))
         .add(of("pexpireat", -3, "write fast", 1, 1, 1, "@keyspace @write @fast", a -> expire(a, false, false))
             .keys("RW update index 1 range 0 1 0"))
         .add(of("ttl", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", a -> ttl(a, false))
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("pttl", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", a -> ttl(a, true))
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("expiretime", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", a -> expiretime(a, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("pexpiretime", 2, "readonly fast", 1, 1, 1, "@keyspace @read @fast", a -> expiretime(a, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("persist", 2, "write fast", 1, 1, 1, "@keyspace @write @fast", KeyCommands::persist)
             .keys("RW update index 1 range 0 1 0"))
         .add(of("keys", 2, "readonly", 0, 0, 0, "@keyspace @read @slow @dangerous", KeyCommands::keys)
             .tips("request_policy:all_shards nondeterministic_output_order"))
         .add(of("scan", -2, "readonly", 0, 0, 0, "@keyspace @read @slow", KeyCommands::scan)
             .tips("nondeterministic_output request_policy:special"))
         .add(of("rename", 3, "write", 1, 2, 1, "@keyspace @write @slow", a -> rename(a, false))
             .keys("RW access delete index 1 range 0 1 0|OW update index 2 range 0 1 0"))
         .add(of("renamenx", 3, "write fast", 1, 2, 1, "@keyspace @write @fast", a -> rename(a, true))
             .keys("RW access delete index 1 range 0 1 0|OW insert index 2 range 0 1 0"))
         .add(of("randomkey", 1, "readonly", 0, 0, 0, "@keyspace @read @slow", KeyCommands::randomkey)
             .tips("request_policy:all_shards nondeterministic_output"))
         .add(of("copy", -3, "write denyoom", 1, 2, 1, "@keyspace @write @slow", KeyCommands::copy)
             .keys("RO access index 1 range 0 1 0|OW update index 2 range 0 1 0"))
         .add(of("move", 3, "write fast", 1, 1, 1, "@keyspace @write @fast", KeyCommands::move)
             .keys("RW access update index 1 range 0 1 0"))
         .add(container("object", -2, "", "@slow",
                 of("encoding", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", KeyCommands::objectEncoding)
                     .tips("nondeterministic_output")
                     .keys("RO index 2 range 0 1 0"),
                 of("freq", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", a -> ifExists(a, out -> out.error(Errors.LFU_NOT_SELECTED)))
                     .tips("nondeterministic_output")
                     .keys("RO index 2 range 0 1 0"),
                 // Access times are not tracked (reads would become writes): existing keys report 0.
                 of("idletime", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", KeyCommands::objectIdletime)
                     .tips("nondeterministic_output")
                     .keys("RO index 2 range 0 1 0"),
                 of("refcount", 3, "readonly", 2, 2, 1, "@keyspace @read @slow", KeyCommands::objectRefcount)
                     .tips("nondeterministic_output")
                     .keys("RO index 2 range 0 1 0"),
                 of("help", 2, "loading stale", 0, 0, 0, "@keyspace @slow", KeyCommands::objectHelp)));
    }

    private static Keyspace keys(CommandContext ctx) {
        return ctx.hub().keys();
    }

    private static Execution del(Args a) {
        List<byte[]> keys = a.slice(1);
        return (ctx, out) -> out.integer(keys(ctx).delete(keys));
    }

    private static Execution exists(Args a) {
        List<byte[]> keys = a.slice(1);
        return (ctx, out) -> out.integer(keys(ctx).countExisting(keys));
    }

    private static Execution type(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            DataType t = keys(ctx).type(key);
            out.simple(t == null ? "none" : t.redisName());
        };
    }

    /** EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX | XX | GT | LT]. */
    private static Execution expire(Args a, boolean seconds, boolean relative) throws CommandError {
        String name = a.name();
        byte[] key = a.bytes(1);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < a.size(); i++) {
            switch (a.option(i)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw new CommandError(Errors.unsupportedOption(a.string(i)));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new CommandError(Errors.NX_XX_GT_LT);
        }
        if (gt && lt) {
            throw new CommandError(Errors.GT_LT);
        }
        long when = a.longAt(2);
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw new CommandError(Errors.invalidExpire(name));
            }
            when *= 1000;
        }
        ExpireCondition condition = new ExpireCondition(nx, xx, gt, lt);
        long amount = when;
        return (ctx, out) -> {
            long deadline = amount;
            if (relative) {
                long now = ctx.hub().clock().millis();
                if (amount > Long.MAX_VALUE - now) {
                    out.error(Errors.invalidExpire(name));
                    return;
                }
                deadline = amount + now;
            }
            out.integer(keys(ctx).expireAt(key, deadline, condition) == Status.OK ? 1 : 0);
        };
    }

    private static Execution ttl(Args a, boolean millis) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            long ttl = keys(ctx).ttlMillis(key);
            out.integer(ttl < 0 || millis ? ttl : (ttl + 500) / 1000);
        };
    }

    private static Execution expiretime(Args a, boolean millis) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> {
            long at = keys(ctx).expireTimeMillis(key);
            out.integer(at < 0 || millis ? at : (at + 500) / 1000);
        };
    }

    private static Execution persist(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> out.integer(keys(ctx).persist(key) ? 1 : 0);
    }

    private static Execution keys(Args a) {
        byte[] pattern = a.bytes(1);
        return (ctx, out) -> Replies.bulks(out, ctx.hub().scanner().keys(ctx.hub().namespace(ctx.session()), pattern));
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
    private static Execution scan(Args a) throws CommandError {
        ScanArgs scan = ScanArgs.parse(a, 1, true);
        DataType onlyType = scan.type() == null ? null : DataType.fromRedisName(scan.type());
        boolean matchNothing = scan.type() != null && onlyType == null;
        return (ctx, out) -> {
            byte[] after = scan.resume(ctx.hub(), out);
            if (after == ScanArgs.UNKNOWN) {
                return;
            }
            int namespace = ctx.hub().namespace(ctx.session());
            if (after != null && StoredKey.namespace(after) != namespace) {
                // A cursor is a position among keys, as in Redis: after SELECT it goes on in the new database.
                after = StoredKey.of(namespace, StoredKey.user(after));
            }
            KeyScanner.ScanPage page = ctx.hub().scanner().scan(namespace, after, scan.pattern(), scan.count(), onlyType);
            long next = page.resumeAfter() == null ? 0 : ctx.hub().scanCursors().remember(page.resumeAfter());
            List<byte[]> found = matchNothing ? List.of() : page.keys();
            out.array(2);
            out.bulk(Long.toUnsignedString(next));
            Replies.bulks(out, found);
        };
    }

    private static Execution rename(Args a, boolean onlyIfAbsent) {
        byte[] src = a.bytes(1);
        byte[] dst = a.bytes(2);
        return (ctx, out) -> {
            Status s = keys(ctx).rename(src, dst, onlyIfAbsent);
            if (s == Status.NOT_FOUND) {
                out.error(Errors.NO_SUCH_KEY);
            } else if (onlyIfAbsent) {
                out.integer(s == Status.OK ? 1 : 0);
            } else {
                out.ok();
            }
        };
    }

    private static Execution randomkey(Args a) {
        return (ctx, out) -> out.bulk(ctx.hub().scanner().randomKey(ctx.hub().namespace(ctx.session())));
    }

    /** COPY source destination [DB destination-db] [REPLACE]. */
    private static Execution copy(Args a) throws CommandError {
        byte[] src = a.bytes(1);
        byte[] dst = a.bytes(2);
        boolean replace = false;
        Long db = null;
        for (int i = 3; i < a.size(); i++) {
            if (a.is(i, "REPLACE")) {
                replace = true;
            } else if (a.is(i, "DB") && i + 1 < a.size()) {
                db = a.longAt(++i);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        boolean overwrite = replace;
        Long toDb = db;
        return (ctx, out) -> {
            byte[] target = dst;
            if (toDb != null && toDb != 0 && ctx.hub().cluster().enabled()) {
                out.error("ERR Copying to another database is not allowed in cluster mode");
                return;
            }
            if (toDb != null) {
                if (toDb < 0 || toDb >= ctx.hub().databaseCount()) {
                    out.error(Errors.DB_OUT_OF_RANGE);
                    return;
                }
                target = StoredKey.of(ctx.hub().databases().namespace(toDb.intValue()), StoredKey.user(dst));
            }
            if (java.util.Arrays.equals(src, target)) {
                out.error(Errors.SAME_OBJECT);
                return;
            }
            out.integer(keys(ctx).copy(src, target, overwrite) == Status.OK ? 1 : 0);
        };
    }

    /** MOVE key db: as RENAMENX into another database; the key keeps its TTL. */
    private static Execution move(Args a) {
        return io.rockhub.resp.cluster.ClusterCommands.refusedInClusterMode("ERR MOVE is not allowed in cluster mode",
                () -> moveParsed(a));
    }

    private static Execution moveParsed(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long db = a.longAt(2);
        return (ctx, out) -> {
            if (db < 0 || db >= ctx.hub().databaseCount()) {
                out.error(Errors.DB_OUT_OF_RANGE);
                return;
            }
            int to = ctx.hub().databases().namespace((int) db);
            if (to == StoredKey.namespace(key)) {
                out.error(Errors.SAME_OBJECT);
                return;
            }
            out.integer(keys(ctx).move(key, StoredKey.of(to, StoredKey.user(key))) == Status.OK ? 1 : 0);
        };
    }

    private static Execution objectEncoding(Args a) {
        byte[] key = a.bytes(2);
        return (ctx, out) -> {
            Metadata m = keys(ctx).live(key);
            out.bulk(m == null ? null : encodingOf(ctx, key, m));
        };
    }

    /**
     * The encoding Redis gives a value built as it is now: a small collection's compact encoding
     * holds only while its members fit the *-max-* settings (read here: at most 512 of them). Redis
     * never converts back, so a value that once grew past them differs; documented.
     */
    static String encodingOf(io.rockhub.resp.command.CommandContext ctx, byte[] key, Metadata m) {
        io.rockhub.core.config.HubConfig config = ctx.hub().config();
        switch (m.type()) {
            case SET -> {
                if (m.size() > config.getLong("set-max-intset-entries")) {
                    return "hashtable";
                }
                for (byte[] member : ctx.hub().sets().members(key).value()) {
                    Long v = Numbers.parseLong(member);
                    if (v == null || !Long.toString(v).equals(new String(member, java.nio.charset.StandardCharsets.US_ASCII))) {
                        return "hashtable";
                    }
                }
                return "intset";
            }
            case HASH -> {
                long maxValue = config.getLong("hash-max-listpack-value");
                if (m.size() > config.getLong("hash-max-listpack-entries")) {
                    return "hashtable";
                }
                for (io.rockhub.core.types.Keyspace.Entry e : ctx.hub().hashes().all(key).value()) {
                    if (e.sub().length > maxValue || e.value().length > maxValue) {
                        return "hashtable";
                    }
                }
                return "listpack";
            }
            case ZSET -> {
                long maxValue = config.getLong("zset-max-listpack-value");
                if (m.size() > config.getLong("zset-max-listpack-entries")) {
                    return "skiplist";
                }
                for (io.rockhub.core.types.ZSetStore.ScoredMember e : ctx.hub().zsets().rangeByRank(key, 0, -1, false).value()) {
                    if (e.member().length > maxValue) {
                        return "skiplist";
                    }
                }
                return "listpack";
            }
            default -> {
                return encodingOf(m);
            }
        }
    }

    /** The encoding from the record alone (sizes, not contents): DEBUG OBJECT's. */
    static String encodingOf(Metadata m) {
        if (m.type() == DataType.STRING) {
            byte[] v = m.value();
            if (v.length <= 20 && Numbers.parseLong(v) != null) {
                return "int";
            }
            return v.length <= 44 ? "embstr" : "raw";
        }
        return switch (m.type()) {
            case STRING_CHUNKS -> "raw";
            case HASH -> m.size() <= 128 ? "listpack" : "hashtable";
            case LIST -> "quicklist";
            case SET -> "hashtable";
            case ZSET -> m.size() <= 128 ? "listpack" : "skiplist";
            default -> "stream";
        };
    }

    /**
     * OBJECT REFCOUNT as Redis answers it: the integers 0..9999 are shared objects (INT_MAX), every
     * other value has one reference. (Redis keeps a value it appended to unshared; we do not track that.)
     */
    private static Execution objectRefcount(Args a) {
        byte[] key = a.bytes(2);
        return (ctx, out) -> {
            Metadata m = keys(ctx).live(key);
            if (m == null) {
                out.nullBulk();
                return;
            }
            Long v = m.type() == DataType.STRING ? Numbers.parseLong(m.value()) : null;
            out.integer(v != null && v >= 0 && v < 10_000 ? Integer.MAX_VALUE : 1);
        };
    }

    /** OBJECT IDLETIME: seconds since the key was last read or written (see {@code KeyAccess}). */
    private static Execution objectIdletime(Args a) {
        byte[] key = a.bytes(2);
        return (ctx, out) -> {
            if (keys(ctx).live(key) == null) {
                out.nullBulk();
            } else if (ctx.hub().config().get("maxmemory-policy").contains("lfu")) {
                out.error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                        + "switching between policies at runtime LRU and LFU data will take some time to adjust.");
            } else {
                out.integer(ctx.hub().keyAccess().idleSeconds(key, ctx.hub().clock().millis()));
            }
        };
    }

    /** OBJECT subcommands that answer nil for a missing key and {@code reply} otherwise. */
    private static Execution ifExists(Args a, java.util.function.Consumer<io.rockhub.resp.protocol.RespWriter> reply) {
        byte[] key = a.bytes(2);
        return (ctx, out) -> {
            if (keys(ctx).live(key) == null) {
                out.nullBulk();
            } else {
                reply.accept(out);
            }
        };
    }

    private static Execution objectHelp(Args a) {
        return (ctx, out) -> HelpText.write(out, "OBJECT",
                "ENCODING <key>", "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>", "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>", "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>", "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }
}
