package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.Metadata;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two
 * strings, by the same dynamic programme and the same walk back through it as Redis 7.0, so the
 * string and the match ranges (IDX) are Redis's, ties included.
 */
final class LcsCommand {
    private LcsCommand() {
    }

    static void register(CommandTable t) {
        t.add(of("lcs", -3, "readonly", 1, 2, 1, "@read @string @slow", LcsCommand::lcs)
            .keys("RO access index 1 range 1 1 0"));
    }

    private static Execution lcs(Args a) {
        byte[] key1 = a.bytes(1);
        byte[] key2 = a.bytes(2);
        return (ctx, out) -> {
            // As Redis: the types first, then the options.
            byte[] x = value(ctx, key1);
            byte[] y = value(ctx, key2);
            if (x == null || y == null) {
                out.error("ERR The specified keys must contain string values");
                return;
            }
            boolean idx = false;
            boolean len = false;
            boolean withMatchLen = false;
            long minMatchLen = 0;
            for (int i = 3; i < a.size(); i++) {
                if (a.is(i, "IDX")) {
                    idx = true;
                } else if (a.is(i, "LEN")) {
                    len = true;
                } else if (a.is(i, "WITHMATCHLEN")) {
                    withMatchLen = true;
                } else if (a.is(i, "MINMATCHLEN") && i + 1 < a.size()) {
                    Long n = io.rockhub.core.util.Numbers.parseLong(a.bytes(++i));
                    if (n == null) {
                        out.error(Errors.NOT_INTEGER);
                        return;
                    }
                    minMatchLen = Math.max(0, n);
                } else {
                    out.error(Errors.SYNTAX);
                    return;
                }
            }
            if (idx && len) {
                out.error("ERR If you want both the length and indexes, please just use IDX.");
                return;
            }
            long cells = (long) (x.length + 1) * (y.length + 1);
            if (cells * 4 > ctx.hub().maxBulkLength()) {
                out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
                return;
            }
            int[] dp;
            try {
                dp = cells > Integer.MAX_VALUE - 8 ? null : new int[(int) cells];
            } catch (OutOfMemoryError tooBig) {
                dp = null;
            }
            if (dp == null) {
                out.error("ERR Insufficient memory, failed allocating transient memory for LCS");
                return;
            }
            reply(out, x, y, dp, idx, len, withMatchLen, minMatchLen);
        };
    }

    /** The string's bytes, empty for a missing key, null for a key of another type. */
    private static byte[] value(CommandContext ctx, byte[] key) {
        Metadata m = ctx.hub().keys().live(key);
        if (m == null) {
            return new byte[0];
        }
        return m.type().isString() ? ctx.hub().strings().values().whole(key, m) : null;
    }

    private static void reply(RespWriter out, byte[] a, byte[] b, int[] dp, boolean getIdx, boolean getLen,
                              boolean withMatchLen, long minMatchLen) {
        int alen = a.length;
        int blen = b.length;
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                dp[j + i * w] = a[i - 1] == b[j - 1] ? dp[(j - 1) + (i - 1) * w] + 1
                        : Math.max(dp[j + (i - 1) * w], dp[(j - 1) + i * w]);
            }
        }
        int total = dp[blen + alen * w];
        if (getLen) {
            out.integer(total);
            return;
        }
        byte[] result = new byte[total];
        java.util.List<long[]> ranges = new java.util.ArrayList<>();
        int idx = total;
        int aStart = alen; // alen: no range open
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        // Redis's walk, kept exactly: a match that does not extend the open range closes it (and is
        // itself not reported), ties go towards shorter b.
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int lcs1 = dp[j + (i - 1) * w];
                int lcs2 = dp[(j - 1) + i * w];
                if (lcs1 > lcs2) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            long matchLen = (long) aEnd - aStart + 1;
            if (emit) {
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            out.bulk(result);
            return;
        }
        out.map(2);
        out.bulk("matches");
        out.array(ranges.size());
        for (long[] r : ranges) {
            out.array(withMatchLen ? 3 : 2);
            out.array(2).integer(r[0]).integer(r[1]);
            out.array(2).integer(r[2]).integer(r[3]);
            if (withMatchLen) {
                out.integer(r[4]);
            }
        }
        out.bulk("len");
        out.integer(total);
    }
}
