package io.rockhub.resp.commands;

import static io.rockhub.resp.command.CommandSpec.of;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.types.Result;
import io.rockhub.core.types.ZSetStore;
import io.rockhub.core.util.Numbers;
import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandContext;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.CommandTable;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis 7.0's sortCommandGeneric: numeric or ALPHA order, BY and GET patterns
 * ({@code *} replaced by the element, {@code ->field} for a hash field, {@code #} for the element
 * itself) read in the sorted key's database, LIMIT, and STORE as a list.
 */
final class SortCommand {
    private SortCommand() {
    }

    static void register(CommandTable t) {
        t.add(of("sort", -2, "write denyoom movablekeys", 1, 1, 1, "@write @set @sortedset @list @slow @dangerous",
                a -> parse(a, false))
            .keys("RO access index 1 range 0 1 0|RO access unknown // For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"
                    + "|OW update unknown // For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array"))
         .add(of("sort_ro", -2, "readonly movablekeys", 1, 1, 1, "@read @set @sortedset @list @slow @dangerous",
                 a -> parse(a, true))
             .keys("RO access index 1 range 0 1 0|RO access unknown // For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort"));
    }

    private record Options(boolean desc, boolean alpha, long limitStart, long limitCount, byte[] store, byte[] by,
                           boolean dontSort, List<byte[]> gets) {
    }

    private static Execution parse(Args a, boolean readOnly) throws CommandError {
        boolean desc = false;
        boolean alpha = false;
        long start = 0;
        long count = -1;
        byte[] store = null;
        byte[] by = null;
        boolean dontSort = false;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < a.size(); j++) {
            int left = a.size() - j - 1;
            if (a.is(j, "ASC")) {
                desc = false;
            } else if (a.is(j, "DESC")) {
                desc = true;
            } else if (a.is(j, "ALPHA")) {
                alpha = true;
            } else if (a.is(j, "LIMIT") && left >= 2) {
                start = a.longAt(j + 1);
                count = a.longAt(j + 2);
                j += 2;
            } else if (!readOnly && a.is(j, "STORE") && left >= 1) {
                store = a.bytes(j + 1);
                j++;
            } else if (a.is(j, "BY") && left >= 1) {
                by = a.bytes(j + 1);
                // Once a BY without a pattern was given, a later BY with one does not bring sorting back.
                if (indexOf(by, (byte) '*') < 0) {
                    dontSort = true;
                }
                j++;
            } else if (a.is(j, "GET") && left >= 1) {
                gets.add(a.bytes(j + 1));
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Options o = new Options(desc, alpha, start, count, store, by, dontSort, gets);
        byte[] key = a.bytes(1);
        return (ctx, out) -> run(ctx, key, o, out);
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return -1; // C string functions stop at the first NUL
            }
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** One element being sorted: the element, and its score or comparison value. */
    private static final class Item {
        final byte[] element;
        double score;
        byte[] cmp;

        Item(byte[] element) {
            this.element = element;
        }
    }

    private static void run(CommandContext ctx, byte[] key, Options o, io.rockhub.resp.protocol.RespWriter out) {
        Metadata m = ctx.hub().keys().live(key);
        if (m != null && m.type() != DataType.SET && m.type() != DataType.LIST && m.type() != DataType.ZSET) {
            out.error(Errors.WRONG_TYPE);
            return;
        }
        boolean dontSort = o.dontSort();
        boolean alpha = o.alpha();
        byte[] by = o.by();
        if (dontSort && m != null && m.type() == DataType.SET && o.store() != null) {
            // A set's own order is its hash table's: to store something reproducible Redis sorts it.
            dontSort = false;
            alpha = true;
            by = null;
        }
        List<byte[]> elements = elements(ctx, key, m, dontSort && o.desc());
        int length = elements.size();
        long start = o.limitStart() < 0 ? 0 : o.limitStart();
        long end = o.limitCount() < 0 ? length - 1 : start + o.limitCount() - 1;
        if (start >= length) {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) {
            end = length - 1;
        }
        List<Item> items = new ArrayList<>(length);
        for (byte[] e : elements) {
            items.add(new Item(e));
        }
        int ns = StoredKey.namespace(key);
        boolean conversionError = false;
        if (!dontSort) {
            for (Item it : items) {
                byte[] byValue;
                if (by != null) {
                    byValue = lookup(ctx, ns, by, it.element);
                    if (byValue == null) {
                        continue;
                    }
                } else {
                    byValue = it.element;
                }
                if (alpha) {
                    if (by != null) {
                        it.cmp = byValue;
                    }
                } else {
                    Double d = strtod(byValue);
                    if (d == null) {
                        conversionError = true;
                    } else {
                        it.score = d;
                    }
                }
            }
            items.sort(comparator(alpha, by != null, o.store() != null, o.desc()));
        }
        int from = (int) start;
        int to = (int) end;
        if (conversionError) {
            out.error("ERR One or more scores can't be converted into double");
            return;
        }
        int outputs = o.gets().isEmpty() ? 1 : o.gets().size();
        if (o.store() == null) {
            out.array((long) outputs * Math.max(0, to - from + 1));
            for (int j = from; j <= to; j++) {
                Item it = items.get(j);
                if (o.gets().isEmpty()) {
                    out.bulk(it.element);
                }
                for (byte[] pattern : o.gets()) {
                    out.bulk(lookup(ctx, ns, pattern, it.element));
                }
            }
            return;
        }
        List<byte[]> stored = new ArrayList<>();
        for (int j = from; j <= to; j++) {
            Item it = items.get(j);
            if (o.gets().isEmpty()) {
                stored.add(it.element);
            }
            for (byte[] pattern : o.gets()) {
                byte[] v = lookup(ctx, ns, pattern, it.element);
                stored.add(v == null ? new byte[0] : v);
            }
        }
        out.integer(ctx.hub().lists().replace(o.store(), stored));
    }

    /** The elements in the key's own order (a list or sorted set reversed for DESC when nothing is sorted). */
    private static List<byte[]> elements(CommandContext ctx, byte[] key, Metadata m, boolean reverse) {
        if (m == null) {
            return List.of();
        }
        return switch (m.type()) {
            case LIST -> {
                List<byte[]> items = new ArrayList<>(ctx.hub().lists().range(key, 0, -1).value());
                if (reverse) {
                    java.util.Collections.reverse(items);
                }
                yield items;
            }
            case SET -> ctx.hub().sets().members(key).value();
            default -> {
                List<byte[]> out = new ArrayList<>();
                for (ZSetStore.ScoredMember e : ctx.hub().zsets().rangeByRank(key, 0, -1, reverse).value()) {
                    out.add(e.member());
                }
                yield out;
            }
        };
    }

    /** strtod as SORT uses it: the whole value must be read, leading spaces allowed, "" is 0, no NaN or ERANGE. */
    private static Double strtod(byte[] v) {
        if (v.length == 0) {
            return 0.0;
        }
        int i = 0;
        while (i < v.length && (v[i] == ' ' || (v[i] >= '\t' && v[i] <= '\r'))) {
            i++;
        }
        Double d = i < v.length ? Numbers.parseScore(Arrays.copyOfRange(v, i, v.length), false) : null;
        return d == null || d.isNaN() ? null : d;
    }

    /** The value a BY or GET pattern names for {@code element}, or null; keys are read in database {@code ns}. */
    private static byte[] lookup(CommandContext ctx, int ns, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = indexOf(pattern, (byte) '*');
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        byte[] field = arrow >= 0 && arrow + 2 < pattern.length ? Arrays.copyOfRange(pattern, arrow + 2, pattern.length) : null;
        int suffixEnd = field != null ? arrow : pattern.length;
        byte[] name = new byte[star + element.length + (suffixEnd - star - 1)];
        System.arraycopy(pattern, 0, name, 0, star);
        System.arraycopy(element, 0, name, star, element.length);
        System.arraycopy(pattern, star + 1, name, star + element.length, suffixEnd - star - 1);
        byte[] key = StoredKey.of(ns, name);
        Metadata m = ctx.hub().keys().live(key);
        if (m == null) {
            return null;
        }
        if (field != null) {
            if (m.type() != DataType.HASH) {
                return null;
            }
            Result<byte[]> r = ctx.hub().hashes().get(key, field);
            return r.isOk() ? r.value() : null;
        }
        if (!m.type().isString()) {
            return null;
        }
        Result<byte[]> r = ctx.hub().strings().get(key);
        return r.isOk() ? r.value() : null;
    }

    /** Redis's sortCompare: scores then bytes; ALPHA by C string order (strcoll in the C locale). */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> c;
        if (!alpha) {
            c = (x, y) -> x.score > y.score ? 1 : x.score < y.score ? -1 : Arrays.compareUnsigned(x.element, y.element);
        } else if (byPattern) {
            c = (x, y) -> {
                if (x.cmp == null || y.cmp == null) {
                    return x.cmp == y.cmp ? 0 : x.cmp == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(x.cmp, y.cmp) : strcmp(x.cmp, y.cmp);
            };
        } else {
            c = (x, y) -> store ? Arrays.compareUnsigned(x.element, y.element) : strcmp(x.element, y.element);
        }
        return desc ? c.reversed() : c;
    }

    /** C's strcmp: unsigned bytes up to the first NUL. */
    private static int strcmp(byte[] a, byte[] b) {
        for (int i = 0; ; i++) {
            int x = i < a.length ? a[i] & 0xff : 0;
            int y = i < b.length ? b[i] & 0xff : 0;
            if (x != y) {
                return x - y;
            }
            if (x == 0) {
                return 0;
            }
        }
    }
}
