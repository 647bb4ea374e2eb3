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
        switch (op) {
            case UNION -> {
                for (int i = 0; i < sets.size(); i++) {
                    for (Map.Entry<ByteBuffer, Double> e : sets.get(i).entrySet()) {
                        double s = weighted(e.getValue(), weights == null ? 1 : weights[i]);
                        result.merge(e.getKey(), s, (a, b) -> aggregate(a, b, aggregate));
                    }
                }
            }
            case INTER -> {
                int smallest = 0;
                for (int i = 1; i < sets.size(); i++) {
                    if (sets.get(i).size() < sets.get(smallest).size()) {
                        smallest = i;
                    }
                }
                outer:
                for (ByteBuffer member : sets.get(smallest).keySet()) {
                    Double acc = null;
                    for (int i = 0; i < sets.size(); i++) {
                        Double s = sets.get(i).get(member);
                        if (s == null) {
                            continue outer;
                        }
                        double w = weighted(s, weights == null ? 1 : weights[i]);
                        acc = acc == null ? w : aggregate(acc, w, aggregate);
                    }
                    result.put(member, acc);
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
            out.add(new ScoredMember(e.getKey().array(), e.getValue() == 0 ? 0.0 : e.getValue()));
        }
        out.sort((a, b) -> {
            int c = Double.compare(a.score(), b.score());
            return c != 0 ? c : Arrays.compareUnsigned(a.member(), b.member());
        });
        return Result.ok(out);
    }

    private static double weighted(double score, double weight) {
        double s = score * weight;
        return Double.isNaN(s) ? 0 : s; // inf * 0, as Redis treats it
    }

    private static double aggregate(double a, double b, Aggregate how) {
        return switch (how) {
            case SUM -> {
                double s = a + b;
                yield Double.isNaN(s) ? 0 : s; // inf + -inf
            }
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    /** ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE: replaces {@code dst} with the result; its size. */
    public Result<Long> combineAndStore(SetStore.Algebra op, byte[] dst, List<byte[]> inputs, double[] weights,
                                        Aggregate aggregate) {
        List<byte[]> all = new ArrayList<>(inputs);
        all.add(dst);
        try (KeyLocks.Held held = keys.locks().lock(all)) {
            Result<List<ScoredMember>> r = combine(op, inputs, weights, aggregate);
            return r.isOk() ? zsets.store(dst, r.value()) : Result.of(r.status());
        }
    }
}
