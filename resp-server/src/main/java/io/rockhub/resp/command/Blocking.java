package io.rockhub.resp.command;

import io.rockhub.resp.protocol.RespWriter;
import java.util.List;

/**
 * What a blocking command (BLPOP, BZPOPMIN, ...) leaves behind when it cannot be served at once:
 * the keys to wait on, how long, how to try again, and what to answer on timeout. The connection
 * stops running commands until one of the attempts writes a reply or the timeout does.
 *
 * @param timeoutMillis 0 waits forever
 */
public record Blocking(List<byte[]> keys, long timeoutMillis, Attempt attempt, Timeout onTimeout) {

    /** Tries to serve the client; writes the reply and returns true if it could. Runs on the client's event loop. */
    @FunctionalInterface
    public interface Attempt {
        boolean serve(CommandContext ctx, RespWriter out);
    }

    /** Writes the reply for a timeout. */
    @FunctionalInterface
    public interface Timeout {
        void write(RespWriter out);
    }
}
