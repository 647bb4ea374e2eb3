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
