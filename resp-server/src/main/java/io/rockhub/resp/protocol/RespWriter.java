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
    private static final short CRLF_SHORT = 0x0D0A;
    private static final byte[][] SMALL_INTS = headers(':', 32);
    /**
     * The headers of bulk strings and arrays shorter than this are written whole from a table:
     * a reply of 10 stream entries has 80 of them, and printing each length was a tenth of XRANGE.
     */
    private static final int TABLED_HEADERS = 1024;
    private static final byte[][] BULK_HEADERS = headers('$', TABLED_HEADERS);
    private static final byte[][] ARRAY_HEADERS = headers('*', TABLED_HEADERS);

    private static byte[][] headers(char type, int count) {
        byte[][] table = new byte[count][];
        for (int i = 0; i < count; i++) {
            table[i] = (type + Integer.toString(i) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        return table;
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
        bulkHeader(b.length);
        buf.writeBytes(b);
        buf.writeShort(CRLF_SHORT);
        return this;
    }

    /** A stream ID as a bulk string ({@code ms-seq}, both unsigned), printed without a String. */
    public RespWriter bulk(io.rockhub.core.encoding.StreamId id) {
        byte[] text = new byte[41];
        int from = unsignedDigits(text, text.length, id.seq());
        text[--from] = '-';
        from = unsignedDigits(text, from, id.ms());
        bulkHeader(text.length - from);
        buf.writeBytes(text, from, text.length - from);
        buf.writeShort(CRLF_SHORT);
        return this;
    }

    private void bulkHeader(int length) {
        if (length < TABLED_HEADERS) {
            buf.writeBytes(BULK_HEADERS[length]);
        } else {
            buf.writeByte('$');
            writeDecimal(length);
            buf.writeShort(CRLF_SHORT);
        }
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
        if (type == '*' && n >= 0 && n < TABLED_HEADERS) {
            buf.writeBytes(ARRAY_HEADERS[(int) n]);
            return this;
        }
        buf.writeByte(type);
        writeDecimal(n);
        buf.writeShort(CRLF_SHORT);
        return this;
    }

    private void writeDecimal(long v) {
        byte[] text = new byte[20];
        int from;
        if (v >= 0) {
            from = unsignedDigits(text, text.length, v);
        } else if (v != Long.MIN_VALUE) {
            from = unsignedDigits(text, text.length, -v);
            text[--from] = '-';
        } else {
            ByteBufUtil.writeAscii(buf, Long.toString(v));
            return;
        }
        buf.writeBytes(text, from, text.length - from);
    }

    /** Writes {@code v}, unsigned, in decimal into {@code text} ending before {@code end}; returns where it starts. */
    private static int unsignedDigits(byte[] text, int end, long v) {
        int i = end;
        if (v < 0) { // past Long.MAX_VALUE: one unsigned division brings it into range
            long q = Long.divideUnsigned(v, 10);
            text[--i] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            text[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return i;
    }
}
