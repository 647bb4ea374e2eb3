package io.rockhub.resp.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.RespTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values move both ways between Redis 7.0 and RockHub by DUMP and RESTORE, as migration tools move
 * them: every type in every encoding Redis picks (integers, LZF-compressed strings, listpacks,
 * intsets, multi-node quicklists, hash tables and skiplists, streams with consumer groups and
 * pending entries), and what arrives reads the same.
 */
class DumpRestoreTest {
    private static final long SEED = Long.getLong("rockhub.diff.seed", System.nanoTime());
    private static RedisAndRockHub servers;

    @BeforeAll
    static void start() throws Exception {
        servers = RedisAndRockHub.start(java.util.Map.of("rocksdb.write_options.sync", "no"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String element(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.toString(r.nextInt(200) - 100);
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "x".repeat(r.nextInt(80));
            case 3 -> "v" + r.nextInt(100_000);
            default -> "w" + r.nextInt(10);
        };
    }

    /** Commands that build a random value of a random type at {@code key}. */
    private static List<String[]> build(Random r, String key) {
        List<String[]> out = new ArrayList<>();
        int n = r.nextInt(4) == 0 ? 200 + r.nextInt(1500) : 1 + r.nextInt(20);
        switch (r.nextInt(6)) {
            case 0 -> out.add(new String[] {"SET", key, r.nextBoolean() ? element(r) : "abc".repeat(r.nextInt(5000))});
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    out.add(new String[] {r.nextBoolean() ? "RPUSH" : "LPUSH", key, element(r)});
                }
            }
            case 2 -> {
                boolean ints = r.nextBoolean();
                for (int i = 0; i < n; i++) {
                    out.add(new String[] {"SADD", key, ints ? Integer.toString(r.nextInt(100_000)) : element(r)});
                }
            }
            case 3 -> {
                for (int i = 0; i < n; i++) {
                    out.add(new String[] {"ZADD", key, r.nextInt(3) == 0 ? "1.5" : Integer.toString(r.nextInt(1000) - 500),
                        element(r)});
                }
            }
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    out.add(new String[] {"HSET", key, element(r), element(r)});
                }
            }
            default -> {
                for (int i = 1; i <= n; i++) {
                    List<String> add = new ArrayList<>(List.of("XADD", key, i + "-" + r.nextInt(3)));
                    for (int f = 0; f <= r.nextInt(3); f++) {
                        add.add(r.nextBoolean() ? "f" + f : element(r));
                        add.add(element(r));
                    }
                    out.add(add.toArray(new String[0]));
                }
                for (int g = 0; g < r.nextInt(3); g++) {
                    out.add(new String[] {"XGROUP", "CREATE", key, "g" + g, r.nextBoolean() ? "0" : "$"});
                    out.add(new String[] {"XREADGROUP", "GROUP", "g" + g, "c" + r.nextInt(3), "COUNT",
                        Integer.toString(1 + r.nextInt(5)), "STREAMS", key, ">"});
                    out.add(new String[] {"XREADGROUP", "GROUP", "g" + g, "c" + r.nextInt(3), "COUNT", "2", "STREAMS", key, ">"});
                    out.add(new String[] {"XACK", key, "g" + g, "1-0", "2-0", "2-1"});
                    out.add(new String[] {"XGROUP", "CREATECONSUMER", key, "g" + g, "idle"});
                }
                if (r.nextBoolean()) {
                    out.add(new String[] {"XDEL", key, "3-0", "3-1", "3-2"});
                }
            }
        }
        return out;
    }

    /** The value at {@code key}, canonical (sets and hashes as multisets). */
    private static String content(RawClient c, String key) throws Exception {
        String type = c.call("TYPE", key).trim();
        String reply = switch (type) {
            case "+string" -> c.call("GET", key);
            case "+list" -> c.call("LRANGE", key, "0", "-1");
            case "+set" -> RespTree.parse(c.call("SMEMBERS", key)).canonical(RespTree.Order.ELEMENTS);
            case "+zset" -> c.call("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "+hash" -> RespTree.parse(c.call("HGETALL", key)).canonical(RespTree.Order.PAIRS);
            case "+stream" -> {
                StringBuilder sb = new StringBuilder(c.call("XRANGE", key, "-", "+")).append(c.call("XINFO", "GROUPS", key));
                for (int g = 0; g < 3; g++) {
                    // A missing group's error names the key, which differs between the copies.
                    sb.append(c.call("XPENDING", key, "g" + g).replace("'" + key + "'", "'key'"));
                }
                yield sb.toString();
            }
            default -> type;
        };
        return type + " " + reply;
    }

    @Test
    void valuesDumpedByEitherServerRestoreInTheOther() throws Exception {
        Random r = new Random(SEED);
        try (RawClient redis = new RawClient(servers.redisPort()); RawClient hub = new RawClient(servers.rockhubPort())) {
            for (int round = 0; round < 150; round++) {
                String key = "k" + round;
                for (String[] cmd : build(r, key)) {
                    redis.call(cmd);
                    hub.call(cmd);
                }
                String expected = content(redis, key);
                assertThat(content(hub, key)).as("seed %d round %d: built alike", SEED, round).isEqualTo(expected);

                byte[] fromRedis = RawClient.bulkBody(redis.callBytes(b("DUMP"), b(key)));
                assertThat(new String(hub.callBytes(b("RESTORE"), b("r" + round), b("0"), fromRedis), StandardCharsets.UTF_8))
                        .as("seed %d round %d: RockHub restores Redis's payload", SEED, round).isEqualTo("+OK\r\n");
                assertThat(content(hub, "r" + round)).as("seed %d round %d", SEED, round).isEqualTo(expected);

                byte[] fromHub = RawClient.bulkBody(hub.callBytes(b("DUMP"), b(key)));
                assertThat(new String(redis.callBytes(b("RESTORE"), b("h" + round), b("100000"), fromHub), StandardCharsets.UTF_8))
                        .as("seed %d round %d: Redis restores RockHub's payload", SEED, round).isEqualTo("+OK\r\n");
                assertThat(content(redis, "h" + round)).as("seed %d round %d", SEED, round).isEqualTo(expected);
                long ttl = Long.parseLong(redis.call("PTTL", "h" + round).trim().substring(1));
                assertThat(ttl).isBetween(1L, 100_000L);
            }
        }
    }

    @Test
    void aDamagedPayloadIsRefusedAndChangesNothing() throws Exception {
        try (RawClient hub = new RawClient(servers.rockhubPort())) {
            hub.call("SET", "src", "hello");
            byte[] payload = RawClient.bulkBody(hub.callBytes(b("DUMP"), b("src")));
            payload[1] ^= 1;
            assertThat(new String(hub.callBytes(b("RESTORE"), b("dst"), b("0"), payload), StandardCharsets.UTF_8))
                    .isEqualTo("-ERR DUMP payload version or checksum are wrong\r\n");
            assertThat(hub.call("EXISTS", "dst")).isEqualTo(":0\r\n");
        }
    }
}
