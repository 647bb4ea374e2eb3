package io.rockhub.resp.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Semi-synchronous replication in cluster mode: a primary managed by a controller acknowledges a
 * write only once every replica its topology says it waits for (in sync, or joining) has it durable
 * (REPLCONF ACK), as Kafka's leader waits for its in-sync replicas. A replica that stops answering
 * holds the primary's replies until the controller commits a topology without it (in ZooKeeper,
 * first) and pushes it; so a replica promoted later, which the controller picks only among those
 * in sync, has every acknowledged write.
 *
 * <p>What a node holds when it starts waiting (it became a managed primary: leased, or promoted)
 * counts as acknowledged: it came from the previous primary, which acknowledged it only once its
 * synchronous replicas had it, or was written before the node was managed. Without that floor a
 * promoted replica would hold every reply, the one to the topology push included, until a replica
 * that has not yet been told to follow it acknowledged.
 *
 * <p>Replies waiting here when the node stops being a primary (its replica took over) are never
 * acknowledged: their connections are closed instead, since those writes may be lost.
 */
public final class SyncReplicas {
    /** Where a waited-for replica's acknowledgements come from: its acknowledged sequence, -1 if not connected. */
    public interface Acks {
        long ackedBy(String host, int port);
    }

    private record Waiter(long seq, Runnable then, Runnable abandon) {
    }

    private final Cluster cluster;
    private final Acks acks;
    private final java.util.function.LongSupplier latest;
    private final List<Waiter> waiting = new ArrayList<>();
    private final java.util.concurrent.atomic.LongAdder held = new java.util.concurrent.atomic.LongAdder();
    /** Acknowledged without replicas: what this node held when it last started waiting; -1 while it does not wait. */
    private volatile long floor = -1;

    /** {@code latest}: the sequence of the last write applied here. */
    public SyncReplicas(Cluster cluster, Acks acks, java.util.function.LongSupplier latest) {
        this.cluster = cluster;
        this.acks = acks;
        this.latest = latest;
    }

    /** Whether this node is a primary that waits for replicas (else replies wait for the WAL only). */
    private boolean waits() {
        if (!cluster.enabled() || !cluster.managed()) {
            return false;
        }
        ClusterNode me = cluster.me();
        return me != null && me.primary();
    }

    /** The highest sequence every waited-for replica acknowledged; the largest value when none is waited for. */
    public long ackedSequence() {
        if (!waits()) {
            return Long.MAX_VALUE;
        }
        long floor = this.floor;
        if (floor < 0) {
            return startedWaiting();
        }
        ClusterNode me = cluster.me();
        long min = Long.MAX_VALUE;
        for (ClusterNode r : cluster.topology().replicasOf(me.id())) {
            if (r.waitedFor()) {
                min = Math.min(min, acks.ackedBy(r.host(), r.port()));
            }
        }
        return Math.max(floor, min);
    }

    /** Sets the floor once, when this node first finds it waits; no write is acknowledged meanwhile. */
    private synchronized long startedWaiting() {
        if (floor < 0) {
            floor = latest.getAsLong();
        }
        return ackedSequence();
    }

    /** How many replicas this node waits for now (0 when it does not wait: not a managed primary). */
    public int waitedFor() {
        ClusterNode me = cluster.me();
        if (!waits() || me == null) {
            return 0;
        }
        int n = 0;
        for (ClusterNode r : cluster.topology().replicasOf(me.id())) {
            if (r.waitedFor()) {
                n++;
            }
        }
        return n;
    }

    /** How many times replies, durable here, had to wait for replicas' acknowledgements. */
    public long held() {
        return held.sum();
    }

    /** Runs {@code then} once the waited-for replicas have {@code seq}, or {@code abandon} if this node stops being a primary. */
    public void whenAcked(long seq, Runnable then, Runnable abandon) {
        if (ackedSequence() >= seq) {
            then.run();
            return;
        }
        held.increment();
        synchronized (this) {
            waiting.add(new Waiter(seq, then, abandon));
        }
        changed(); // an acknowledgement may have come in between
    }

    /** A replica acknowledged, or the topology changed: runs what may run now. */
    public void changed() {
        if (!waits()) {
            floor = -1; // set again when it next waits: as a primary again, it holds what it followed
        }
        List<Runnable> ready = new ArrayList<>();
        synchronized (this) {
            if (waiting.isEmpty()) {
                return;
            }
            boolean primary = cluster.me() == null || cluster.me().primary();
            long acked = ackedSequence();
            waiting.removeIf(w -> {
                if (!primary) {
                    ready.add(w.abandon());
                    return true;
                }
                if (w.seq() <= acked) {
                    ready.add(w.then());
                    return true;
                }
                return false;
            });
        }
        ready.forEach(Runnable::run);
    }
}
