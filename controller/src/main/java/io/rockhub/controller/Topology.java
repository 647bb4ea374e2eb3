package io.rockhub.controller;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The cluster as the controller keeps it: every data node, which slot ranges each primary serves,
 * and the epoch. Its text is what data nodes take with {@code CLUSTERX SETNODES} (one line per node:
 * {@code <id> <host> <port> master|slave <primary id>|- [<from>-<to> ...]}); the data nodes check it
 * in full, the controller only builds it.
 */
public record Topology(long epoch, List<Node> nodes) {
    public static final int SLOTS = 16_384;

    /**
     * A data node; {@code primaryId} null for a primary, {@code slots} ("0-5460", "7") empty for a
     * replica, {@code sync} a replica's place in its primary's synchronous set.
     */
    /**
     * As the data nodes read it: the primary acknowledges a write once every IN_SYNC and JOINING
     * replica has it; only an IN_SYNC replica may be promoted; OUT is neither.
     */
    public enum Sync { IN_SYNC, JOINING, OUT }

    public record Node(String id, String host, int port, String primaryId, List<String> slots, Sync sync) {
        public Node {
            slots = List.copyOf(slots);
        }

        public Node(String id, String host, int port, String primaryId, List<String> slots) {
            this(id, host, port, primaryId, slots, Sync.IN_SYNC);
        }

        Node with(Sync s) {
            return new Node(id, host, port, primaryId, slots, s);
        }

        public boolean primary() {
            return primaryId == null;
        }

        public String address() {
            return host + ":" + port;
        }
    }

    public Topology {
        nodes = List.copyOf(nodes);
    }

    public static Topology parse(String text, long epoch) {
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) {
                continue;
            }
            boolean primary = f[3].equals("master");
            Sync sync = !primary && f.length == 6 ? Sync.valueOf(f[5].toUpperCase(java.util.Locale.ROOT)) : Sync.IN_SYNC;
            nodes.add(new Node(f[0], f[1], Integer.parseInt(f[2]), primary ? null : f[4],
                    primary ? List.of(f).subList(5, f.length) : List.of(), sync));
        }
        return new Topology(epoch, nodes);
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(n.id()).append(' ').append(n.host()).append(' ').append(n.port()).append(' ')
                    .append(n.primary() ? "master -" : "slave " + n.primaryId());
            n.slots().forEach(s -> sb.append(' ').append(s));
            if (!n.primary() && n.sync() != Sync.IN_SYNC) {
                sb.append(' ').append(n.sync().name().toLowerCase(java.util.Locale.ROOT));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public Node node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
    }

    public List<Node> replicasOf(String primaryId) {
        return nodes.stream().filter(n -> primaryId.equals(n.primaryId())).toList();
    }

    /** The topology with one replica's place in the synchronous set changed, the epoch one higher. */
    public Topology withSync(String replicaId, Sync sync) {
        List<Node> next = new ArrayList<>();
        for (Node n : nodes) {
            next.add(n.id().equals(replicaId) ? n.with(sync) : n);
        }
        return new Topology(epoch + 1, next);
    }

    /**
     * The topology after {@code promoted} takes over its primary's slots: the primary and its other
     * replicas become its replicas (a returning primary rejoins as one), the epoch one higher.
     */
    public Topology promote(String promoted) {
        Node candidate = node(promoted);
        Node primary = node(candidate.primaryId());
        List<Node> next = new ArrayList<>();
        for (Node n : nodes) {
            if (n.id().equals(promoted)) {
                next.add(new Node(n.id(), n.host(), n.port(), null, primary.slots()));
            } else if (n.id().equals(primary.id()) || primary.id().equals(n.primaryId())) {
                // Out of the new primary's synchronous set until each has shown it keeps up with it (the
                // old primary may hold writes never acknowledged, which it drops when it follows).
                next.add(new Node(n.id(), n.host(), n.port(), promoted, List.of(), Sync.OUT));
            } else {
                next.add(n);
            }
        }
        return new Topology(epoch + 1, next);
    }

    /** Slot ranges as the topology writes them ("0-99", "200") as a set. */
    public static BitSet slotSet(List<String> ranges) {
        BitSet out = new BitSet();
        for (String r : ranges) {
            int dash = r.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? r : r.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(r.substring(dash + 1));
            if (from < 0 || to >= SLOTS || from > to) {
                throw new IllegalArgumentException("slot range out of range: " + r);
            }
            out.set(from, to + 1);
        }
        return out;
    }

    /** A set of slots as ranges ("0-99", "200"), in order. */
    public static List<String> ranges(BitSet slots) {
        List<String> out = new ArrayList<>();
        for (int from = slots.nextSetBit(0); from >= 0; ) {
            int to = slots.nextClearBit(from) - 1;
            out.add(from == to ? Integer.toString(from) : from + "-" + to);
            from = slots.nextSetBit(to + 1);
        }
        return out;
    }

    /** The primary serving every slot of {@code slots}, or null when none or several do. */
    public Node ownerOf(BitSet slots) {
        for (Node n : nodes) {
            if (n.primary()) {
                BitSet mine = slotSet(n.slots());
                if (mine.intersects(slots)) {
                    BitSet rest = (BitSet) slots.clone();
                    rest.andNot(mine);
                    return rest.isEmpty() ? n : null;
                }
            }
        }
        return null;
    }

    /** The topology after {@code slots} move to the primary {@code targetId}, the epoch one higher. */
    public Topology moveSlots(BitSet slots, String targetId) {
        List<Node> next = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.primary()) {
                next.add(n);
                continue;
            }
            BitSet mine = slotSet(n.slots());
            if (n.id().equals(targetId)) {
                mine.or(slots);
            } else {
                mine.andNot(slots);
            }
            next.add(new Node(n.id(), n.host(), n.port(), null, ranges(mine)));
        }
        return new Topology(epoch + 1, next);
    }

    /**
     * A new cluster: the first {@code nodes.size() / (1 + replicas)} nodes are primaries with equal
     * shares of the slots, the others their replicas in turn.
     */
    public static Topology create(List<Node> nodes, int replicas) {
        int primaries = nodes.size() / (1 + replicas);
        if (primaries == 0 || primaries * (1 + replicas) != nodes.size()) {
            throw new IllegalArgumentException(nodes.size() + " nodes cannot make shards of one primary and "
                    + replicas + " replicas");
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < primaries; i++) {
            Node n = nodes.get(i);
            int from = (int) ((long) SLOTS * i / primaries);
            int to = (int) ((long) SLOTS * (i + 1) / primaries) - 1;
            out.add(new Node(n.id(), n.host(), n.port(), null, List.of(from + "-" + to)));
        }
        for (int i = primaries; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            out.add(new Node(n.id(), n.host(), n.port(), out.get((i - primaries) % primaries).id(), List.of()));
        }
        return new Topology(1, out);
    }
}
