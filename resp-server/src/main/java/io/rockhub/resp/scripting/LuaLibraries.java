package io.rockhub.resp.scripting;

import java.util.concurrent.ThreadLocalRandom;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;

/**
 * The libraries Redis adds to its Lua: {@code bit} (LuaBitOp's functions on 32-bit integers) and
 * Redis's {@code math.random}/{@code math.randomseed} (rand48, so a seeded script draws the same
 * numbers as on Redis).
 */
final class LuaLibraries {
    private static final long RAND48_A = 0x5DEECE66DL;
    private static final long RAND48_MASK = (1L << 48) - 1;
    private static final double LRAND48_MAX = 2147483647.0;

    private LuaLibraries() {
    }

    /** Installs {@code bit} and replaces math.random / math.randomseed in {@code lua}'s globals. */
    static void install(Lua lua) {
        lua.newTable();
        fn(lua, "tobit", l -> bitResult(l, toBit(l, 1, "tobit")));
        fn(lua, "bnot", l -> bitResult(l, ~toBit(l, 1, "bnot")));
        fn(lua, "band", l -> fold(l, "band", (a, b) -> a & b));
        fn(lua, "bor", l -> fold(l, "bor", (a, b) -> a | b));
        fn(lua, "bxor", l -> fold(l, "bxor", (a, b) -> a ^ b));
        fn(lua, "lshift", l -> bitResult(l, toBit(l, 1, "lshift") << (toBit(l, 2, "lshift") & 31)));
        fn(lua, "rshift", l -> bitResult(l, toBit(l, 1, "rshift") >>> (toBit(l, 2, "rshift") & 31)));
        fn(lua, "arshift", l -> bitResult(l, toBit(l, 1, "arshift") >> (toBit(l, 2, "arshift") & 31)));
        fn(lua, "rol", l -> bitResult(l, Integer.rotateLeft(toBit(l, 1, "rol"), toBit(l, 2, "rol") & 31)));
        fn(lua, "ror", l -> bitResult(l, Integer.rotateRight(toBit(l, 1, "ror"), toBit(l, 2, "ror") & 31)));
        fn(lua, "bswap", l -> bitResult(l, Integer.reverseBytes(toBit(l, 1, "bswap"))));
        fn(lua, "tohex", l -> {
            int x = toBit(l, 1, "tohex");
            int n = l.getTop() >= 2 && !l.isNil(2) ? toBit(l, 2, "tohex") : 8;
            boolean upper = n < 0;
            n = Math.min(Math.abs(n), 8);
            String hex = String.format(upper ? "%08X" : "%08x", x);
            l.push(hex.substring(8 - n));
            return 1;
        });
        lua.setGlobal("bit");

        long[] state = {seed(ThreadLocalRandom.current().nextInt())};
        lua.getGlobal("math");
        fn(lua, "random", l -> {
            state[0] = (RAND48_A * state[0] + 0xB) & RAND48_MASK;
            double r = ((state[0] >>> 17) % (long) LRAND48_MAX) / LRAND48_MAX;
            switch (l.getTop()) {
                case 0 -> l.push(r);
                case 1 -> {
                    long u = (long) l.toNumber(1);
                    if (u < 1) {
                        l.error("bad argument #1 to 'random' (interval is empty)");
                        return 0;
                    }
                    l.push(Math.floor(r * u) + 1);
                }
                case 2 -> {
                    long lo = (long) l.toNumber(1);
                    long up = (long) l.toNumber(2);
                    if (lo > up) {
                        l.error("bad argument #2 to 'random' (interval is empty)");
                        return 0;
                    }
                    l.push(Math.floor(r * (up - lo + 1)) + lo);
                }
                default -> {
                    l.error("wrong number of arguments");
                    return 0;
                }
            }
            return 1;
        });
        fn(lua, "randomseed", l -> {
            state[0] = seed((int) (long) l.toNumber(1));
            return 0;
        });
        lua.pop(1);
    }

    /** srand48: the seed's 32 bits above the fixed low word 0x330E. */
    private static long seed(int seed) {
        return (((long) seed & 0xFFFFFFFFL) << 16) | 0x330EL;
    }

    private static void fn(Lua lua, String name, JFunction f) {
        lua.push(f);
        lua.setField(-2, name);
    }

    /** LuaBitOp's normalisation: rounded to the nearest integer, then its low 32 bits; a non-number is an argument error. */
    private static int toBit(Lua l, int index, String function) {
        if (index > l.getTop() || !l.isNumber(index)) {
            String got = index > l.getTop() ? "no value" : typeName(l.type(index));
            throw new RuntimeException("bad argument #" + index + " to '" + function + "' (number expected, got " + got + ")");
        }
        double d = l.toNumber(index);
        return (int) (long) Math.rint(d);
    }

    private static String typeName(Lua.LuaType t) {
        return switch (t) {
            case NIL, NONE -> "nil";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            case TABLE -> "table";
            case FUNCTION -> "function";
            case THREAD -> "thread";
            default -> "userdata";
        };
    }

    private static int bitResult(Lua l, int v) {
        l.push((double) v);
        return 1;
    }

    private interface IntOp {
        int apply(int a, int b);
    }

    private static int fold(Lua l, String function, IntOp op) {
        int acc = toBit(l, 1, function);
        for (int i = 2; i <= l.getTop(); i++) {
            acc = op.apply(acc, toBit(l, i, function));
        }
        return bitResult(l, acc);
    }
}
