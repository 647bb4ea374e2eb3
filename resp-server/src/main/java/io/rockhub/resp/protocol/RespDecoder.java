package io.rockhub.resp.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP requests (multibulk arrays of bulk strings) and inline commands into
 * {@link RespRequest}s, and malformed input into one {@link ProtocolError}.
 *
 * <p>An explicit state machine: each state consumes what it can and returns when it needs more
 * bytes, so a frame split at any byte decodes the same. Every length is checked against
 * {@link DecoderLimits} before anything is allocated, and a bulk string is copied out only once
 * all of it has arrived, so memory grows with bytes received, never with lengths claimed.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    private enum State { START, BULK_LENGTH, BULK_DATA, DISCARD }

    private final DecoderLimits limits;
    private final java.util.function.LongConsumer bytesRead;
    private State state = State.START;
    private long remainingArgs;
    private int bulkLength;
    private List<byte[]> args;

    public RespDecoder(DecoderLimits limits) {
        this(limits, n -> { });
    }

    /** @param bytesRead told the size of every buffer received, for traffic statistics */
    public RespDecoder(DecoderLimits limits, java.util.function.LongConsumer bytesRead) {
        this.limits = limits;
        this.bytesRead = bytesRead;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            bytesRead.accept(b.readableBytes());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case START -> {
                    if (in.getByte(in.readerIndex()) == '*') {
                        if (!readMultibulkCount(in, out)) {
                            return;
                        }
                    } else if (!readInline(in, out)) {
                        return;
                    }
                }
                case BULK_LENGTH -> {
                    if (!readBulkLength(in, out)) {
                        return;
                    }
                }
                case BULK_DATA -> {
                    if (!readBulkData(in, out)) {
                        return;
                    }
                }
                case DISCARD -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private boolean readMultibulkCount(ByteBuf in, List<Object> out) {
        int eol = findLineEnd(in);
        if (eol < 0) {
            return tooLongWithoutNewline(in, out, "too big mbulk count string");
        }
        long n = parseLength(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 1);
        if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE) {
            return fail(out, "invalid multibulk length");
        }
        if (n > DecoderLimits.UNAUTHENTICATED_MAX_ARGS && limits.authRequired()) {
            return fail(out, "unauthenticated multibulk length");
        }
        if (n <= 0) {
            return true; // Redis ignores empty and null arrays
        }
        remainingArgs = n;
        args = new ArrayList<>((int) Math.min(n, 64));
        state = State.BULK_LENGTH;
        return true;
    }

    private boolean readBulkLength(ByteBuf in, List<Object> out) {
        int eol = findLineEnd(in);
        if (eol < 0) {
            return tooLongWithoutNewline(in, out, "too big bulk count string");
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
            return fail(out, "expected '$', got '" + (char) (first & 0xff) + "'");
        }
        long n = parseLength(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 1);
        if (n == Long.MIN_VALUE || n < 0 || n > limits.maxBulkLength() || n > Integer.MAX_VALUE - 2) {
            return fail(out, "invalid bulk length");
        }
        if (n > DecoderLimits.UNAUTHENTICATED_MAX_BULK && limits.authRequired()) {
            return fail(out, "unauthenticated bulk length");
        }
        bulkLength = (int) n;
        state = State.BULK_DATA;
        return true;
    }

    private boolean readBulkData(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < bulkLength + 2) {
            return false;
        }
        byte[] data = new byte[bulkLength];
        in.readBytes(data);
        in.skipBytes(2); // CRLF; Redis does not check these two bytes either
        args.add(data);
        if (--remainingArgs == 0) {
            out.add(new RespRequest(args));
            args = null;
            state = State.START;
        } else {
            state = State.BULK_LENGTH;
        }
        return true;
    }

    private boolean readInline(ByteBuf in, List<Object> out) {
        int eol = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_LF);
        if (eol < 0) {
            return tooLongWithoutNewline(in, out, "too big inline request");
        }
        int end = eol;
        if (end > in.readerIndex() && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(eol + 1);
        List<byte[]> parsed = InlineParser.split(line);
        if (parsed == null) {
            return fail(out, "unbalanced quotes in request");
        }
        if (!parsed.isEmpty()) {
            out.add(new RespRequest(parsed));
        }
        return true;
    }

    private boolean tooLongWithoutNewline(ByteBuf in, List<Object> out, String message) {
        if (in.readableBytes() > DecoderLimits.MAX_INLINE) {
            return fail(out, message);
        }
        return false;
    }

    private boolean fail(List<Object> out, String message) {
        out.add(new ProtocolError(message));
        state = State.DISCARD;
        args = null;
        return true;
    }

    /** Index of the '\n' ending a "\r\n"-terminated line at the reader index, or -1. */
    private static int findLineEnd(ByteBuf in) {
        int lf = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_LF);
        return lf;
    }

    /** Parses the decimal between {@code from} and the '\r' before {@code lf}; MIN_VALUE if malformed. */
    private static long parseLength(ByteBuf in, int from, int lf) {
        int to = lf;
        if (to > from && in.getByte(to - 1) == '\r') {
            to--;
        }
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        byte[] digits = new byte[len];
        in.getBytes(from, digits);
        Long v = io.rockhub.core.util.Numbers.parseLong(digits);
        return v == null ? Long.MIN_VALUE : v;
    }
}
