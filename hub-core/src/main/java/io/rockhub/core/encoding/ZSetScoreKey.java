package io.rockhub.core.encoding;

import java.util.Arrays;

/**
 * Score index entry of a sorted set: {@code [ns][u32 len(user key)][user key][u64 version][score 8][member]}.
 * Entries of one key and version sort by score, then by member bytes, as Redis orders a zset.
 */
public final class ZSetScoreKey {
    private ZSetScoreKey() {
    }

    public static byte[] encode(byte[] key, long version, double score, byte[] member) {
        byte[] prefix = InternalKey.prefix(key, version);
        byte[] out = Arrays.copyOf(prefix, prefix.length + 8 + member.length);
        ScoreCodec.put(out, prefix.length, score);
        System.arraycopy(member, 0, out, prefix.length + 8, member.length);
        return out;
    }

    /** The first index key at {@code score} (before every member with that score). */
    public static byte[] atScore(byte[] key, long version, double score) {
        byte[] prefix = InternalKey.prefix(key, version);
        byte[] out = Arrays.copyOf(prefix, prefix.length + 8);
        ScoreCodec.put(out, prefix.length, score);
        return out;
    }

    public static double score(byte[] indexKey, int prefixLength) {
        return ScoreCodec.get(indexKey, prefixLength);
    }

    public static byte[] member(byte[] indexKey, int prefixLength) {
        return Arrays.copyOfRange(indexKey, prefixLength + 8, indexKey.length);
    }
}
