package io.rockhub.core.util;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** Number parsing and formatting with Redis's exact rules. */
public final class Numbers {
    private Numbers() {
    }

    /**
     * Parses a signed 64-bit integer as Redis's {@code string2ll} does: no spaces, no '+', no
     * leading zeros, at most 20 characters. Returns null if the text is not such a number.
     */
    public static Long parseLong(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return null;
        }
        if (n == 1 && b[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = false;
        if (b[0] == '-') {
            negative = true;
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return null;
        }
        long v = 0; // accumulated as a negative number so that Long.MIN_VALUE fits
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
            if (v > 0) {
                return null;
            }
        }
        if (negative) {
            return v;
        }
        return v == Long.MIN_VALUE ? null : -v;
    }

    public static Long parseLong(String s) {
        return parseLong(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A long double as {@code strtold} gives it: a finite value (exactly), or an infinity. */
    public record LongDouble(BigDecimal value, int infinity) {
        public static final LongDouble POSITIVE_INFINITY = new LongDouble(null, 1);
        public static final LongDouble NEGATIVE_INFINITY = new LongDouble(null, -1);

        public static LongDouble of(BigDecimal finite) {
            return new LongDouble(finite, 0);
        }

        public boolean isInfinite() {
            return infinity != 0;
        }
    }

    /** Redis's buffer for a long double's text (MAX_LONG_DOUBLE_CHARS): longer input is refused. */
    private static final int MAX_LONG_DOUBLE_CHARS = 5 * 1024;
    /** LDBL_MAX of the x87 80-bit format: (2^64 - 1) * 2^16320. */
    private static final BigDecimal LDBL_MAX = new BigDecimal(
            java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE).shiftLeft(16320));
    /** Half the smallest subnormal long double: anything this small or smaller rounds to zero (ERANGE). */
    private static final int UNDERFLOW_POW2 = -16446;
    /** Exponents beyond this cannot matter: the value overflows or underflows either way. */
    private static final int EXPONENT_CLAMP = 100_000;

    /** A number's exact value as strtod/strtold read it, before rounding; {@code magnitude} null for an infinity. */
    private record Exact(boolean negative, BigDecimal magnitude) {
    }

    /** Mantissa digits kept before the rest only counts as "something nonzero follows" (enough for every rounding). */
    private static final int MAX_SIGNIFICANT_DIGITS = 12_000;

    /**
     * Reads all of {@code b} from {@code i} as glibc's strtod and strtold read a number: an
     * optional sign, then decimal digits with an optional point and {@code e} exponent, or
     * {@code 0x} hex digits with an optional point and {@code p} binary exponent, or {@code inf} /
     * {@code infinity} in any case. Null when the text is not such a number or anything follows it.
     */
    private static Exact readExact(byte[] b, int i) {
        int n = b.length;
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i >= n) {
            return null;
        }
        String word = n - i <= 8 ? new String(b, i, n - i, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT) : "";
        if (word.equals("inf") || word.equals("infinity")) {
            return new Exact(negative, null);
        }
        boolean hex = n - i > 2 && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X');
        BigDecimal v = hex ? parseHex(b, i + 2) : parseDecimalDigits(b, i);
        return v == null ? null : new Exact(negative, v);
    }

    /**
     * Parses a number as Redis's {@code string2ld} does with glibc's {@code strtold}: decimal and
     * hexadecimal ({@code 0x1.8p3}) notation with an optional sign, {@code inf} and
     * {@code infinity} in any case; no leading space, nothing after the number, no NaN, nothing
     * that overflows the 80-bit long double or underflows to zero. The value is rounded to the
     * nearest long double (64-bit mantissa, ties to even). Null when Redis would refuse it.
     */
    public static LongDouble parseLongDouble(byte[] b) {
        if (b.length == 0 || b.length >= MAX_LONG_DOUBLE_CHARS || isCSpace(b[0])) {
            return null;
        }
        Exact e = readExact(b, 0);
        if (e == null) {
            return null;
        }
        if (e.magnitude() == null) {
            return e.negative() ? LongDouble.NEGATIVE_INFINITY : LongDouble.POSITIVE_INFINITY;
        }
        BigDecimal v = e.magnitude();
        if (v.signum() == 0) {
            return LongDouble.of(BigDecimal.ZERO);
        }
        int exp10 = v.precision() - v.scale() - 1;
        if (exp10 > 4933 || exp10 < -4953 || (exp10 < -4940 && v.compareTo(pow2(UNDERFLOW_POW2)) <= 0)) {
            return null; // ERANGE: HUGE_VALL or zero, both refused
        }
        BigDecimal r = toLongDouble(v);
        if (r.compareTo(LDBL_MAX) > 0) {
            return null;
        }
        return LongDouble.of(e.negative() ? r.negate() : r);
    }

