package io.rockhub.core.storage;

/**
 * A writer waited for the keys while a script held them past the busy threshold: it gives up before
 * changing anything, and its client is told the server is busy (Redis's -BUSY).
 */
public final class ScriptBusyException extends RuntimeException {
    public ScriptBusyException() {
        super("a script is running past busy-reply-threshold", null, false, false);
    }
}
