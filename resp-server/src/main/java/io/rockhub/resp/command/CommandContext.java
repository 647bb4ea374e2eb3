package io.rockhub.resp.command;

import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;

/**
 * What a running command may use: the shared services and the calling connection. {@code woken}
 * is true when a blocked command tries again because a key it waits on changed: a key that now has
 * another type is then not an error but "not ready yet" (Redis keeps such a client blocked).
 */
public record CommandContext(Hub hub, ClientSession session, boolean woken) {
    public CommandContext(Hub hub, ClientSession session) {
        this(hub, session, false);
    }
}
