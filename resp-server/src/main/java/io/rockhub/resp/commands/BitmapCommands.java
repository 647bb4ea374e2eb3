package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.types.BitmapStore;
import io.rockhub.core.types.BitmapStore.FieldOp;
import io.rockhub.core.types.Result;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import java.util.ArrayList;
import java.util.List;

/** Bitmap commands on strings: parse here, bits in {@link BitmapStore}. */
final class BitmapCommands {
    private static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";
    private static final String BAD_BIT = "ERR bit is not an integer or out of range";
    private static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private BitmapCommands() {
    }

    static void register(CommandTable t) {
        t.add(of("setbit", 4, "write denyoom", 1, 1, 1, "@write @bitmap @slow", BitmapCommands::setbit)
            .keys("RW access update index 1 range 0 1 0"))
         .add(of("getbit", 3, "readonly fast", 1, 1, 1, "@read @bitmap @fast", BitmapCommands::getbit)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("bitcount", -2, "readonly", 1, 1, 1, "@read @bitmap @slow", BitmapCommands::bitcount)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("bitpos", -3, "readonly", 1, 1, 1, "@read @bitmap @slow", BitmapCommands::bitpos)
             .keys("RO access index 1 range 0 1 0"))
         .add(of("bitop", -4, "write denyoom", 2, -1, 1, "@write @bitmap @slow", BitmapCommands::bitop)
             .keys("OW update index 2 range 0 1 0|RO access index 3 range -1 1 0"))
         .add(of("bitfield", -2, "write denyoom", 1, 1, 1, "@write @bitmap @slow", a -> bitfield(a, false))
             .keys("RW access update variable_flags index 1 range 0 1 0 // This command allows both access and modification of the key"))
         .add(of("bitfield_ro", -2, "readonly fast", 1, 1, 1, "@read @bitmap @fast", a -> bitfield(a, true))
             .keys("RO access index 1 range 0 1 0"));
    }

    private static BitmapStore bitmaps(CommandContext ctx) {
        return ctx.hub().bitmaps();
    }

    /**
     * A bit offset as Redis reads it ({@code #n} means n fields of {@code bits} when allowed), or
     * null when it is not one. The upper bound depends on proto-max-bulk-len: see {@link #tooFar}.
     */
    private static Long offset(byte[] arg, int bits) {
        boolean hash = bits > 0 && arg.length > 0 && arg[0] == '#';
        Long v = Numbers.parseLong(hash ? java.util.Arrays.copyOfRange(arg, 1, arg.length) : arg);
        if (v == null) {
            return null;
        }
        long offset = hash ? v * bits : v;
        return offset < 0 ? null : offset;
    }

    private static boolean tooFar(CommandContext ctx, long offset) {
        return (offset >> 3) >= ctx.hub().maxBulkLength();
    }

    private static Execution setbit(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        Long offset = offset(a.bytes(2), 0);
        if (offset == null) {
            throw new CommandError(BAD_OFFSET);
        }
        Long bit = Numbers.parseLong(a.bytes(3));
        return (ctx, out) -> {
            if (tooFar(ctx, offset)) {
                out.error(BAD_OFFSET);
            } else if (bit == null || (bit & ~1L) != 0) {
                out.error(BAD_BIT);
            } else {
                Replies.integer(out, bitmaps(ctx).setBit(key, offset, bit == 1));
            }
        };
    }

    private static Execution getbit(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        Long offset = offset(a.bytes(2), 0);
        if (offset == null) {
            throw new CommandError(BAD_OFFSET);
        }
        return (ctx, out) -> {
            if (tooFar(ctx, offset)) {
                out.error(BAD_OFFSET);
            } else {
                Replies.integer(out, bitmaps(ctx).getBit(key, offset));
            }
        };
    }

    /** BITCOUNT key [start end [BYTE | BIT]]: Redis 7.0 looks the key up before it reads the range. */
    private static Execution bitcount(Args a) {
        byte[] key = a.bytes(1);
        BitmapStore.Range range = null;
        CommandError refused = null;
        try {
            if (a.size() == 4 || a.size() == 5) {
                long start = a.longAt(2);
                long end = a.longAt(3);
                // Redis answers an inverted negative range before it reads the unit.
                boolean empty = start < 0 && end < 0 && start > end;
                range = new BitmapStore.Range(start, end, a.size() == 5 && !empty && bitUnit(a, 4), true);
            } else if (a.size() != 2) {
                throw new CommandError(Errors.SYNTAX);
            }
        } catch (CommandError e) {
            refused = e;
        }
        if (refused != null) {
            return KeyFirst.refusal(key, io.rockhub.core.encoding.DataType.STRING, out -> out.integer(0), refused);
        }
        BitmapStore.Range r = range;
        return (ctx, out) -> Replies.integer(out, bitmaps(ctx).bitCount(key, r));
    }

