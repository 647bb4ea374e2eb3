package io.rockhub.resp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rockhub.core.util.Numbers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespWriterTest {
    private static String write(int protocol, java.util.function.Consumer<RespWriter> body) {
        ByteBuf buf = Unpooled.buffer();
        RespWriter w = new RespWriter(buf);
        w.protocol(protocol);
        body.accept(w);
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mapsAreNativeInResp3AndFlatArraysInResp2() {
        java.util.function.Consumer<RespWriter> map = w -> w.map(1).bulk("k").integer(7);
        assertThat(write(3, map)).isEqualTo("%1\r\n$1\r\nk\r\n:7\r\n");
        assertThat(write(2, map)).isEqualTo("*2\r\n$1\r\nk\r\n:7\r\n");
    }

    @Test
    void lengthsAndIntegersPrintTheSameFromTheTableAndPastIt() {
        for (int n : new int[] {0, 9, 10, 1023, 1024, 65536}) {
            byte[] value = new byte[n];
            java.util.Arrays.fill(value, (byte) 'x');
            assertThat(write(2, w -> w.bulk(value))).isEqualTo("$" + n + "\r\n" + "x".repeat(n) + "\r\n");
            assertThat(write(2, w -> w.array(n))).isEqualTo("*" + n + "\r\n");
            assertThat(write(3, w -> w.set(n))).isEqualTo("~" + n + "\r\n");
        }
        for (long v : new long[] {0, 31, 32, -1, -10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(write(2, w -> w.integer(v))).isEqualTo(":" + v + "\r\n");
        }
        assertThat(write(2, w -> w.array(-1))).isEqualTo("*-1\r\n");
    }

    @Test
    void streamIdsPrintAsUnsignedPairs() {
        assertThat(write(2, w -> w.bulk(new io.rockhub.core.encoding.StreamId(0, 0)))).isEqualTo("$3\r\n0-0\r\n");
        assertThat(write(2, w -> w.bulk(new io.rockhub.core.encoding.StreamId(1700000000123L, 7))))
                .isEqualTo("$15\r\n1700000000123-7\r\n");
        assertThat(write(2, w -> w.bulk(io.rockhub.core.encoding.StreamId.MAX)))
                .isEqualTo("$41\r\n18446744073709551615-18446744073709551615\r\n");
        assertThat(write(2, w -> w.bulk(new io.rockhub.core.encoding.StreamId(Long.MIN_VALUE, 10))))
                .isEqualTo("$22\r\n9223372036854775808-10\r\n");
    }

    @Test
    void nullsAreUnderscoreInResp3() {
        assertThat(write(3, RespWriter::nullBulk)).isEqualTo("_\r\n");
        assertThat(write(3, RespWriter::nullArray)).isEqualTo("_\r\n");
        assertThat(write(2, RespWriter::nullBulk)).isEqualTo("$-1\r\n");
        assertThat(write(2, RespWriter::nullArray)).isEqualTo("*-1\r\n");
    }

    @Test
    void doublesAreCommaTypedInResp3AndBulkInResp2() {
        assertThat(write(3, w -> w.doubleValue(1.5))).isEqualTo(",1.5\r\n");
        assertThat(write(2, w -> w.doubleValue(1.5))).isEqualTo("$3\r\n1.5\r\n");
        assertThat(write(3, w -> w.doubleValue(Double.POSITIVE_INFINITY))).isEqualTo(",inf\r\n");
        assertThat(write(3, w -> w.doubleValue(Double.NEGATIVE_INFINITY))).isEqualTo(",-inf\r\n");
    }

    @Test
    void doublesFormatLikeCPercent17g() {
        assertThat(Numbers.formatDouble(1.1)).isEqualTo("1.1000000000000001");
        assertThat(Numbers.formatDouble(3)).isEqualTo("3");
        assertThat(Numbers.formatDouble(-0.5)).isEqualTo("-0.5");
        assertThat(Numbers.formatDouble(1e20)).isEqualTo("1e+20");
        assertThat(Numbers.formatDouble(1.5e-7)).isEqualTo("1.4999999999999999e-07");
        assertThat(Numbers.formatDouble(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
        assertThat(Numbers.formatDouble(0.0001)).isEqualTo("0.0001");
    }

    @Test
    void verbatimStringsCarryTheirFormatInResp3() {
        assertThat(write(3, w -> w.verbatim("a:1\r\n"))).isEqualTo("=9\r\ntxt:a:1\r\n\r\n");
        assertThat(write(2, w -> w.verbatim("a:1\r\n"))).isEqualTo("$5\r\na:1\r\n\r\n");
    }

    @Test
    void setsAreTildeInResp3() {
        assertThat(write(3, w -> w.set(1).simple("x"))).isEqualTo("~1\r\n+x\r\n");
        assertThat(write(2, w -> w.set(1).simple("x"))).isEqualTo("*1\r\n+x\r\n");
    }

    @Test
    void errorTextsCannotBreakFraming() {
        assertThat(write(2, w -> w.error("ERR a\r\nb"))).isEqualTo("-ERR a  b\r\n");
    }
}
