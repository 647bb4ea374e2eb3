package io.rockhub.resp.command;

import io.rockhub.resp.protocol.RespWriter;

/** A parsed command, ready to run against the stores and write its reply. */
@FunctionalInterface
public interface Execution {
    void run(CommandContext ctx, RespWriter out);
}
