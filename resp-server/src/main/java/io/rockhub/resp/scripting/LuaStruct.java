package io.rockhub.resp.scripting;

import java.io.ByteArrayOutputStream;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;

/**
 * {@code struct} for scripts: pack, unpack and size with the format language of the struct 0.2
 * library Redis embeds (on a 64-bit little-endian machine: long and size_t of 8 bytes, int of 4,
 * no alignment unless '!' asks), its argument checks and error texts.
 */
final class LuaStruct {
    private static final int MAX_INT_SIZE = 32;
    private static final int MAX_ALIGN = 8;

    private LuaStruct() {
    }

    static void install(Lua lua) {
        lua.newTable();
        lua.push((JFunction) LuaStruct::pack);
        lua.setField(-2, "pack");
        lua.push((JFunction) LuaStruct::unpack);
        lua.setField(-2, "unpack");
        lua.push((JFunction) LuaStruct::size);
        lua.setField(-2, "size");
        lua.setGlobal("struct");
    }

    /** Where the format is read, and the byte order and alignment set so far. */
    private static final class Format {
        final String text;
        final String function;
        int at;
        boolean little = true;
        int align = 1;

        Format(String text, String function) {
            this.text = text;
            this.function = function;
        }

        boolean more() {
            return at < text.length();
        }

        char next() {
            return text.charAt(at++);
        }

        int number(int otherwise) {
            if (!more() || !Character.isDigit(text.charAt(at))) {
                return otherwise;
            }
            int n = 0;
            while (more() && Character.isDigit(text.charAt(at))) {
                n = n * 10 + (text.charAt(at++) - '0');
            }
            return n;
        }

        /** The size of option {@code opt} (reading its count), or 0 for control options. */
        int size(char opt) {
            switch (opt) {
                case 'B', 'b', 'x':
                    return 1;
                case 'H', 'h':
                    return 2;
                case 'L', 'l', 'T', 'd':
                    return 8;
                case 'f':
                    return 4;
                case 'c':
                    return number(1);
                case 'i', 'I': {
                    int n = number(4);
                    if (n > MAX_INT_SIZE) {
                        throw argError(1, "integral size " + n + " is larger than limit of " + MAX_INT_SIZE);
                    }
                    return n;
                }
                default:
                    return 0;
            }
        }

        int padding(long length, char opt, int size) {
            if (size == 0 || opt == 'c') {
                return 0;
            }
            int s = Math.min(size, align);
            return (int) ((s - (length & (s - 1))) & (s - 1));
        }

        /** Applies a control option; false if {@code opt} is not one. */
        void control(char opt) {
            switch (opt) {
                case ' ' -> { }
                case '>' -> little = false;
                case '<' -> little = true;
                case '!' -> {
                    int a = number(MAX_ALIGN);
                    if (Integer.bitCount(a) != 1) {
                        throw argError(1, "alignment " + a + " is not a power of 2");
                    }
                    align = a;
                }
                default -> throw argError(1, "invalid format option '" + opt + "'");
            }
        }

        RuntimeException argError(int arg, String why) {
            return new RuntimeException("bad argument #" + arg + " to '" + function + "' (" + why + ")");
        }
    }

    private static int pack(Lua l) {
        Format f = new Format(l.toString(1), "pack");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int arg = 2;
        while (f.more()) {
            char opt = f.next();
            int size = f.size(opt);
            int pad = f.padding(out.size(), opt, size);
            for (int i = 0; i < pad; i++) {
                out.write(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    double n = number(l, arg++, f);
                    long v = n < 0 ? (long) n : n >= 0x1p63 ? (long) (n - 0x1p64) : (long) n;
                    integer(out, v, size, f.little);
                }
                case 'x' -> out.write(0);
                case 'f' -> integer(out, Float.floatToIntBits((float) number(l, arg++, f)) & 0xFFFFFFFFL, 4, f.little);
                case 'd' -> integer(out, Double.doubleToLongBits(number(l, arg++, f)), 8, f.little);
                case 'c', 's' -> {
                    if (l.type(arg) != Lua.LuaType.STRING && l.type(arg) != Lua.LuaType.NUMBER) {
                        throw f.argError(arg, "string expected, got " + typeName(l, arg));
                    }
                    byte[] s = ScriptVm.bytes(l, arg);
                    int n = opt == 's' || size == 0 ? s.length : size;
                    if (s.length < n) {
                        throw f.argError(arg, "string too short");
                    }
                    out.write(s, 0, n);
                    if (opt == 's') {
                        out.write(0);
                    }
                    arg++;
                }
                default -> f.control(opt);
            }
        }
        l.setTop(0);
        ScriptVm.pushBytes(l, out.toByteArray());
        return 1;
    }

