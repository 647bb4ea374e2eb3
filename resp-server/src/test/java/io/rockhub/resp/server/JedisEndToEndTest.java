package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.resp.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** The seeds' use cases through Jedis, an unmodified Redis client. */
class JedisEndToEndTest {
    private static TestServer server;
    private Jedis jedis;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", server.port());
        jedis.flushAll();
    }

    @org.junit.jupiter.api.AfterEach
    void disconnect() {
        jedis.close();
    }

    @Test
    void idempotencyKeysWithNinetyDayRetention() {
        String key = "idempotency:6f1c2a";
        assertThat(jedis.set(key, "{\"status\":200}", SetParams.setParams().nx().ex(7_776_000L))).isEqualTo("OK");
        assertThat(jedis.set(key, "{\"status\":500}", SetParams.setParams().nx().ex(7_776_000L))).isNull();
        assertThat(jedis.get(key)).isEqualTo("{\"status\":200}");
        assertThat(jedis.ttl(key)).isBetween(7_775_990L, 7_776_000L);
        assertThat(jedis.get("idempotency:unseen")).isNull();
    }

    @Test
    void sessionsWithSlidingExpiry() {
        jedis.setex("session:abc", 1800, "user=42");
        assertThat(jedis.getEx("session:abc", redis.clients.jedis.params.GetExParams.getExParams().ex(3600)))
                .isEqualTo("user=42");
        assertThat(jedis.ttl("session:abc")).isBetween(3590L, 3600L);
        assertThat(jedis.persist("session:abc")).isEqualTo(1L);
        assertThat(jedis.ttl("session:abc")).isEqualTo(-1L);
    }

    @Test
    void pipelinedRepliesArriveInRequestOrder() {
        Pipeline p = jedis.pipelined();
        List<Response<?>> responses = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            responses.add(p.set("k" + i, "v" + i));
            responses.add(p.get("k" + i));
            responses.add(p.incr("counter"));
        }
        p.sync();
        for (int i = 0; i < 500; i++) {
            assertThat(responses.get(3 * i).get()).isEqualTo("OK");
            assertThat(responses.get(3 * i + 1).get()).isEqualTo("v" + i);
            assertThat(responses.get(3 * i + 2).get()).isEqualTo((long) i + 1);
        }
    }

    @Test
    void concurrentIncrementsNeverLoseAnUpdate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    for (int i = 0; i < 250; i++) {
                        j.incr("shared");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(jedis.get("shared")).isEqualTo("2000");
    }

    @Test
    void scanVisitsEveryKeyExactlyOnce() {
        for (int i = 0; i < 1000; i++) {
            jedis.set("scan:" + i, "x");
        }
        jedis.set("other", "y");
        List<String> seen = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("scan:*").count(100));
            seen.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(seen).hasSize(1000).doesNotHaveDuplicates().allMatch(k -> k.startsWith("scan:"));
    }

    @Test
    void errorsSurfaceAsRedisErrors() {
        jedis.set("s", "abc");
        assertThatThrownBy(() -> jedis.incr("s")).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR value is not an integer or out of range");
        assertThat(jedis.get("s")).isEqualTo("abc");
    }

    @Test
    void clientNameAndInfoAreReported() {
        jedis.clientSetname("worker-1");
        assertThat(jedis.clientGetname()).isEqualTo("worker-1");
        assertThat(jedis.clientList()).contains("name=worker-1");
        assertThat(jedis.info("keyspace")).startsWith("# Keyspace");
        assertThat(jedis.info("rocksdb")).contains("block_cache_hit_rate:");
    }

    @Test
    void dbsizeCountsKeysAndFlushEmpties() {
        jedis.mset("a", "1", "b", "2", "c", "3");
        jedis.del("b");
        assertThat(jedis.dbSize()).isEqualTo(2L);
        jedis.flushDB();
        assertThat(jedis.dbSize()).isZero();
        assertThat(jedis.keys("*")).isEmpty();
    }
}
