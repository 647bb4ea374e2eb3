package io.rockhub.controller;

import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Where a cluster lives in ZooKeeper, under {@code /rockhub/clusters/<name>}: {@code topology} holds
 * the epoch and the topology's text, changed only by compare-and-set on the znode's version (the
 * single commit point of every change: a controller that lost the race reads again); {@code leader}
 * is the controllers' election; {@code migration}, while slots move, says which (one move at a time),
 * with an ephemeral {@code migration/mover} while the process running it lives.
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

    /**
     * What a recorded move is doing: {@code MOVING} while its mover (the process that runs it) has it
     * in hand; {@code SETTLING} once it will not go on (it failed, or its mover is gone): the leader
     * then has the nodes finish it as the topology says (see Controller#settle).
     */
    public enum MigrationState { MOVING, SETTLING }

    /**
     * A migration in progress: its slots, source and target ids, state, since when (ZooKeeper's
     * clock), the record's version (what a commit or a takeover names) and whether its mover's
     * session (an ephemeral node) is still there.
     */
    public record Migration(String slots, String sourceId, String targetId, MigrationState state, long sinceMillis,
                            int version, boolean moverAlive) {
    }

    private String migrationPath() {
        return root + "/migration";
    }

    private String moverPath() {
        return migrationPath() + "/mover";
    }

    /**
     * Records a migration about to start, with an ephemeral node of this client's session (its mover):
     * false if one is recorded already. When the mover's session ends (its process died or was cut
     * off), the node goes and the leader takes the move over.
     */
    public boolean beginMigration(String slots, String sourceId, String targetId) throws Exception {
        try {
            zk.transaction().forOperations(
                    zk.transactionOp().create().forPath(migrationPath(), record(slots, sourceId, targetId, MigrationState.MOVING)),
                    zk.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(moverPath()));
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    private static byte[] record(String slots, String sourceId, String targetId, MigrationState state) {
        return (slots + " " + sourceId + " " + targetId + " " + state.name().toLowerCase(java.util.Locale.ROOT))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The migration recorded, or null. */
    public Migration migration() throws Exception {
        Stat stat = new Stat();
        try {
            String[] f = new String(zk.getData().storingStatIn(stat).forPath(migrationPath()), StandardCharsets.UTF_8)
                    .split(" ");
            MigrationState state = f.length > 3 ? MigrationState.valueOf(f[3].toUpperCase(java.util.Locale.ROOT))
                    : MigrationState.MOVING;
            return new Migration(f[0], f[1], f[2], state, stat.getCtime(), stat.getVersion(),
                    zk.checkExists().forPath(moverPath()) != null);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /**
     * Marks the move as settling if its record is still at {@code m}'s version: false if it changed
     * (another controller took it over first). From then on its mover cannot commit it.
     */
    public boolean settleMigration(Migration m) throws Exception {
        try {
            zk.setData().withVersion(m.version()).forPath(migrationPath(),
                    record(m.slots(), m.sourceId(), m.targetId(), MigrationState.SETTLING));
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    /**
     * A move's commit: replaces the topology if nobody changed it since {@code version} was read and
     * the move's record is still at {@code m}'s version (nobody took the move over). False otherwise.
     */
    public boolean commitMigration(Migration m, Topology next, int version) throws Exception {
        try {
            zk.transaction().forOperations(
                    zk.transactionOp().check().withVersion(m.version()).forPath(migrationPath()),
                    zk.transactionOp().setData().withVersion(version).forPath(topologyPath(), bytes(next)));
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }

    public void endMigration() throws Exception {
        try {
            zk.delete().deletingChildrenIfNeeded().forPath(migrationPath());
        } catch (KeeperException.NoNodeException gone) {
            // Ended by another controller.
        }
    }

    private static byte[] bytes(Topology t) {
        return (t.epoch() + "\n" + t.text()).getBytes(StandardCharsets.UTF_8);
    }
}