    private static int unpack(Lua l) {
        Format f = new Format(l.toString(1), "unpack");
        byte[] data = ScriptVm.bytes(l, 2);
        long pos = l.getTop() >= 3 && !l.isNil(3) ? (long) l.toNumber(3) - 1 : 0;
        if (pos < 0 || pos > data.length) {
            throw f.argError(3, "offset out of range");
        }
        l.setTop(0);
        int results = 0;
        while (f.more()) {
            char opt = f.next();
            int size = f.size(opt);
            pos += f.padding(pos, opt, size);
            if (pos + size > data.length) {
                throw f.argError(2, "data string too short");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> {
                    l.push((double) integer(data, (int) pos, size, f.little, Character.isLowerCase(opt)));
                    results++;
                }
                case 'x' -> { }
                case 'f' -> {
                    l.push((double) Float.intBitsToFloat((int) integer(data, (int) pos, 4, f.little, false)));
                    results++;
                }
                case 'd' -> {
                    l.push(Double.longBitsToDouble(integer(data, (int) pos, 8, f.little, false)));
                    results++;
                }
                case 'c' -> {
                    if (size == 0) {
                        if (results == 0 || l.type(-1) != Lua.LuaType.NUMBER) {
                            throw new RuntimeException("format 'c0' needs a previous size");
                        }
                        size = (int) l.toNumber(-1);
                        l.pop(1);
                        results--;
                        if (pos + size > data.length) {
                            throw f.argError(2, "data string too short");
                        }
                    }
                    ScriptVm.pushBytes(l, java.util.Arrays.copyOfRange(data, (int) pos, (int) pos + size));
                    results++;
                }
                case 's' -> {
                    int end = (int) pos;
                    while (end < data.length && data[end] != 0) {
                        end++;
                    }
                    if (end >= data.length) {
                        throw new RuntimeException("unfinished string in data");
                    }
                    ScriptVm.pushBytes(l, java.util.Arrays.copyOfRange(data, (int) pos, end));
                    results++;
                    size = end - (int) pos + 1;
                }
                default -> f.control(opt);
            }
            pos += size;
        }
        l.push((double) (pos + 1));
        return results + 1;
    }

    private static int size(Lua l) {
        Format f = new Format(l.toString(1), "size");
        long pos = 0;
        while (f.more()) {
            char opt = f.next();
            int size = f.size(opt);
            pos += f.padding(pos, opt, size);
            if (opt == 's') {
                throw f.argError(1, "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw f.argError(1, "option 'c0' has no fixed size");
            }
            if (size == 0 && opt != 'c') {
                f.control(opt);
            }
            pos += size;
        }
        l.setTop(0);
        l.push((double) pos);
        return 1;
    }

    private static double number(Lua l, int arg, Format f) {
        if (arg > l.getTop() || !l.isNumber(arg)) {
            throw f.argError(arg, "number expected, got " + typeName(l, arg));
        }
        return l.toNumber(arg);
    }

    private static String typeName(Lua l, int arg) {
        if (arg > l.getTop()) {
            return "nil";
        }
        return switch (l.type(arg)) {
            case NIL, NONE -> "nil";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            case NUMBER -> "number";
            case TABLE -> "table";
            case FUNCTION -> "function";
            default -> "userdata";
        };
    }

    private static void integer(ByteArrayOutputStream out, long v, int size, boolean little) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            // Past 8 bytes, the sign fills the rest, as struct's putinteger does.
            long part = i < 8 ? (v >>> (8 * i)) & 0xff : (v < 0 ? 0xff : 0);
            b[little ? i : size - 1 - i] = (byte) part;
        }
        out.writeBytes(b);
    }

    private static long integer(byte[] data, int pos, int size, boolean little, boolean signed) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            int b = data[pos + (little ? size - 1 - i : i)] & 0xff;
            v = (v << 8) | b;
        }
        if (signed && size < 8) {
            long mask = 1L << (size * 8 - 1);
            v = (v ^ mask) - mask;
        }
        return v;
    }
}
