package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode against Redis 7.0 in cluster mode: two Redis nodes sharing the slots (half each,
 * joined by CLUSTER MEET) and two RockHub nodes given the same split by CLUSTERX SETNODES receive
 * the same seeded command sequences on their first node; every reply must be the same once each
 * node's port and id are replaced by its name. Redirections (-MOVED, -CROSSSLOT), transactions
 * over slots, hash tags, the commands refused in cluster mode, and the CLUSTER subcommands clients
 * read are all in the mix.
 *
 * <p>{@code -Drockhub.diff.seed=N} replays a failure (the seed is printed with it).
 */
class ClusterDifferentialTest {
    private static final long SEED = Long.getLong("rockhub.diff.seed", System.nanoTime());
    private static final int SPLIT = 8191;

    private static RealRedis redisA;
    private static RealRedis redisB;
    private static TestServer hubA;
    private static TestServer hubB;
    private static final List<String[]> NAMES = new ArrayList<>(); // {port or id, name}

    @BeforeAll
    static void start() throws Exception {
        int busA = RealRedis.freePort();
        int busB = RealRedis.freePort();
        redisA = RealRedis.start("--cluster-enabled", "yes", "--cluster-port", Integer.toString(busA));
        redisB = RealRedis.start("--cluster-enabled", "yes", "--cluster-port", Integer.toString(busB));
        try (RawClient a = new RawClient(redisA.port()); RawClient b = new RawClient(redisB.port())) {
            assertThat(a.call("CLUSTER", "ADDSLOTSRANGE", "0", Integer.toString(SPLIT))).isEqualTo("+OK\r\n");
            assertThat(b.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(SPLIT + 1), "16383")).isEqualTo("+OK\r\n");
            assertThat(a.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(redisB.port()), Integer.toString(busB)))
                    .isEqualTo("+OK\r\n");
            name(redisA.port(), id(a), "A");
            name(redisB.port(), id(b), "B");
        }
        for (int port : new int[] {redisA.port(), redisB.port()}) {
            Wait.until(Duration.ofSeconds(30), "the Redis cluster to form", () -> {
                try (RawClient c = new RawClient(port)) {
                    String info = c.call("CLUSTER", "INFO");
                    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:2");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
        hubA = TestServer.start(Map.of("cluster-enabled", "yes"));
        hubB = TestServer.start(Map.of("cluster-enabled", "yes"));
        try (RawClient a = new RawClient(hubA.port()); RawClient b = new RawClient(hubB.port())) {
            String idA = id(a);
            String idB = id(b);
            String topology = idA + " 127.0.0.1 " + hubA.port() + " master - 0-" + SPLIT + "\n"
                    + idB + " 127.0.0.1 " + hubB.port() + " master - " + (SPLIT + 1) + "-16383";
            for (RawClient c : List.of(a, b)) {
                assertThat(c.call("CLUSTERX", "SETNODES", topology, "1")).isEqualTo("+OK\r\n");
            }
            name(hubA.port(), idA, "A");
            name(hubB.port(), idB, "B");
        }
    }

    private static String id(RawClient c) throws Exception {
        String r = c.call("CLUSTER", "MYID");
        return r.substring(r.indexOf("\r\n") + 2, r.length() - 2);
    }

    private static void name(int port, String id, String name) {
        NAMES.add(new String[] {"127.0.0.1:" + port, "127.0.0.1:<" + name + ">"});
        NAMES.add(new String[] {":" + port + "\r\n", ":<port " + name + ">\r\n"});
        NAMES.add(new String[] {id, "<id-" + name + ">"});
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {hubA, hubB, redisA, redisB}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static final String[] KEYS = {"k1", "k2", "k3", "k4", "somekey", "foo{hash_tag}", "{user1}a", "{user1}b",
        "{user2}x", "{user2}y", "{}z", "a{b}c", "b"};

    @Test
    void routedCommandsAnswerAsRedisCluster() throws Exception {
        for (int round = 0; round < 4; round++) {
            long seed = SEED + round;
            List<List<String>> commands = sequence(new Random(seed), 300);
            List<String> redis = run(redisA.port(), redisB.port(), commands);
            List<String> rockhub = run(hubA.port(), hubB.port(), commands);
            for (int i = 0; i < commands.size(); i++) {
                if (!redis.get(i).equals(rockhub.get(i))) {
                    StringBuilder before = new StringBuilder();
                    for (int j = Math.max(0, i - 12); j < i; j++) {
                        before.append(String.format("  %s -> %s", commands.get(j), redis.get(j).strip())).append('\n');
                    }
                    fail(String.format("reply %d to %s differs from Redis (replay with -Drockhub.diff.seed=%d)%n"
                            + "redis:   %s%nrockhub: %s%nafter (Redis's replies):%n%s", i, commands.get(i), SEED,
                            redis.get(i), rockhub.get(i), before));
                }
            }
        }
    }

    /** Runs the commands on the first node (the second is flushed first), each reply normalised. */
    private static List<String> run(int first, int second, List<List<String>> commands) throws Exception {
        try (RawClient other = new RawClient(second)) {
            other.call("FLUSHALL");
        }
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(first)) {
            c.call("FLUSHALL");
            for (List<String> cmd : commands) {
                out.add(normalise(cmd, c.call(cmd.toArray(new String[0]))));
            }
        }
        return out;
    }

    private static String normalise(List<String> cmd, String reply) {
        for (String[] n : NAMES) {
            reply = reply.replace(n[0], n[1]);
        }
        if (cmd.size() > 1 && cmd.get(0).equals("CLUSTER") && cmd.get(1).equals("GETKEYSINSLOT")) {
            // Redis lists a slot's keys in the order they were added; RockHub in key order.
            String[] lines = reply.split("\r\n");
            String[] body = Arrays.copyOfRange(lines, 1, lines.length);
            List<String> items = new ArrayList<>();
            for (int i = 0; i + 1 < body.length; i += 2) {
                items.add(body[i] + "\r\n" + body[i + 1]);
            }
            items.sort(null);
            reply = lines[0] + "\r\n" + String.join("\r\n", items) + (items.isEmpty() ? "" : "\r\n");
        }
        return reply;
    }

    private static List<List<String>> sequence(Random r, int n) {
        List<List<String>> out = new ArrayList<>();
        boolean inMulti = false;
        for (int i = 0; i < n; i++) {
            String k = key(r);
            String k2 = key(r);
            List<String> cmd = switch (r.nextInt(inMulti ? 12 : 28)) {
                case 0 -> List.of("SET", k, "v" + r.nextInt(100));
                case 1 -> List.of("GET", k);
                case 2 -> List.of("MGET", k, k2);
                case 3 -> List.of("MSET", k, "1", k2, "2");
                case 4 -> List.of("DEL", k, k2);
                case 5 -> List.of("HSET", k, "f", "1");
                case 6 -> List.of("EXISTS", k, k2, key(r));
                case 7 -> List.of("RENAME", k, k2);
                case 8 -> List.of("INCR", k);
                case 9 -> List.of("EVAL", "return redis.call('get', KEYS[1])", "1", k);
                case 10 -> List.of("EVAL", "return #KEYS", "2", k, k2);
                case 11 -> List.of("PING");
                case 12 -> List.of("CLUSTER", "KEYSLOT", k);
                case 13 -> List.of("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(HashSlot.of(k.getBytes())));
                case 14 -> List.of("CLUSTER", "GETKEYSINSLOT", Integer.toString(HashSlot.of(k.getBytes())), "10");
                case 15 -> List.of("CLUSTER", "COUNTKEYSINSLOT", oneOf(r, "-1", "16384", "x", "0"));
                case 16 -> List.of("CLUSTER", "GETKEYSINSLOT", oneOf(r, "-1", "16384", "1"), oneOf(r, "-1", "0", "x"));
                case 17 -> List.of("SELECT", oneOf(r, "0", "1", "x", "99"));
                case 18 -> List.of("MOVE", k, oneOf(r, "1", "x"));
                case 19 -> List.of("SWAPDB", oneOf(r, "0", "x"), "1");
                case 20 -> List.of("COPY", k, k2, "DB", oneOf(r, "0", "1"));
                case 21 -> List.of(oneOf(r, "READONLY", "READWRITE", "ASKING"));
                case 22 -> List.of("CLUSTER", "KEYSLOT");
                case 23 -> List.of("CLUSTER", oneOf(r, "NOSUCH", "MYID", "KEYSLOT"), "x", "y");
                case 24 -> List.of("MULTI");
                case 25 -> switch (r.nextInt(4)) {
                    // Keys a script does not declare: served only when this node has their slot.
                    case 0 -> List.of("EVAL", "return redis.call('get', ARGV[1])", "0", k);
                    case 1 -> List.of("EVAL", "return redis.pcall('get', ARGV[1])", "0", k);
                    case 2 -> List.of("EVAL", "return redis.call('mget', ARGV[1], ARGV[2])", "0", k, k2);
                    default -> List.of("EVAL", "redis.call('set', ARGV[1], 'x') return redis.call('get', ARGV[2])", "0", k, k2);
                };
                // Shard channels are routed by their slots (a replica serves them without READONLY).
                case 26 -> switch (r.nextInt(6)) {
                    case 0 -> List.of("SPUBLISH", k, "m");
                    case 1 -> List.of("SPUBLISH", k);
                    case 2 -> List.of("SSUBSCRIBE", k);
                    case 3 -> List.of("SSUBSCRIBE", k, k2);
                    case 4 -> List.of("SUNSUBSCRIBE", k);
                    default -> List.of("RESET"); // not SUNSUBSCRIBE alone: Redis lists the channels in hash order
                };
                default -> List.of("EXEC");
            };
            if (cmd.get(0).equals("MULTI")) {
                inMulti = true;
            } else if (cmd.get(0).equals("EXEC") || inMulti && r.nextInt(8) == 0) {
                cmd = cmd.get(0).equals("EXEC") ? cmd : List.of(oneOf(r, "EXEC", "DISCARD"));
                inMulti = false;
            }
            out.add(cmd);
        }
        out.add(List.of("DISCARD"));
        return out;
    }

    private static String key(Random r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String oneOf(Random r, String... choices) {
        return choices[r.nextInt(choices.length)];
    }

    @Test
    void clusterViewsAnswerAsRedisCluster() throws Exception {
        for (String[] cmd : List.of(new String[] {"CLUSTER", "SLOTS"}, new String[] {"CLUSTER", "MYID"})) {
            assertThat(normalised(hubA.port(), cmd)).as(String.join(" ", cmd)).isEqualTo(normalised(redisA.port(), cmd));
        }
        // Redis lists shards in the order of its node table: compare the set of shards.
        assertThat(shards(hubA.port())).hasSize(2).isEqualTo(shards(redisA.port()));
        assertThat(infoFields(hubA.port())).hasSize(8).isEqualTo(infoFields(redisA.port()));
        assertThat(nodeLines(hubA.port())).hasSize(2).isEqualTo(nodeLines(redisA.port()));
        for (int port : new int[] {hubA.port(), hubB.port()}) {
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("INFO", "cluster")).contains("cluster_enabled:1\r\n");
            }
        }
    }

    private static String normalised(int port, String... cmd) throws Exception {
        try (RawClient c = new RawClient(port)) {
            return normalise(List.of(cmd), c.call(cmd));
        }
    }

    private static List<String> shards(int port) throws Exception {
        String reply = normalised(port, "CLUSTER", "SHARDS");
        // Each shard starts with its "slots" key; the replication offset is each node's own.
        List<String> shards = new ArrayList<>(Arrays.asList(reply.substring(reply.indexOf("\r\n") + 2).split("\\*4\r\n\\$5\r\nslots")));
        shards.removeIf(String::isEmpty);
        shards.replaceAll(s -> s.replaceAll("replication-offset\r\n:\\d+", "replication-offset\r\n:N"));
        shards.sort(null);
        return shards;
    }

    /** CLUSTER INFO's fields, without the epochs (Redis's grow with its own elections) and gossip counters. */
    private static List<String> infoFields(int port) throws Exception {
        String reply = normalised(port, "CLUSTER", "INFO");
        List<String> out = new ArrayList<>();
        for (String line : reply.split("\r\n")) {
            if (line.contains(":") && !line.contains("epoch") && !line.startsWith("cluster_stats_messages")) {
                out.add(line);
            }
        }
        return out;
    }

    /** CLUSTER NODES without its times and epochs (each node's own), lines sorted. */
    private static List<String> nodeLines(int port) throws Exception {
        String reply = normalised(port, "CLUSTER", "NODES");
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(\\S+) (\\S+?)@\\d+ (\\S+) (\\S+) \\d+ \\d+ \\d+ (\\S+)(.*)").matcher("");
        for (String line : reply.substring(reply.indexOf("\r\n") + 2).split("\n")) {
            if (m.reset(line.strip()).matches()) {
                out.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5) + m.group(6));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void withoutClusterModeTheClusterCommandsAreRefusedAsRedis() throws Exception {
        try (RealRedis plain = RealRedis.start(); TestServer hub = TestServer.start()) {
            for (String[] cmd : List.of(new String[] {"CLUSTER", "KEYSLOT", "x"}, new String[] {"CLUSTER", "INFO"},
                    new String[] {"READONLY"}, new String[] {"READWRITE"}, new String[] {"ASKING"},
                    new String[] {"CLUSTER", "SLOTS"}, new String[] {"SELECT", "1"})) {
                try (RawClient r = new RawClient(plain.port()); RawClient h = new RawClient(hub.port())) {
                    assertThat(h.call(cmd)).as(String.join(" ", cmd)).isEqualTo(r.call(cmd));
                }
            }
        }
    }
}
