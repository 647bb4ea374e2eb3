package io.rockhub.resp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

/** Cluster-mode nodes in tests: a node's id, a topology pushed as a controller pushes it, a move's state. */
public final class ClusterNodes {
    private ClusterNodes() {
    }

    /** CLUSTER MYID of the node on {@code port}. */
    public static String id(int port) throws IOException {
        try (RawClient c = new RawClient(port)) {
            String r = c.call("CLUSTER", "MYID");
            return r.substring(r.indexOf("\r\n") + 2, r.length() - 2);
        }
    }

    /** CLUSTERX SETNODES on each port in turn (a move's target first, as the controller does). */
    public static void setNodes(String topology, long epoch, int... ports) throws IOException {
        for (int port : ports) {
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("CLUSTERX", "SETNODES", topology, Long.toString(epoch))).isEqualTo("+OK\r\n");
            }
        }
    }

    /** CLUSTERX MIGRATION of the node on {@code port}: the last move's fields; "" if it does not answer. */
    public static String migration(int port) {
        try (RawClient c = new RawClient(port)) {
            return c.call("CLUSTERX", "MIGRATION");
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the last move from the node on {@code port} is in {@code state} (ready, done, failed...). */
    public static void awaitMigration(int port, String state, Duration timeout) {
        Wait.until(timeout, "the move " + state, () -> migration(port).contains("state:" + state + "\r\n"));
    }
}
