package io.rockhub.resp.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a command line, found from its key specifications as Redis 7.0 finds them (COMMAND
 * GETKEYS, and later ACL key checks and cluster slot routing): where each spec begins (an index, or
 * after a keyword) and how far it goes (a range, or a count argument).
 */
public final class KeyFinder {
    private KeyFinder() {
    }

    /** One key found: its position in the command line and the flags of the spec that found it. */
    public record Found(int position, List<String> flags) {
    }

    /**
     * The keys, in spec order; null when the arguments do not fit (Redis: "Invalid arguments").
     * When a key-count spec cannot read its count, Redis falls back to its older key finder, which
     * reads the count with atoi ("01", "+1" count) and reports no flags: so does this.
     */
    public static List<Found> find(CommandSpec spec, List<byte[]> argv) {
        if (spec.name().equals("sort") || spec.name().equals("sort_ro")) {
            return sortKeys(spec, argv);
        }
        List<Found> bySpecs = bySpecs(spec, argv);
        return bySpecs != null ? bySpecs : byCount(spec, argv);
    }

    /** Redis's genericGetKeys: as many keys as the count (read with atoi) says, then a store key if any. */
    private static List<Found> byCount(CommandSpec spec, List<byte[]> argv) {
        KeySpec counted = null;
        Integer store = null;
        for (KeySpec k : spec.keySpecs()) {
            if (k.find() instanceof KeySpec.KeyNum && k.begin() instanceof KeySpec.Index) {
                counted = k;
            } else if (k.begin() instanceof KeySpec.Index i && k.find() instanceof KeySpec.Range r && r.lastKey() == 0) {
                store = i.index();
            }
        }
        if (counted == null) {
            return null;
        }
        int countAt = ((KeySpec.Index) counted.begin()).index();
        int firstKey = countAt + 1;
        if (countAt >= argv.size()) {
            return null;
        }
        long num = atoi(argv.get(countAt));
        if (num < 1 || num > argv.size() - firstKey) {
            return null;
        }
        List<Found> out = new ArrayList<>();
        for (int i = 0; i < num; i++) {
            out.add(new Found(firstKey + i, List.of()));
        }
        if (store != null) {
            out.add(new Found(store, List.of())); // Redis lists the destination last here
        }
        return out;
    }

    /**
     * Redis's sortGetKeys: the sorted key, and the last STORE's key (options LIMIT, GET and BY are
     * skipped with their arguments; any other word is taken as an option without one).
     */
    private static List<Found> sortKeys(CommandSpec spec, List<byte[]> argv) {
        List<Found> out = new ArrayList<>();
        out.add(new Found(1, List.of("RO", "access")));
        if (spec.name().equals("sort_ro")) {
            return out;
        }
        Integer store = null;
        for (int i = 2; i < argv.size(); i++) {
            String a = new String(argv.get(i), StandardCharsets.UTF_8);
            if (a.equalsIgnoreCase("limit")) {
                i += 2;
            } else if (a.equalsIgnoreCase("get") || a.equalsIgnoreCase("by")) {
                i += 1;
            } else if (a.equalsIgnoreCase("store") && i + 1 < argv.size()) {
                store = i + 1;
            }
        }
        if (store != null) {
            out.add(new Found(store, List.of("OW", "update")));
        }
        return out;
    }

    /** C's atoi: leading spaces, a sign, then digits up to the first non-digit; 0 for none. */
    private static long atoi(byte[] b) {
        int i = 0;
        while (i < b.length && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < b.length && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        long v = 0;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9' && v < Integer.MAX_VALUE; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return negative ? -v : v;
    }

    private static List<Found> bySpecs(CommandSpec spec, List<byte[]> argv) {
        int argc = argv.size();
        List<Found> out = new ArrayList<>();
        for (KeySpec k : spec.keySpecs()) {
            int first = 0;
            if (k.begin() instanceof KeySpec.Index i) {
                first = i.index();
            } else if (k.begin() instanceof KeySpec.Keyword w) {
                first = afterKeyword(argv, w);
                if (first == 0) {
                    continue; // no keyword: this spec names no key
                }
            }
            int last;
            int step;
            if (k.find() instanceof KeySpec.Range r) {
                step = r.step();
                if (r.lastKey() >= 0) {
                    last = first + r.lastKey();
                } else if (r.limit() == 0) {
                    last = argc + r.lastKey();
                } else {
                    last = first + ((argc - first) / r.limit() + r.lastKey());
                }
            } else {
                KeySpec.KeyNum n = (KeySpec.KeyNum) k.find();
                step = n.step();
                if (n.keyNumIndex() >= argc - first) {
                    return null;
                }
                Long numKeys = io.rockhub.core.util.Numbers.parseLong(argv.get(first + n.keyNumIndex()));
                if (numKeys == null || numKeys < 0 || numKeys > Integer.MAX_VALUE) {
                    return null;
                }
                first += n.firstKey();
                last = first + numKeys.intValue() - 1;
            }
            if (last >= argc || last < first || first >= argc) {
                return null;
            }
            List<String> flags = k.flags().contains("variable_flags") ? variableFlags(spec, argv) : k.flags();
            for (int i = first; i <= last; i += step) {
                out.add(new Found(i, flags));
            }
        }
        return out;
    }

    /**
     * The flags of a spec marked variable_flags depend on the arguments; SET is the one such
     * command: with GET it reads its key (RW access update), without it overwrites it (OW update).
     */
    private static List<String> variableFlags(CommandSpec spec, List<byte[]> argv) {
        if (spec.name().equals("bitfield")) {
            return bitfieldReadOnly(argv) ? List.of("RO", "access") : List.of("RW", "access", "update");
        }
        if (spec.name().equals("set")) {
            for (int i = 3; i < argv.size(); i++) {
                if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase("GET")) {
                    return List.of("RW", "access", "update");
                }
            }
            return List.of("OW", "update");
        }
        return spec.keySpecs().get(0).flags();
    }

    /** Whether BITFIELD's operations are all GETs (a syntax error counts as a write, as in Redis). */
    private static boolean bitfieldReadOnly(List<byte[]> argv) {
        for (int i = 2; i < argv.size(); i++) {
            int remaining = argv.size() - i - 1;
            String op = new String(argv.get(i), StandardCharsets.UTF_8);
            if (op.equalsIgnoreCase("get") && remaining >= 2) {
                i += 2;
            } else if (op.equalsIgnoreCase("overflow") && remaining >= 1) {
                i += 1;
            } else {
                return false;
            }
        }
        return true;
    }

    private static int afterKeyword(List<byte[]> argv, KeySpec.Keyword w) {
        int argc = argv.size();
        int start = w.startFrom() > 0 ? w.startFrom() : argc + w.startFrom();
        int end = w.startFrom() > 0 ? argc - 1 : 0;
        for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
            if (i >= argc || i < 1) {
                break;
            }
            if (new String(argv.get(i), StandardCharsets.UTF_8).equalsIgnoreCase(w.keyword())) {
                return i + 1;
            }
        }
        return 0;
    }
}
