package io.rockhub.controller;

import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/**
 * What the controller asks a data node, over RESP with short timeouts: a node that does not answer is
 * down. One connection per node is kept between questions: a fresh one costs a busy node's event loop
 * three turns (the accept, the client's CLIENT SETINFO, the question), and a lease that waits for
 * three turns of a loop under a bulk load came late enough to lapse.
 */
final class NodeClient implements AutoCloseable {
    private final int timeoutMillis;
    /** Each node's kept connection, in a holder that is also the lock of that node's questions. */
    private final java.util.concurrent.ConcurrentHashMap<String, Kept> connections = new java.util.concurrent.ConcurrentHashMap<>();

    private static final class Kept {
        Jedis jedis;
    }

    NodeClient(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Asks {@code ask} on the node's kept connection; questions to one node wait for each other,
     * questions to different nodes do not. A connection that failed is dropped (the next question
     * opens another); a question that {@code repeatable} may be asked twice is asked again once on a
     * fresh connection when a kept one turns out broken (the node restarted meanwhile).
     */
    private <T> T ask(String host, int port, boolean repeatable, java.util.function.Function<Jedis, T> ask) {
        Kept kept = connections.computeIfAbsent(host + ":" + port, a -> new Kept());
        synchronized (kept) {
            if (kept.jedis != null) {
                try {
                    return ask.apply(kept.jedis);
                } catch (RuntimeException e) {
                    drop(kept);
                    if (!repeatable || !(e instanceof redis.clients.jedis.exceptions.JedisConnectionException)) {
                        throw e;
                    }
                }
            }
            kept.jedis = new Jedis(host, port, timeoutMillis);
            try {
                return ask.apply(kept.jedis);
            } catch (RuntimeException e) {
                drop(kept);
                throw e;
            }
        }
    }

    private <T> T ask(Topology.Node n, boolean repeatable, java.util.function.Function<Jedis, T> ask) {
        return ask(n.host(), n.port(), repeatable, ask);
    }

    private static void drop(Kept kept) {
        if (kept.jedis == null) {
            return;
        }
        try {
            kept.jedis.close();
        } catch (RuntimeException alreadyBroken) {
            // Closed either way.
        }
        kept.jedis = null;
    }

    /** Closes the kept connections of nodes other than {@code addresses} ("host:port"): nodes removed from the cluster. */
    void keepOnly(java.util.Set<String> addresses) {
        for (java.util.Map.Entry<String, Kept> e : connections.entrySet()) {
            if (!addresses.contains(e.getKey())) {
                Kept kept = e.getValue();
                synchronized (kept) {
                    drop(kept);
                }
                connections.remove(e.getKey(), kept);
            }
        }
    }

    @Override
    public void close() {
        for (Kept kept : connections.values()) {
            synchronized (kept) {
                drop(kept);
            }
        }
        connections.clear();
    }

    String myId(String host, int port) {
        return ask(host, port, true, j -> SafeEncoder.encode((byte[]) j.sendCommand(Protocol.Command.CLUSTER, "MYID")));
    }

    /**
     * Renews the node's lease ({@code CLUSTERX LEASE}) if it serves {@code epoch} or later: the epoch it
     * serves (below {@code epoch}: no lease given, push it the topology first).
     */
    long lease(Topology.Node n, long millis, long epoch) {
        return ask(n, true, j -> (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "LEASE",
                Long.toString(millis), Long.toString(epoch)));
    }

    void push(Topology.Node n, Topology t) {
        ask(n, false, j -> j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "SETNODES", t.text(), Long.toString(t.epoch())));
    }

    /** CLIENT PAUSE timeout WRITE: the node holds clients' writes (not refused: they wait) until unpaused. */
    void pauseWrites(Topology.Node n, long millis) {
        ask(n, false, j -> j.sendCommand(Protocol.Command.CLIENT, "PAUSE", Long.toString(millis), "WRITE"));
    }

    void unpause(Topology.Node n) {
        ask(n, false, j -> j.sendCommand(Protocol.Command.CLIENT, "UNPAUSE"));
    }

    /** How far a node has applied its primary's writes (its own sequence on a primary). */
    long replicationOffset(Topology.Node n) {
        String info = ask(n, true, j -> j.info("replication"));
        for (String line : info.split("\r\n")) {
            for (String field : List.of("slave_repl_offset:", "master_repl_offset:")) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()));
                }
            }
        }
        return -1;
    }

    /** CLUSTERX MIGRATE: the source starts moving {@code slots} ("0-99,200") to {@code target}. */
    void migrate(Topology.Node source, String slots, Topology.Node target) {
        ask(source, false, j -> j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATE", slots, target.host(),
                Integer.toString(target.port())));
    }

    /** CLUSTERX MIGRATION: the fields of the source's last migration (state, bytes, keys, ...). */
    java.util.Map<String, String> migration(Topology.Node source) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        Object reply = ask(source, true, j -> j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATION"));
        for (String line : SafeEncoder.encode((byte[]) reply).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    /** CLUSTERX MIGRATION ABORT: the source releases the slots' writes and the target drops its copy. */
    void abortMigration(Topology.Node source) {
        ask(source, false, j -> j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATION", "ABORT"));
    }

    /**
     * CLUSTERX DROPSLOTS: a primary drops the keys it holds of slots another serves; how many. Refused
     * (thrown) for slots it serves in its topology, or while it moves them.
     */
    long dropSlots(Topology.Node n, String slots) {
        return ask(n, false, j -> (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "DROPSLOTS", slots));
    }

    /** Whether CLUSTER FAILOVER was sent to this replica since the last time it was asked (asking clears it). */
    boolean failoverRequested(Topology.Node n) {
        return ask(n, false, j -> (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "FAILOVER-REQUESTED") == 1);
    }
}
