package io.rockhub.controller;

import io.rockhub.core.encoding.HashSlot;
import io.rockhub.resp.testing.RawClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** What the process tests ask data nodes: one command on a fresh connection, "" when the node is down. */
final class NodeCalls {
    private NodeCalls() {
    }

    static String call(int port, String... args) {
        try (RawClient c = new RawClient(port)) {
            return c.call(args);
        } catch (IOException e) {
            return "";
        }
    }

    static int slotOf(String key) {
        return HashSlot.of(key.getBytes(StandardCharsets.UTF_8));
    }
}
