package io.rockhub.resp.scripting;

import io.rockhub.resp.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import party.iroiro.luajava.Lua;

/**
 * Redis's conversions between RESP replies and Lua values. A command's reply becomes: integer →
 * number, bulk → string, nil → false, array → table, status → {ok=...}, error → {err=...}. A
 * script's result becomes: number → integer (truncated), string → bulk, true → 1, false/nil → nil,
 * {ok=...} → status, {err=...} → error, a table → an array up to its first nil.
 */
final class LuaReplies {
    private LuaReplies() {
    }

    /** Parses one RESP2 reply from {@code raw} at {@code pos[0]} and pushes it. */
    static void push(Lua l, byte[] raw, int[] pos) {
        char type = (char) raw[pos[0]];
        int eol = indexOfCrlf(raw, pos[0]);
        String head = new String(raw, pos[0] + 1, eol - pos[0] - 1, StandardCharsets.UTF_8);
        pos[0] = eol + 2;
        switch (type) {
            case '+' -> {
                l.newTable();
                ScriptVm.pushBytes(l, head.getBytes(StandardCharsets.UTF_8));
                l.setField(-2, "ok");
            }
            case '-' -> ScriptVm.pushError(l, head);
            case ':' -> l.push(Long.parseLong(head));
            case '$' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    l.push(false);
                    return;
                }
                byte[] v = new byte[n];
                System.arraycopy(raw, pos[0], v, 0, n);
                pos[0] += n + 2;
                ScriptVm.pushBytes(l, v);
            }
            case '*' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    l.push(false);
                    return;
                }
                l.newTable();
                for (int i = 1; i <= n; i++) {
                    push(l, raw, pos);
                    l.rawSetI(-2, i);
                }
            }
            default -> ScriptVm.pushError(l, "ERR unexpected reply type from a command");
        }
    }

    private static int indexOfCrlf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("truncated reply");
    }

    /** Writes the Lua value at {@code index} as a script's reply. */
    static void write(Lua l, int index, RespWriter out) {
        int at = index < 0 ? l.getTop() + index + 1 : index;
        switch (l.type(at)) {
            case NUMBER -> out.integer(truncate(l.toNumber(at)));
            case STRING -> out.bulk(ScriptVm.bytes(l, at));
            case BOOLEAN -> {
                if (l.toBoolean(at)) {
                    out.integer(1);
                } else {
                    out.nullBulk();
                }
            }
            case TABLE -> writeTable(l, at, out);
            default -> out.nullBulk();
        }
    }

    /** As C's (long long) cast on x86, which Redis uses: NaN and out-of-range values become LLONG_MIN. */
    static long truncate(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static void writeTable(Lua l, int at, RespWriter out) {
        l.getField(at, "err");
        if (l.type(-1) == Lua.LuaType.STRING) {
            String err = new String(ScriptVm.bytes(l, -1), StandardCharsets.UTF_8);
            l.pop(1);
            out.error(err);
            return;
        }
        l.pop(1);
        l.getField(at, "ok");
        if (l.type(-1) == Lua.LuaType.STRING) {
            String ok = new String(ScriptVm.bytes(l, -1), StandardCharsets.UTF_8);
            l.pop(1);
            out.simple(ok);
            return;
        }
        l.pop(1);
        int n = 0;
        while (true) {
            l.rawGetI(at, n + 1);
            boolean nil = l.isNil(-1);
            l.pop(1);
            if (nil) {
                break;
            }
            n++;
        }
        out.array(n);
        for (int i = 1; i <= n; i++) {
            l.rawGetI(at, i);
            write(l, -1, out);
            l.pop(1);
        }
    }
}
