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
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Two controllers over a real ZooKeeper (Curator's in-process TestingServer) and a shard of two
 * RockHub nodes created by the controller: the leading controller goes away and the other takes
 * over; then the primary goes away, and the controller promotes the replica (every write the primary
 * acknowledged with WAIT is there, and a cluster client writes on); the old primary, restarted on its
 * data, is pushed the new topology and follows its successor.
 */
class ControllerFailoverTest {
    private static final Controller.Timing FAST = new Controller.Timing(100, 1_000, 500);

    @Test
    void aSilentPrimaryIsReplacedByItsReplicaWhichItThenFollows() throws Exception {
        Path root = Files.createTempDirectory("controller-test");
        Map<String, String> aSettings = Map.of("cluster-enabled", "yes",
                "cluster-config-file", root.resolve("a.nodes.conf").toString());
        TestServer a = null;
        try (ZooKeeper zoo = new ZooKeeper();
             TestServer b = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            CuratorFramework zk = zoo.client();
            a = TestServer.startIn(root.resolve("a"), aSettings);
            int portA = a.port();
            Topology created = Controller.create(zk, "orders", List.of("127.0.0.1:" + portA, "127.0.0.1:" + b.port()), 1, 1_000);
            assertThat(created.text()).contains(" master - 0-16383\n");
            linkUp(b.port());
            try (Controller c1 = new Controller(zk, "orders", "c1", FAST).start();
                 Controller c2 = new Controller(zk, "orders", "c2", FAST).start()) {
                Wait.until(Duration.ofSeconds(20), "a leader", () -> c1.leading() || c2.leading());
                try (RawClient c = new RawClient(portA)) {
                    for (int i = 0; i < 200; i++) {
                        assertThat(c.call("SET", "order:" + i, "paid")).isEqualTo("+OK\r\n");
                    }
                    assertThat(c.call("WAIT", "1", "10000")).isEqualTo(":1\r\n");
                }
                Controller leader = c1.leading() ? c1 : c2;
                Controller other = leader == c1 ? c2 : c1;
                leader.close();
                Wait.until(Duration.ofSeconds(20), "the other controller to lead", other::leading);

                a.close();
                a = null;
                Wait.untilReply(Duration.ofSeconds(30), b.port(), ":2\r\n", "CLUSTERX", "VERSION");
                Wait.until(Duration.ofSeconds(10), "the replica to be primary", () -> info(b.port()).contains("role:master"));
                try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", b.port())))) {
                    for (int i = 0; i < 200; i++) {
                        assertThat(cluster.get("order:" + i)).isEqualTo("paid");
                    }
                    for (int i = 200; i < 250; i++) {
                        cluster.set("order:" + i, "new");
                    }
                }

                // The old primary comes back on its data and port: it is told the new topology and follows.
                Map<String, String> again = new java.util.HashMap<>(aSettings);
                again.put("port", Integer.toString(portA));
                a = TestServer.startIn(root.resolve("a"), again);
                Wait.untilReply(Duration.ofSeconds(30), portA, ":2\r\n", "CLUSTERX", "VERSION");
                linkUp(portA);
                try (RawClient c = new RawClient(portA)) {
                    assertThat(c.call("READONLY")).isEqualTo("+OK\r\n");
                    Wait.until(Duration.ofSeconds(10), "the new writes on the old primary", () -> {
                        try {
                            return c.call("GET", "order:249").equals("$3\r\nnew\r\n");
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
                    assertThat(c.call("SET", "order:1", "x")).startsWith("-MOVED ").endsWith(" 127.0.0.1:" + b.port() + "\r\n");
                }
            }
        } finally {
            if (a != null) {
                a.close();
            }
            TestServer.deleteTree(root);
        }
    }

    @Test
    void aPrimaryCutOffFromItsControllerStopsServingUntilALeaseComesAgainRestartsIncluded() throws Exception {
        Path root = Files.createTempDirectory("controller-lease");
        Map<String, String> settings = Map.of("cluster-enabled", "yes",
                "cluster-config-file", root.resolve("nodes.conf").toString());
        TestServer a = null;
        try (ZooKeeper zoo = new ZooKeeper()) {
            CuratorFramework zk = zoo.client();
            a = TestServer.startIn(root.resolve("data"), settings);
            int port = a.port();
            Controller.create(zk, "leases", List.of("127.0.0.1:" + port), 0, 1_000);
            String down = "-CLUSTERDOWN The cluster is down\r\n";
            try (Controller c = new Controller(zk, "leases", "c", FAST).start()) {
                // Leased once, the node says so in its state file: managed from then on.
                Wait.until(Duration.ofSeconds(20), "the first lease", () -> {
                    try {
                        return Files.readString(root.resolve("nodes.conf")).contains("\nmanaged yes\n");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                Wait.untilReply(Duration.ofSeconds(20), port, "+OK\r\n", "SET", "k", "1");
            }
            // No controller renews the lease: within it, the node stops serving keys, reads included.
            Wait.untilReply(Duration.ofSeconds(10), port, down, "GET", "k");
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("SET", "k", "2")).isEqualTo(down);
                assertThat(c.call("CLUSTER", "INFO")).contains("cluster_state:fail");
            }
            // Restarted, it remembers it is managed: nothing is served before a controller vouches for it.
            a.close();
            Map<String, String> again = new java.util.HashMap<>(settings);
            again.put("port", Integer.toString(port));
            a = TestServer.startIn(root.resolve("data"), again);
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("SET", "k", "3")).isEqualTo(down);
            }
            try (Controller c = new Controller(zk, "leases", "c2", FAST).start()) {
                Wait.untilReply(Duration.ofSeconds(20), port, "$1\r\n1\r\n", "GET", "k");
            }
        } finally {
            if (a != null) {
                a.close();
            }
            TestServer.deleteTree(root);
        }
    }

    @Test
    void aPlannedFailoverHoldsWritesUntilTheReplicaCaughtUpAndLosesNone() throws Exception {
        try (ZooKeeper zoo = new ZooKeeper();
             TestServer a = TestServer.start(Map.of("cluster-enabled", "yes"));
             TestServer b = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            CuratorFramework zk = zoo.client();
            Topology t = Controller.create(zk, "planned", List.of("127.0.0.1:" + a.port(), "127.0.0.1:" + b.port()), 1, 1_000);
            String idB = t.nodes().get(1).id();
            linkUp(b.port());
            try (Controller c = new Controller(zk, "planned", "c", FAST).start()) {
                // A writer that records every write acknowledged to it, before, during and after the switch.
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                List<Integer> acknowledged = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                Thread writer = new Thread(() -> {
                    try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", a.port())))) {
                        for (int i = 0; !stop.get(); i++) {
                            cluster.set("w:" + i, "v" + i);
                            acknowledged.add(i);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                writer.start();
                Wait.until(Duration.ofSeconds(30), "writes before the switch", () -> acknowledged.size() > 300);
                long held = Controller.plannedFailover(zk, "planned", idB, 5_000);
                int atSwitch = acknowledged.size();
                Wait.until(Duration.ofSeconds(30), "writes after the switch", () -> acknowledged.size() > atSwitch + 300
                        || !failures.isEmpty());
                stop.set(true);
                writer.join();
                assertThat(failures).isEmpty();
                System.out.println("planned failover held writes for " + held + " ms");
                assertThat(info(b.port())).contains("role:master");
                try (RawClient cb = new RawClient(b.port())) {
                    for (int i : new java.util.ArrayList<>(acknowledged)) {
                        assertThat(cb.call("GET", "w:" + i)).as("acknowledged write %d", i).isEqualTo("$" + ("v" + i).length()
                                + "\r\nv" + i + "\r\n");
                    }
                }
                Wait.until(Duration.ofSeconds(30), "the old primary to follow", () -> info(a.port()).contains("role:slave"));
            }
        }
    }

    @Test
    void clusterFailoverSentToAReplicaHasTheControllerSwapTheRolesWithNothingLost() throws Exception {
        try (ZooKeeper zoo = new ZooKeeper();
             TestServer a = TestServer.start(Map.of("cluster-enabled", "yes"));
             TestServer b = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            CuratorFramework zk = zoo.client();
            Topology t = Controller.create(zk, "asked", List.of("127.0.0.1:" + a.port(), "127.0.0.1:" + b.port()), 1, 1_000);
            String idB = t.nodes().get(1).id();
            linkUp(b.port());
            try (Controller c = new Controller(zk, "asked", "c", FAST).start();
                 RawClient ca = new RawClient(a.port()); RawClient cb = new RawClient(b.port())) {
                Wait.until(Duration.ofSeconds(30), "the replica in sync",
                        () -> rockhubInfo(a.port()).contains("cluster_sync_replicas:1\r\n"));
                for (int i = 0; i < 100; i++) {
                    assertThat(ca.call("SET", "k" + i, "v" + i)).isEqualTo("+OK\r\n");
                }
                assertThat(ca.call("CLUSTER", "FAILOVER")).isEqualTo("-ERR You should send CLUSTER FAILOVER to a replica\r\n");
                assertThat(cb.call("CLUSTER", "FAILOVER", "NOW")).isEqualTo("-ERR syntax error\r\n");
                assertThat(cb.call("CLUSTER", "FAILOVER")).isEqualTo("+OK\r\n");
                Wait.until(Duration.ofSeconds(30), "the replica promoted by its controller",
                        () -> info(b.port()).contains("role:master") && info(a.port()).contains("role:slave"));
                assertThat(new ClusterStore(zk, "asked").read().topology().node(idB).primary()).isTrue();
                Wait.untilReply(Duration.ofSeconds(30), b.port(), "+OK\r\n", "SET", "after", "1");
                for (int i = 0; i < 100; i++) {
                    assertThat(cb.call("GET", "k" + i)).isEqualTo("$" + ("v" + i).length() + "\r\nv" + i + "\r\n");
                }
            }
        }
    }

    @Test
    void aWriteIsAcknowledgedOnlyOnceItsInSyncReplicaHasItOrZooKeeperSaysTheReplicaIsOut() throws Exception {
        Path root = Files.createTempDirectory("controller-sync");
        Map<String, String> bSettings = Map.of("cluster-enabled", "yes",
                "cluster-config-file", root.resolve("b.nodes.conf").toString());
        TestServer b = null;
        try (ZooKeeper zoo = new ZooKeeper();
             TestServer a = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            CuratorFramework zk = zoo.client();
            b = TestServer.startIn(root.resolve("b"), bSettings);
            int portB = b.port();
            Controller.create(zk, "sync", List.of("127.0.0.1:" + a.port(), "127.0.0.1:" + portB), 1, 1_000);
            linkUp(portB);
            ClusterStore store = new ClusterStore(zk, "sync");
            try (Controller c = new Controller(zk, "sync", "c", FAST).start();
                 RawClient ca = new RawClient(a.port())) {
                Wait.until(Duration.ofSeconds(20), "the primary to wait for its replica",
                        () -> rockhubInfo(a.port()).contains("cluster_sync_replicas:1\r\n"));
                // Acknowledged only once the replica has it: it reads it back at once.
                assertThat(ca.call("SET", "k1", "one")).isEqualTo("+OK\r\n");
                assertThat(readOnReplica(portB, "k1")).isEqualTo("$3\r\none\r\n");

                b.close();
                b = null;
                // Held until the controller took the replica out of the set, in ZooKeeper first.
                assertThat(ca.call("SET", "k2", "two")).isEqualTo("+OK\r\n");
                assertThat(syncAt(store, portB)).isEqualTo(Topology.Sync.OUT);
                String info = rockhubInfo(a.port());
                assertThat(info).contains("cluster_sync_replicas:0\r\n").doesNotContain("cluster_replies_held_for_replicas:0\r\n");
                assertThat(ca.call("SET", "k3", "three")).isEqualTo("+OK\r\n"); // nobody to wait for now

                // Back on its data and port: it catches up, joins, and is in sync again.
                Map<String, String> again = new java.util.HashMap<>(bSettings);
                again.put("port", Integer.toString(portB));
                b = TestServer.startIn(root.resolve("b"), again);
                Wait.until(Duration.ofSeconds(30), "the replica in sync again in ZooKeeper",
                        () -> syncAt(store, portB) == Topology.Sync.IN_SYNC);
                Wait.until(Duration.ofSeconds(20), "the primary to wait for it again",
                        () -> rockhubInfo(a.port()).contains("cluster_sync_replicas:1\r\n"));
                assertThat(ca.call("SET", "k4", "four")).isEqualTo("+OK\r\n");
                assertThat(readOnReplica(portB, "k4")).isEqualTo("$4\r\nfour\r\n");
                assertThat(readOnReplica(portB, "k3")).isEqualTo("$5\r\nthree\r\n");
            }
        } finally {
            if (b != null) {
                b.close();
            }
            TestServer.deleteTree(root);
        }
    }

    /** The synchronous-set place ZooKeeper records for the node on {@code port}. */
    private static Topology.Sync syncAt(ClusterStore store, int port) {
        try {
            return store.read().topology().nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow().sync();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readOnReplica(int port, String key) throws java.io.IOException {
        try (RawClient c = new RawClient(port)) {
            c.call("READONLY");
            return c.call("GET", key);
        }
    }

    private static String rockhubInfo(int port) {
        try (RawClient c = new RawClient(port)) {
            return c.call("INFO", "rocksdb");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * A real ZooKeeper server in-process (Curator's TestingServer) and a client of it. The server leaves
     * a configuration file in the temp directory: removed on close with the rest.
     */
    static final class ZooKeeper implements AutoCloseable {
        private final Set<Path> configsBefore = configFiles();
        private final TestingServer server = new TestingServer(true);
        private final CuratorFramework client = CuratorFrameworkFactory.newClient(server.getConnectString(),
                new ExponentialBackoffRetry(100, 3));

        ZooKeeper() throws Exception {
            client.start();
        }

        CuratorFramework client() {
            return client;
        }

        static Set<Path> configFiles() {
            try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                return files.filter(f -> f.getFileName().toString().startsWith("zookeeper.configuration"))
                        .collect(java.util.stream.Collectors.toSet());
            } catch (java.io.IOException e) {
                return Set.of();
            }
        }

        @Override
        public void close() throws Exception {
            client.close();
            server.close();
            for (Path f : configFiles()) {
                if (!configsBefore.contains(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static String info(int port) {
        try (RawClient c = new RawClient(port)) {
            return c.call("INFO", "replication");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void linkUp(int port) {
        Wait.until(Duration.ofSeconds(30), "the replica's link to its primary", () -> info(port).contains("master_link_status:up"));
    }
}
