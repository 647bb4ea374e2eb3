package io.rockhub.resp.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A raw RESP2/RESP3 reply parsed into a tree that keeps every type marker and length, so two replies
 * can be compared exactly except for the order of collections that Redis itself leaves unordered
 * (hash-table order). {@link #canonical} renders the tree back with only those collections sorted:
 * a reply with a wrong type, count, value or pairing still differs.
 */
public final class RespTree {
    /** How a reply's top-level collection may be reordered. */
    public enum Order {
        /** Exactly as sent. */
        EXACT,
        /** Elements in any order (SMEMBERS, KEYS, HVALS...). */
        ELEMENTS,
        /** Field-value pairs in any order, each pair kept together (HGETALL in RESP2, HRANDFIELD WITHVALUES...). */
        PAIRS,
        /** A SCAN reply: the cursor as sent, then the elements in any order. */
        SCAN_ELEMENTS,
        /** A HSCAN/ZSCAN reply: the cursor as sent, then pairs in any order. */
        SCAN_PAIRS
    }

    private final char type;
    private final String head;
    private final String blob;
    private final List<RespTree> children;

    private RespTree(char type, String head, String blob, List<RespTree> children) {
        this.type = type;
        this.head = head;
        this.blob = blob;
        this.children = children;
    }

    public static RespTree parse(String raw) {
        int[] pos = {0};
        RespTree t = next(raw, pos);
        if (pos[0] != raw.length()) {
            throw new IllegalArgumentException("bytes after the reply: " + raw.substring(pos[0]));
        }
        return t;
    }

    private static RespTree next(String s, int[] pos) {
        int eol = s.indexOf("\r\n", pos[0]);
        char type = s.charAt(pos[0]);
        String head = s.substring(pos[0] + 1, eol);
        pos[0] = eol + 2;
        switch (type) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    return new RespTree(type, head, null, List.of());
                }
                String blob = s.substring(pos[0], pos[0] + n);
                pos[0] += n + 2;
                return new RespTree(type, head, blob, List.of());
            }
            case '*', '~', '>', '%', '|' -> {
                int n = Integer.parseInt(head);
                int count = type == '%' || type == '|' ? 2 * Math.max(n, 0) : Math.max(n, 0);
                List<RespTree> kids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    kids.add(next(s, pos));
                }
                return new RespTree(type, head, null, kids);
            }
            default -> {
                return new RespTree(type, head, null, List.of());
            }
        }
    }

    /** A bulk string leaf. */
    public static RespTree bulk(String text) {
        return new RespTree('$', Integer.toString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                text, List.of());
    }

    /** The string of a bulk, simple or verbatim leaf; null for collections. */
    public String text() {
        return blob != null ? blob : children.isEmpty() && type != '*' && type != '%' && type != '~' ? head : null;
    }

    public List<RespTree> children() {
        return children;
    }

    /** The same collection type with other elements (a map's children are its keys and values in turn). */
    public RespTree withChildren(List<RespTree> kids) {
        int count = type == '%' || type == '|' ? kids.size() / 2 : kids.size();
        return new RespTree(type, Integer.toString(count), null, List.copyOf(kids));
    }

    /**
     * This tree with each map entry (RESP3 maps, at any depth) rewritten by {@code rewrite}, which
     * gets the entry's key and value and returns the new value, or null to drop the entry.
     */
    public RespTree rewriteMapEntries(java.util.function.BiFunction<String, RespTree, RespTree> rewrite) {
        if (children.isEmpty()) {
            return this;
        }
        List<RespTree> kids = new ArrayList<>();
        if (type == '%') {
            for (int i = 0; i < children.size(); i += 2) {
                RespTree value = rewrite.apply(children.get(i).text(), children.get(i + 1));
                if (value != null) {
                    kids.add(children.get(i));
                    kids.add(value.rewriteMapEntries(rewrite));
                }
            }
            return new RespTree(type, Integer.toString(kids.size() / 2), null, kids);
        }
        for (RespTree c : children) {
            kids.add(c.rewriteMapEntries(rewrite));
        }
        return new RespTree(type, head, null, kids);
    }

    /** The reply rendered back, with the collections {@code order} allows reordered in a fixed order. */
    public String canonical(Order order) {
        StringBuilder sb = new StringBuilder();
        render(sb, order, true);
        return sb.toString();
    }

    private void render(StringBuilder sb, Order order, boolean top) {
        sb.append(type).append(head).append("\r\n");
        if (blob != null) {
            sb.append(blob).append("\r\n");
        }
        if (children.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        for (RespTree c : children) {
            // A RESP3 set is unordered wherever it appears; anything else nested is compared exactly.
            parts.add(c.canonicalNested());
        }
        Order mine = top ? order : Order.EXACT;
        if (type == '~') {
            mine = Order.ELEMENTS;
        }
        switch (mine) {
            case ELEMENTS -> parts.sort(Comparator.naturalOrder());
            case PAIRS -> parts = sortedPairs(parts);
            case SCAN_ELEMENTS, SCAN_PAIRS -> {
                if (children.size() == 2 && !children.get(1).children.isEmpty()) {
                    StringBuilder inner = new StringBuilder();
                    children.get(1).render(inner, mine == Order.SCAN_PAIRS ? Order.PAIRS : Order.ELEMENTS, true);
                    parts.set(1, inner.toString());
                }
            }
            default -> { }
        }
        parts.forEach(sb::append);
    }

    private String canonicalNested() {
        StringBuilder sb = new StringBuilder();
        render(sb, Order.EXACT, false);
        return sb.toString();
    }

    private static List<String> sortedPairs(List<String> parts) {
        if (parts.size() % 2 != 0) {
            return parts;
        }
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < parts.size(); i += 2) {
            pairs.add(parts.get(i) + parts.get(i + 1));
        }
        pairs.sort(Comparator.naturalOrder());
        return pairs;
    }
}
