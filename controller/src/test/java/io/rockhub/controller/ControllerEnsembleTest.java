package io.rockhub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/**
 * A real three-server ZooKeeper ensemble (Curator's TestingCluster, in-process) under the controller,
 * ZooKeeper's own failures part of the test: the server the controller is connected to goes, and the
 * two left carry the cluster on (a primary's failure is still handled, its replica promoted with the
 * acknowledged writes); when a second server goes the ensemble has no quorum, no controller can
 * lead, the leases run out and the data nodes stop serving keys (no node decides alone); with a
 * quorum again, the leader comes back and the nodes serve again.
 */
class ControllerEnsembleTest {
    private static final Controller.Timing FAST = new Controller.Timing(100, 1_500, 500);

    @Test
    void theClusterRidesOutOneZooKeeperServerGoingAndStopsServingWithoutAQuorum() throws Exception {
        Set<Path> configsBefore = ControllerFailoverTest.ZooKeeper.configFiles();
        Map<String, String> cluster = Map.of("cluster-enabled", "yes");
        try (TestingCluster ensemble = new TestingCluster(3);
             TestServer a = TestServer.start(cluster); TestServer b = TestServer.start(cluster)) {
            ensemble.start();
            try (CuratorFramework zk = CuratorFrameworkFactory.builder().connectString(ensemble.getConnectString())
                    .sessionTimeoutMs(6_000).connectionTimeoutMs(2_000).retryPolicy(new ExponentialBackoffRetry(100, 20))
                    .build()) {
                zk.start();
                Topology created = Controller.create(zk, "ensemble", List.of("127.0.0.1:" + a.port(), "127.0.0.1:" + b.port()),
                        1, 1_000);
                String idB = created.nodes().get(1).id();
                Wait.until(Duration.ofSeconds(30), "the replica's link", () -> call(b.port(), "INFO", "replication")
                        .contains("master_link_status:up"));
                ClusterStore store = new ClusterStore(zk, "ensemble");
                try (Controller c = new Controller(zk, "ensemble", "c", FAST).start()) {
                    Wait.until(Duration.ofSeconds(30), "the primary to wait for its replica, in sync",
                            () -> call(a.port(), "INFO", "rocksdb").contains("cluster_sync_replicas:1\r\n")
                                    && syncOf(store, idB) == Topology.Sync.IN_SYNC);
                    assertThat(call(a.port(), "SET", "before", "1")).isEqualTo("+OK\r\n");

                    // The server the controller's session is on goes: the session moves to another.
                    InstanceSpec first = ensemble.findConnectionInstance(zk.getZookeeperClient().getZooKeeper());
                    ensemble.killServer(first);
                    Wait.until(Duration.ofSeconds(60), "writes acknowledged again",
                            () -> call(a.port(), "SET", "during", "1").equals("+OK\r\n"));
                    // Two servers of three still commit topologies: a failover goes through.
                    a.close();
                    Wait.until(Duration.ofSeconds(60), "the replica promoted",
                            () -> call(b.port(), "CLUSTERX", "VERSION").equals(":2\r\n")
                                    && call(b.port(), "INFO", "replication").contains("role:master"));
                    Wait.until(Duration.ofSeconds(30), "the promoted replica serving",
                            () -> call(b.port(), "SET", "after", "1").equals("+OK\r\n"));
                    assertThat(call(b.port(), "GET", "before")).isEqualTo("$1\r\n1\r\n");
                    assertThat(call(b.port(), "GET", "during")).isEqualTo("$1\r\n1\r\n");

                    // A second server goes: no quorum, no leader, no lease: the node stops serving keys.
                    InstanceSpec second = ensemble.getInstances().stream().filter(i -> !i.equals(first))
                            .findFirst().orElseThrow();
                    ensemble.killServer(second);
                    Wait.until(Duration.ofSeconds(60), "the node fenced without a quorum",
                            () -> call(b.port(), "SET", "fenced", "1").startsWith("-CLUSTERDOWN"));
                    assertThat(c.leading()).isFalse();

                    // A quorum again: a leader, leases, keys served.
                    ensemble.restartServer(second);
                    Wait.until(Duration.ofSeconds(90), "the node serving again with a quorum",
                            () -> call(b.port(), "SET", "back", "1").equals("+OK\r\n"));
                    // Curator's latch resets itself on reconnecting and takes the lead again: the node
                    // may be served a lease in between, so leadership is awaited, not sampled.
                    Wait.until(Duration.ofSeconds(30), "the controller leading again", c::leading);
                    assertThat(call(b.port(), "GET", "after")).isEqualTo("$1\r\n1\r\n");
                }
            }
        } finally {
            for (Path f : ControllerFailoverTest.ZooKeeper.configFiles()) {
                if (!configsBefore.contains(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Topology.Sync syncOf(ClusterStore store, String id) {
        try {
            return store.read().topology().node(id).sync();
        } catch (Exception e) {
            return null;
        }
    }

    private static String call(int port, String... args) {
        try (RawClient c = new RawClient(port)) {
            return c.call(args);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
