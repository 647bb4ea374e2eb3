package io.rockhub.core.util;

/**
 * Redis glob-style matching ({@code *}, {@code ?}, {@code [a-z]}, {@code [^x]}, {@code \} escapes)
 * over raw bytes, with the same semantics as Redis's {@code stringmatchlen}, used by KEYS, SCAN
 * MATCH and CONFIG GET.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] subject, boolean nocase) {
        return matches(pattern, subject, 0, nocase);
    }

    /**
     * Matches {@code subject} from offset {@code from} to its end. An empty subject matches only
     * the empty pattern, not even {@code *}, as in Redis (whose KEYS and SCAN treat a lone
     * {@code *} as "everything" before matching, so an empty key is still listed there).
     */
    public static boolean matches(byte[] pattern, byte[] subject, int from, boolean nocase) {
        if (from >= subject.length) {
            return pattern.length == 0;
        }
        return match(pattern, 0, subject, from, nocase, 0, new boolean[1]);
    }

    public static boolean matches(String pattern, String subject) {
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                subject.getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    }

    /**
     * The literal prefix of a pattern: every key it matches starts with these bytes, so a scan can
     * seek to them instead of walking the whole keyspace.
     */
    public static byte[] literalPrefix(byte[] pattern) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pattern.length; i++) {
            byte b = pattern[i];
            if (b == '*' || b == '?' || b == '[') {
                break;
            }
            if (b == '\\') {
                if (i + 1 >= pattern.length) {
                    break;
                }
                b = pattern[++i];
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /**
     * {@code exhausted[0]} is set once the rest of a pattern after a {@code *} failed even when
     * tried against the subject's very end: no outer {@code *} can then help by giving it a shorter
     * tail, so every caller gives up at once. Without it {@code a*a*a*...b} against a run of
     * {@code a}s backtracks exponentially (Redis 7.0.10 added the same bound, CVE-2022-36021).
     */
    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth, boolean[] exhausted) {
        if (depth > 1000) {
            // Redis bounds recursion the same way: pathological patterns fail instead of overflowing.
            return false;
        }
        while (pi < p.length && si < s.length) {
            switch (p[pi]) {
                case '*' -> {
                    while (pi + 1 < p.length && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == p.length) {
                        return true;
                    }
                    for (int k = si; k < s.length; k++) {
                        if (match(p, pi + 1, s, k, nocase, depth + 1, exhausted)) {
                            return true;
                        }
                        if (exhausted[0]) {
                            return false;
                        }
                    }
                    exhausted[0] = true;
                    return false;
                }
                case '?' -> si++;
                case '[' -> {
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi >= p.length) {
                            pi--; // unterminated class: treat end of pattern as ']'
                            break;
                        }
                        if (p[pi] == '\\' && pi + 2 <= p.length) {
                            pi++;
                            if (p[pi] == s[si]) {
                                matched = true;
                            }
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff;
                            int end = p[pi + 2] & 0xff;
                            int c = s[si] & 0xff;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            pi += 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (eq(p[pi], s[si], nocase)) {
                            matched = true;
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (!eq(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (!eq(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length && si == s.length;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        return a == b || (nocase && lower(a & 0xff) == lower(b & 0xff));
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
