package io.rockhub.resp.cluster;

import java.util.List;

/**
 * One data node of the topology: its 40-character id, the address clients reach it on, and either
 * the slots it serves (a primary, {@code primaryId} null) or the primary it replicates.
 */
public record ClusterNode(String id, String host, int port, String primaryId, List<SlotRange> slots) {
    public ClusterNode {
        slots = List.copyOf(slots);
    }

    public boolean primary() {
        return primaryId == null;
    }

    /** host:port, as -MOVED names the node. */
    public String address() {
        return host + ":" + port;
    }
}
