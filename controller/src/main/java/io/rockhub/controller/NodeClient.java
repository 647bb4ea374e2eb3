package io.rockhub.controller;

import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

/** What the controller asks a data node, over RESP with short timeouts: a node that does not answer is down. */
final class NodeClient {
    private final int timeoutMillis;

    NodeClient(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    private Jedis connect(String host, int port) {
        return new Jedis(host, port, timeoutMillis);
    }

    String myId(String host, int port) {
        try (Jedis j = connect(host, port)) {
            return SafeEncoder.encode((byte[]) j.sendCommand(Protocol.Command.CLUSTER, "MYID"));
        }
    }

    /**
     * Renews the node's lease ({@code CLUSTERX LEASE}) if it serves {@code epoch} or later: the epoch it
     * serves (below {@code epoch}: no lease given, push it the topology first).
     */
    long lease(Topology.Node n, long millis, long epoch) {
        try (Jedis j = connect(n.host(), n.port())) {
            return (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "LEASE", Long.toString(millis),
                    Long.toString(epoch));
        }
    }

    void push(Topology.Node n, Topology t) {
        try (Jedis j = connect(n.host(), n.port())) {
            j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "SETNODES", t.text(), Long.toString(t.epoch()));
        }
    }

    /** CLIENT PAUSE timeout WRITE: the node holds clients' writes (not refused: they wait) until unpaused. */
    void pauseWrites(Topology.Node n, long millis) {
        try (Jedis j = connect(n.host(), n.port())) {
            j.sendCommand(Protocol.Command.CLIENT, "PAUSE", Long.toString(millis), "WRITE");
        }
    }

    void unpause(Topology.Node n) {
        try (Jedis j = connect(n.host(), n.port())) {
            j.sendCommand(Protocol.Command.CLIENT, "UNPAUSE");
        }
    }

    /** How far a node has applied its primary's writes (its own sequence on a primary). */
    long replicationOffset(Topology.Node n) {
        try (Jedis j = connect(n.host(), n.port())) {
            for (String line : j.info("replication").split("\r\n")) {
                for (String field : List.of("slave_repl_offset:", "master_repl_offset:")) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()));
                    }
                }
            }
            return -1;
        }
    }

    /** CLUSTERX MIGRATE: the source starts moving {@code slots} ("0-99,200") to {@code target}. */
    void migrate(Topology.Node source, String slots, Topology.Node target) {
        try (Jedis j = connect(source.host(), source.port())) {
            j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATE", slots, target.host(), Integer.toString(target.port()));
        }
    }

    /** CLUSTERX MIGRATION: the fields of the source's last migration (state, bytes, keys, ...). */
    java.util.Map<String, String> migration(Topology.Node source) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        try (Jedis j = connect(source.host(), source.port())) {
            Object reply = j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATION");
            for (String line : SafeEncoder.encode((byte[]) reply).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    out.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return out;
    }

    /** CLUSTERX MIGRATION ABORT: the source releases the slots' writes and the target drops its copy. */
    void abortMigration(Topology.Node source) {
        try (Jedis j = connect(source.host(), source.port())) {
            j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "MIGRATION", "ABORT");
        }
    }

    /**
     * CLUSTERX DROPSLOTS: a primary drops the keys it holds of slots another serves; how many. Refused
     * (thrown) for slots it serves in its topology, or while it moves them.
     */
    long dropSlots(Topology.Node n, String slots) {
        try (Jedis j = connect(n.host(), n.port())) {
            return (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "DROPSLOTS", slots);
        }
    }

    /** Whether CLUSTER FAILOVER was sent to this replica since the last time it was asked. */
    boolean failoverRequested(Topology.Node n) {
        try (Jedis j = connect(n.host(), n.port())) {
            return (Long) j.sendCommand(() -> SafeEncoder.encode("CLUSTERX"), "FAILOVER-REQUESTED") == 1;
        }
    }
}
