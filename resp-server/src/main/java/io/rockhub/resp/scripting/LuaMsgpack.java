package io.rockhub.resp.scripting;

import java.io.ByteArrayOutputStream;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;

/**
 * {@code cmsgpack} for scripts, with the behaviour of the lua-cmsgpack 0.4 that Redis 7.0 embeds:
 * integers in their smallest form (unsigned forms for non-negative values), other numbers as
 * float32 when exact else float64, tables as arrays when their keys are exactly 1..n, nesting
 * beyond 16 levels packed as nil; unpacking reads str, int, float, array and map forms (not bin or
 * ext: "Bad data format in input.", as there).
 */
final class LuaMsgpack {
    private static final int MAX_NESTING = 16;

    private LuaMsgpack() {
    }

    static void install(Lua lua) {
        lua.newTable();
        fn(lua, "pack", l -> {
            int n = l.getTop();
            if (n == 0) {
                throw new RuntimeException("bad argument #0 to 'pack' (MessagePack pack needs input.)");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 1; i <= n; i++) {
                encode(l, i, 0, out);
            }
            l.setTop(0);
            ScriptVm.pushBytes(l, out.toByteArray());
            return 1;
        });
        fn(lua, "unpack", l -> unpack(l, 0, 0, false));
        fn(lua, "unpack_one", l -> unpack(l, 1, offsetArg(l, 2), true));
        fn(lua, "unpack_limit", l -> unpack(l, (int) l.toNumber(2), offsetArg(l, 3), true));
        lua.push("cmsgpack");
        lua.setField(-2, "_NAME");
        lua.push("lua-cmsgpack 0.4.0");
        lua.setField(-2, "_VERSION");
        lua.setGlobal("cmsgpack");
    }

    private static int offsetArg(Lua l, int index) {
        return index <= l.getTop() && !l.isNil(index) ? (int) l.toNumber(index) : 0;
    }

    private static void fn(Lua lua, String name, JFunction f) {
        lua.push(f);
        lua.setField(-2, name);
    }

