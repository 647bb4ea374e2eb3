package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.encoding.HashSlot;
import io.rockhub.resp.testing.ClusterNodes;
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
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;

/**
 * Half the slots move from one node to another while a cluster client writes to every slot: the
 * source copies the slots, follows its WAL, holds the slots' writes for the cutover, and drops them
 * once the new topology gives them away. Afterwards every key (of every type, TTLs included) and
 * every acknowledged write is on the node that owns its slot, exactly once, and the key counts add up.
 */
class SlotMigrationTest {
    private static final int KEYS = 4_000;

    @Test
    void slotsMoveWithTheirKeysWhileAClientWritesAndNothingIsLostOrLeftBehind() throws Exception {
        try (TestServer a = TestServer.start(Map.of("cluster-enabled", "yes"));
             TestServer b = TestServer.start(Map.of("cluster-enabled", "yes"))) {
            String idA = ClusterNodes.id(a.port());
            String idB = ClusterNodes.id(b.port());
            String before = idA + " 127.0.0.1 " + a.port() + " master - 0-16383\n" + idB + " 127.0.0.1 " + b.port() + " master -";
            String after = idA + " 127.0.0.1 " + a.port() + " master - 8192-16383\n" + idB + " 127.0.0.1 " + b.port()
                    + " master - 0-8191";
            ClusterNodes.setNodes(before, 1, a.port(), b.port());
            try (Jedis ja = new Jedis("127.0.0.1", a.port())) {
                Pipeline p = ja.pipelined();
                for (int i = 0; i < KEYS; i++) {
                    String k = "k:" + i;
                    switch (i % 5) {
                        case 0 -> p.set(k, "v" + i);
                        case 1 -> p.hset(k, Map.of("f", "v" + i, "g", "w"));
                        case 2 -> p.zadd(k, Map.of("a", 1.0, "b", (double) i));
                        case 3 -> p.rpush(k, "x", "y", "" + i);
                        default -> p.xadd(k, redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("f", "" + i));
                    }
                    if (i % 7 == 0) {
                        p.expire(k, 100_000);
                    }
                }
                p.sync();
                ja.set("big", "x".repeat(200_000)); // a chunked string
            }

            AtomicBoolean stop = new AtomicBoolean();
            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", a.port())))) {
                    for (int i = 0; !stop.get(); i++) {
                        cluster.set("w:" + i, "v" + i);
                        cluster.hincrBy("k:" + (1 + 5 * (i % 50)), "count", 1);
                        acknowledged.add("w:" + i);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            writer.start();
            Wait.until(Duration.ofSeconds(30), "writes before the move", () -> acknowledged.size() > 200);
            try (RawClient ca = new RawClient(a.port())) {
                assertThat(ca.call("CLUSTERX", "MIGRATE", "0-8191", "127.0.0.1", Integer.toString(b.port())))
                        .isEqualTo("+OK\r\n");
                ClusterNodes.awaitMigration(a.port(), "ready", Duration.ofSeconds(60));
                ClusterNodes.setNodes(after, 2, b.port(), a.port()); // what the controller does: the target first
                ClusterNodes.awaitMigration(a.port(), "done", Duration.ofSeconds(30));
                int atMove = acknowledged.size();
                Wait.until(Duration.ofSeconds(30), "writes after the move", () -> acknowledged.size() > atMove + 200
                        || !failures.isEmpty());
                System.out.println(ClusterNodes.migration(a.port()));
            }
            stop.set(true);
            writer.join();
            assertThat(failures).isEmpty();

            try (Jedis ja = new Jedis("127.0.0.1", a.port()); Jedis jb = new Jedis("127.0.0.1", b.port())) {
                long moved = 0;
                for (int i = 0; i < KEYS; i++) {
                    String k = "k:" + i;
                    int slot = HashSlot.of(k.getBytes(StandardCharsets.UTF_8));
                    Jedis owner = slot < 8192 ? jb : ja;
                    Jedis other = slot < 8192 ? ja : jb;
                    moved += slot < 8192 ? 1 : 0;
                    assertThat(other.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "COUNTKEYSINSLOT",
                            Integer.toString(slot))).as("keys of slot %d left on the other node", slot).isEqualTo(0L);
                    switch (i % 5) {
                        case 0 -> assertThat(owner.get(k)).isEqualTo("v" + i);
                        case 1 -> assertThat(owner.hget(k, "f")).isEqualTo("v" + i);
                        case 2 -> assertThat(owner.zscore(k, "b")).isEqualTo((double) i);
                        case 3 -> assertThat(owner.lrange(k, 0, -1)).containsExactly("x", "y", "" + i);
                        default -> assertThat(owner.xlen(k)).isEqualTo(1L);
                    }
                    if (i % 7 == 0) {
                        assertThat(owner.ttl(k)).as("TTL of %s", k).isPositive();
                    }
                }
                assertThat(moved).isBetween((long) KEYS / 3, (long) KEYS * 2 / 3);
                Jedis bigOwner = HashSlot.of("big".getBytes(StandardCharsets.UTF_8)) < 8192 ? jb : ja;
                assertThat(bigOwner.strlen("big")).isEqualTo(200_000L);
                long counted = 0;
                for (int i = 0; i < 50; i++) {
                    String k = "k:" + (1 + 5 * i);
                    Jedis owner = HashSlot.of(k.getBytes(StandardCharsets.UTF_8)) < 8192 ? jb : ja;
                    String c = owner.hget(k, "count");
                    counted += c == null ? 0 : Long.parseLong(c);
                }
                // Every acknowledged HINCRBY counted once: the writer's loop did one per acknowledged SET (and
                // at most one more, not acknowledged, when it stopped).
                assertThat(counted).isBetween((long) acknowledged.size(), (long) acknowledged.size() + 1);
                for (String k : new ArrayList<>(acknowledged)) {
                    boolean onB = HashSlot.of(k.getBytes(StandardCharsets.UTF_8)) < 8192;
                    assertThat((onB ? jb : ja).get(k)).as("acknowledged %s", k).isEqualTo("v" + k.substring(2));
                    assertThat((onB ? ja : jb).keys(k)).as("%s on the other node too", k).isEmpty();
                }
                long total = KEYS + 1 + acknowledged.size();
                assertThat(ja.dbSize() + jb.dbSize()).isBetween(total, total + 1);
                assertThat(ja.keys("*").size() + jb.keys("*").size()).isEqualTo((int) (ja.dbSize() + jb.dbSize()));
                long expiresA = expires(ja.info("keyspace"));
                long expiresB = expires(jb.info("keyspace"));
                assertThat(expiresA + expiresB).isEqualTo((KEYS + 6) / 7);
            }
        }
    }

    private static long expires(String info) {
        int i = info.indexOf("expires=");
        return i < 0 ? 0 : Long.parseLong(info.substring(i + 8, info.indexOf(',', i)));
    }
}
