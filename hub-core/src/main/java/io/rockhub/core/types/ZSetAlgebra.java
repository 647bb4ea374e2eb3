package io.rockhub.core.types;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.ScoreCodec;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.types.ZSetStore.ScoredMember;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ZUNION, ZINTER and ZDIFF (and their STORE forms) over sorted sets and plain sets. Reads every
 * input whole: O(N) in the members of all inputs, as in Redis.
 */
public final class ZSetAlgebra {
    private final Keyspace keys;
    private final ZSetStore zsets;

    public ZSetAlgebra(Keyspace keys, ZSetStore zsets) {
        this.keys = keys;
        this.zsets = zsets;
    }

    /** How ZUNION and ZINTER combine the scores of a member found in several inputs. */
    public enum Aggregate { SUM, MIN, MAX }

    /**
     * ZUNION / ZINTER / ZDIFF over sorted sets and plain sets (whose members score 1), ordered by
     * score then member. Every input is type-checked first; missing keys are empty.
     */
    public Result<List<ScoredMember>> combine(SetStore.Algebra op, List<byte[]> inputs, double[] weights,
                                              Aggregate aggregate) {
        List<Map<ByteBuffer, Double>> sets = new ArrayList<>();
        for (byte[] k : inputs) {
            Metadata m = keys.live(k);
            if (m != null && m.type() != DataType.ZSET && m.type() != DataType.SET) {
                return Result.wrongType();
            }
            Map<ByteBuffer, Double> members = new java.util.LinkedHashMap<>();
            if (m != null) {
                for (Keyspace.Entry e : keys.subkeys(k, m, null, Long.MAX_VALUE)) {
                    members.put(ByteBuffer.wrap(e.sub()), m.type() == DataType.SET ? 1.0 : ScoreCodec.fromExact(e.value()));
                }
            }
            sets.add(members);
        }
        Map<ByteBuffer, Double> result = new HashMap<>();
        // Redis visits the inputs from the smallest to the largest (a stable sort), and where NaN can
        // arise (inf * 0, inf + -inf) the order decides the outcome, so the same order is kept here.
        Integer[] order = new Integer[sets.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (op != SetStore.Algebra.DIFF) {
            Arrays.sort(order, (a, b) -> Integer.compare(sets.get(a).size(), sets.get(b).size()));
        }
        switch (op) {
            case UNION -> {
                for (int i : order) {
                    double w = weights == null ? 1 : weights[i];
                    for (Map.Entry<ByteBuffer, Double> e : sets.get(i).entrySet()) {
                        double s = nanToZero(e.getValue() * w);
                        result.merge(e.getKey(), s, (a, b) -> aggregate(a, b, aggregate));
                    }
                }
            }
            case INTER -> {
                int first = order[0];
                outer:
                for (Map.Entry<ByteBuffer, Double> e : sets.get(first).entrySet()) {
                    double acc = nanToZero(e.getValue() * (weights == null ? 1 : weights[first]));
                    for (int j = 1; j < order.length; j++) {
                        int i = order[j];
                        Double s = sets.get(i).get(e.getKey());
                        if (s == null) {
                            continue outer;
                        }
                        // Unlike the first input's, these products are aggregated as they are.
                        acc = aggregate(acc, s * (weights == null ? 1 : weights[i]), aggregate);
                    }
                    result.put(e.getKey(), acc);
                }
            }
            default -> {
                for (Map.Entry<ByteBuffer, Double> e : sets.get(0).entrySet()) {
                    boolean elsewhere = false;
                    for (int i = 1; i < sets.size() && !elsewhere; i++) {
                        elsewhere = sets.get(i).containsKey(e.getKey());
                    }
                    if (!elsewhere) {
                        result.put(e.getKey(), e.getValue());
                    }
                }
            }
        }
        List<ScoredMember> out = new ArrayList<>(result.size());
        for (Map.Entry<ByteBuffer, Double> e : result.entrySet()) {
            // A -0 stays in the reply of ZUNION/ZINTER, as Redis's; storing the result makes it 0.
            out.add(new ScoredMember(e.getKey().array(), e.getValue()));
        }
        out.sort((a, b) -> {
            // As C's comparison: -0 equals 0 (Double.compare would put -0 first), the member decides.
            int c = a.score() < b.score() ? -1 : a.score() > b.score() ? 1 : 0;
            return c != 0 ? c : Arrays.compareUnsigned(a.member(), b.member());
        });
        return Result.ok(out);
    }

    private static double nanToZero(double d) {
        return Double.isNaN(d) ? 0 : d; // inf * 0, as Redis treats it
    }

    /** As Redis's zunionInterAggregate: a NaN sum is 0; MIN and MAX keep the old value when compared with NaN. */
    private static double aggregate(double target, double value, Aggregate how) {
        return switch (how) {
            case SUM -> nanToZero(target + value);
            case MIN -> value < target ? value : target;
            case MAX -> value > target ? value : target;
        };
    }

    /** ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE: replaces {@code dst} with the result; its size. */
    public Result<Long> combineAndStore(SetStore.Algebra op, byte[] dst, List<byte[]> inputs, double[] weights,
                                        Aggregate aggregate) {
        List<byte[]> all = new ArrayList<>(inputs);
        all.add(dst);
        try (KeyLocks.Held held = keys.locks().lock(all)) {
            Result<List<ScoredMember>> r = combine(op, inputs, weights, aggregate);
            String event = switch (op) {
                case INTER -> "zinterstore";
                case UNION -> "zunionstore";
                case DIFF -> "zdiffstore";
            };
            return r.isOk() ? zsets.store(dst, r.value(), event) : Result.of(r.status());
        }
    }
}
