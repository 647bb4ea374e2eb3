package io.rockhub.resp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Unchanged cluster clients against three RockHub nodes that share the slots: Jedis's JedisCluster,
 * Lettuce's RedisClusterClient, redis-py's RedisCluster (Debian's python3-redis) and redis-cli -c
 * each write and read keys through the cluster as their documentation shows; every key then lives
 * on the node that owns its slot, and nowhere else; each finds its keys again after their slots
 * moved to another node (and back) with the clients connected.
 */
class ClusterClientsTest {
    private static final List<TestServer> NODES = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        StringBuilder topology = new StringBuilder();
        int[] bounds = {0, 5461, 10923, 16384};
        for (int i = 0; i < 3; i++) {
            TestServer n = TestServer.start(Map.of("cluster-enabled", "yes"));
            NODES.add(n);
            try (RawClient c = new RawClient(n.port())) {
                String r = c.call("CLUSTER", "MYID");
                String id = r.substring(r.indexOf("\r\n") + 2, r.length() - 2);
                topology.append(id).append(" 127.0.0.1 ").append(n.port()).append(" master - ")
                        .append(bounds[i]).append('-').append(bounds[i + 1] - 1).append('\n');
            }
        }
        for (TestServer n : NODES) {
            try (RawClient c = new RawClient(n.port())) {
                assertThat(c.call("CLUSTERX", "SETNODES", topology.toString(), "1")).isEqualTo("+OK\r\n");
            }
        }
    }

    @AfterAll
    static void stop() {
        NODES.forEach(TestServer::close);
    }

    @BeforeEach
    void empty() throws Exception {
        for (TestServer n : NODES) {
            try (RawClient c = new RawClient(n.port())) {
                c.call("FLUSHALL");
            }
        }
    }

    @Test
    void jedisClusterWritesAndReadsThroughEveryNode() throws Exception {
        try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", NODES.get(0).port())))) {
            for (int i = 0; i < 300; i++) {
                cluster.set("jedis:" + i, "v" + i);
            }
            for (int i = 0; i < 300; i++) {
                assertThat(cluster.get("jedis:" + i)).isEqualTo("v" + i);
            }
            // Keys sharing a hash tag share a slot, so a multi-key command may take them.
            cluster.mset("{order:7}:state", "paid", "{order:7}:amount", "42");
            assertThat(cluster.mget("{order:7}:state", "{order:7}:amount")).containsExactly("paid", "42");
            assertThat(cluster.hset("{order:7}:items", Map.of("sku", "1"))).isEqualTo(1);
        }
        assertEveryKeyOnItsOwner(303);
    }

    @Test
    void lettuceClusterClientWithAdaptiveRefreshWritesAndReads() throws Exception {
        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("127.0.0.1", NODES.get(1).port()));
        client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build()).build());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            assertThat(c.getPartitions()).hasSize(3);
            for (int i = 0; i < 300; i++) {
                c.sync().set("lettuce:" + i, "v" + i);
            }
            for (int i = 0; i < 300; i++) {
                assertThat(c.sync().get("lettuce:" + i)).isEqualTo("v" + i);
            }
            // Lettuce splits a multi-slot MGET by slot and asks each owner.
            assertThat(c.sync().mget("lettuce:1", "lettuce:2", "lettuce:3")).extracting(kv -> kv.getValue())
                    .containsExactly("v1", "v2", "v3");
        } finally {
            client.shutdown(0, 5, TimeUnit.SECONDS);
        }
        assertEveryKeyOnItsOwner(300);
    }

    @Test
    void redisPyRedisClusterWritesAndReads() throws Exception {
        String script = String.join("\n",
                "import sys",
                "from redis.cluster import RedisCluster",
                "rc = RedisCluster(host='127.0.0.1', port=int(sys.argv[1]))",
                "for i in range(300):",
                "    rc.set('py:%d' % i, 'v%d' % i)",
                "assert all(rc.get('py:%d' % i) == b'v%d' % i for i in range(300))",
                "p = rc.pipeline()",
                "for i in range(20):",
                "    p.incr('py:counter:%d' % i)",
                "assert p.execute() == [1] * 20",
                "print(len(rc.get_nodes()), rc.cluster_keyslot('somekey'))",
                "rc.close()");
        Path file = Files.createTempFile("cluster-client", ".py");
        try {
            Files.writeString(file, script);
            // Debian's interpreter, which has python3-redis (another python3 may come first in PATH).
            Process p = new ProcessBuilder("/usr/bin/python3", file.toString(), Integer.toString(NODES.get(2).port()))
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out.strip()).isEqualTo("3 11058");
        } finally {
            Files.deleteIfExists(file);
        }
        assertEveryKeyOnItsOwner(320);
    }

    @Test
    void redisCliFollowsRedirectionsWithDashC() throws Exception {
        int port = NODES.get(0).port();
        for (String key : List.of("somekey", "foo{hash_tag}", "b")) {
            assertThat(redisCli(port, "-c", "SET", key, "x")).isEqualTo("OK");
            assertThat(redisCli(port, "-c", "GET", key)).isEqualTo("x");
        }
        // Without -c the redirection is what the user sees.
        assertThat(redisCli(port, "GET", "somekey")).startsWith("MOVED 11058 127.0.0.1:" + NODES.get(2).port());
        assertEveryKeyOnItsOwner(3);
    }

    @Test
    void everyClientFindsItsKeysAfterTheirSlotsMoveAndMoveBack() throws Exception {
        RedisClusterClient lettuce = RedisClusterClient.create(RedisURI.create("127.0.0.1", NODES.get(1).port()));
        lettuce.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build()).build());
        try (JedisCluster jedis = new JedisCluster(Set.of(new HostAndPort("127.0.0.1", NODES.get(0).port())));
             StatefulRedisClusterConnection<String, String> c = lettuce.connect()) {
            for (int i = 0; i < 300; i++) {
                jedis.set("moving:" + i, "v" + i);
            }
            assertThat(c.sync().get("moving:1")).isEqualTo("v1"); // Lettuce has the topology now
            // Slots 0-5460 go from the first node to the second, then back.
            for (int[] move : new int[][] {{0, 1}, {1, 0}}) {
                moveFirstSlots(NODES.get(move[0]), NODES.get(move[1]), move[1] == 1);
                for (int i = 0; i < 300; i++) {
                    assertThat(jedis.get("moving:" + i)).as("JedisCluster, moving:%d", i).isEqualTo("v" + i);
                    assertThat(c.sync().get("moving:" + i)).as("Lettuce, moving:%d", i).isEqualTo("v" + i);
                }
                jedis.set("moving:written-after", "x");
                assertThat(redisCli(NODES.get(2).port(), "-c", "GET", "moving:1")).isEqualTo("v1");
                String py = String.join("\n",
                        "import sys",
                        "from redis.cluster import RedisCluster",
                        "rc = RedisCluster(host='127.0.0.1', port=int(sys.argv[1]))",
                        "assert all(rc.get('moving:%d' % i) == b'v%d' % i for i in range(300))",
                        "print('ok')");
                Path file = Files.createTempFile("cluster-move", ".py");
                try {
                    Files.writeString(file, py);
                    Process p = new ProcessBuilder("/usr/bin/python3", file.toString(), Integer.toString(NODES.get(2).port()))
                            .redirectErrorStream(true).start();
                    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("ok");
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        } finally {
            lettuce.shutdown(0, 5, TimeUnit.SECONDS);
        }
        assertEveryKeyOnItsOwner(301); // back where they were
    }

    /**
     * Moves slots 0-5460 from {@code from} to {@code to} as the controller does: CLUSTERX MIGRATE,
     * ready, then the new topology (one epoch up) pushed to every node, the target first.
     */
    private static void moveFirstSlots(TestServer from, TestServer to, boolean toSecond) throws Exception {
        try (RawClient c = new RawClient(from.port())) {
            assertThat(c.call("CLUSTERX", "MIGRATE", "0-5460", "127.0.0.1", Integer.toString(to.port()))).isEqualTo("+OK\r\n");
            io.rockhub.resp.testing.ClusterNodes.awaitMigration(from.port(), "ready", java.time.Duration.ofSeconds(30));
            long epoch = Long.parseLong(c.call("CLUSTERX", "VERSION").substring(1).strip()) + 1;
            StringBuilder topology = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                String id = io.rockhub.resp.testing.ClusterNodes.id(NODES.get(i).port());
                String slots = switch (i) {
                    case 0 -> toSecond ? "" : " 0-5460";
                    case 1 -> toSecond ? " 0-10922" : " 5461-10922";
                    default -> " 10923-16383";
                };
                topology.append(id).append(" 127.0.0.1 ").append(NODES.get(i).port()).append(" master -").append(slots)
                        .append('\n');
            }
            for (TestServer n : List.of(to, from, NODES.get(2))) {
                try (RawClient p = new RawClient(n.port())) {
                    assertThat(p.call("CLUSTERX", "SETNODES", topology.toString(), Long.toString(epoch))).isEqualTo("+OK\r\n");
                }
            }
            io.rockhub.resp.testing.ClusterNodes.awaitMigration(from.port(), "done", java.time.Duration.ofSeconds(30));
        }
    }

    private static String redisCli(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /** Every node holds only keys of its own slots, and together they hold {@code total}. */
    private static void assertEveryKeyOnItsOwner(int total) throws Exception {
        int seen = 0;
        for (TestServer n : NODES) {
            try (RawClient c = new RawClient(n.port())) {
                String owner = c.call("CLUSTER", "MYID");
                String keys = c.call("KEYS", "*");
                for (String line : keys.split("\r\n")) {
                    if (line.startsWith("*") || line.startsWith("$")) {
                        continue;
                    }
                    seen++;
                    String where = c.call("CLUSTER", "KEYSLOT", line);
                    int slot = Integer.parseInt(where.substring(1).strip());
                    int start = NODES.indexOf(n) == 0 ? 0 : NODES.indexOf(n) == 1 ? 5461 : 10923;
                    int end = NODES.indexOf(n) == 0 ? 5460 : NODES.indexOf(n) == 1 ? 10922 : 16383;
                    assertThat(slot).as(line + " on " + owner).isBetween(start, end);
                }
            }
        }
        assertThat(seen).isEqualTo(total);
    }
}