    private static boolean bitUnit(Args a, int i) throws CommandError {
        if (a.is(i, "BIT")) {
            return true;
        }
        if (a.is(i, "BYTE")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
    }

    /** BITPOS key bit [start [end [BYTE | BIT]]]: the bit is checked first, then the key, then the range. */
    private static Execution bitpos(Args a) throws CommandError {
        byte[] key = a.bytes(1);
        long bit = a.longAt(2);
        if (bit != 0 && bit != 1) {
            throw new CommandError("ERR The bit argument must be 1 or 0.");
        }
        BitmapStore.Range range = null;
        CommandError refused = null;
        try {
            if (a.size() >= 4 && a.size() <= 6) {
                long start = a.longAt(3);
                boolean bits = a.size() == 6 && bitUnit(a, 5);
                long end = a.size() >= 5 ? a.longAt(4) : -1;
                range = new BitmapStore.Range(start, end, bits, a.size() >= 5);
            } else if (a.size() != 3) {
                throw new CommandError(Errors.SYNTAX);
            }
        } catch (CommandError e) {
            refused = e;
        }
        if (refused != null) {
            return KeyFirst.refusal(key, io.rockhub.core.encoding.DataType.STRING, out -> out.integer(bit == 1 ? -1 : 0), refused);
        }
        BitmapStore.Range r = range;
        return (ctx, out) -> Replies.integer(out, bitmaps(ctx).bitPos(key, bit == 1, r));
    }

    private static Execution bitop(Args a) throws CommandError {
        BitmapStore.BitOp op = switch (a.option(1)) {
            case "AND" -> BitmapStore.BitOp.AND;
            case "OR" -> BitmapStore.BitOp.OR;
            case "XOR" -> BitmapStore.BitOp.XOR;
            case "NOT" -> BitmapStore.BitOp.NOT;
            default -> throw new CommandError(Errors.SYNTAX);
        };
        if (op == BitmapStore.BitOp.NOT && a.size() != 4) {
            throw new CommandError("ERR BITOP NOT must be called with a single source key.");
        }
        byte[] dest = a.bytes(2);
        List<byte[]> sources = List.copyOf(a.slice(3));
        return (ctx, out) -> Replies.integer(out, bitmaps(ctx).bitOp(op, dest, sources));
    }

    /** The operations parsed so far and the error that stopped the parse, if any. */
    private record Parsed(List<FieldOp> ops, String error) {
    }

    private static Execution bitfield(Args a, boolean readOnly) {
        byte[] key = a.bytes(1);
        Parsed parsed = parseFields(a);
        return (ctx, out) -> {
            // Offsets past proto-max-bulk-len are refused where Redis reads them: in order, before a later error.
            for (FieldOp op : parsed.ops()) {
                if (tooFar(ctx, op.offset())) {
                    out.error(BAD_OFFSET);
                    return;
                }
            }
            if (parsed.error() != null) {
                out.error(parsed.error());
                return;
            }
            if (readOnly && parsed.ops().stream().anyMatch(o -> o.kind() != FieldOp.Kind.GET)) {
                out.error("ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            Result<List<Long>> r = bitmaps(ctx).bitField(key, parsed.ops());
            if (Replies.error(out, r.status())) {
                return;
            }
            out.array(r.value().size());
            for (Long v : r.value()) {
                if (v == null) {
                    out.nullBulk();
                } else {
                    out.integer(v);
                }
            }
        };
    }

    private static Parsed parseFields(Args a) {
        List<FieldOp> ops = new ArrayList<>();
        BitmapStore.Overflow overflow = BitmapStore.Overflow.WRAP;
        for (int j = 2; j < a.size(); j++) {
            int remaining = a.size() - j - 1;
            FieldOp.Kind kind;
            String sub = a.option(j);
            if (sub.equals("GET") && remaining >= 2) {
                kind = FieldOp.Kind.GET;
            } else if (sub.equals("SET") && remaining >= 3) {
                kind = FieldOp.Kind.SET;
            } else if (sub.equals("INCRBY") && remaining >= 3) {
                kind = FieldOp.Kind.INCRBY;
            } else if (sub.equals("OVERFLOW") && remaining >= 1) {
                switch (a.option(++j)) {
                    case "WRAP" -> overflow = BitmapStore.Overflow.WRAP;
                    case "SAT" -> overflow = BitmapStore.Overflow.SAT;
                    case "FAIL" -> overflow = BitmapStore.Overflow.FAIL;
                    default -> {
                        return new Parsed(ops, "ERR Invalid OVERFLOW type specified");
                    }
                }
                continue;
            } else {
                return new Parsed(ops, Errors.SYNTAX);
            }
            byte[] type = a.bytes(j + 1);
            boolean signed;
            if (type.length > 0 && type[0] == 'i') {
                signed = true;
            } else if (type.length > 0 && type[0] == 'u') {
                signed = false;
            } else {
                return new Parsed(ops, BAD_TYPE);
            }
            Long bits = Numbers.parseLong(java.util.Arrays.copyOfRange(type, 1, type.length));
            if (bits == null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
                return new Parsed(ops, BAD_TYPE);
            }
            Long offset = offset(a.bytes(j + 2), bits.intValue());
            if (offset == null) {
                return new Parsed(ops, BAD_OFFSET);
            }
            long value = 0;
            if (kind != FieldOp.Kind.GET) {
                Long v = Numbers.parseLong(a.bytes(j + 3));
                if (v == null) {
                    // Its offset was read first: an offset too far still wins at run time.
                    ops.add(new FieldOp(FieldOp.Kind.GET, signed, bits.intValue(), offset, 0, overflow));
                    return new Parsed(ops, Errors.NOT_INTEGER);
                }
                value = v;
            }
            ops.add(new FieldOp(kind, signed, bits.intValue(), offset, value, overflow));
            j += kind == FieldOp.Kind.GET ? 2 : 3;
        }
        return new Parsed(ops, null);
    }
}
