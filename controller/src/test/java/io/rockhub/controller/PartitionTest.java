package io.rockhub.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * A real network partition (a Linux network namespace joined to the host by a veth pair, the link
 * then taken down): the primary, a process in the namespace, is cut off from ZooKeeper, the
 * controller, its replica and the clients, all on the host. Its lease runs out, the controller
 * promotes the replica, a cluster client writes on; when the link comes back the old primary follows
 * its successor, dropping what it applied but never acknowledged. Every acknowledged write is on the
 * new primary once, and the two nodes end with the same keys.
 */
class PartitionTest {
    private static final Path ROCKHUB_JAR = Path.of("..", "routes", "target", "rockhub.jar");
    private static final Controller.Timing FAST = new Controller.Timing(100, 1_500, 500);
    private static final String HOST_IP = "10.213.7.1";
    private static final String NS_IP = "10.213.7.2";

    @Test
    void aPrimaryPartitionedAwayIsReplacedAndRejoinsWithNoAcknowledgedWriteLost() throws Exception {
        assertThat(ROCKHUB_JAR).as("build the routes module first").isRegularFile();
        String tag = Long.toString(ProcessHandle.current().pid() % 100_000);
        String ns = "rhpart" + tag;
        String hostSide = "rhph" + tag;
        String nsSide = "rhpn" + tag;
        Path dir = Files.createTempDirectory("partition");
        List<Process> nodes = new ArrayList<>();
        try (ControllerFailoverTest.ZooKeeper zoo = new ControllerFailoverTest.ZooKeeper()) {
            ip("netns", "add", ns);
            ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
            ip("link", "set", nsSide, "netns", ns);
            ip("addr", "add", HOST_IP + "/24", "dev", hostSide);
            ip("link", "set", hostSide, "up");
            ip("netns", "exec", ns, "ip", "addr", "add", NS_IP + "/24", "dev", nsSide);
            ip("netns", "exec", ns, "ip", "link", "set", nsSide, "up");
            ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");

            int portA = 7000 + (int) (ProcessHandle.current().pid() % 1000);
            int portB = LocalClusterTest.fourFreePorts();
            nodes.add(node(dir.resolve("a"), ns, NS_IP, portA));
            nodes.add(node(dir.resolve("b"), null, HOST_IP, portB));
            waitForPort(NS_IP, portA);
            waitForPort(HOST_IP, portB);

            CuratorFramework zk = zoo.client();
            Topology t = Controller.create(zk, "partition", List.of(NS_IP + ":" + portA, HOST_IP + ":" + portB), 1, 2_000);
            String idB = t.nodes().get(1).id();
            ClusterStore store = new ClusterStore(zk, "partition");
            try (Controller c = new Controller(zk, "partition", "c", FAST).start()) {
                Wait.until(Duration.ofSeconds(60), "the replica in sync", () -> info(NS_IP, portA, "rocksdb")
                        .contains("cluster_sync_replicas:1\r\n") && syncOf(store, idB) == Topology.Sync.IN_SYNC);
                AtomicBoolean stop = new AtomicBoolean();
                List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
                Thread writer = new Thread(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort(HOST_IP, portB)), 1_000, 1_000, 2,
                                new org.apache.commons.pool2.impl.GenericObjectPoolConfig<>())) {
                            for (; !stop.get(); i++) {
                                jc.set("w:" + i, "v" + i);
                                acknowledged.add("w:" + i);
                            }
                        } catch (RuntimeException unavailable) {
                            i++; // that write was not acknowledged: the next one has another key
                        }
                    }
                });
                writer.start();
                Wait.until(Duration.ofSeconds(30), "writes", () -> acknowledged.size() > 300);

                ip("link", "set", hostSide, "down"); // the partition
                Wait.until(Duration.ofSeconds(60), "the replica promoted", () -> info(HOST_IP, portB, "replication")
                        .contains("role:master"));
                int atFailover = acknowledged.size();
                Wait.until(Duration.ofSeconds(60), "writes to the new primary", () -> acknowledged.size() > atFailover + 300);

                ip("link", "set", hostSide, "up"); // healed
                Wait.until(Duration.ofSeconds(60), "the old primary following its successor", () -> {
                    String r = info(NS_IP, portA, "replication");
                    return r.contains("role:slave") && r.contains("master_link_status:up");
                });
                stop.set(true);
                writer.join();
                try (Jedis b = new Jedis(HOST_IP, portB)) {
                    for (String k : new ArrayList<>(acknowledged)) {
                        assertThat(b.get(k)).as("acknowledged %s", k).isEqualTo("v" + k.substring(2));
                    }
                    long keys = b.dbSize();
                    assertThat(keys).isBetween((long) acknowledged.size(), acknowledged.size() + 1L);
                    Wait.until(Duration.ofSeconds(30), "the old primary with exactly the new primary's keys", () -> {
                        try (Jedis a = new Jedis(NS_IP, portA)) {
                            return a.dbSize() == keys;
                        } catch (RuntimeException e) {
                            return false;
                        }
                    });
                }
            }
        } finally {
            for (Process p : nodes) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            quietly("link", "del", hostSide);
            quietly("netns", "del", ns);
            TestServer.deleteTree(dir);
        }
    }

    /** A data node process, in the namespace {@code ns} (null: the host's), its temp dir its own. */
    private static Process node(Path home, String ns, String bind, int port) throws IOException {
        Files.createDirectories(home.resolve("tmp"));
        List<String> cmd = new ArrayList<>();
        if (ns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", ns));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-Djava.io.tmpdir=" + home.resolve("tmp"), "-jar", ROCKHUB_JAR.toAbsolutePath().toString(),
                "--port", Integer.toString(port), "--bind", bind, "--protected-mode", "no",
                "--dir", home.resolve("data").toString(), "--cluster-enabled", "yes",
                "--cluster-config-file", home.resolve("nodes.conf").toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("node.log").toFile()).start();
    }

    private static void waitForPort(String host, int port) {
        Wait.until(Duration.ofSeconds(60), "a node listening on " + host + ":" + port, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static String info(String host, int port, String section) {
        try (Jedis j = new Jedis(host, port, 1_000)) {
            return j.info(section);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static Topology.Sync syncOf(ClusterStore store, String id) {
        try {
            return store.read().topology().node(id).sync();
        } catch (Exception e) {
            return null;
        }
    }

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("ip %s: %s", String.join(" ", args), out).isZero();
    }

    private static void quietly(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(List.of(args));
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Cleaning up as far as it goes.
        }
    }
}
