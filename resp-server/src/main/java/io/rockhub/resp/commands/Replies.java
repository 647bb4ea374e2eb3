package io.rockhub.resp.commands;

import io.rockhub.core.types.Status;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/** Maps a store's expected non-success statuses to Redis's error replies. */
final class Replies {
    private Replies() {
    }

    /** An integer result, or its error. */
    static void integer(RespWriter out, io.rockhub.core.types.Result<Long> r) {
        if (!error(out, r.status())) {
            out.integer(r.value());
        }
    }

    /** An array of bulk strings; null elements become null bulks. */
    static void bulks(RespWriter out, List<byte[]> items) {
        out.array(items.size());
        for (byte[] item : items) {
            out.bulk(item);
        }
    }

    /** Writes the error for {@code status}; returns false if the status is not an error. */
    static boolean error(RespWriter out, Status status) {
        String message = switch (status) {
            case WRONG_TYPE -> Errors.WRONG_TYPE;
            case NOT_INTEGER -> Errors.NOT_INTEGER;
            case NOT_FLOAT -> Errors.NOT_FLOAT;
            case OVERFLOW -> Errors.OVERFLOW;
            case NAN_OR_INFINITY -> Errors.NAN_OR_INFINITY;
            case TOO_LARGE -> Errors.STRING_TOO_LONG;
            default -> null;
        };
        if (message == null) {
            return false;
        }
        out.error(message);
        return true;
    }
}
