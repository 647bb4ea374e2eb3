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

    /**
     * Parses a decimal the way Redis's {@code strtold}-based parsing accepts it (no surrounding
     * spaces, no NaN); infinities come back as null with {@code infinite} reported separately by
     * {@link #isInfinity}. Returns null for anything else.
     */
    public static BigDecimal parseDecimal(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        String s = new String(b, StandardCharsets.US_ASCII);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return null;
            }
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static boolean isInfinity(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        return s.equals("inf") || s.equals("+inf") || s.equals("-inf") || s.equals("infinity")
                || s.equals("+infinity") || s.equals("-infinity");
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

    /** INCRBYFLOAT's arithmetic: {@code current + delta} in long double, printed as Redis prints it. */
    public static String incrementLongDouble(BigDecimal current, BigDecimal delta) {
        return humanDecimal(toLongDouble(toLongDouble(current).add(toLongDouble(delta))));
    }

    /** 2^k exactly, for any sign of k. */
    private static BigDecimal pow2(int k) {
        if (k >= 0) {
            return new BigDecimal(java.math.BigInteger.ONE.shiftLeft(k));
        }
        return new BigDecimal(java.math.BigInteger.valueOf(5).pow(-k), -k);
    }

    /**
     * Parses a score as Redis's {@code strtod}-based parsing accepts it: decimal or exponent
     * notation, "inf", "+inf", "-inf" (and "infinity"); no NaN. {@code allowLeadingSpace} mirrors
     * range parsing, which (unlike ZADD) lets strtod skip leading whitespace. Null if invalid.
     */
    public static Double parseScore(byte[] b, boolean allowLeadingSpace) {
        String s = new String(b, StandardCharsets.US_ASCII);
        if (allowLeadingSpace) {
            s = s.stripLeading();
        }
        if (s.isEmpty() || s.length() > 400 || Character.isWhitespace(s.charAt(0))) {
            return null;
        }
        String l = s.toLowerCase(java.util.Locale.ROOT);
        switch (l) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> { }
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return null;
            }
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
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
