package io.rockhub.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller of a cluster. Several run; ZooKeeper elects one leader (Curator's LeaderLatch) and
 * only it acts. Every {@code probeInterval} the leader reads the committed topology, renews every data
 * node's lease (see {@code CLUSTERX LEASE}: a node cut off from the leader stops serving keys before
 * its replica is promoted), learns from it which epoch it serves and pushes the topology to those behind (a node that was down, or
 * missed a push, catches up: a topology is never left unpushed), and watches the primaries: one that
 * has not answered for {@code failAfter} is replaced by its replica that has applied the most, in a
 * new topology committed by compare-and-set in ZooKeeper, then pushed. The old primary, when it
 * returns, is pushed the new topology and rejoins as a replica of its successor.
 */
public final class Controller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /** How often the leader looks, and how long a primary may stay silent before its replica takes over. */
    /**
     * {@code migrationMillis}: a slot move recorded longer ago than this was left by a controller
     * that died, and the leader aborts it (a running move then fails, with nothing changed).
     */
    public record Timing(long probeIntervalMillis, long failAfterMillis, int nodeTimeoutMillis, long migrationMillis) {
        public static final Timing DEFAULT = new Timing(500, 3_000, 1_000);

        public Timing(long probeIntervalMillis, long failAfterMillis, int nodeTimeoutMillis) {
            this(probeIntervalMillis, failAfterMillis, nodeTimeoutMillis, 600_000);
        }

        /**
         * The lease each probe renews: three quarters of the failover delay, so a primary cut off
         * from the leader has stopped serving before its replica is promoted (the lease runs from when
         * the node got it, before the leader saw the answer that the failover delay runs from; the
         * quarter left covers clocks running at different rates), and a busy node or a slow round of
         * probes does not let it lapse (with half the delay, a node under a bulk load refused writes
         * with -CLUSTERDOWN while its lease was late).
         */
        public long leaseMillis() {
            return failAfterMillis * 3 / 4;
        }
    }

    private final CuratorFramework zk;
    private final String cluster;
    private final ClusterStore store;
    private final LeaderLatch latch;
    private final Timing timing;
    private final NodeClient nodes;
    private final ScheduledExecutorService loop;
    /** Asks every node a round's questions at once (see {@link #tick}); a thread per node at most, idle ones go. */
    private final java.util.concurrent.ExecutorService askers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rockhub-controller-ask");
        t.setDaemon(true);
        return t;
    });
    /** When each node last answered (System.nanoTime), while this controller leads. */
    private final Map<String, Long> lastSeen = new HashMap<>();
    /** When each replica last had what its primary had a round before (System.nanoTime). */
    private final Map<String, Long> keptUp = new HashMap<>();
    /** The primaries' replication offsets of the last round. */
    private Map<String, Long> previousOffsets = new HashMap<>();
    /** Once a joining replica's primary serves the topology that made it joining: the primary's offset then. */
    private final Map<String, Long> joinTargets = new HashMap<>();
    private long leadingSince;
    private volatile boolean leading;

    public Controller(CuratorFramework zk, String cluster, String name, Timing timing) {
        this.zk = zk;
        this.cluster = cluster;
        this.store = new ClusterStore(zk, cluster);
        this.latch = new LeaderLatch(zk, store.leaderPath(), name);
        this.timing = timing;
        this.nodes = new NodeClient(timing.nodeTimeoutMillis());
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rockhub-controller-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public Controller start() throws Exception {
        latch.start();
        // At a fixed rate, not a fixed delay: a round slowed by a busy node's answers must not push the
        // next lease of every node back by as much (a lease is three quarters of the failover delay).
        loop.scheduleAtFixedRate(this::tickSafely, 0, timing.probeIntervalMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public boolean leading() {
        return latch.hasLeadership();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("controller round failed: {}", e.toString());
        }
    }

    private void tick() throws Exception {
        if (!latch.hasLeadership()) {
            if (leading) {
                LOG.info("no longer the cluster controller's leader");
            }
            leading = false;
            lastSeen.clear();
            keptUp.clear();
            joinTargets.clear();
            previousOffsets = new HashMap<>();
            return;
        }
        long now = System.nanoTime();
        if (!leading) {
            // A new leader gives every node a full failAfter before judging it: it has seen none yet.
            leading = true;
            leadingSince = now;
            LOG.info("leading the cluster controller");
        }
        ClusterStore.Versioned current = store.read();
        if (current == null) {
            return;
        }
        Topology t = current.topology();
        Map<String, Long> versions = new HashMap<>();
        Map<String, Long> offsets = new HashMap<>();
        Topology.Node failoverAsked = null;
        // Leases first, every node's at once, then the slower questions: a node slow to answer (busy
        // with a bulk load) or not answering at all (cut off: its question waits out the timeout)
        // delays no other node's lease; asked one after the other, two silent nodes held every later
        // node's lease back by two timeouts, long enough for healthy nodes' leases to lapse.
        nodes.keepOnly(t.nodes().stream().map(Topology.Node::address).collect(java.util.stream.Collectors.toSet()));
        Map<String, java.util.concurrent.Future<Long>> leases = new HashMap<>();
        for (Topology.Node n : t.nodes()) {
            lastSeen.putIfAbsent(n.id(), now);
            leases.put(n.id(), askers.submit(() -> lease(n, t)));
        }
        for (Topology.Node n : t.nodes()) {
            try {
                versions.put(n.id(), leases.get(n.id()).get());
            } catch (java.util.concurrent.ExecutionException down) {
                // Silent this round: judged below.
            }
        }
        // The slower questions, at once too: a node that stopped answering after its lease waits
        // out its timeout without delaying what the others tell.
        Map<String, java.util.concurrent.Future<Answer>> answers = new HashMap<>();
        for (Topology.Node n : t.nodes()) {
            if (versions.containsKey(n.id())) {
                answers.put(n.id(), askers.submit(() -> answer(n)));
            }
        }
        for (Topology.Node n : t.nodes()) {
            if (!answers.containsKey(n.id())) {
                continue;
            }
            try {
                Answer a = answers.get(n.id()).get();
                offsets.put(n.id(), a.offset());
                lastSeen.put(n.id(), now);
                if (a.failoverRequested()) {
                    failoverAsked = n; // CLUSTER FAILOVER sent to this replica
                }
            } catch (java.util.concurrent.ExecutionException down) {
                // Silent this round: judged below.
            }
        }
        Map<String, Long> before = previousOffsets;
        previousOffsets = offsets;
        for (Topology.Node primary : t.nodes()) {
            if (primary.primary() && !primary.slots().isEmpty()
                    && now - lastSeen.get(primary.id()) > TimeUnit.MILLISECONDS.toNanos(timing.failAfterMillis())) {
                failover(current, primary);
                return; // one change per round, on a fresh read
            }
        }
        if (failoverAsked != null) {
            if (failoverAsked.sync() != Topology.Sync.IN_SYNC) {
                LOG.warn("CLUSTER FAILOVER on {} ({}) refused: it is not in its primary's synchronous set",
                        failoverAsked.id(), failoverAsked.address());
            } else {
                try {
                    long held = plannedFailover(zk, cluster, failoverAsked.id(), timing.failAfterMillis());
                    LOG.info("CLUSTER FAILOVER on {} ({}) done: writes held {} ms", failoverAsked.id(),
                            failoverAsked.address(), held);
                } catch (IllegalStateException e) {
                    LOG.warn("CLUSTER FAILOVER on {} ({}) not done: {}", failoverAsked.id(), failoverAsked.address(),
                            e.getMessage());
                }
                return; // one change per round, on a fresh read
            }
        }
        cleanUpMigration(current);
        maintainSyncSets(current, versions, offsets, before, now);
    }

    /**
     * Keeps each primary's synchronous set honest, one change per round, each committed in ZooKeeper
     * before any node acts on it: a replica that for the failover delay has neither kept up with its
     * primary (had, each round, what the primary had the round before) nor gone on applying leaves it
     * (its primary then stops waiting for it); one that keeps up again joins (waited for, not
     * promotable), and becomes in sync once it has what its primary had when it started waiting.
     */
    private void maintainSyncSets(ClusterStore.Versioned current, Map<String, Long> versions, Map<String, Long> offsets,
                                  Map<String, Long> before, long now) throws Exception {
        Topology t = current.topology();
        for (Topology.Node r : t.nodes()) {
            if (r.primary()) {
                continue;
            }
            Long mine = offsets.get(r.id());
            Long primaryBefore = before.get(r.primaryId());
            Long primaryNow = offsets.get(r.primaryId());
            boolean keepingUp = mine != null && primaryBefore != null && mine >= primaryBefore;
            // A replica still applying (behind a burst its primary took in at once: a pipeline of
            // thousands of writes runs before their replies wait for it) stays in the set; one that
            // stopped, or does not answer, leaves it after the failover delay.
            Long mineBefore = before.get(r.id());
            boolean applying = mine != null && mineBefore != null && mine > mineBefore;
            if (keepingUp || applying && r.sync() != Topology.Sync.OUT) {
                keptUp.put(r.id(), now);
            }
            Topology next = null;
            switch (r.sync()) {
                case IN_SYNC, JOINING -> {
                    if (primaryNow != null && now - keptUp.getOrDefault(r.id(), leadingSince)
                            > TimeUnit.MILLISECONDS.toNanos(timing.failAfterMillis())) {
                        next = t.withSync(r.id(), Topology.Sync.OUT);
                    } else if (r.sync() == Topology.Sync.JOINING && primaryNow != null
                            && versions.getOrDefault(r.primaryId(), 0L) >= t.epoch()) {
                        Long target = joinTargets.putIfAbsent(r.id(), primaryNow);
                        if (target != null && mine != null && mine >= target) {
                            next = t.withSync(r.id(), Topology.Sync.IN_SYNC);
                        }
                    }
                }
                case OUT -> {
                    if (keepingUp) {
                        next = t.withSync(r.id(), Topology.Sync.JOINING);
                    }
                }
            }
            if (next != null) {
                if (store.replace(next, current.version())) {
                    joinTargets.remove(r.id());
                    LOG.info("replica {} ({}) of {}: {} -> {}, topology epoch {}", r.id(), r.address(), r.primaryId(),
                            r.sync(), next.node(r.id()).sync(), next.epoch());
                    pushAll(next);
                }
                return;
            }
        }
    }

    /** What a node told in a round besides its lease: how far it has applied, and (a replica) whether CLUSTER FAILOVER was sent to it. */
    private record Answer(long offset, boolean failoverRequested) {
    }

    /** Asks {@code n} its {@link Answer}; it counts as seen once it told its offset. */
    private Answer answer(Topology.Node n) {
        long offset = nodes.replicationOffset(n);
        boolean requested = false;
        try {
            requested = !n.primary() && nodes.failoverRequested(n);
        } catch (RuntimeException notAsked) {
            // Seen all the same; asked again next round.
        }
        return new Answer(offset, requested);
    }

    /** Renews {@code n}'s lease, pushing it {@code t} first if it serves an older epoch; the epoch it serves. */
    private long lease(Topology.Node n, Topology t) {
        long version = nodes.lease(n, timing.leaseMillis(), t.epoch());
        if (version < t.epoch()) {
            // Behind: no lease until it serves this topology (a returning primary would take writes).
            nodes.push(n, t);
            LOG.info("pushed topology epoch {} to {} ({})", t.epoch(), n.id(), n.address());
            version = nodes.lease(n, timing.leaseMillis(), t.epoch());
        }
        return version;
    }

    /** Promotes the failed primary's replica that has applied the most, if one answers. */
    private void failover(ClusterStore.Versioned current, Topology.Node primary) throws Exception {
        Topology t = current.topology();
        Topology.Node best = null;
        long bestOffset = -1;
        for (Topology.Node r : t.replicasOf(primary.id())) {
            if (r.sync() != Topology.Sync.IN_SYNC) {
                continue; // it may lack acknowledged writes
            }
            try {
                long offset = nodes.replicationOffset(r);
                if (offset > bestOffset) {
                    best = r;
                    bestOffset = offset;
                }
            } catch (RuntimeException down) {
                // Not a candidate.
            }
        }
        if (best == null) {
            LOG.warn("primary {} ({}) is down and no replica of it in sync answers: its slots are not served",
                    primary.id(), primary.address());
            return;
        }
        Topology next = t.promote(best.id());
        if (!store.replace(next, current.version())) {
            LOG.info("the topology changed under this failover; the next round reads it again");
            return;
        }
        LOG.warn("primary {} ({}) silent for {} ms: promoted {} ({}) at offset {}, topology epoch {}", primary.id(),
                primary.address(), timing.failAfterMillis(), best.id(), best.address(), bestOffset, next.epoch());
        lastSeen.put(best.id(), System.nanoTime());
        pushAll(next);
    }

    private void pushAll(Topology t) {
        new Pusher(nodes).pushAll(t);
    }

    /** Pushes a new topology to every node it reaches. */
    private record Pusher(NodeClient nodes) {
        void pushAll(Topology t) {
            pushAll(t, null);
        }

        /** As {@link #pushAll(Topology)}, {@code firstId} (a slot's new owner) before any other. */
        void pushAll(Topology t, String firstId) {
            // The new primary first: it stops following before its old primary is told to follow it.
            List<Topology.Node> order = new ArrayList<>(t.nodes());
            order.sort((a, b) -> Boolean.compare(!a.primary(), !b.primary()));
            order.sort((a, b) -> Boolean.compare(!a.id().equals(firstId), !b.id().equals(firstId)));
            for (Topology.Node n : order) {
                try {
                    nodes.push(n, t);
                } catch (RuntimeException down) {
                    LOG.info("node {} ({}) not reached with epoch {} ({}): pushed when it answers", n.id(), n.address(), t.epoch(), down.toString());
                }
            }
        }
    }

    /**
     * Creates a cluster from data nodes (given as host and port; their ids are asked): the first
     * ones primaries sharing the slots evenly, the rest their replicas; committed to ZooKeeper as
     * epoch 1 and pushed. Refused when the cluster exists.
     */
    public static Topology create(CuratorFramework zk, String cluster, List<String> addresses, int replicas,
                                  int nodeTimeoutMillis) throws Exception {
        try (NodeClient client = new NodeClient(nodeTimeoutMillis)) {
            List<Topology.Node> given = new ArrayList<>();
            for (String a : addresses) {
                int colon = a.lastIndexOf(':');
                String host = a.substring(0, colon);
                int port = Integer.parseInt(a.substring(colon + 1));
                given.add(new Topology.Node(client.myId(host, port), host, port, null, List.of()));
            }
            Topology t = Topology.create(given, replicas);
            if (!new ClusterStore(zk, cluster).create(t)) {
                throw new IllegalStateException("cluster " + cluster + " exists already");
            }
            for (Topology.Node n : t.nodes()) {
                client.push(n, t);
            }
            return t;
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops acting and gives up the leadership (another controller takes it); closing twice is harmless. */
    /**
     * A planned failover: the replica takes over its primary's slots with nothing lost and writes held
     * (not refused) only meanwhile. The primary holds its clients' writes (CLIENT PAUSE WRITE), the
     * replica catches up with the sequence the primary had then, the new topology is committed in
     * ZooKeeper and pushed (the replica first), and the held writes go on: to the new primary, by
     * -MOVED. Returns how long writes were held, in milliseconds. Safe beside a running leader: the
     * commit is a compare-and-set.
     */
    public static long plannedFailover(CuratorFramework zk, String cluster, String replicaId, long catchUpMillis)
            throws Exception {
        ClusterStore store = new ClusterStore(zk, cluster);
        ClusterStore.Versioned current = store.read();
        Topology t = current.topology();
        Topology.Node replica = t.node(replicaId);
        if (replica == null || replica.primary()) {
            throw new IllegalArgumentException(replicaId + " is not a replica in cluster " + cluster);
        }
        Topology.Node primary = t.node(replica.primaryId());
        try (NodeClient client = new NodeClient(1_000)) {
            long start = System.nanoTime();
            client.pauseWrites(primary, catchUpMillis + 5_000);
            try {
                long target = client.replicationOffset(primary);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(catchUpMillis);
                while (client.replicationOffset(replica) < target) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("replica " + replicaId + " did not catch up with sequence " + target
                                + " within " + catchUpMillis + " ms: nothing changed");
                    }
                    Thread.sleep(1);
                }
                Topology next = t.promote(replicaId);
                if (!store.replace(next, current.version())) {
                    throw new IllegalStateException("the topology changed meanwhile: nothing changed");
                }
                new Controller.Pusher(client).pushAll(next);
                LOG.info("planned failover: {} ({}) took over from {} ({}), topology epoch {}", replicaId, replica.address(),
                        primary.id(), primary.address(), next.epoch());
            } finally {
                try {
                    client.unpause(primary);
                } catch (RuntimeException e) {
                    LOG.warn("could not unpause {} ({}): its pause ends by itself ({})", primary.id(), primary.address(), e.toString());
                }
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }

    /** What a slot move did: bytes copied, keys moved, how long writes to the slots were held, in all. */
    public record Move(long bytes, long keys, long heldMillis, long totalMillis, long epoch) {
    }

    /**
     * Moves {@code slots} ("0-99,200") from the primary serving them to the primary {@code targetId},
     * with nothing lost: the source copies them and follows its WAL, holds their writes once the
     * target is close behind, and reports ready; then the topology giving the target the slots is
     * committed in ZooKeeper (the single commit point, a compare-and-set) and pushed, the target
     * first. The source then drops the slots and answers the held writes -MOVED. A failure before the
     * commit aborts the move (the source takes the writes again, the target drops its copy). One move
     * at a time per cluster, recorded in ZooKeeper with this process's session: if it dies mid-move,
     * the leader takes the move over at once (see {@link #cleanUpMigration}), so the source does not
     * hold writes for long.
     */
    public static Move moveSlots(CuratorFramework zk, String cluster, String slots, String targetId, long timeoutMillis)
            throws Exception {
        ClusterStore store = new ClusterStore(zk, cluster);
        ClusterStore.Versioned current = store.read();
        Topology t = current.topology();
        java.util.BitSet set = Topology.slotSet(List.of(slots.split(",")));
        Topology.Node source = t.ownerOf(set);
        Topology.Node target = t.node(targetId);
        if (source == null) {
            throw new IllegalArgumentException("slots " + slots + " are not all served by one primary");
        }
        if (target == null || !target.primary()) {
            throw new IllegalArgumentException(targetId + " is not a primary of cluster " + cluster);
        }
        if (source.id().equals(target.id())) {
            throw new IllegalArgumentException("slots " + slots + " are served by " + targetId + " already");
        }
        String ranges = String.join(",", Topology.ranges(set));
        if (!store.beginMigration(ranges, source.id(), target.id())) {
            throw new IllegalStateException("another migration is in progress in cluster " + cluster);
        }
        ClusterStore.Migration record = store.migration();
        try (NodeClient client = new NodeClient(5_000)) {
            long start = System.nanoTime();
            try {
                client.migrate(source, ranges, target);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                Map<String, String> status;
                while (true) {
                    status = client.migration(source);
                    String state = status.getOrDefault("state", "");
                    if (state.equals("ready")) {
                        break;
                    }
                    if (state.equals("failed") || state.equals("aborted") || state.equals("none")) {
                        throw new IllegalStateException("migration of slots " + ranges + " " + state + ": "
                                + status.getOrDefault("error", "") + "; nothing changed");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("migration of slots " + ranges + " not ready within " + timeoutMillis
                                + " ms (" + state + "): nothing changed");
                    }
                    Thread.sleep(state.equals("holding") ? 1 : 20);
                }
                Topology next = commit(store, record, set, source.id(), target.id());
                if (next == null) {
                    throw new IllegalStateException("the move of slots " + ranges + " was taken over by the leader, or its "
                            + "source or target changed role: nothing changed");
                }
                // Committed: the move is done whatever happens next; what the source has not dropped, the
                // leader has it drop (settling) if it is not confirmed here.
                boolean done = false;
                try {
                    new Controller.Pusher(client).pushAll(next, target.id());
                    while (!(done = (status = client.migration(source)).getOrDefault("state", "").equals("done"))) {
                        if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(30)) {
                            LOG.warn("source {} has not dropped slots {} yet: the leader pushes the topology again", source.id(), ranges);
                            break;
                        }
                        Thread.sleep(5);
                    }
                } catch (RuntimeException sourceGone) {
                    LOG.warn("slots {} moved, but source {} did not confirm it dropped them ({}): the leader has it do so",
                            ranges, source.id(), sourceGone.toString());
                }
                if (done) {
                    store.endMigration();
                } else {
                    handOver(client, store, record);
                }
                LOG.info("moved slots {} from {} ({}) to {} ({}): {} keys, {} bytes, writes held {} ms, topology epoch {}",
                        ranges, source.id(), source.address(), target.id(), target.address(), status.get("keys"),
                        status.get("bytes"), status.get("writes_held_ms"), next.epoch());
                return new Move(Long.parseLong(status.getOrDefault("bytes", "0")), Long.parseLong(status.getOrDefault("keys", "0")),
                        Long.parseLong(status.getOrDefault("writes_held_ms", "0")),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), next.epoch());
            } catch (Exception | Error e) {
                try {
                    handOver(client, store, record);
                } catch (Exception notRecorded) {
                    LOG.warn("move of slots {} not marked for settling ({}): the leader takes it over once this process's "
                            + "ZooKeeper session ends", ranges, notRecorded.toString());
                }
                throw e;
            }
        }
    }

    /**
     * The move's commit: the topology giving the target the slots, compare-and-set against the
     * topology read just before and the move's record (unchanged unless the leader took the move over,
     * after which it cannot commit). A topology changed meanwhile by something else (a replica
     * leaving or joining a synchronous set) is read again, as long as the source still serves the
     * slots and the target is still a primary; null when the move cannot commit.
     */
    private static Topology commit(ClusterStore store, ClusterStore.Migration record, java.util.BitSet set, String sourceId,
                                   String targetId) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            ClusterStore.Versioned current = store.read();
            Topology t = current.topology();
            Topology.Node owner = t.ownerOf(set);
            Topology.Node target = t.node(targetId);
            if (owner == null || !owner.id().equals(sourceId) || target == null || !target.primary()) {
                return null;
            }
            Topology next = t.moveSlots(set, targetId);
            if (store.commitMigration(record, next, current.version())) {
                return next;
            }
            ClusterStore.Migration now = store.migration();
            if (now == null || now.version() != record.version()) {
                return null;
            }
        }
        return null;
    }

    /**
     * A move its mover leaves unfinished (failed, or not confirmed done): marked settling and settled
     * now if the nodes answer; else the leader settles it, round after round, until they do.
     */
    private static void handOver(NodeClient client, ClusterStore store, ClusterStore.Migration record) throws Exception {
        if (!store.settleMigration(record)) {
            return; // the leader took it over already
        }
        ClusterStore.Migration m = store.migration();
        ClusterStore.Versioned current = store.read();
        if (m != null && settle(client, current.topology(), m)) {
            store.endMigration();
        } else {
            LOG.warn("move of slots {} not settled yet (a node did not answer): the leader finishes it", record.slots());
        }
    }

    /**
     * Finishes a move that will not go on, as the committed topology says. Not committed (the
     * source, or its successor, serves the slots): the source stops moving them and takes their writes
     * again. Either way every other primary drops what it holds of the slots: the target's partial copy
     * (which would otherwise show in its KEYS, SCAN and DBSIZE), or, after the commit, the source's
     * keys. True once all of that is done; false to try again (a node did not answer, a move still
     * runs there, or a node has not taken the topology yet).
     */
    static boolean settle(NodeClient client, Topology t, ClusterStore.Migration m) {
        java.util.BitSet set = Topology.slotSet(List.of(m.slots().split(",")));
        Topology.Node owner = t.ownerOf(set);
        if (owner == null) {
            LOG.warn("slots {} of an unfinished move are not served by one primary: left as they are", m.slots());
            return false;
        }
        Topology.Node source = t.node(m.sourceId());
        if (source != null && source.id().equals(owner.id())) {
            try {
                client.abortMigration(source);
                String state = client.migration(source).getOrDefault("state", "none");
                if (List.of("copying", "tailing", "holding", "ready").contains(state)) {
                    return false; // stopping: its target must not be told to drop before it stopped sending
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        boolean done = true;
        for (Topology.Node p : t.nodes()) {
            if (!p.primary() || p.id().equals(owner.id())) {
                continue;
            }
            try {
                long dropped = client.dropSlots(p, m.slots());
                if (dropped > 0) {
                    LOG.info("{} ({}) dropped {} keys of slots {}, which {} serves", p.id(), p.address(), dropped,
                            m.slots(), owner.id());
                }
            } catch (RuntimeException e) {
                LOG.debug("{} ({}) did not drop slots {} yet: {}", p.id(), p.address(), m.slots(), e.toString());
                done = false;
            }
        }
        return done;
    }

    /**
     * The leader's part in moves: one whose mover is gone (its ZooKeeper session ended: the process
     * died or was cut off) or that is older than any move takes is taken over (marked settling, after
     * which its mover cannot commit it), then settled round after round until the nodes have done it.
     */
    private void cleanUpMigration(ClusterStore.Versioned current) throws Exception {
        ClusterStore.Migration m = store.migration();
        if (m == null) {
            return;
        }
        if (m.state() == ClusterStore.MigrationState.MOVING) {
            boolean stale = System.currentTimeMillis() - m.sinceMillis() >= timing.migrationMillis();
            if (m.moverAlive() && !stale) {
                return;
            }
            if (store.settleMigration(m)) {
                LOG.warn("move of slots {} from {} to {} taken over by the leader ({}): settling it as the topology says",
                        m.slots(), m.sourceId(), m.targetId(), m.moverAlive() ? "recorded too long ago" : "its mover is gone");
            }
            return; // settled from the next round, on a fresh read
        }
        if (settle(nodes, current.topology(), m)) {
            store.endMigration();
            Topology.Node owner = current.topology().ownerOf(Topology.slotSet(List.of(m.slots().split(","))));
            LOG.info("move of slots {} from {} to {} settled: {} serves them", m.slots(), m.sourceId(), m.targetId(),
                    owner.id());
        }
    }

    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
        askers.shutdownNow();
        askers.awaitTermination(10, TimeUnit.SECONDS);
        nodes.close();
        latch.close();
    }
}
