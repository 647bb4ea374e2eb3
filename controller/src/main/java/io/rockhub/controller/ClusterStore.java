package io.rockhub.controller;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Where a cluster lives in ZooKeeper, under {@code /rockhub/clusters/<name>}: {@code topology} holds
 * the epoch and the topology's text, changed only by compare-and-set on the znode's version (the
 * single commit point of every change: a controller that lost the race reads again); {@code leader}
 * is the controllers' election; {@code migration}, while slots move, says which (one move at a time).
 */
public final class ClusterStore {
    private final CuratorFramework zk;
    private final String root;

    public ClusterStore(CuratorFramework zk, String cluster) {
        this.zk = zk;
        this.root = "/rockhub/clusters/" + cluster;
    }

    /** The topology and the znode version a change must name. */
    public record Versioned(Topology topology, int version) {
    }

    String leaderPath() {
        return root + "/leader";
    }

    private String topologyPath() {
        return root + "/topology";
    }

    /** The committed topology, or null before the cluster was created. */
    public Versioned read() throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = zk.getData().storingStatIn(stat).forPath(topologyPath());
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\n", 2);
        return new Versioned(Topology.parse(parts.length > 1 ? parts[1] : "", Long.parseLong(parts[0].trim())),
                stat.getVersion());
    }

    /** Creates the cluster's first topology: false when one exists. */
    public boolean create(Topology t) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(topologyPath(), bytes(t));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    /** Replaces the topology if nobody changed it since {@code version} was read: false otherwise. */
    public boolean replace(Topology next, int version) throws Exception {
        try {
            zk.setData().withVersion(version).forPath(topologyPath(), bytes(next));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        }
    }

    /** A migration in progress: its slots, source and target ids, and since when (ZooKeeper's clock). */
    public record Migration(String slots, String sourceId, String targetId, long sinceMillis) {
    }

    private String migrationPath() {
        return root + "/migration";
    }

    /** Records a migration about to start: false if one is recorded already. */
    public boolean beginMigration(String slots, String sourceId, String targetId) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(migrationPath(),
                    (slots + " " + sourceId + " " + targetId).getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    /** The migration recorded, or null. */
    public Migration migration() throws Exception {
        Stat stat = new Stat();
        try {
            String[] f = new String(zk.getData().storingStatIn(stat).forPath(migrationPath()), StandardCharsets.UTF_8)
                    .split(" ");
            return new Migration(f[0], f[1], f[2], stat.getCtime());
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    public void endMigration() throws Exception {
        try {
            zk.delete().forPath(migrationPath());
        } catch (KeeperException.NoNodeException gone) {
            // Ended by another controller.
        }
    }

    private static byte[] bytes(Topology t) {
        return (t.epoch() + "\n" + t.text()).getBytes(StandardCharsets.UTF_8);
    }
}
