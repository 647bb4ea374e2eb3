package io.rockhub.resp.testing;

import java.util.ArrayList;
import java.util.List;

/** Parses a raw RESP2 reply (as {@link RawClient} returns it) into strings, longs, lists and nulls. */
public final class Resp {
    private final String s;
    private int pos;

    private Resp(String s) {
        this.s = s;
    }

    public static Object parse(String raw) {
        return new Resp(raw).next();
    }

    private Object next() {
        int eol = s.indexOf("\r\n", pos);
        char type = s.charAt(pos);
        String head = s.substring(pos + 1, eol);
        pos = eol + 2;
        switch (type) {
            case '+', '-' -> {
                return head;
            }
            case ':' -> {
                return Long.parseLong(head);
            }
            case '$' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    return null;
                }
                String v = s.substring(pos, pos + n);
                pos += n + 2;
                return v;
            }
            case '*' -> {
                int n = Integer.parseInt(head);
                if (n < 0) {
                    return null;
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    out.add(next());
                }
                return out;
            }
            default -> throw new IllegalArgumentException("unsupported RESP type " + type);
        }
    }
}
