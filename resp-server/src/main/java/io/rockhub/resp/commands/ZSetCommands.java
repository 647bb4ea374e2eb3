package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.Result;
import io.rockhub.core.types.Status;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.types.ZSetStore.AddOptions;
import io.rockhub.core.types.ZSetStore.LexBound;
import io.rockhub.core.types.ZSetStore.ScoreBound;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import io.rockhub.core.util.Glob;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorted-set commands: parse here, storage in {@link ZSetStore}. ZRANK and ZREVRANK walk the score
 * index up to the member (O(rank)); ZCOUNT and ZLEXCOUNT count the entries in range (O(m)).
 */
final class ZSetCommands {
    private static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
    private static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";
    private static final String NAN_SCORE = "ERR resulting score is not a number (NaN)";

    private ZSetCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("zadd", -4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", ZSetCommands::zadd)
            .keys("RW update index 1 range 0 1 0"))
         .add(of("zincrby", 4, "write denyoom fast", 1, 1, 1, "@write @sortedset @fast", ZSetCommands::zincrby)
             .keys("RW access update index 1 range 0 1 0"))
         .add(of("zscore", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", a -> scores(a, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zmscore", -3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", a -> scores(a, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zcard", 2, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZSetCommands::zcard)
             .keys("RO index 1 range 0 1 0"))
         .add(of("zcount", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZSetCommands::zcount)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zlexcount", 4, "readonly fast", 1, 1, 1, "@read @sortedset @fast", ZSetCommands::zlexcount)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrange", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", a -> range(a, Mode.RANK, false, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrangestore", -5, "write denyoom", 1, 2, 1, "@write @sortedset @slow", ZSetCommands::zrangestore)
             .keys("OW update index 1 range 0 1 0|RO access index 2 range 0 1 0"))
         .add(of("zrangebyscore", -4, "readonly", 1, 1, 1, "@read @sortedset @slow",
                 a -> range(a, Mode.SCORE, false, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrevrangebyscore", -4, "readonly", 1, 1, 1, "@read @sortedset @slow",
                 a -> range(a, Mode.SCORE, true, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrangebylex", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", a -> range(a, Mode.LEX, false, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrevrangebylex", -4, "readonly", 1, 1, 1, "@read @sortedset @slow",
                 a -> range(a, Mode.LEX, true, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrevrange", -4, "readonly", 1, 1, 1, "@read @sortedset @slow", a -> range(a, Mode.RANK, true, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrank", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", a -> rank(a, false))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrevrank", 3, "readonly fast", 1, 1, 1, "@read @sortedset @fast", a -> rank(a, true))
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zrem", -3, "write fast", 1, 1, 1, "@write @sortedset @fast", ZSetCommands::zrem)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("zremrangebyscore", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZSetCommands::zremrangebyscore)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("zremrangebyrank", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZSetCommands::zremrangebyrank)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("zremrangebylex", 4, "write", 1, 1, 1, "@write @sortedset @slow", ZSetCommands::zremrangebylex)
             .keys("RW delete index 1 range 0 1 0"))
         .add(of("zpopmin", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", a -> pop(a, false))
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("zpopmax", -2, "write fast", 1, 1, 1, "@write @sortedset @fast", a -> pop(a, true))
             .keys("RW access delete index 1 range 0 1 0"))
         .add(of("zrandmember", -2, "readonly", 1, 1, 1, "@read @sortedset @slow", ZSetCommands::zrandmember)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"))
         .add(of("zscan", -3, "readonly", 1, 1, 1, "@read @sortedset @slow", ZSetCommands::zscan)
             .tips("nondeterministic_output")
             .keys("RO access index 1 range 0 1 0"));
    }

    private enum Mode { RANK, SCORE, LEX }

    private static ZSetStore zsets(CommandContext ctx) {
        return ctx.hub().zsets();
    }

    static double score(Args a, int i) throws CommandError {
        Double d = Numbers.parseScore(a.bytes(i), false);
        if (d == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        return d;
    }

    static ScoreBound scoreBound(byte[] raw) throws CommandError {
        boolean exclusive = raw.length > 0 && raw[0] == '(';
        byte[] number = exclusive ? java.util.Arrays.copyOfRange(raw, 1, raw.length) : raw;
        Double d = Numbers.parseScore(number, true);
        if (d == null) {
            throw new CommandError(NOT_FLOAT_RANGE);
        }
        return new ScoreBound(d, exclusive);
    }

    static LexBound lexBound(byte[] raw) throws CommandError {
        if (raw.length == 1 && raw[0] == '+') {
            return new LexBound(null, false, true);
        }
        if (raw.length == 1 && raw[0] == '-') {
            return new LexBound(null, false, false);
        }
        if (raw.length >= 1 && (raw[0] == '[' || raw[0] == '(')) {
            return new LexBound(java.util.Arrays.copyOfRange(raw, 1, raw.length), raw[0] == '(', false);
        }
        throw new CommandError(NOT_LEX_RANGE);
    }

    /** ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]. */
    private static Execution zadd(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int i = 2;
        for (boolean flag = true; flag && i < a.size(); ) {
            switch (a.option(i)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                case "CH" -> ch = true;
                case "INCR" -> incr = true;
                default -> flag = false;
            }
            if (flag) {
                i++;
            }
        }
        int elements = a.size() - i;
        if (elements % 2 != 0 || elements == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (nx && xx) {
            throw new CommandError("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 2) {
            throw new CommandError("ERR INCR option supports a single increment-element pair");
        }
        List<ScoredMember> pairs = new ArrayList<>();
        for (int j = i; j < a.size(); j += 2) {
            pairs.add(new ScoredMember(a.bytes(j + 1), score(a, j)));
        }
        AddOptions options = new AddOptions(nx, xx, gt, lt, ch, incr);
        return (ctx, out) -> add(ctx, out, key, pairs, options);
    }

    private static void add(CommandContext ctx, RespWriter out, byte[] key, List<ScoredMember> pairs, AddOptions o) {
        Result<ZSetStore.AddOutcome> r = zsets(ctx).add(key, pairs, o);
        if (r.status() == Status.NAN_OR_INFINITY) {
            out.error(NAN_SCORE);
        } else if (!Replies.error(out, r.status())) {
            if (!o.incr()) {
                out.integer(r.value().count());
            } else if (r.value().newScore() == null) {
                out.nullBulk();
            } else {
                out.doubleValue(r.value().newScore());
            }
        }
    }

    private static Execution zincrby(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        List<ScoredMember> pair = List.of(new ScoredMember(a.bytes(3), score(a, 2)));
        AddOptions incr = new AddOptions(false, false, false, false, false, true);
        return (ctx, out) -> add(ctx, out, key, pair, incr);
    }

    private static Execution scores(Args a, boolean many) {
        byte[] key = a.bytes(1);
        List<byte[]> members = a.slice(2);
        return (ctx, out) -> {
            Result<List<Double>> r = zsets(ctx).scores(key, members);
            if (Replies.error(out, r.status())) {
                return;
            }
            if (many) {
                out.array(r.value().size());
            }
            for (Double d : r.value()) {
                if (d == null) {
                    out.nullBulk();
                } else {
                    out.doubleValue(d);
                }
            }
        };
    }

    private static Execution zcard(Args a) {
        byte[] key = a.bytes(1);
        return (ctx, out) -> Replies.integer(out, zsets(ctx).cardinality(key));
    }


    private static Execution zcount(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        ScoreBound min = scoreBound(a.bytes(2));
        ScoreBound max = scoreBound(a.bytes(3));
        return (ctx, out) -> Replies.integer(out, zsets(ctx).count(key, min, max));
    }

    private static Execution zlexcount(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        LexBound min = lexBound(a.bytes(2));
        LexBound max = lexBound(a.bytes(3));
        return (ctx, out) -> Replies.integer(out, zsets(ctx).lexCount(key, min, max));
    }

    /** A parsed range request shared by ZRANGE and its older forms, and ZRANGESTORE. */
    private record RangeSpec(Mode mode, boolean reverse, long start, long stop, ScoreBound minScore,
                             ScoreBound maxScore, LexBound minLex, LexBound maxLex, long offset, long count,
                             boolean withScores) {
        Result<List<ScoredMember>> run(ZSetStore store, byte[] key) {
            long limit = count < 0 ? Long.MAX_VALUE : count;
            if (offset < 0 && mode != Mode.RANK) {
                // Nothing to return, but Redis still refuses a key of another type.
                Result<Long> card = store.cardinality(key);
                return card.status() == Status.WRONG_TYPE ? Result.wrongType() : Result.ok(List.of());
            }
            return switch (mode) {
                case RANK -> store.rangeByRank(key, start, stop, reverse);
                case SCORE -> store.rangeByScore(key, minScore, maxScore, reverse, offset, limit);
                case LEX -> store.rangeByLex(key, minLex, maxLex, reverse, offset, limit);
            };
        }
    }

    /**
     * Parses the range arguments after the key. {@code unified}: ZRANGE's own syntax (BYSCORE,
     * BYLEX, REV, LIMIT, WITHSCORES); otherwise the fixed mode of ZRANGEBYSCORE and friends.
     */
    private static RangeSpec parseRange(Args a, int first, Mode mode, boolean reverse, boolean unified,
                                        boolean allowScores) throws CommandError {
        long offset = 0;
        long count = -1;
        boolean limit = false;
        boolean withScores = false;
        for (int i = first + 2; i < a.size(); i++) {
            String opt = a.option(i);
            if (opt.equals("WITHSCORES") && allowScores && mode != Mode.LEX) {
                withScores = true;
            } else if (opt.equals("WITHSCORES") && allowScores && unified) {
                withScores = true;
            } else if (opt.equals("LIMIT") && i + 2 < a.size() && (unified || mode != Mode.RANK)) {
                offset = a.longAt(i + 1);
                count = a.longAt(i + 2);
                limit = true;
                i += 2;
            } else if (unified && opt.equals("BYSCORE")) {
                mode = Mode.SCORE;
            } else if (unified && opt.equals("BYLEX")) {
                mode = Mode.LEX;
            } else if (unified && opt.equals("REV")) {
                reverse = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        // Redis refuses only a LIMIT with a count: "LIMIT 5 -1" on a rank range is accepted and ignored.
        if (limit && count != -1 && mode == Mode.RANK) {
            throw new CommandError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && mode == Mode.LEX) {
            throw new CommandError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        // ZRANGE ... REV and the ZREV* commands give the bounds as max, then min.
        byte[] lowArg = a.bytes(reverse && mode != Mode.RANK ? first + 1 : first);
        byte[] highArg = a.bytes(reverse && mode != Mode.RANK ? first : first + 1);
        return switch (mode) {
            case RANK -> new RangeSpec(mode, reverse, a.longAt(first), a.longAt(first + 1), null, null, null, null,
                    0, -1, withScores);
            case SCORE -> new RangeSpec(mode, reverse, 0, 0, scoreBound(lowArg), scoreBound(highArg), null, null,
                    offset, count, withScores);
            case LEX -> new RangeSpec(mode, reverse, 0, 0, null, null, lexBound(lowArg), lexBound(highArg),
                    offset, count, false);
        };
    }

    private static Execution range(Args a, Mode mode, boolean reverse, boolean unified) throws CommandError {
        byte[] key = a.bytes(1);
        RangeSpec spec = parseRange(a, 2, mode, reverse, unified, true);
        return (ctx, out) -> {
            Result<List<ScoredMember>> r = spec.run(zsets(ctx), key);
            if (!Replies.error(out, r.status())) {
                writeMembers(out, r.value(), spec.withScores());
            }
        };
    }

    /** Members, with scores as RESP2 flat pairs or RESP3 [member, score] arrays. */
    static void writeMembers(RespWriter out, List<ScoredMember> members, boolean withScores) {
        if (!withScores) {
            out.array(members.size());
            for (ScoredMember e : members) {
                out.bulk(e.member());
            }
            return;
        }
        if (out.resp3()) {
            out.array(members.size());
            for (ScoredMember e : members) {
                out.array(2).bulk(e.member()).doubleValue(e.score());
            }
            return;
        }
        out.array(members.size() * 2L);
        for (ScoredMember e : members) {
            out.bulk(e.member()).doubleValue(e.score());
        }
    }

    private static Execution zrangestore(Args a) throws CommandError {
        byte[] dst = a.bytes(1);
        byte[] src = a.bytes(2);
        RangeSpec spec = parseRange(a, 3, Mode.RANK, false, true, false);
        return (ctx, out) -> {
            Result<List<ScoredMember>> r = spec.run(zsets(ctx), src);
            if (!Replies.error(out, r.status())) {
                Replies.integer(out, zsets(ctx).store(dst, r.value(), "zrangestore"));
            }
        };
    }

    private static Execution rank(Args a, boolean reverse) {
        byte[] key = a.bytes(1);
        byte[] member = a.bytes(2);
        return (ctx, out) -> {
            Result<Long> r = zsets(ctx).rank(key, member, reverse);
            if (!Replies.error(out, r.status())) {
                if (r.value() == null) {
                    out.nullBulk();
                } else {
                    out.integer(r.value());
                }
            }
        };
    }

    private static Execution zrem(Args a) {
        byte[] key = a.bytes(1);
        List<byte[]> members = a.slice(2);
        return (ctx, out) -> Replies.integer(out, zsets(ctx).remove(key, members));
    }

    private static Execution zremrangebyscore(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        ScoreBound min = scoreBound(a.bytes(2));
        ScoreBound max = scoreBound(a.bytes(3));
        return (ctx, out) -> Replies.integer(out, zsets(ctx).removeRangeByScore(key, min, max));
    }

    private static Execution zremrangebyrank(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long start = a.longAt(2);
        long stop = a.longAt(3);
        return (ctx, out) -> Replies.integer(out, zsets(ctx).removeRangeByRank(key, start, stop));
    }

    private static Execution zremrangebylex(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        LexBound min = lexBound(a.bytes(2));
        LexBound max = lexBound(a.bytes(3));
        return (ctx, out) -> Replies.integer(out, zsets(ctx).removeRangeByLex(key, min, max));
    }

    /** ZPOPMIN / ZPOPMAX key [count]. */
    private static Execution pop(Args a, boolean highest) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean counted = a.size() == 3;
        long count = 1;
        if (counted) {
            Long c = Numbers.parseLong(a.bytes(2));
            if (c == null || c < 0) {
                throw new CommandError("ERR value is out of range, must be positive");
            }
            count = c;
        }
        long n = count;
        return (ctx, out) -> {
            Result<List<ScoredMember>> r = zsets(ctx).pop(key, n, highest);
            if (Replies.error(out, r.status())) {
                return;
            }
            if (counted) {
                writeMembers(out, r.value(), true);
                return;
            }
            out.array(r.value().size() * 2L);
            for (ScoredMember e : r.value()) {
                out.bulk(e.member()).doubleValue(e.score());
            }
        };
    }

    /** ZRANDMEMBER key [count [WITHSCORES]]. */
    private static Execution zrandmember(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        if (a.size() == 2) {
            return (ctx, out) -> {
                Result<List<ScoredMember>> r = zsets(ctx).random(key, 1);
                if (!Replies.error(out, r.status())) {
                    out.bulk(r.value().isEmpty() ? null : r.value().get(0).member());
                }
            };
        }
        RandomArgs random = RandomArgs.parse(a, "WITHSCORES");
        long count = random.count();
        boolean withScores = random.withPairs();
        return (ctx, out) -> {
            Result<List<ScoredMember>> r = zsets(ctx).random(key, count);
            if (!Replies.error(out, r.status())) {
                writeMembers(out, r.value(), withScores);
            }
        };
    }

    /** ZSCAN key cursor [MATCH pattern] [COUNT count]: scores as strings, as Redis sends them. */
    private static Execution zscan(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        ScanArgs scan = ScanArgs.parse(a, 2);
        return (ctx, out) -> {
            byte[] after = scan.resume(ctx.hub(), out);
            if (after == ScanArgs.UNKNOWN) {
                return;
            }
            Result<List<ScoredMember>> r = zsets(ctx).scan(key, after, scan.count());
            if (Replies.error(out, r.status())) {
                return;
            }
            List<ScoredMember> page = r.value();
            byte[] last = page.isEmpty() ? null : page.get(page.size() - 1).member();
            long next = ScanArgs.next(ctx.hub(), page.size(), scan.count(), last);
            List<ScoredMember> matched = scan.pattern() == null ? page
                    : page.stream().filter(e -> Glob.matches(scan.pattern(), e.member(), false)).toList();
            out.array(2);
            out.bulk(Long.toUnsignedString(next));
            out.array(matched.size() * 2L);
            for (ScoredMember e : matched) {
                out.bulk(e.member()).bulk(Numbers.formatDouble(e.score()));
            }
        };
    }
}
