package io.rockhub.controller;

import static io.rockhub.controller.NodeCalls.call;
import static io.rockhub.controller.NodeCalls.slotOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.HashSlot;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;

/**
 * A local cluster (separate processes: two shards of a primary and a replica, a controller, over a
 * ZooKeeper in the test) moves a shard's slots while a cluster client writes, and the source primary
 * is SIGKILLed in the middle of the copy: the move fails with nothing changed, the target drops its
 * partial copy (the leader has it do so), the source's replica takes over with every acknowledged write, and the move, run
 * again from the new primary, completes; every acknowledged write is then on the shard owning its
 * slot, once.
 */
class MigrationKillTest {
    private static final Path ROCKHUB_JAR = Path.of("..", "routes", "target", "rockhub.jar");

    @Test
    void aSourceKilledMidCopyLosesNothingAndTheMoveCompletesFromItsSuccessor() throws Exception {
        assertThat(ROCKHUB_JAR).as("build the routes module first").isRegularFile();
        Path dir = Files.createTempDirectory("migration-kill");
        int port = LocalClusterTest.fourFreePorts();
        try (ControllerFailoverTest.ZooKeeper zoo = new ControllerFailoverTest.ZooKeeper()) {
            CuratorFramework zk = zoo.client();
            String connect = zk.getZookeeperClient().getCurrentConnectionString();
            assertThat(new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(), "--port",
                    Integer.toString(port), "--shards", "2", "--replicas", "1", "--node-heap", "512m",
                    "--fail-after-ms", "2000", "--zookeeper", connect, "--rockhub-jar", ROCKHUB_JAR.toString())).isZero();
            String target = io.rockhub.resp.testing.ClusterNodes.id(port + 1);
            // Enough in the first shard's slots that the copy takes a while.
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                Pipeline p = j.pipelined();
                String value = "x".repeat(1000);
                int added = 0;
                for (int i = 0; added < 60_000; i++) {
                    String k = "bulk:" + i;
                    if (HashSlot.of(k.getBytes(StandardCharsets.UTF_8)) < 8192) {
                        p.set(k, value);
                        added++;
                    }
                }
                assertThat(p.syncAndReturnAll()).as("the bulk writes").containsOnly("OK");
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); ) {
                    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", port + 1)))) {
                        for (; !stop.get(); i++) {
                            jc.set("w:" + i, "v" + i);
                            acknowledged.add("w:" + i);
                        }
                    } catch (RuntimeException unavailable) {
                        // Its slot's primary is gone until the failover: the write was not acknowledged; again.
                    }
                }
            });
            writer.start();
            Wait.until(Duration.ofSeconds(30), "writes", () -> acknowledged.size() > 200);

            CompletableFuture<Controller.Move> move = CompletableFuture.supplyAsync(() -> {
                try {
                    return Controller.moveSlots(zk, LocalCluster.CLUSTER, "0-8191", target, 60_000);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Wait.until(Duration.ofSeconds(30), "the copy under way", () -> {
                String s = io.rockhub.resp.testing.ClusterNodes.migration(port);
                return s.contains("state:copying") && !s.contains("bytes:0\r\n");
            });
            ProcessHandle source = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve(port + ".pid")).trim()))
                    .orElseThrow();
            source.destroyForcibly(); // SIGKILL
            source.onExit().get();
            assertThatThrownBy(move::join).isInstanceOf(java.util.concurrent.CompletionException.class);
            ClusterStore store = new ClusterStore(zk, LocalCluster.CLUSTER);
            assertThat(store.read().topology().node(target).slots()).as("the target's slots").containsExactly("8192-16383");
            Wait.until(Duration.ofSeconds(30), "the target without a partial copy",
                    () -> call(port + 1, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slotOf("bulk:0"))).equals(":0\r\n"));
            // The source's replica (the third node) takes over its slots, with every acknowledged write.
            Wait.until(Duration.ofSeconds(30), "the replica promoted", () -> call(port + 2, "INFO", "replication")
                    .contains("role:master"));
            // The leader settles the move once the source's successor serves its slots.
            Wait.until(Duration.ofSeconds(30), "the move settled", () -> {
                try {
                    return store.migration() == null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int atFailover = acknowledged.size();
            Wait.until(Duration.ofSeconds(60), "writes after the failover", () -> acknowledged.size() > atFailover + 200);

            Controller.Move again = Controller.moveSlots(zk, LocalCluster.CLUSTER, "0-8191", target, 120_000);
            assertThat(again.keys()).isGreaterThanOrEqualTo(60_000);
            int atMove = acknowledged.size();
            Wait.until(Duration.ofSeconds(60), "writes after the move", () -> acknowledged.size() > atMove + 200);
            stop.set(true);
            writer.join();

            // Every slot is the second node's now: every acknowledged write there, once, none left elsewhere.
            try (Jedis owner = new Jedis("127.0.0.1", port + 1); Jedis old = new Jedis("127.0.0.1", port + 2)) {
                for (String k : new ArrayList<>(acknowledged)) {
                    assertThat(owner.get(k)).as("acknowledged %s", k).isEqualTo("v" + k.substring(2));
                }
                assertThat(old.dbSize()).as("keys left on the old source").isZero();
                assertThat(owner.dbSize()).isBetween(60_000L + acknowledged.size(), 60_000L + acknowledged.size() + 1);
            }
        } catch (Throwable failed) {
            keepLogs(dir);
            throw failed;
        } finally {
            new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(), "--stop");
            assertThat(LocalCluster.running(dir)).isEmpty();
            TestServer.deleteTree(dir);
        }
    }

    /** A failed run's node and controller logs, kept under target/ for whoever reads the failure. */
    private static void keepLogs(Path dir) throws java.io.IOException {
        Path kept = Files.createDirectories(Path.of("target", "migration-kill-logs", Long.toString(System.currentTimeMillis())));
        try (var logs = Files.list(dir)) {
            for (Path log : logs.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(log, kept.resolve(log.getFileName()));
            }
        }
        System.err.println("MigrationKillTest: the cluster's logs are kept in " + kept.toAbsolutePath());
    }
}
