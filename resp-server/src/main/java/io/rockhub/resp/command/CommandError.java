package io.rockhub.resp.command;

/** Bad arguments found while parsing: the reply is this error and nothing has been touched. */
public final class CommandError extends Exception {
    public CommandError(String redisError) {
        super(redisError, null, false, false);
    }
}
