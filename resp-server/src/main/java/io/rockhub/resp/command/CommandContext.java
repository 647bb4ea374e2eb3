package io.rockhub.resp.command;

import io.rockhub.resp.server.ClientSession;
import io.rockhub.resp.server.Hub;

/** What a running command may use: the shared services and the calling connection. */
public record CommandContext(Hub hub, ClientSession session) {
}
