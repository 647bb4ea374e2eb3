package io.rockhub.controller;

import static io.rockhub.controller.NodeCalls.call;
import static io.rockhub.controller.NodeCalls.slotOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.ClusterNodes;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A move of slots between the two shards of a local cluster (separate processes, over a ZooKeeper
 * in the test) while a cluster client writes, with a process dying at each step where a move can be
 * left half done:
 * <ol>
 * <li>the mover ({@code bin/rockhub cluster move}, its own process) dies while the source holds the
 * slots' writes for the commit: the leader takes the move over once the mover's ZooKeeper session
 * ends, and the source takes the writes again; the target drops its copy;
 * <li>the target dies once the source holds the slots' writes for the commit, and comes back: the move
 * either commits (the target's copy is durable and it serves the slots once back) or is settled as
 * not done (the target drops its copy); the slots are moved back if it committed;
 * <li>the target dies mid-copy and comes back: the partial copy it kept is dropped once it answers;
 * <li>the source dies after the commit, while it drops the slots: back, it is made to drop them;
 * <li>the controller leader dies: the other controller leads once its ZooKeeper session ends, and
 * the writes go on.
 * </ol>
 * Afterwards every acknowledged write is there once, and every key lives on the shard that serves
 * its slot.
 */
class MigrationStepsTest {
    private static final Path ROCKHUB_JAR = Path.of("..", "routes", "target", "rockhub.jar");
    private static final String SLOTS = "0-4095";

    @Test
    void aMoveLeftHalfDoneByADeadMoverTargetOrSourceIsSettledWithNothingLostOrLeftBehind() throws Exception {
        assertThat(ROCKHUB_JAR).as("build the routes module first").isRegularFile();
        Path dir = Files.createTempDirectory("migration-steps");
        int port = LocalClusterTest.fourFreePorts();
        int source = port;
        int target = port + 1;
        List<Process> movers = new ArrayList<>(); // and the second controller
        try (ControllerFailoverTest.ZooKeeper zoo = new ControllerFailoverTest.ZooKeeper()) {
            CuratorFramework zk = zoo.client();
            String connect = zk.getZookeeperClient().getCurrentConnectionString();
            assertThat(new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(), "--port",
                    Integer.toString(port), "--shards", "2", "--replicas", "0", "--node-heap", "512m",
                    "--fail-after-ms", "2000", "--zookeeper", connect, "--rockhub-jar", ROCKHUB_JAR.toString())).isZero();
            // A second controller, following the local cluster's until that one dies (step 4).
            Process second = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), ControllerMain.class.getName(), "run",
                    "--zookeeper", connect, "--cluster", LocalCluster.CLUSTER, "--name", "second", "--fail-after-ms", "2000"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("second-controller.log").toFile()).start();
            movers.add(second);
            String targetId = ClusterNodes.id(target);
            ClusterStore store = new ClusterStore(zk, LocalCluster.CLUSTER);
            int bulk = 40_000;
            try (Jedis j = new Jedis("127.0.0.1", source)) {
                Pipeline p = j.pipelined();
                String value = "x".repeat(1000);
                int added = 0;
                for (int i = 0; added < bulk; i++) {
                    if (slotOf("bulk:" + i) <= 4095) {
                        p.set("bulk:" + i, value);
                        added++;
                    }
                }
                assertThat(p.syncAndReturnAll()).as("the bulk writes").containsOnly("OK");
            }
            int bulkSlot = slotOf("bulk:0");
            AtomicBoolean stop = new AtomicBoolean();
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get(); ) {
                    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", source),
                            new HostAndPort("127.0.0.1", target)))) {
                        for (; !stop.get(); i++) {
                            jc.set("w:" + i, "v" + i);
                            acknowledged.add("w:" + i);
                        }
                    } catch (RuntimeException unavailable) {
                        // Held past the client's timeout, or its node is down: not acknowledged; again.
                    }
                }
            });
            writer.start();
            try {
                awaitWrites(acknowledged, 200);

                // 1. The mover dies while the source holds the slots' writes for the commit.
                Process mover = startMover(dir, connect, targetId, "mover.log");
                movers.add(mover);
                awaitCopying(source);
                signal(mover.pid(), "STOP");
                ClusterNodes.awaitMigration(source, "ready", Duration.ofSeconds(60)); // writes to the slots held
                mover.destroyForcibly();
                mover.waitFor();
                Wait.until(Duration.ofSeconds(60), "the leader to settle the move its mover left",
                        () -> noMove(store));
                assertThat(ClusterNodes.migration(source)).contains("state:aborted");
                assertThat(store.read().topology().node(targetId).slots()).as("the target's slots").containsExactly("8192-16383");
                assertThat(countInSlot(target, bulkSlot)).as("the target's copy").isZero();
                awaitWrites(acknowledged, 200);

                // 1b. The target dies once the source holds the writes for the commit (its mover paused
                // there, so that the target dies at that step), and comes back.
                Process paused = startMover(dir, connect, targetId, "mover-2.log");
                movers.add(paused);
                awaitCopying(source);
                signal(paused.pid(), "STOP");
                ClusterNodes.awaitMigration(source, "ready", Duration.ofSeconds(60));
                List<String> readyTargetCommand = kill(dir, target);
                signal(paused.pid(), "CONT");
                Wait.until(Duration.ofSeconds(60), "the mover to end", () -> !paused.isAlive());
                restart(dir, target, readyTargetCommand);
                Wait.until(Duration.ofSeconds(60), "the move settled", () -> noMove(store));
                if (store.read().topology().node(targetId).slots().contains(SLOTS)) {
                    assertThat(countInSlot(target, bulkSlot)).as("the committed copy").isPositive();
                    assertThat(countInSlot(source, bulkSlot)).as("the source's keys of the moved slots").isZero();
                    // Back from before the commit, it serves the slots once the controller has pushed it the topology.
                    Wait.until(Duration.ofSeconds(60), "the target serving its new slots",
                            () -> call(target, "GET", "bulk:0").startsWith("$"));
                    Controller.moveSlots(zk, LocalCluster.CLUSTER, SLOTS, ClusterNodes.id(source), 120_000);
                    assertThat(countInSlot(source, bulkSlot)).as("the slots moved back").isPositive();
                } else {
                    assertThat(ClusterNodes.migration(source)).containsAnyOf("state:aborted", "state:failed");
                }
                assertThat(store.read().topology().node(targetId).slots()).as("the target's slots").containsExactly("8192-16383");
                Wait.until(Duration.ofSeconds(60), "the target's copy dropped", () -> countInSlot(target, bulkSlot) == 0);
                awaitWrites(acknowledged, 200);

                // 2. The target dies mid-copy, and comes back.
                CompletableFuture<Controller.Move> move = moveAsync(zk, targetId);
                awaitCopying(source);
                List<String> targetCommand = kill(dir, target);
                assertThat(catchFailure(move)).as("the move").isNotNull();
                assertThat(store.migration()).as("the move's record, left to the leader").isNotNull();
                restart(dir, target, targetCommand);
                Wait.until(Duration.ofSeconds(60), "the leader to have the target drop its partial copy",
                        () -> noMove(store));
                assertThat(countInSlot(target, bulkSlot)).as("the target's copy").isZero();
                awaitWrites(acknowledged, 200);

                // 3. The source dies after the commit, while it drops the slots; it is made to drop them.
                CompletableFuture<Controller.Move> last = moveAsync(zk, targetId);
                Wait.until(Duration.ofSeconds(120), "the source dropping the moved slots",
                        () -> ClusterNodes.migration(source).contains("state:dropping\r\n") || last.isDone());
                List<String> sourceCommand = kill(dir, source);
                last.handle((m, e) -> null).join(); // committed: it returns, or fails on the dead source
                assertThat(store.read().topology().node(targetId).slots()).as("the target's slots")
                        .containsExactly("0-4095", "8192-16383");
                restart(dir, source, sourceCommand);
                Wait.until(Duration.ofSeconds(60), "the move settled", () -> noMove(store));
                assertThat(countInSlot(source, bulkSlot)).as("moved keys left on the source").isZero();
                assertThat(countInSlot(target, bulkSlot)).as("moved keys on the target").isPositive();
                awaitWrites(acknowledged, 200);

                // 4. The controller leader dies: the second controller leads once its session ends.
                ProcessHandle leader = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("controller.pid")).trim()))
                        .orElseThrow();
                leader.destroyForcibly();
                leader.onExit().get();
                Wait.until(Duration.ofSeconds(60), "the second controller leading",
                        () -> read(dir.resolve("second-controller.log")).contains("leading the cluster controller"));
                awaitWrites(acknowledged, 200);
            } finally {
                stop.set(true);
                writer.join();
            }

            // Every acknowledged write once; every key on the shard that serves its slot.
            long keys = 0;
            try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", source)))) {
                for (String k : new ArrayList<>(acknowledged)) {
                    assertThat(jc.get(k)).as("acknowledged %s", k).isEqualTo("v" + k.substring(2));
                }
            }
            for (int node : new int[] {source, target}) {
                keys += keysOutsideTheirShard(node, node == target);
            }
            assertThat(keys).isBetween(bulk + (long) acknowledged.size(), bulk + (long) acknowledged.size() + 1);
        } finally {
            for (Process p : movers) {
                p.destroyForcibly();
                p.waitFor();
            }
            new CommandLine(new ControllerMain()).execute("local", "--dir", dir.toString(), "--stop");
            assertThat(LocalCluster.running(dir)).isEmpty();
            TestServer.deleteTree(dir);
        }
    }

    /** The node's keys, each checked to be of a slot the node serves now (the target: 0-4095 and 8192-16383). */
    private static long keysOutsideTheirShard(int port, boolean isTarget) {
        long n = 0;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, new ScanParams().count(1000));
                for (String k : page.getResult()) {
                    int slot = slotOf(k);
                    boolean targets = slot <= 4095 || slot >= 8192;
                    assertThat(targets).as("key %s (slot %d) on the node at %d", k, slot, port).isEqualTo(isTarget);
                    n++;
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return n;
    }

    private static CompletableFuture<Controller.Move> moveAsync(CuratorFramework zk, String targetId) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Controller.moveSlots(zk, LocalCluster.CLUSTER, SLOTS, targetId, 120_000);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static Throwable catchFailure(CompletableFuture<?> f) {
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** A {@code bin/rockhub cluster move} of the slots to the target, as a process of its own. */
    private static Process startMover(Path dir, String connect, String targetId, String log) throws IOException {
        return new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ControllerMain.class.getName(), "move",
                "--zookeeper", connect, "--cluster", LocalCluster.CLUSTER, "--slots", SLOTS, "--to", targetId))
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    private static void awaitCopying(int source) {
        Wait.until(Duration.ofSeconds(60), "the copy under way", () -> {
            String s = ClusterNodes.migration(source);
            return s.contains("state:copying") && !s.contains("bytes:0\r\n");
        });
    }

    private static void awaitWrites(List<String> acknowledged, int more) {
        int before = acknowledged.size();
        Wait.until(Duration.ofSeconds(90), more + " more acknowledged writes", () -> acknowledged.size() >= before + more);
    }

    /** SIGKILLs the local cluster's data node on {@code port}; returns the command line that started it. */
    private static List<String> kill(Path dir, int port) throws Exception {
        ProcessHandle node = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve(port + ".pid")).trim()))
                .orElseThrow();
        List<String> command = new ArrayList<>();
        command.add(node.info().command().orElseThrow());
        command.addAll(List.of(node.info().arguments().orElseThrow()));
        node.destroyForcibly();
        node.onExit().get();
        return command;
    }

    /** Starts the data node again as the local cluster did (its pid file too, so that --stop stops it). */
    private static void restart(Path dir, int port, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(port + ".log").toFile())).start();
        Files.writeString(dir.resolve(port + ".pid"), Long.toString(p.pid()));
        Wait.until(Duration.ofSeconds(60), "the node on " + port + " back", () -> call(port, "PING").equals("+PONG\r\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean noMove(ClusterStore store) {
        try {
            return store.migration() == null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private static long countInSlot(int port, int slot) {
        String reply = call(port, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot));
        assertThat(reply).startsWith(":");
        return Long.parseLong(reply.substring(1).trim());
    }
}