    /** {@code digits[.digits][e[sign]digits]} from {@code i} to the end, at least one mantissa digit. */
    private static BigDecimal parseDecimalDigits(byte[] b, int i) {
        StringBuilder digits = new StringBuilder();
        int fraction = 0;
        int dropped = 0;
        boolean stickyNonZero = false;
        boolean dot = false;
        boolean any = false;
        int n = b.length;
        for (; i < n; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (digits.length() == 0 && c == '0') {
                    if (dot) {
                        fraction++;
                    }
                    continue; // leading zeros carry no value
                }
                if (digits.length() < MAX_SIGNIFICANT_DIGITS) {
                    digits.append((char) c);
                    if (dot) {
                        fraction++;
                    }
                } else {
                    // Far digits only decide a rounding tie: remember whether any is nonzero.
                    stickyNonZero |= c != '0';
                    if (!dot) {
                        dropped++;
                    }
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (!any) {
            return null;
        }
        long exponent = 0;
        if (i < n) {
            if (b[i] != 'e' && b[i] != 'E') {
                return null;
            }
            Long e = exponentAt(b, i + 1);
            if (e == null) {
                return null;
            }
            exponent = e;
        }
        if (digits.length() == 0) {
            return BigDecimal.ZERO;
        }
        if (stickyNonZero) {
            digits.append('1');
            fraction++;
        }
        long scale = fraction - exponent - dropped;
        scale = Math.max(-EXPONENT_CLAMP, Math.min(EXPONENT_CLAMP, scale));
        return new BigDecimal(new java.math.BigInteger(digits.toString()), (int) scale);
    }

    /** Hex digits with an optional point, then an optional binary exponent {@code p[sign]digits}. */
    private static BigDecimal parseHex(byte[] b, int i) {
        StringBuilder kept = new StringBuilder();
        int digits = 0;
        int fraction = 0;
        int dropped = 0;
        boolean stickyNonZero = false;
        boolean dot = false;
        int n = b.length;
        for (; i < n; i++) {
            int d = Character.digit(b[i], 16);
            if (d >= 0) {
                digits++;
                if (kept.length() == 0 && d == 0) {
                    if (dot) {
                        fraction++;
                    }
                } else if (kept.length() < MAX_SIGNIFICANT_DIGITS / 4) {
                    kept.append((char) b[i]);
                    if (dot) {
                        fraction++;
                    }
                } else {
                    stickyNonZero |= d != 0;
                    if (!dot) {
                        dropped++;
                    }
                }
            } else if (b[i] == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return null; // strtold reads "0" and stops at the 'x'
        }
        long exponent = 0;
        if (i < n) {
            if (b[i] != 'p' && b[i] != 'P') {
                return null;
            }
            Long e = exponentAt(b, i + 1);
            if (e == null) {
                return null;
            }
            exponent = e;
        }
        if (kept.length() == 0) {
            return BigDecimal.ZERO;
        }
        if (stickyNonZero) {
            kept.append('1');
            fraction++;
        }
        java.math.BigInteger mantissa = new java.math.BigInteger(kept.toString(), 16);
        long pow = Math.max(-EXPONENT_CLAMP, Math.min(EXPONENT_CLAMP, exponent - 4L * fraction + 4L * dropped));
        return new BigDecimal(mantissa).multiply(pow2((int) pow));
    }

    /** {@code [sign]digits} running to the end of {@code b}, clamped; null if there are no digits or anything follows. */
    private static Long exponentAt(byte[] b, int i) {
        int n = b.length;
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i >= n) {
            return null;
        }
        long e = 0;
        for (; i < n; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return null;
            }
            e = Math.min(EXPONENT_CLAMP, e * 10 + (b[i] - '0'));
        }
        return negative ? -e : e;
    }

    /** C's isspace in the "C" locale. */
    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static final java.math.BigInteger TWO_63 = java.math.BigInteger.ONE.shiftLeft(63);
    private static final java.math.BigInteger TWO_64 = java.math.BigInteger.ONE.shiftLeft(64);
    private static final double LOG2_10 = Math.log(10) / Math.log(2);

    /**
     * Rounds to the nearest x87 80-bit long double (64-bit mantissa, ties to even), which is what
     * Redis's INCRBYFLOAT computes in. Doing the arithmetic in exact decimals and rounding like
     * this reproduces Redis's digits, e.g. 5.6 + 5000 = 5005.60000000000000009.
     */
    public static BigDecimal toLongDouble(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal ax = x.abs();
        int e = (int) Math.floor((ax.unscaledValue().bitLength() - 1) - ax.scale() * LOG2_10) - 63;
        BigDecimal q;
        while (true) {
            q = ax.multiply(pow2(-e));
            if (q.compareTo(new BigDecimal(TWO_64)) >= 0) {
                e++;
            } else if (q.compareTo(new BigDecimal(TWO_63)) < 0) {
                e--;
            } else {
                break;
            }
        }
        java.math.BigInteger m = q.setScale(0, java.math.RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = new BigDecimal(m).multiply(pow2(e));
        return x.signum() < 0 ? r.negate() : r;
    }

    /**
     * INCRBYFLOAT's arithmetic: {@code current + delta} in long double, printed as Redis prints it;
     * null when the sum is infinite or NaN (Redis: "increment would produce NaN or Infinity").
     */
    public static String incrementLongDouble(LongDouble current, LongDouble delta) {
        if (current.isInfinite() || delta.isInfinite()) {
            return null;
        }
        BigDecimal sum = toLongDouble(current.value().add(delta.value()));
        if (sum.abs().compareTo(LDBL_MAX) > 0) {
            return null;
        }
        return humanDecimal(sum);
    }

    /** 2^k exactly, for any sign of k. */
    private static BigDecimal pow2(int k) {
        if (k >= 0) {
            return new BigDecimal(java.math.BigInteger.ONE.shiftLeft(k));
        }
        return new BigDecimal(java.math.BigInteger.valueOf(5).pow(-k), -k);
    }

    /**
     * Parses a double as Redis does. {@code lenient} = false is {@code string2d} (ZADD, ZINCRBY,
     * WEIGHTS): no leading space, and a value that overflows to infinity or underflows to zero is
     * refused. {@code lenient} = true is a plain {@code strtod} (score ranges): leading spaces are
     * skipped and out-of-range values become infinity or zero. Both read hex and {@code inf}, never
     * NaN. Null if refused.
     */
    public static Double parseScore(byte[] b, boolean lenient) {
        int i = 0;
        if (lenient) {
            while (i < b.length && isCSpace(b[i])) {
                i++;
            }
        } else if (b.length > 0 && isCSpace(b[0])) {
            return null;
        }
        Exact e = readExact(b, i);
        if (e == null) {
            return null;
        }
        if (e.magnitude() == null) {
            return e.negative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        double d = e.magnitude().doubleValue();
        if (!lenient && (Double.isInfinite(d) || (d == 0 && e.magnitude().signum() != 0))) {
            return null; // ERANGE
        }
        return e.negative() ? -d : d;
    }

    /** Formats like Redis's {@code ld2string(..., LD_STR_HUMAN)}: %.17Lf without trailing zeros. */
    public static String humanDecimal(BigDecimal v) {
        BigDecimal r = v.setScale(17, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (r.signum() == 0) {
            return "0";
        }
        return r.toPlainString();
    }

    /**
     * Formats a double like C's {@code %.17g}, which Redis 7.0 uses for scores and RESP3 doubles;
     * infinities are "inf" and "-inf".
     */
    public static String formatDouble(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            BigDecimal mantissa = bd.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            String sign = exponent < 0 ? "-" : "+";
            int abs = Math.abs(exponent);
            return m + "e" + sign + (abs < 10 ? "0" : "") + abs;
        }
        return bd.stripTrailingZeros().toPlainString();
    }
}
