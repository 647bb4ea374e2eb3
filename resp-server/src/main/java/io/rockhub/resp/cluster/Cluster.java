package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;
import io.rockhub.core.config.HubConfig;
import io.rockhub.core.util.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data node's side of cluster mode: its id, the topology it was given, and where a command on
 * given keys must go (served here, or -MOVED / -CROSSSLOT / -CLUSTERDOWN with Redis's texts).
 *
 * <p>Both the id and the topology are kept in {@code cluster-config-file} (by default beside the
 * data directory, not in it: a replica's full sync replaces the data directory, never its identity),
 * written durably before a new topology is used, so a restarted node starts from the last topology
 * it applied and never goes back to a lower epoch.
 */
public final class Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    /** One consistent view: a command routed during an update sees the old or the new one whole. */
    private record View(String myId, ClusterNode me, Topology topology, ClusterNode[] owners, int assigned,
                        boolean managed) {
    }

    private final boolean enabled;
    private final Path file;
    private final HubConfig config;
    private volatile View view;

    private Cluster(boolean enabled, Path file, HubConfig config, String myId, Topology topology, boolean managed) {
        this.enabled = enabled;
        this.file = file;
        this.config = config;
        this.view = view(myId, topology, managed);
    }

    private static View view(String myId, Topology t, boolean managed) {
        ClusterNode[] owners = t.owners();
        int assigned = 0;
        for (ClusterNode n : owners) {
            if (n != null) {
                assigned++;
            }
        }
        return new View(myId, t.node(myId), t, owners, assigned, managed);
    }

    /** Cluster mode as configured; when enabled, the id and topology kept by an earlier run. */
    public static Cluster open(HubConfig config) {
        if (!config.getBool("cluster-enabled")) {
            return new Cluster(false, null, config, io.rockhub.resp.server.Hub.randomId(), Topology.EMPTY, false);
        }
        Path file = configFile(config);
        try {
            if (Files.exists(file)) {
                String[] saved = Files.readString(file, StandardCharsets.UTF_8).split("\n", 4);
                String id = field(saved[0], "id");
                long epoch = Long.parseLong(field(saved[1], "epoch"));
                boolean managed = field(saved[2], "managed").equals("yes");
                Topology t = Topology.parse(saved.length > 3 ? saved[3] : "", epoch);
                LOG.info("cluster mode: node {} at topology epoch {} ({} nodes) from {}{}", id, epoch, t.nodes().size(), file,
                        managed ? "; serving keys again once its controller renews its lease" : "");
                return new Cluster(true, file, config, id, t, managed);
            }
            Cluster c = new Cluster(true, file, config, io.rockhub.resp.server.Hub.randomId(), Topology.EMPTY, false);
            c.save(c.view);
            LOG.info("cluster mode: new node {}, no topology yet (CLUSTERX SETNODES gives one)", c.view.myId());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster state in " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad cluster state in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String field(String line, String name) {
        if (!line.startsWith(name + " ")) {
            throw new IllegalArgumentException("expected '" + name + " ...', found '" + line + "'");
        }
        return line.substring(name.length() + 1).trim();
    }

    /** {@code cluster-config-file}, or beside the data directory: {@code <dir>.nodes.conf}. */
    static Path configFile(HubConfig config) {
        String named = config.get("cluster-config-file");
        if (!named.isEmpty()) {
            return Path.of(named).toAbsolutePath();
        }
        Path dir = Path.of(config.get("dir")).toAbsolutePath().normalize();
        return dir.resolveSibling(dir.getFileName() + ".nodes.conf");
    }

    private void save(View v) {
        String text = "id " + v.myId() + "\nepoch " + v.topology().epoch() + "\nmanaged " + (v.managed() ? "yes" : "no")
                + "\n" + v.topology().text();
        try {
            DurableFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster state to " + file, e);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public String myId() {
        return view.myId();
    }

    public Topology topology() {
        return view.topology();
    }

    /** This node in the topology, or null while the topology does not name it. */
    public ClusterNode me() {
        return view.me();
    }

    /** Whether a controller manages this node (it was leased once): it then serves keys only under a lease. */
    public boolean managed() {
        return view.managed();
    }

    private final java.util.concurrent.atomic.AtomicBoolean failoverRequested = new java.util.concurrent.atomic.AtomicBoolean();

    /** CLUSTER FAILOVER on this replica: its controller is asked (see {@link #takeFailoverRequest}). */
    public void requestFailover() {
        failoverRequested.set(true);
    }

    /** Whether CLUSTER FAILOVER was sent here since the controller last asked (and forgets it). */
    public boolean takeFailoverRequest() {
        return failoverRequested.getAndSet(false);
    }

    /** The primary serving {@code slot}, or null. */
    public ClusterNode owner(int slot) {
        return view.owners()[slot];
    }

    /** Slots some primary serves. */
    public int assignedSlots() {
        return view.assigned();
    }

    /**
     * Whether the cluster serves keys: every slot has a primary (with cluster-require-full-coverage,
     * Redis's default), or at least one does.
     */
    public boolean ok() {
        View v = view;
        if (v.managed() && System.nanoTime() - leaseUntilNanos > 0) {
            return false;
        }
        return config.getBool("cluster-require-full-coverage") ? v.assigned() == HashSlot.SLOTS : v.assigned() > 0;
    }

    /** Until when (System.nanoTime) the controller's last lease lets a managed node serve keys. */
    private volatile long leaseUntilNanos = System.nanoTime();

    /**
     * CLUSTERX LEASE: the controller vouches for this node for {@code millis} more. Once a node has been
     * given a lease (and from then on, across restarts) it serves keys only while one runs: a primary cut
     * off from its controller stops before the controller, which waits longer than the lease, promotes
     * its replica, so two primaries never take writes for one slot. As Redis's node in a minority, it
     * answers -CLUSTERDOWN The cluster is down meanwhile.
     */
    public void lease(long millis) {
        leaseUntilNanos = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        if (!view.managed()) {
            synchronized (this) {
                View v = view;
                if (!v.managed()) {
                    View managed = view(v.myId(), v.topology(), true);
                    save(managed);
                    view = managed;
                    LOG.info("cluster mode: managed by a controller from now on (keys served under its lease)");
                }
            }
        }
    }

    /** CLUSTERX SETNODEID: which node of the topology this one is. */
    public synchronized void setMyId(String id) {
        View v = view(id, view.topology(), view.managed());
        save(v);
        view = v;
    }

    /**
     * CLUSTERX SETNODES: null once applied (saved first), else the refusal. A topology whose epoch is
     * not above the current one is refused unless forced: an old push arriving late changes nothing.
     */
    public synchronized String apply(Topology t, boolean force) {
        View current = view;
        if (!force && t.epoch() <= current.topology().epoch()) {
            return "ERR Invalid version of cluster";
        }
        View v = view(current.myId(), t, current.managed());
        save(v);
        view = v;
        LOG.info("cluster topology epoch {} applied: {} nodes, {} slots assigned", t.epoch(), t.nodes().size(), v.assigned());
        return null;
    }

    /**
     * Where a command on {@code keys} (as the client named them) must go, in Redis's order of checks:
     * null when this node serves it, else the error reply. {@code write}: the command may write (a
     * replica serves only reads, and only to a client that sent READONLY).
     */
    public String redirect(List<byte[]> keys, boolean write, boolean readOnlyClient) {
        if (keys.isEmpty()) {
            return null;
        }
        View v = view;
        int slot = HashSlot.of(keys.get(0));
        ClusterNode owner = v.owners()[slot];
        if (owner == null) {
            return "CLUSTERDOWN Hash slot not served";
        }
        for (int i = 1; i < keys.size(); i++) {
            if (HashSlot.of(keys.get(i)) != slot) {
                return "CROSSSLOT Keys in request don't hash to the same slot";
            }
        }
        if (!ok()) {
            return "CLUSTERDOWN The cluster is down";
        }
        if (owner.id().equals(v.myId())) {
            return null;
        }
        ClusterNode me = v.me();
        if (!write && readOnlyClient && me != null && owner.id().equals(me.primaryId())) {
            return null;
        }
        return "MOVED " + slot + " " + owner.address();
    }
}
