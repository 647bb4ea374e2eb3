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

    /**
     * Pushes {@code t[key]} without metamethods: a script's table may carry an __index that raises,
     * and an error raised outside a protected call would end the process.
     */
    static void rawField(Lua l, int t, String key) {
        int abs = t < 0 && t > ScriptVm.REGISTRY ? l.getTop() + t + 1 : t;
        l.push(key);
        l.rawGet(abs);
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
            // RESP3, after redis.setresp(3): Redis's tables for the types Lua lacks.
            case '_' -> l.pushNil();
            case '#' -> l.push(head.equals("t"));
            case ',' -> {
                l.newTable();
                l.push(parseDouble(head));
                l.setField(-2, "double");
            }
            case '(' -> {
                l.newTable();
                l.push(head);
                l.setField(-2, "big_number");
            }
            case '=' -> {
                int n = Integer.parseInt(head);
                byte[] v = new byte[n];
                System.arraycopy(raw, pos[0], v, 0, n);
                pos[0] += n + 2;
                l.newTable();
                l.newTable();
                l.push(new String(v, 0, Math.min(3, n), StandardCharsets.US_ASCII));
                l.setField(-2, "format");
                ScriptVm.pushBytes(l, n > 4 ? java.util.Arrays.copyOfRange(v, 4, n) : new byte[0]);
                l.setField(-2, "string");
                l.setField(-2, "verbatim_string");
            }
            case '%' -> {
                int n = Integer.parseInt(head);
                l.newTable();
                l.newTable();
                for (int i = 0; i < n; i++) {
                    push(l, raw, pos);
                    push(l, raw, pos);
                    l.rawSet(-3);
                }
                l.setField(-2, "map");
            }
            case '~' -> {
                int n = Integer.parseInt(head);
                l.newTable();
                l.newTable();
                for (int i = 0; i < n; i++) {
                    push(l, raw, pos);
                    l.push(true);
                    l.rawSet(-3);
                }
                l.setField(-2, "set");
            }
            default -> ScriptVm.pushError(l, "ERR unexpected reply type from a command");
        }
    }

    private static double parseDouble(String text) {
        return switch (text) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static int indexOfCrlf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("truncated reply");
    }

    /**
     * Writes the Lua value at {@code index} as a script's reply. {@code resp3} is the script's
     * redis.setresp choice: under it booleans are booleans (#t/#f) rather than 1 and nil.
     */
    static void write(Lua l, int index, RespWriter out, boolean resp3, int shapeRef) {
        int at = index < 0 ? l.getTop() + index + 1 : index;
        switch (l.type(at)) {
            case NUMBER -> out.integer(truncate(l.toNumber(at)));
            case STRING -> out.bulk(ScriptVm.bytes(l, at));
            case BOOLEAN -> {
                if (resp3) {
                    out.bool(l.toBoolean(at));
                } else if (l.toBoolean(at)) {
                    out.integer(1);
                } else {
                    out.nullBulk();
                }
            }
            case TABLE -> writeTable(l, at, out, resp3, shapeRef);
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

    /**
     * A table: what it stands for comes from the VM's {@code shape} function ({@code shapeRef}), one
     * call where asking for each of its seven fields from Java took dozens of JNI crossings.
     */
    private static void writeTable(Lua l, int at, RespWriter out, boolean resp3, int shapeRef) {
        l.refGet(shapeRef);
        l.pushValue(at);
        try {
            l.pCall(1, 2);
        } catch (party.iroiro.luajava.LuaException e) {
            throw new IllegalStateException("shape of a script's reply: " + e.getMessage(), e);
        }
        int shape = (int) l.toNumber(-2);
        int n = (int) l.toNumber(-1);
        l.pop(2);
        switch (shape) {
            case 1 -> out.error(stringField(l, at, "err"));
            case 2 -> out.simple(stringField(l, at, "ok"));
            case 3 -> {
                rawField(l, at, "double");
                double d = l.toNumber(-1);
                l.pop(1);
                out.doubleValue(d);
            }
            case 4 -> out.bigNumber(stringField(l, at, "big_number"));
            case 5 -> {
                rawField(l, at, "verbatim_string");
                int v = l.getTop();
                rawField(l, v, "format");
                String format = l.type(-1) == Lua.LuaType.STRING ? l.toString(-1) : "txt";
                rawField(l, v, "string");
                byte[] text = l.type(-1) == Lua.LuaType.STRING ? ScriptVm.bytes(l, -1) : new byte[0];
                l.pop(3);
                out.verbatim(format, text);
            }
            case 6, 7 -> writeCollection(l, at, shape == 6, out, resp3, shapeRef);
            default -> {
                out.array(n);
                for (int i = 1; i <= n; i++) {
                    l.rawGetI(at, i);
                    write(l, -1, out, resp3, shapeRef);
                    l.pop(1);
                }
            }
        }
    }

    /** {@code t[key]}, a string (as {@code shape} found it), read without metamethods. */
    private static String stringField(Lua l, int t, String key) {
        rawField(l, t, key);
        String v = new String(ScriptVm.bytes(l, -1), StandardCharsets.UTF_8);
        l.pop(1);
        return v;
    }

    /** {map=} or {set=}: the RESP3 types a script returns as a table of its keys. */
    private static void writeCollection(Lua l, int at, boolean map, RespWriter out, boolean resp3, int shapeRef) {
        rawField(l, at, map ? "map" : "set");
        int t = l.getTop();
        int n = 0;
        l.pushNil();
        while (l.next(t) != 0) {
            l.pop(1);
            n++;
        }
        if (map) {
            out.map(n);
        } else {
            out.set(n);
        }
        l.pushNil();
        while (l.next(t) != 0) {
            write(l, -2, out, resp3, shapeRef);
            if (map) {
                write(l, -1, out, resp3, shapeRef);
            }
            l.pop(1);
        }
        l.pop(1);
    }
}
