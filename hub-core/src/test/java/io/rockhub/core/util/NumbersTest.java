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
}
