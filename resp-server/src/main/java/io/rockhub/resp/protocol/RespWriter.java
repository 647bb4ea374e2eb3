package io.rockhub.resp.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rockhub.core.util.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * Writes replies in the connection's protocol version: RESP2 folds maps into flat arrays, doubles
 * into bulk strings and nulls into {@code $-1}/{@code *-1}; RESP3 uses its own types. Commands
 * write through this and never see the difference.
 */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[32][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private ByteBuf buf;
    private int protocol = 2;

    private java.util.function.Consumer<String> errorListener = m -> { };
    private long errors;

    public RespWriter(ByteBuf buf) {
        this.buf = buf;
    }

    public void target(ByteBuf target) {
        this.buf = target;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int version) {
        this.protocol = version;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    public RespWriter ok() {
        buf.writeBytes(OK);
        return this;
    }

    public RespWriter simple(String s) {
        buf.writeByte('+');
        ByteBufUtil.writeUtf8(buf, s);
        buf.writeBytes(CRLF);
        return this;
    }

    /** Told each error reply written (INFO errorstats). */
    public void onError(java.util.function.Consumer<String> listener) {
        this.errorListener = listener;
    }

    /** Error replies written so far: a command failed if it grew while it ran. */
    public long errorCount() {
        return errors;
    }

    /** An error reply; {@code message} starts with its code ("ERR ...", "WRONGTYPE ..."). */
    public RespWriter error(String message) {
        errors++;
        errorListener.accept(message);
        buf.writeByte('-');
        ByteBufUtil.writeUtf8(buf, message.replace('\r', ' ').replace('\n', ' '));
        buf.writeBytes(CRLF);
        return this;
    }

    public RespWriter integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            buf.writeBytes(SMALL_INTS[(int) v]);
            return this;
        }
        buf.writeByte(':');
        writeDecimal(v);
        buf.writeBytes(CRLF);
        return this;
    }

    public RespWriter bulk(byte[] b) {
        if (b == null) {
            return nullBulk();
        }
        buf.writeByte('$');
        writeDecimal(b.length);
        buf.writeBytes(CRLF);
        buf.writeBytes(b);
        buf.writeBytes(CRLF);
        return this;
    }

    public RespWriter bulk(String s) {
        return s == null ? nullBulk() : bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public RespWriter nullBulk() {
        buf.writeBytes(resp3() ? NULL3 : NULL_BULK);
        return this;
    }

    public RespWriter nullArray() {
        buf.writeBytes(resp3() ? NULL3 : NULL_ARRAY);
        return this;
    }

    public RespWriter array(long n) {
        return header('*', n);
    }

    /** An out-of-band message of {@code n} elements: {@code >n} in RESP3, an array in RESP2. */
    public RespWriter push(long n) {
        return header(resp3() ? '>' : '*', n);
    }

    /** A map of {@code n} pairs: {@code %n} in RESP3, an array of 2n in RESP2. */
    public RespWriter map(long n) {
        return resp3() ? header('%', n) : header('*', 2 * n);
    }

    /** A set: {@code ~n} in RESP3, an array in RESP2. */
    public RespWriter set(long n) {
        return header(resp3() ? '~' : '*', n);
    }

    /** A double: {@code ,d} in RESP3, a bulk string in RESP2; formatted as Redis 7.0 does (%.17g). */
    public RespWriter doubleValue(double d) {
        String text = Numbers.formatDouble(d);
        if (resp3()) {
            buf.writeByte(',');
            ByteBufUtil.writeAscii(buf, text);
            buf.writeBytes(CRLF);
            return this;
        }
        return bulk(text);
    }

    /** Free text such as INFO: a verbatim string ({@code =len\r\ntxt:...}) in RESP3, bulk in RESP2. */
    public RespWriter verbatim(String text) {
        if (!resp3()) {
            return bulk(text);
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        buf.writeByte('=');
        writeDecimal(b.length + 4);
        buf.writeBytes(CRLF);
        ByteBufUtil.writeAscii(buf, "txt:");
        buf.writeBytes(b);
        buf.writeBytes(CRLF);
        return this;
    }

    /** A boolean: {@code #t}/{@code #f} in RESP3, the integer 1 or 0 in RESP2. */
    public RespWriter bool(boolean v) {
        if (resp3()) {
            buf.writeBytes(v ? "#t\r\n".getBytes(StandardCharsets.US_ASCII) : "#f\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }
        return integer(v ? 1 : 0);
    }

    /** A big number: {@code (digits} in RESP3, a bulk string in RESP2. */
    public RespWriter bigNumber(String digits) {
        if (!resp3()) {
            return bulk(digits);
        }
        buf.writeByte('(');
        ByteBufUtil.writeAscii(buf, digits);
        buf.writeBytes(CRLF);
        return this;
    }

    /** A verbatim string with its 3-letter format in RESP3, a bulk string in RESP2. */
    public RespWriter verbatim(String format, byte[] text) {
        if (!resp3()) {
            return bulk(text);
        }
        buf.writeByte('=');
        writeDecimal(text.length + 4);
        buf.writeBytes(CRLF);
        ByteBufUtil.writeAscii(buf, format);
        buf.writeByte(':');
        buf.writeBytes(text);
        buf.writeBytes(CRLF);
        return this;
    }

    public RespWriter raw(byte[] bytes) {
        buf.writeBytes(bytes);
        return this;
    }

    private RespWriter header(char type, long n) {
        buf.writeByte(type);
        writeDecimal(n);
        buf.writeBytes(CRLF);
        return this;
    }

    private void writeDecimal(long v) {
        ByteBufUtil.writeAscii(buf, Long.toString(v));
    }
}
