package io.rockhub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * {@code bin/rockhub cluster local} as a newcomer runs it: ZooKeeper, four data nodes (two shards of a
 * primary and a replica) and a controller, each a process of its own. A cluster client writes and
 * reads through it; a primary SIGKILLed is replaced by its replica, with every write it acknowledged
 * with WAIT there; {@code --stop} leaves no process behind.
 */
class LocalClusterTest {
    /** The data node's jar, which the routes module (built before this one) packages. */
    private static final Path ROCKHUB_JAR = Path.of("..", "routes", "target", "rockhub.jar");

    @Test
    void aLocalClusterServesClientsFailsOverAndStopsCleanly() throws Exception {
        assertThat(ROCKHUB_JAR).as("build the routes module first").isRegularFile();
        Path dir = Files.createTempDirectory("local-cluster");
        List<ProcessHandle> started6 = new java.util.ArrayList<>();
        int port = fourFreePorts();
        try {
            int started = new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(),
                    "--port", Integer.toString(port), "--shards", "2", "--replicas", "1", "--node-heap", "256m",
                    "--fail-after-ms", "2000", "--rockhub-jar", ROCKHUB_JAR.toString());
            assertThat(started).isZero();
            for (int p = port; p < port + 4; p++) {
                assertThat(dir.resolve(p + ".pid")).isRegularFile();
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).ifPresent(started6::add);
                }
            }
            assertThat(started6).hasSize(6); // ZooKeeper, four data nodes, the controller
            try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", port)))) {
                for (int i = 0; i < 200; i++) {
                    cluster.set("session:" + i, "s" + i);
                }
            }
            // Both primaries' writes reach their replicas before the first primary is killed.
            for (int p : List.of(port, port + 1)) {
                try (RawClient c = new RawClient(p)) {
                    assertThat(c.call("WAIT", "1", "10000")).isEqualTo(":1\r\n");
                }
            }
            ProcessHandle primary = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve(port + ".pid")).trim())).orElseThrow();
            primary.destroyForcibly(); // SIGKILL
            primary.onExit().get();
            // Its replica (the third node: replicas follow the primaries in turn) takes over.
            Wait.until(Duration.ofSeconds(30), "the replica to be promoted", () -> {
                try (RawClient c = new RawClient(port + 2)) {
                    return c.call("INFO", "replication").contains("role:master");
                } catch (IOException e) {
                    return false;
                }
            });
            try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", port + 1)))) {
                for (int i = 0; i < 200; i++) {
                    assertThat(cluster.get("session:" + i)).isEqualTo("s" + i);
                }
                cluster.set("session:new", "after the failover");
                assertThat(cluster.get("session:new")).isEqualTo("after the failover");
            }
        } finally {
            new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(), "--stop");
            assertThat(LocalCluster.running(dir)).isEmpty();
            // Checked apart from the pid files: none of the processes it started is left.
            assertThat(started6).noneMatch(ProcessHandle::isAlive);
            TestServer.deleteTree(dir);
        }
    }

    /** A port whose next three are free too. */
    static int fourFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base + 3 > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = base; p < base + 4 && free; p++) {
                try (ServerSocket s = new ServerSocket(p)) {
                    s.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no four consecutive free ports");
    }
}
