package io.rockhub.resp.commands;

import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.resp.command.CommandError;
import io.rockhub.resp.command.Execution;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.RespWriter;
import java.util.function.Consumer;

/**
 * For commands that Redis answers by looking their key up before it reads the other arguments
 * (XDEL, LINDEX, LSET...): a bad argument is reported only for a key of the right type; a missing
 * key gets the command's usual "nothing there" reply, another type WRONGTYPE.
 */
final class KeyFirst {
    private KeyFirst() {
    }

    /** The reply to a command whose arguments were refused with {@code refused}. */
    static Execution refusal(byte[] key, DataType type, Consumer<RespWriter> missing, CommandError refused) {
        return (ctx, out) -> {
            Metadata m = ctx.hub().keys().live(key);
            if (m == null) {
                missing.accept(out);
            } else if (!m.type().sameRedisType(type)) {
                out.error(Errors.WRONG_TYPE);
            } else {
                out.error(refused.getMessage());
            }
        };
    }
}
