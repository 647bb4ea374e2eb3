package io.rockhub.resp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespDecoderTest {
    private boolean authRequired;
    private long maxBulk = 512L * 1024 * 1024;

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RespDecoder(new DecoderLimits() {
            @Override
            public long maxBulkLength() {
                return maxBulk;
            }

            @Override
            public boolean authRequired() {
                return authRequired;
            }
        }));
    }

    /** Feeds the input one byte at a time, the worst fragmentation a network can produce. */
    private List<Object> feedByteByByte(String input) {
        EmbeddedChannel ch = channel();
        for (byte b : input.getBytes(StandardCharsets.ISO_8859_1)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        return drain(ch);
    }

    private List<Object> feedAtOnce(String input) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1));
        return drain(ch);
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private static List<String> args(Object request) {
        List<String> out = new ArrayList<>();
        for (byte[] a : ((RespRequest) request).args()) {
            out.add(new String(a, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void pipelinedMultibulkCommandsDecodeTheSameByteByByteAsAtOnce() {
        String input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nal\r\n*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n";
        for (List<Object> out : List.of(feedByteByByte(input), feedAtOnce(input))) {
            assertThat(out).hasSize(3);
            assertThat(args(out.get(0))).containsExactly("SET", "k", "v\r\nal");
            assertThat(args(out.get(1))).containsExactly("PING");
            assertThat(args(out.get(2))).containsExactly("GET", "");
        }
    }

    @Test
    void binaryValuesSurviveIntact() {
        EmbeddedChannel ch = channel();
        byte[] value = {0, (byte) 0xff, '\r', '\n', 7};
        ch.writeInbound(Unpooled.copiedBuffer("*2\r\n$4\r\nECHO\r\n$5\r\n", StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.wrappedBuffer(value));
        ch.writeInbound(Unpooled.copiedBuffer("\r\n", StandardCharsets.US_ASCII));
        RespRequest r = (RespRequest) drain(ch).get(0);
        assertThat(r.args().get(1)).containsExactly(value);
    }

    @Test
    void inlineCommandsSplitLikeRedis() {
        List<Object> out = feedByteByByte("PING\r\nset k \"a b\\x41\\n\"\nget 'it''s'\r\n  \r\necho 'don\\'t'\r\n");
        assertThat(out).hasSize(3);
        assertThat(args(out.get(0))).containsExactly("PING");
        assertThat(args(out.get(1))).containsExactly("set", "k", "a bA\n");
        assertThat(out.get(2)).isEqualTo(new ProtocolError("unbalanced quotes in request"));
    }

    @Test
    void escapedSingleQuoteInsideSingleQuotes() {
        List<Object> out = feedAtOnce("echo 'don\\'t'\r\n");
        assertThat(args(out.get(0))).containsExactly("echo", "don't");
    }

    @Test
    void unbalancedQuotesAreAProtocolError() {
        assertThat(feedAtOnce("set k \"abc\r\n")).containsExactly(new ProtocolError("unbalanced quotes in request"));
    }

    @Test
    void emptyAndNullMultibulksAreIgnored() {
        List<Object> out = feedAtOnce("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
        assertThat(out).hasSize(1);
        assertThat(args(out.get(0))).containsExactly("PING");
    }

    @Test
    void badMultibulkLengthIsAProtocolErrorAndTheRestIsDiscarded() {
        assertThat(feedAtOnce("*abc\r\n*1\r\n$4\r\nPING\r\n"))
                .containsExactly(new ProtocolError("invalid multibulk length"));
        assertThat(feedAtOnce("*3000000000\r\n")).containsExactly(new ProtocolError("invalid multibulk length"));
    }

    @Test
    void bulkLengthsAreCheckedBeforeAnythingIsAllocated() {
        maxBulk = 1024 * 1024;
        assertThat(feedAtOnce("*1\r\n$1048577\r\n")).containsExactly(new ProtocolError("invalid bulk length"));
        assertThat(feedAtOnce("*1\r\n$-5\r\n")).containsExactly(new ProtocolError("invalid bulk length"));
        assertThat(feedAtOnce("*1\r\n$x\r\n")).containsExactly(new ProtocolError("invalid bulk length"));
        assertThat(feedAtOnce("*1\r\n$99999999999999999999999\r\n")).containsExactly(new ProtocolError("invalid bulk length"));
    }

    @Test
    void aClaimedHugeBulkWaitsForBytesWithoutReservingMemory() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("*1\r\n$500000000\r\nabc", StandardCharsets.US_ASCII));
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void missingDollarIsAProtocolError() {
        assertThat(feedAtOnce("*1\r\n+PING\r\n")).containsExactly(new ProtocolError("expected '$', got '+'"));
    }

    @Test
    void overlongInlineAndLengthLinesAreRefused() {
        String big = "x".repeat(DecoderLimits.MAX_INLINE + 1);
        assertThat(feedAtOnce(big)).containsExactly(new ProtocolError("too big inline request"));
        assertThat(feedAtOnce("*" + "1".repeat(DecoderLimits.MAX_INLINE + 1)))
                .containsExactly(new ProtocolError("too big mbulk count string"));
        assertThat(feedAtOnce("*1\r\n$" + "1".repeat(DecoderLimits.MAX_INLINE + 1)))
                .containsExactly(new ProtocolError("too big bulk count string"));
    }

    @Test
    void unauthenticatedClientsGetSmallLimitsAsInRedis() {
        authRequired = true;
        assertThat(feedAtOnce("*11\r\n")).containsExactly(new ProtocolError("unauthenticated multibulk length"));
        assertThat(feedAtOnce("*2\r\n$4\r\nAUTH\r\n$16385\r\n"))
                .containsExactly(new ProtocolError("unauthenticated bulk length"));
        assertThat(feedAtOnce("*2\r\n$4\r\nAUTH\r\n$3\r\npwd\r\n")).hasSize(1);
    }
}
