package io.rockhub.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.encoding.HashSlot;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Slots move between two shards (a primary and a replica each, under a leading controller on a real
 * ZooKeeper) while a cluster client writes: every acknowledged write ends on the shard that owns its
 * slot, once, on its replica too; a move to a target that is down fails with nothing changed (the
 * leader settles it once the target answers: it drops whatever it copied), and
 * writes to the slots go on at the source.
 */
class SlotMoveTest {
    private static final Controller.Timing FAST = new Controller.Timing(100, 1_000, 500);

    @Test
    void slotsMoveUnderAWriterAndEveryAcknowledgedWriteEndsOnItsOwnerOnce() throws Exception {
        Map<String, String> cluster = Map.of("cluster-enabled", "yes");
        try (ControllerFailoverTest.ZooKeeper zoo = new ControllerFailoverTest.ZooKeeper();
             TestServer a = TestServer.start(cluster); TestServer b = TestServer.start(cluster);
             TestServer a2 = TestServer.start(cluster); TestServer b2 = TestServer.start(cluster)) {
            CuratorFramework zk = zoo.client();
            Topology t = Controller.create(zk, "move", List.of(address(a), address(b), address(a2), address(b2)), 1, 1_000);
            String idA = t.nodes().get(0).id();
            String idB = t.nodes().get(1).id();
            try (Controller c = new Controller(zk, "move", "c", FAST).start()) {
                Wait.until(Duration.ofSeconds(30), "both shards in sync", () -> info(a.port(), "rocksdb").contains("cluster_sync_replicas:1")
                        && info(b.port(), "rocksdb").contains("cluster_sync_replicas:1"));
                AtomicBoolean stop = new AtomicBoolean();
                List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
                List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
                Thread writer = new Thread(() -> {
                    try (JedisCluster jc = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", a.port())))) {
                        for (int i = 0; !stop.get(); i++) {
                            jc.set("w:" + i, "v" + i);
                            acknowledged.add("w:" + i);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                writer.start();
                Wait.until(Duration.ofSeconds(30), "writes before the move", () -> acknowledged.size() > 500);
                Controller.Move m = Controller.moveSlots(zk, "move", "0-4095", idB, 60_000);
                System.out.println("moved " + m);
                assertThat(m.keys()).isPositive();
                int atMove = acknowledged.size();
                Wait.until(Duration.ofSeconds(30), "writes after the move", () -> acknowledged.size() > atMove + 500
                        || !failures.isEmpty());
                // And back, part of them, from the other side.
                Controller.Move back = Controller.moveSlots(zk, "move", "1000-1999", idA, 60_000);
                System.out.println("moved back " + back);
                int atBack = acknowledged.size();
                Wait.until(Duration.ofSeconds(30), "writes after the move back", () -> acknowledged.size() > atBack + 500
                        || !failures.isEmpty());
                stop.set(true);
                writer.join();
                assertThat(failures).isEmpty();
                Topology now = new ClusterStore(zk, "move").read().topology();
                assertThat(now.node(idA).slots()).containsExactly("1000-1999", "4096-8191");
                assertThat(now.node(idB).slots()).containsExactly("0-999", "2000-4095", "8192-16383");

                try (Jedis ja = new Jedis("127.0.0.1", a.port()); Jedis jb = new Jedis("127.0.0.1", b.port())) {
                    for (String k : new ArrayList<>(acknowledged)) {
                        int slot = HashSlot.of(k.getBytes(StandardCharsets.UTF_8));
                        boolean onA = slot >= 1000 && slot <= 1999 || slot >= 4096 && slot <= 8191;
                        assertThat((onA ? ja : jb).get(k)).as("acknowledged %s (slot %d)", k, slot).isEqualTo("v" + k.substring(2));
                        assertThat((onA ? jb : ja).keys(k)).as("%s on the other shard", k).isEmpty();
                    }
                    assertThat(ja.dbSize() + jb.dbSize()).isBetween((long) acknowledged.size(), acknowledged.size() + 1L);
                }
                // The replicas followed their primaries, drops included.
                Wait.until(Duration.ofSeconds(30), "the replicas to hold what their primaries hold",
                        () -> dbSize(a2.port()) == dbSize(a.port()) && dbSize(b2.port()) == dbSize(b.port()));
            }
        }
    }

    @Test
    void aMoveToATargetThatIsDownChangesNothingAndTheSourceTakesWritesAgain() throws Exception {
        Map<String, String> cluster = Map.of("cluster-enabled", "yes");
        TestServer b = TestServer.start(cluster);
        try (ControllerFailoverTest.ZooKeeper zoo = new ControllerFailoverTest.ZooKeeper();
             TestServer a = TestServer.start(cluster); TestServer closed = b) {
            CuratorFramework zk = zoo.client();
            Topology t = Controller.create(zk, "gone", List.of(address(a), address(b)), 0, 1_000);
            String idB = t.nodes().get(1).id();
            try (Jedis ja = new Jedis("127.0.0.1", a.port())) {
                redis.clients.jedis.Pipeline p = ja.pipelined();
                for (int i = 0; i < 1_000; i++) {
                    p.set("{b}" + i, "x".repeat(100)); // {b}: slot 3300, on A
                }
                p.sync();
            }
            b.close();
            assertThatThrownBy(() -> Controller.moveSlots(zk, "gone", "3300", idB, 30_000))
                    .hasMessageContaining("nothing changed");
            ClusterStore store = new ClusterStore(zk, "gone");
            assertThat(store.read().topology().epoch()).isEqualTo(t.epoch());
            // Left to the leader until the target answers again and drops whatever it copied.
            assertThat(store.migration().state()).isEqualTo(ClusterStore.MigrationState.SETTLING);
            try (RawClient c = new RawClient(a.port())) {
                assertThat(c.call("SET", "{b}x", "y")).isEqualTo("+OK\r\n");
                assertThat(c.call("CLUSTERX", "MIGRATION")).contains("state:failed");
                assertThat(c.call("CLUSTER", "COUNTKEYSINSLOT", "3300")).isEqualTo(":1001\r\n");
            }
            // Only one move at a time, and only of slots one primary serves, to a primary.
            assertThatThrownBy(() -> Controller.moveSlots(zk, "gone", "3300", idB, 1_000))
                    .hasMessageContaining("another migration is in progress");
            assertThatThrownBy(() -> Controller.moveSlots(zk, "gone", "0-16383", t.nodes().get(0).id(), 1_000))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static String address(TestServer s) {
        return "127.0.0.1:" + s.port();
    }

    private static long dbSize(int port) {
        try (RawClient c = new RawClient(port)) {
            String r = c.call("DBSIZE");
            return Long.parseLong(r.substring(1, r.length() - 2));
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String info(int port, String section) {
        try (RawClient c = new RawClient(port)) {
            return c.call("INFO", section);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
