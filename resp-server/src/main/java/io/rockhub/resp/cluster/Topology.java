package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole cluster as one data node knows it: every node, which slots each primary serves, and
 * the epoch of this view (a node never goes back to a lower one). Nodes do not talk to each other:
 * the controller writes the topology and every node is given all of it.
 *
 * <p>Its text, as {@code CLUSTERX SETNODES} takes it (the format of Apache Kvrocks, so its
 * controller can drive RockHub too), is one line per node:
 * {@code <id> <host> <port> master|slave <primary id>|- [<slot>|<from>-<to> ...]}; a replica's line
 * may end with its place in the synchronous set, {@code joining} or {@code out} (none: in sync).
 */
public record Topology(long epoch, List<ClusterNode> nodes) {
    public static final Topology EMPTY = new Topology(0, List.of());

    public Topology {
        nodes = List.copyOf(nodes);
    }

    /** Parses a topology's text; the message of the exception is the error a client is told. */
    public static Topology parse(String text, long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Invalid version of cluster");
        }
        List<ClusterNode> nodes = new ArrayList<>();
        Map<String, Boolean> ids = new HashMap<>();
        boolean[] taken = new boolean[HashSlot.SLOTS];
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            if (f.length < 5) {
                throw new IllegalArgumentException("Invalid cluster nodes info");
            }
            String id = f[0];
            if (id.length() != 40 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("Invalid cluster node id");
            }
            if (ids.put(id, true) != null) {
                throw new IllegalArgumentException("Duplicate node id");
            }
            int port;
            try {
                port = Integer.parseInt(f[2]);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid cluster node port");
            }
            boolean primary;
            if (f[3].equalsIgnoreCase("master")) {
                primary = true;
            } else if (f[3].equalsIgnoreCase("slave") || f[3].equalsIgnoreCase("replica")) {
                primary = false;
            } else {
                throw new IllegalArgumentException("Invalid cluster node role");
            }
            if (primary != f[4].equals("-")) {
                throw new IllegalArgumentException("Invalid cluster node primary id");
            }
            List<SlotRange> slots = new ArrayList<>();
            ClusterNode.Sync sync = ClusterNode.Sync.IN_SYNC;
            for (int i = 5; i < f.length; i++) {
                if (!primary && i == 5 && f.length == 6 && (f[5].equalsIgnoreCase("joining") || f[5].equalsIgnoreCase("out"))) {
                    sync = ClusterNode.Sync.valueOf(f[5].toUpperCase(java.util.Locale.ROOT));
                    continue;
                }
                SlotRange r = range(f[i]);
                if (!primary) {
                    throw new IllegalArgumentException("Replica should not have slots");
                }
                for (int s = r.from(); s <= r.to(); s++) {
                    if (taken[s]) {
                        throw new IllegalArgumentException("Slot distribution is overlapped");
                    }
                    taken[s] = true;
                }
                slots.add(r);
            }
            nodes.add(new ClusterNode(id, f[1], port, primary ? null : f[4], slots, sync));
        }
        for (ClusterNode n : nodes) {
            if (!n.primary() && !ids.containsKey(n.primaryId())) {
                throw new IllegalArgumentException("Invalid cluster node primary id");
            }
        }
        return new Topology(epoch, nodes);
    }

    private static SlotRange range(String text) {
        return SlotRange.parse(text);
    }

    /** The text {@link #parse} reads back into an equal topology. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode n : nodes) {
            sb.append(n.id()).append(' ').append(n.host()).append(' ').append(n.port()).append(' ')
                    .append(n.primary() ? "master -" : "slave " + n.primaryId());
            for (SlotRange r : n.slots()) {
                sb.append(' ').append(r);
            }
            if (!n.sync().token().isEmpty()) {
                sb.append(' ').append(n.sync().token());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The primary serving each slot (null where none does). */
    public ClusterNode[] owners() {
        ClusterNode[] owners = new ClusterNode[HashSlot.SLOTS];
        for (ClusterNode n : nodes) {
            for (SlotRange r : n.slots()) {
                java.util.Arrays.fill(owners, r.from(), r.to() + 1, n);
            }
        }
        return owners;
    }

    public ClusterNode node(String id) {
        for (ClusterNode n : nodes) {
            if (n.id().equals(id)) {
                return n;
            }
        }
        return null;
    }

    /** The replicas of a primary, in the topology's order. */
    public List<ClusterNode> replicasOf(String primaryId) {
        List<ClusterNode> out = new ArrayList<>();
        for (ClusterNode n : nodes) {
            if (primaryId.equals(n.primaryId())) {
                out.add(n);
            }
        }
        return Collections.unmodifiableList(out);
    }
}
