package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.ClusterNodes;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica in cluster mode takes its role from the topology: it follows its primary, redirects
 * writes (and reads, unless the client sent READONLY) to it, and when a later topology makes it the
 * primary and the old primary its replica, the two swap roles with nothing lost.
 */
class ClusterReplicaTest {
    private static String id(int port) throws Exception {
        return ClusterNodes.id(port);
    }

    private static void push(String topology, long epoch, int... ports) throws Exception {
        ClusterNodes.setNodes(topology, epoch, ports);
    }

    private static void linkUp(int port) {
        Wait.until(Duration.ofSeconds(30), "the replica's link to its primary", () -> {
            try (RawClient c = new RawClient(port)) {
                return c.call("INFO", "replication").contains("master_link_status:up");
            } catch (java.io.IOException reopening) {
                return false;
            }
        });
    }

    @Test
    void aReplicaFollowsItsPrimaryAndTheyTradeRolesWhenTheTopologySaysSo() throws Exception {
        try (TestServer a = TestServer.start(Map.of("cluster-enabled", "yes"));
             TestServer b = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            String idA = id(a.port());
            String idB = id(b.port());
            push(idA + " 127.0.0.1 " + a.port() + " master - 0-16383\n" + idB + " 127.0.0.1 " + b.port() + " slave " + idA,
                    1, a.port(), b.port());
            linkUp(b.port()); // a first sync reopens the replica on its copy, closing its connections
            try (RawClient ca = new RawClient(a.port()); RawClient cb = new RawClient(b.port())) {
                // Reopened on its copy, the replica still told its primary the port it listens on.
                assertThat(ca.call("INFO", "replication")).contains("slave0:ip=127.0.0.1,port=" + b.port() + ",");
                assertThat(ca.call("SET", "somekey", "1")).isEqualTo("+OK\r\n");
                assertThat(ca.call("WAIT", "1", "10000")).isEqualTo(":1\r\n");
                String moved = "-MOVED 11058 127.0.0.1:" + a.port() + "\r\n";
                assertThat(cb.call("GET", "somekey")).isEqualTo(moved);
                assertThat(cb.call("READONLY")).isEqualTo("+OK\r\n");
                assertThat(cb.call("GET", "somekey")).isEqualTo("$1\r\n1\r\n");
                assertThat(cb.call("SET", "somekey", "2")).isEqualTo(moved);
                assertThat(cb.call("READWRITE")).isEqualTo("+OK\r\n");
                assertThat(cb.call("GET", "somekey")).isEqualTo(moved);
            }
            // A planned failover: the replica is caught up (WAIT above), then the topology swaps them.
            push(idB + " 127.0.0.1 " + b.port() + " master - 0-16383\n" + idA + " 127.0.0.1 " + a.port() + " slave " + idB,
                    2, b.port(), a.port());
            linkUp(a.port());
            try (RawClient ca = new RawClient(a.port()); RawClient cb = new RawClient(b.port())) {
                assertThat(cb.call("INCR", "somekey")).isEqualTo(":2\r\n");
                assertThat(cb.call("WAIT", "1", "10000")).isEqualTo(":1\r\n");
                assertThat(ca.call("GET", "somekey")).isEqualTo("-MOVED 11058 127.0.0.1:" + b.port() + "\r\n");
                assertThat(ca.call("READONLY")).isEqualTo("+OK\r\n");
                assertThat(ca.call("GET", "somekey")).isEqualTo("$1\r\n2\r\n");
                assertThat(ca.call("INFO", "replication")).contains("role:slave");
                assertThat(cb.call("INFO", "replication")).contains("role:master");
            }
            // An old topology arriving late changes nothing.
            try (RawClient ca = new RawClient(a.port())) {
                assertThat(ca.call("CLUSTERX", "SETNODES", idA + " 127.0.0.1 " + a.port() + " master - 0-16383", "1"))
                        .isEqualTo("-ERR Invalid version of cluster\r\n");
                assertThat(ca.call("CLUSTERX", "VERSION")).isEqualTo(":2\r\n");
            }
        }
    }

    @Test
    void aNodeLeasedOnceServesKeysOnlyUnderALeaseForItsTopologyOrANewer() throws Exception {
        try (TestServer n = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            int port = n.port();
            push(id(port) + " 127.0.0.1 " + port + " master - 0-16383", 1, port);
            String down = "-CLUSTERDOWN The cluster is down\r\n";
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("SET", "k", "1")).isEqualTo("+OK\r\n"); // never leased: not managed
                assertThat(c.call("CLUSTERX", "LEASE", "1", "1")).isEqualTo(":1\r\n");
            }
            Wait.untilReply(Duration.ofSeconds(10), port, down, "GET", "k");
            try (RawClient c = new RawClient(port)) {
                // A lease for a topology it does not serve yet is not taken.
                assertThat(c.call("CLUSTERX", "LEASE", "60000", "2")).isEqualTo(":1\r\n");
                assertThat(c.call("GET", "k")).isEqualTo(down);
                assertThat(c.call("CLUSTERX", "LEASE", "60000", "1")).isEqualTo(":1\r\n");
                assertThat(c.call("GET", "k")).isEqualTo("$1\r\n1\r\n");
                assertThat(c.call("CLUSTERX", "LEASE", "0")).isEqualTo("-ERR lease must be positive (milliseconds)\r\n");
            }
        }
    }

    @Test
    void aRestartedNodeKeepsItsIdAndTopology() throws Exception {
        java.nio.file.Path root = java.nio.file.Files.createTempDirectory("cluster-restart");
        try {
            Map<String, String> settings = Map.of("cluster-enabled", "yes",
                    "cluster-config-file", root.resolve("nodes.conf").toString());
            String id;
            int port;
            try (TestServer n = TestServer.startIn(root.resolve("data"), settings)) {
                port = n.port();
                id = id(port);
                push(id + " 127.0.0.1 " + port + " master - 0-16383", 5, port);
            }
            try (TestServer n = TestServer.startIn(root.resolve("data"), settings)) {
                assertThat(id(n.port())).isEqualTo(id);
                try (RawClient c = new RawClient(n.port())) {
                    assertThat(c.call("CLUSTERX", "VERSION")).isEqualTo(":5\r\n");
                    assertThat(c.call("CLUSTER", "INFO")).contains("cluster_state:ok");
                }
            }
        } finally {
            TestServer.deleteTree(root);
        }
    }
}
