package io.rockhub.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class NumbersTest {
    private static Long parse(String s) {
        return Numbers.parseLong(s);
    }

    @Test
    void integersFollowRedisString2ll() {
        assertThat(parse("0")).isZero();
        assertThat(parse("-1")).isEqualTo(-1);
        assertThat(parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(parse("9223372036854775808")).isNull();
        assertThat(parse("-0")).isNull();
        assertThat(parse("01")).isNull();
        assertThat(parse("+1")).isNull();
        assertThat(parse(" 1")).isNull();
        assertThat(parse("1 ")).isNull();
        assertThat(parse("")).isNull();
        assertThat(parse("-")).isNull();
        assertThat(parse("1.0")).isNull();
    }

    private static String incr(String a, String b) {
        return Numbers.humanDecimal(Numbers.toLongDouble(
                Numbers.toLongDouble(new BigDecimal(a)).add(Numbers.toLongDouble(new BigDecimal(b)))));
    }

    @Test
    void incrByFloatArithmeticMatchesRedisLongDoubleDigits() {
        // Expected strings produced by Redis 7.0 INCRBYFLOAT on x86-64.
        assertThat(incr("10.5", "0.1")).isEqualTo("10.6");
        assertThat(incr("5.6", "5000")).isEqualTo("5005.60000000000000009");
        assertThat(incr("0.1", "0.2")).isEqualTo("0.3");
        assertThat(incr("3", "1.5")).isEqualTo("4.5");
        assertThat(incr("1", "-1")).isEqualTo("0");
    }

    private static String ld(String s) {
        Numbers.LongDouble d = Numbers.parseLongDouble(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        if (d == null) {
            return null;
        }
        return d.isInfinite() ? (d.infinity() > 0 ? "inf" : "-inf") : Numbers.humanDecimal(d.value());
    }

    @Test
    void longDoublesAreReadAsStrtoldReadsThem() {
        assertThat(ld("0x10")).isEqualTo("16");
        assertThat(ld("-0X1.8p1")).isEqualTo("-3");
        assertThat(ld("0x.8")).isEqualTo("0.5");
        assertThat(ld("1e3")).isEqualTo("1000");
        assertThat(ld(".5")).isEqualTo("0.5");
        assertThat(ld("5.")).isEqualTo("5");
        assertThat(ld("+7")).isEqualTo("7");
        assertThat(ld("-0")).isEqualTo("0");
        assertThat(ld("INF")).isEqualTo("inf");
        assertThat(ld("-Infinity")).isEqualTo("-inf");
        assertThat(ld("1e4933")).as("overflows the long double").isNull();
        assertThat(ld("1e-5000")).as("underflows to zero").isNull();
        assertThat(ld("0e-5000")).isEqualTo("0");
        for (String refused : new String[] {"", " 1", "1 ", "nan", "NaN(1)", "0x", "0xg", "1e", "1e+", "0x1p", ".",
            "-", "infinit", "1.2.3", "- 1", "1,5", "0x1.8p1x"}) {
            assertThat(ld(refused)).as("'%s'", refused).isNull();
        }
        assertThat(ld("1".repeat(5120))).as("longer than Redis's buffer").isNull();
    }
}
