package io.rockhub.resp.commands;

import io.rockhub.core.encoding.StoredKey;
import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.SetStore.Algebra;
import io.rockhub.core.types.ZSetAlgebra;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** Sorted-set commands over several keys: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD, ZMPOP. */
final class ZSetAlgebraCommands {
    private ZSetAlgebraCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("zmpop", -4, "write movablekeys", 0, 0, 0, "@write @sortedset @slow", ZSetAlgebraCommands::zmpop)
            .keys("RW access delete index 1 keynum 0 1 1"))
         .add(of("zunion", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", a -> combine(a, Algebra.UNION))
             .keys("RO access index 1 keynum 0 1 1"))
         .add(of("zinter", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", a -> combine(a, Algebra.INTER))
             .keys("RO access index 1 keynum 0 1 1"))
         .add(of("zdiff", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", a -> combine(a, Algebra.DIFF))
             .keys("RO access index 1 keynum 0 1 1"))
         .add(of("zunionstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow",
                 a -> combineStore(a, Algebra.UNION))
             .keys("OW update index 1 range 0 1 0|RO access index 2 keynum 0 1 1"))
         .add(of("zinterstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow",
                 a -> combineStore(a, Algebra.INTER))
             .keys("OW update index 1 range 0 1 0|RO access index 2 keynum 0 1 1"))
         .add(of("zdiffstore", -4, "write denyoom movablekeys", 1, 1, 1, "@write @sortedset @slow",
                 a -> combineStore(a, Algebra.DIFF))
             .keys("OW update index 1 range 0 1 0|RO access index 2 keynum 0 1 1"))
         .add(of("zintercard", -3, "readonly movablekeys", 0, 0, 0, "@read @sortedset @slow", ZSetAlgebraCommands::zintercard)
             .keys("RO access index 1 keynum 0 1 1"));
    }

    private static ZSetAlgebra algebra(CommandContext ctx) {
        return ctx.hub().zsetAlgebra();
    }

    /**
     * The inputs and options of ZUNION/ZINTER/ZDIFF and their STORE forms. Redis looks the input
     * keys up before it reads the options, so a bad option ({@code optionError}) is answered only
     * if every input is a set or sorted set; WRONGTYPE comes first.
     */
    private record Combination(List<byte[]> keys, double[] weights, ZSetAlgebra.Aggregate aggregate, boolean withScores,
                               String optionError) {
        /** The option error to answer, WRONGTYPE if an input has another type, or null to go on. */
        String refusal(CommandContext ctx) {
            return optionError == null ? null : inputsRefusal(ctx, keys, optionError);
        }

        static Combination parse(Args a, int numKeysIndex, Algebra op, boolean store) throws CommandError {
            List<byte[]> keys = inputKeys(a, numKeysIndex);
            try {
                return parseOptions(a, numKeysIndex, keys, op, store);
            } catch (CommandError e) {
                return new Combination(keys, null, ZSetAlgebra.Aggregate.SUM, false, e.getMessage());
            }
        }

        private static List<byte[]> inputKeys(Args a, int numKeysIndex) throws CommandError {
            String name = a.name();
            Long numKeys = Numbers.parseLong(a.bytes(numKeysIndex));
            if (numKeys == null) {
                throw new CommandError(Errors.NOT_INTEGER);
            }
            if (numKeys < 1) {
                throw new CommandError("ERR at least 1 input key is needed for '" + name + "' command");
            }
            if (numKeys > a.size() - numKeysIndex - 1) {
                throw new CommandError(Errors.SYNTAX);
            }
            int first = numKeysIndex + 1;
            return a.all().subList(first, first + numKeys.intValue());
        }

        private static Combination parseOptions(Args a, int numKeysIndex, List<byte[]> keys, Algebra op, boolean store)
                throws CommandError {
            long numKeys = keys.size();
            int end = numKeysIndex + 1 + keys.size();
            double[] weights = null;
            ZSetAlgebra.Aggregate aggregate = ZSetAlgebra.Aggregate.SUM;
            boolean withScores = false;
            for (int i = end; i < a.size(); i++) {
                int remaining = a.size() - i - 1;
                if (op != Algebra.DIFF && a.is(i, "WEIGHTS") && remaining >= numKeys) {
                    weights = new double[(int) numKeys];
                    for (int w = 0; w < numKeys; w++) {
                        Double d = Numbers.parseScore(a.bytes(i + 1 + w), false);
                        if (d == null) {
                            throw new CommandError("ERR weight value is not a float");
                        }
                        weights[w] = d;
                    }
                    i += (int) numKeys;
                } else if (op != Algebra.DIFF && a.is(i, "AGGREGATE") && remaining >= 1) {
                    aggregate = switch (a.option(i + 1)) {
                        case "SUM" -> ZSetAlgebra.Aggregate.SUM;
                        case "MIN" -> ZSetAlgebra.Aggregate.MIN;
                        case "MAX" -> ZSetAlgebra.Aggregate.MAX;
                        default -> throw new CommandError(Errors.SYNTAX);
                    };
                    i++;
                } else if (!store && a.is(i, "WITHSCORES")) {
                    withScores = true;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            }
            return new Combination(keys, weights, aggregate, withScores, null);
        }
    }

    /** WRONGTYPE if an input key holds neither a set nor a sorted set, else {@code error}. */
    private static String inputsRefusal(CommandContext ctx, List<byte[]> keys, String error) {
        for (byte[] key : keys) {
            Metadata m = ctx.hub().keys().live(key);
            if (m != null && m.type() != DataType.ZSET && m.type() != DataType.SET) {
                return Errors.WRONG_TYPE;
            }
        }
        return error;
    }

    private static Execution combine(Args a, Algebra op) throws CommandError {
        Combination c = Combination.parse(a, 1, op, false);
        return (ctx, out) -> {
            String refused = c.refusal(ctx);
            if (refused != null) {
                out.error(refused);
                return;
            }
            Result<List<ScoredMember>> r = algebra(ctx).combine(op, c.keys(), c.weights(), c.aggregate());
            if (!Replies.error(out, r.status())) {
                ZSetCommands.writeMembers(out, r.value(), c.withScores());
            }
        };
    }

    private static Execution combineStore(Args a, Algebra op) throws CommandError {
        byte[] dst = a.bytes(1);
        Combination c = Combination.parse(a, 2, op, true);
        return (ctx, out) -> {
            String refused = c.refusal(ctx);
            if (refused != null) {
                out.error(refused);
                return;
            }
            Replies.integer(out, algebra(ctx).combineAndStore(op, dst, c.keys(), c.weights(), c.aggregate()));
        };
    }

    /** ZINTERCARD numkeys key [key ...] [LIMIT limit]. */
    private static Execution zintercard(Args a) throws CommandError {
        Long numKeys = Numbers.parseLong(a.bytes(1));
        if (numKeys == null) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        if (numKeys <= 0) {
            throw new CommandError("ERR at least 1 input key is needed for 'zintercard' command");
        }
        if (numKeys > a.size() - 2) {
            throw new CommandError(Errors.SYNTAX);
        }
        List<byte[]> keys = a.all().subList(2, 2 + numKeys.intValue());
        long limit = 0;
        String optionError = null;
        try {
            for (int i = 2 + numKeys.intValue(); i < a.size(); i++) {
                if (a.is(i, "LIMIT") && i + 1 < a.size()) {
                    limit = ListCommands.positive(a, ++i, "ERR LIMIT can't be negative");
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
            }
        } catch (CommandError e) {
            optionError = e.getMessage();
        }
        long max = limit == 0 ? Long.MAX_VALUE : limit;
        String deferred = optionError;
        return (ctx, out) -> {
            if (deferred != null) {
                out.error(inputsRefusal(ctx, keys, deferred));
                return;
            }
            Result<List<ScoredMember>> r = algebra(ctx).combine(Algebra.INTER, keys, null, ZSetAlgebra.Aggregate.SUM);
            if (!Replies.error(out, r.status())) {
                out.integer(Math.min(r.value().size(), max));
            }
        };
    }

    /** ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]. */
    private static Execution zmpop(Args a) throws CommandError {
        ListCommands.MultiPop p = ListCommands.MultiPop.parse(a, 1, true);
        return (ctx, out) -> {
            if (!mpop(ctx, out, p)) {
                out.nullArray();
            }
        };
    }

    /** Pops from the first non-empty key as [key, [[member, score], ...]]; false if all were empty. */
    static boolean mpop(CommandContext ctx, RespWriter out, ListCommands.MultiPop p) {
        for (byte[] key : p.keys()) {
            Result<List<ScoredMember>> r = ctx.hub().zsets().pop(key, p.count(), !p.left());
            if ((r.isOk() && r.value().isEmpty()) || BlockingCommands.notReady(ctx, r.status())) {
                continue;
            }
            if (!Replies.error(out, r.status())) {
                out.array(2).bulk(StoredKey.user(key));
                out.array(r.value().size());
                for (ScoredMember e : r.value()) {
                    out.array(2).bulk(e.member()).doubleValue(e.score());
                }
            }
            return true;
        }
        return false;
    }
}
