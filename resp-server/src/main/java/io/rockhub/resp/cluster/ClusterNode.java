package io.rockhub.resp.cluster;

import java.util.List;

/**
 * One data node of the topology: its 40-character id, the address clients reach it on, and either
 * the slots it serves (a primary, {@code primaryId} null) or the primary it replicates, and where
 * that replica stands in its primary's set of synchronous replicas.
 */
public record ClusterNode(String id, String host, int port, String primaryId, List<SlotRange> slots, Sync sync) {
    /**
     * A replica's place in its primary's synchronous set (meaningful once the nodes are managed by a
     * controller: see {@link Cluster#lease}). The primary acknowledges a write only once every
     * replica {@link #IN_SYNC} or {@link #JOINING} has it; the controller promotes only one IN_SYNC.
     */
    public enum Sync {
        /** Has every acknowledged write: may be promoted. The default, as the topology text writes it. */
        IN_SYNC,
        /** Waited for, so it has every write acknowledged from now on; not yet promotable. */
        JOINING,
        /** Not waited for (it fell behind or went away); not promotable. */
        OUT;

        /** The topology text's token: none for IN_SYNC. */
        String token() {
            return this == IN_SYNC ? "" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ClusterNode {
        slots = List.copyOf(slots);
    }

    public ClusterNode(String id, String host, int port, String primaryId, List<SlotRange> slots) {
        this(id, host, port, primaryId, slots, Sync.IN_SYNC);
    }

    /** Whether its primary waits for it before acknowledging a write. */
    public boolean waitedFor() {
        return !primary() && sync != Sync.OUT;
    }

    public boolean primary() {
        return primaryId == null;
    }

    /** host:port, as -MOVED names the node. */
    public String address() {
        return host + ":" + port;
    }
}
