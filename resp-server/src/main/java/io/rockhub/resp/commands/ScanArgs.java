package io.rockhub.resp.commands;

import io.rockhub.resp.command.Args;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.protocol.Errors;

/**
 * The cursor, MATCH and COUNT of SCAN and its per-key variants (HSCAN, SSCAN, ZSCAN), parsed with
 * Redis's rules; {@code pattern} is null when it would match everything.
 */
record ScanArgs(long cursor, byte[] pattern, long count, String type) {

    /** Parses from {@code cursorIndex}; TYPE is accepted only when {@code allowType}. */
    static ScanArgs parse(Args a, int cursorIndex, boolean allowType) throws CommandError {
        Long cursor = parseCursor(a.bytes(cursorIndex));
        if (cursor == null) {
            throw new CommandError(Errors.INVALID_CURSOR);
        }
        byte[] pattern = null;
        long count = 10;
        String type = null;
        for (int i = cursorIndex + 1; i < a.size(); i++) {
            String opt = a.option(i);
            if (i + 1 >= a.size()) {
                throw new CommandError(Errors.SYNTAX);
            }
            switch (opt) {
                case "MATCH" -> pattern = a.bytes(++i);
                case "COUNT" -> {
                    count = a.longAt(++i);
                    if (count < 1) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                }
                case "TYPE" -> {
                    if (!allowType) {
                        throw new CommandError(Errors.SYNTAX);
                    }
                    type = a.string(++i);
                }
                default -> throw new CommandError(Errors.SYNTAX);
            }
        }
        if (pattern != null && pattern.length == 1 && pattern[0] == '*') {
            pattern = null;
        }
        return new ScanArgs(cursor, pattern, count, type);
    }

    /**
     * Where to resume: null for cursor 0, the remembered position otherwise; writes Redis's error
     * and returns {@link #UNKNOWN} for a cursor the server no longer knows.
     */
    byte[] resume(io.rockhub.resp.server.Hub hub, io.rockhub.resp.protocol.RespWriter out) {
        if (cursor == 0) {
            return null;
        }
        byte[] after = hub.scanCursors().resolve(cursor);
        if (after == null) {
            out.error(Errors.INVALID_CURSOR);
            return UNKNOWN;
        }
        return after;
    }

    /** Marker returned by {@link #resume} for an unknown cursor (its error is already written). */
    static final byte[] UNKNOWN = new byte[0];

    /** The cursor to hand back: 0 when the page was the last, else one that resumes after {@code last}. */
    static long next(io.rockhub.resp.server.Hub hub, int pageSize, long count, byte[] last) {
        return pageSize < count || last == null ? 0 : hub.scanCursors().remember(last);
    }

    static ScanArgs parse(Args a, int cursorIndex) throws CommandError {
        return parse(a, cursorIndex, false);
    }

    /** Redis parses cursors with strtoull: any unsigned 64-bit decimal. */
    private static Long parseCursor(byte[] raw) {
        try {
            return Long.parseUnsignedLong(new String(raw, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