    private static void encode(Lua l, int index, int level, ByteArrayOutputStream out) {
        int at = index < 0 ? l.getTop() + index + 1 : index;
        switch (l.type(at)) {
            case BOOLEAN -> out.write(l.toBoolean(at) ? 0xc3 : 0xc2);
            case NUMBER -> number(l.toNumber(at), out);
            case STRING -> string(ScriptVm.bytes(l, at), out);
            case TABLE -> {
                if (level >= MAX_NESTING) {
                    out.write(0xc0);
                } else {
                    table(l, at, level, out);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private static void number(double d, ByteArrayOutputStream out) {
        // lua-cmsgpack's test: an integer if the value survives a round trip through int64.
        if (!Double.isInfinite(d) && !Double.isNaN(d) && d >= -0x1p63 && d < 0x1p63 && (long) d == d) {
            integer((long) d, out);
        } else if ((float) d == d) {
            out.write(0xca);
            be(Float.floatToIntBits((float) d), 4, out);
        } else {
            out.write(0xcb);
            be(Double.doubleToLongBits(d), 8, out);
        }
    }

    private static void integer(long n, ByteArrayOutputStream out) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                be(n, 1, out);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                be(n, 2, out);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                be(n, 4, out);
            } else {
                out.write(0xcf);
                be(n, 8, out);
            }
        } else if (n >= -32) {
            out.write((int) (n & 0xff));
        } else if (n >= -128) {
            out.write(0xd0);
            be(n, 1, out);
        } else if (n >= -32768) {
            out.write(0xd1);
            be(n, 2, out);
        } else if (n >= Integer.MIN_VALUE) {
            out.write(0xd2);
            be(n, 4, out);
        } else {
            out.write(0xd3);
            be(n, 8, out);
        }
    }

    private static void string(byte[] s, ByteArrayOutputStream out) {
        int n = s.length;
        if (n < 32) {
            out.write(0xa0 | n);
        } else if (n <= 0xff) {
            out.write(0xd9);
            be(n, 1, out);
        } else if (n <= 0xffff) {
            out.write(0xda);
            be(n, 2, out);
        } else {
            out.write(0xdb);
            be(n, 4, out);
        }
        out.writeBytes(s);
    }

    private static void table(Lua l, int at, int level, ByteArrayOutputStream out) {
        // An array when every key is a positive integer and the largest equals the count (1..n).
        long count = 0;
        long max = 0;
        boolean array = true;
        l.pushNil();
        while (l.next(at) != 0) {
            l.pop(1);
            if (array) {
                if (l.type(-1) != Lua.LuaType.NUMBER) {
                    array = false;
                } else {
                    double k = l.toNumber(-1);
                    if (k < 1 || k != Math.floor(k)) {
                        array = false;
                    } else {
                        max = Math.max(max, (long) k);
                    }
                }
            }
            count++;
        }
        if (array && max == count) {
            header(count, 0x90, 0xdc, 0xdd, out);
            for (int i = 1; i <= count; i++) {
                l.rawGetI(at, i);
                encode(l, -1, level + 1, out);
                l.pop(1);
            }
            return;
        }
        header(count, 0x80, 0xde, 0xdf, out);
        l.pushNil();
        while (l.next(at) != 0) {
            l.pushValue(-2);
            encode(l, -1, level + 1, out); // the key
            l.pop(1);
            encode(l, -1, level + 1, out); // the value
            l.pop(1);
        }
    }

    private static void header(long n, int fix, int b16, int b32, ByteArrayOutputStream out) {
        if (n <= 15) {
            out.write(fix | (int) n);
        } else if (n <= 0xffff) {
            out.write(b16);
            be(n, 2, out);
        } else {
            out.write(b32);
            be(n, 4, out);
        }
    }

    private static void be(long v, int bytes, ByteArrayOutputStream out) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    /** unpack, unpack_one and unpack_limit: decodes up to {@code limit} values (0 = all) from {@code offset}. */
    private static int unpack(Lua l, int limit, int offset, boolean withOffset) {
        byte[] s = ScriptVm.bytes(l, 1);
        l.setTop(0);
        int[] pos = {Math.max(0, offset)};
        int n = 0;
        if (withOffset) {
            l.pushNil(); // the next offset, set below
        }
        while (pos[0] < s.length && (limit <= 0 || n < limit)) {
            decode(l, s, pos);
            n++;
        }
        if (withOffset) {
            l.push(pos[0] < s.length ? (long) pos[0] : -1L);
            l.replace(1);
            return n + 1;
        }
        return n;
    }

    private static void decode(Lua l, byte[] s, int[] pos) {
        int t = take(s, pos, 1)[0] & 0xff;
        if (t <= 0x7f) {
            l.push((long) t);
        } else if (t >= 0xe0) {
            l.push((long) (byte) t);
        } else if (t >= 0xa0 && t <= 0xbf) {
            ScriptVm.pushBytes(l, take(s, pos, t & 0x1f));
        } else if (t >= 0x90 && t <= 0x9f) {
            array(l, s, pos, t & 0x0f);
        } else if (t >= 0x80 && t <= 0x8f) {
            map(l, s, pos, t & 0x0f);
        } else {
            switch (t) {
                case 0xc0 -> l.pushNil();
                case 0xc2 -> l.push(false);
                case 0xc3 -> l.push(true);
                case 0xcc -> l.push(uint(s, pos, 1));
                case 0xcd -> l.push(uint(s, pos, 2));
                case 0xce -> l.push(uint(s, pos, 4));
                case 0xcf -> l.push((double) uint(s, pos, 8)); // read as int64, as lua-cmsgpack does
                case 0xd0 -> l.push((long) (byte) uint(s, pos, 1));
                case 0xd1 -> l.push((long) (short) uint(s, pos, 2));
                case 0xd2 -> l.push((long) (int) uint(s, pos, 4));
                case 0xd3 -> l.push((double) uint(s, pos, 8));
                case 0xca -> l.push((double) Float.intBitsToFloat((int) uint(s, pos, 4)));
                case 0xcb -> l.push(Double.longBitsToDouble(uint(s, pos, 8)));
                case 0xd9 -> ScriptVm.pushBytes(l, take(s, pos, (int) uint(s, pos, 1)));
                case 0xda -> ScriptVm.pushBytes(l, take(s, pos, (int) uint(s, pos, 2)));
                case 0xdb -> ScriptVm.pushBytes(l, take(s, pos, length(uint(s, pos, 4))));
                case 0xdc -> array(l, s, pos, (int) uint(s, pos, 2));
                case 0xdd -> array(l, s, pos, length(uint(s, pos, 4)));
                case 0xde -> map(l, s, pos, (int) uint(s, pos, 2));
                case 0xdf -> map(l, s, pos, length(uint(s, pos, 4)));
                default -> throw new RuntimeException("Bad data format in input.");
            }
        }
    }

    private static int length(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new RuntimeException("Missing bytes in input.");
        }
        return (int) n;
    }

    private static void array(Lua l, byte[] s, int[] pos, int n) {
        l.newTable();
        for (int i = 1; i <= n; i++) {
            decode(l, s, pos);
            l.rawSetI(-2, i);
        }
    }

    private static void map(Lua l, byte[] s, int[] pos, int n) {
        l.newTable();
        for (int i = 0; i < n; i++) {
            decode(l, s, pos);
            decode(l, s, pos);
            if (l.isNil(-2)) {
                l.pop(2); // a nil key cannot be stored
            } else {
                l.rawSet(-3);
            }
        }
    }

    private static long uint(byte[] s, int[] pos, int bytes) {
        byte[] b = take(s, pos, bytes);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    private static byte[] take(byte[] s, int[] pos, int n) {
        if (n < 0 || pos[0] + n > s.length) {
            throw new RuntimeException("Missing bytes in input.");
        }
        byte[] out = java.util.Arrays.copyOfRange(s, pos[0], pos[0] + n);
        pos[0] += n;
        return out;
    }
}
