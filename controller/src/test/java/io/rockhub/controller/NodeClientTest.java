package io.rockhub.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.resp.testing.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeClientTest {

    @Test
    void questionsToANodeShareOneConnection() throws Exception {
        try (TestServer server = TestServer.start(); NodeClient client = new NodeClient(1_000)) {
            Topology.Node node = node(server.port());
            long before = server.hub().stats().connectionsReceived.sum();
            for (int i = 0; i < 5; i++) {
                assertThat(client.replicationOffset(node)).isNotNegative();
            }
            client.pauseWrites(node, 10_000);
            client.unpause(node);
            assertThat(server.hub().stats().connectionsReceived.sum() - before).isEqualTo(1);
        }
    }

    @Test
    void theConnectionOfANodeNoLongerInTheClusterIsClosed() throws Exception {
        try (TestServer kept = TestServer.start(); TestServer removed = TestServer.start(); NodeClient client = new NodeClient(1_000)) {
            client.replicationOffset(node(kept.port()));
            client.replicationOffset(node(removed.port()));
            client.keepOnly(java.util.Set.of(node(kept.port()).address()));
            io.rockhub.resp.testing.Wait.until(java.time.Duration.ofSeconds(10), "the removed node's connection closed",
                    () -> removed.hub().clients().all().isEmpty());
            assertThat(kept.hub().clients().all()).hasSize(1);
            long before = kept.hub().stats().connectionsReceived.sum();
            client.replicationOffset(node(kept.port()));
            assertThat(kept.hub().stats().connectionsReceived.sum()).as("still the kept connection").isEqualTo(before);
        }
    }

    @Test
    void aRepeatableQuestionToANodeThatRestartedIsAskedAgainOnAFreshConnection() throws Exception {
        Path dir = Files.createTempDirectory("node-client");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Map<String, String> settings = Map.of("port", Integer.toString(port));
        try (NodeClient client = new NodeClient(1_000)) {
            Topology.Node node = node(port);
            try (TestServer first = TestServer.startIn(dir, settings)) {
                client.replicationOffset(node);
            }
            try (TestServer again = TestServer.startIn(dir, settings)) {
                assertThat(client.replicationOffset(node)).as("answered by the restarted node").isNotNegative();
            }
            // Down: it fails, and the question after it opens a connection of its own.
            assertThatThrownBy(() -> client.replicationOffset(node))
                    .isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
            try (TestServer third = TestServer.startIn(dir, settings)) {
                client.unpause(node); // not repeatable, yet it has a fresh connection
                assertThat(third.hub().stats().connectionsReceived.sum()).isEqualTo(1);
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void aNodeThatDoesNotAnswerHoldsUpNoQuestionToAnother() throws Exception {
        java.util.concurrent.ExecutorService asker = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (ServerSocket silent = new ServerSocket(0); TestServer server = TestServer.start();
             NodeClient client = new NodeClient(60_000)) {
            java.util.concurrent.Future<Long> stuck = asker.submit(() -> client.replicationOffset(node(silent.getLocalPort())));
            try (java.net.Socket connected = silent.accept()) { // asked, and never answered
                assertThat(client.replicationOffset(node(server.port()))).as("another node's answer").isNotNegative();
                assertThat(stuck).as("the silent node's question").isNotDone();
            }
            assertThatThrownBy(stuck::get).hasCauseInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        } finally {
            asker.shutdownNow();
        }
    }

    private static Topology.Node node(int port) {
        return new Topology.Node("n", "127.0.0.1", port, null, List.of());
    }
}
