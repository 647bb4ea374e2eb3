package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.TestServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The seeds' feature store and configuration store through Jedis and Lettuce. */
class HashEndToEndTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pipelinedFeatureReadsForAFraudScore() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            Map<String, String> features = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                features.put("feature_" + i, Double.toString(i * 0.5));
            }
            j.hset("card:4111:features", features);
            j.hset("merchant:77:features", Map.of("chargeback_rate", "0.002", "mcc", "5411"));
            Pipeline p = j.pipelined();
            List<Response<String>> reads = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                reads.add(p.hget("card:4111:features", "feature_" + i));
            }
            Response<List<String>> merchant = p.hmget("merchant:77:features", "chargeback_rate", "mcc", "missing");
            p.sync();
            for (int i = 0; i < 60; i++) {
                assertThat(reads.get(i).get()).isEqualTo(Double.toString(i * 0.5));
            }
            assertThat(merchant.get()).containsExactly("0.002", "5411", null);
        }
    }

    @Test
    void configurationStoreReadsWholeHashes() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.hset("merchant:config:12", Map.of("limit", "500", "currency", "EUR", "3ds", "required"));
            assertThat(j.hgetAll("merchant:config:12"))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("limit", "500", "currency", "EUR", "3ds", "required"));
            assertThat(j.hkeys("merchant:config:12")).containsExactlyInAnyOrder("limit", "currency", "3ds");
            assertThat(j.hlen("merchant:config:12")).isEqualTo(3);
            assertThat(j.hdel("merchant:config:12", "3ds")).isEqualTo(1);
            assertThat(j.type("merchant:config:12")).isEqualTo("hash");
        }
    }

    @Test
    void concurrentFieldIncrementsNeverLoseAnUpdate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            futures.add(pool.submit(() -> {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    for (int i = 0; i < 200; i++) {
                        j.hincrBy("card:9:velocity", "txn_count_1h", 1);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThat(j.hget("card:9:velocity", "txn_count_1h")).isEqualTo("1200");
        }
    }

    @Test
    void hscanVisitsEveryFieldOnce() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < 250; i++) {
                fields.put("f" + i, "v" + i);
            }
            j.hset("scanme", fields);
            Map<String, String> seen = new HashMap<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<Map.Entry<String, String>> page = j.hscan("scanme", cursor, new ScanParams().count(40));
                page.getResult().forEach(e -> assertThat(seen.put(e.getKey(), e.getValue())).isNull());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(seen).isEqualTo(fields);
        }
    }

    @Test
    void lettuceGetsAMapInResp3() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().hset("lettuce:h", Map.of("a", "1", "b", "2"));
            assertThat(c.sync().hgetall("lettuce:h")).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(c.sync().hincrbyfloat("lettuce:h", "a", 0.5)).isEqualTo(1.5);
        } finally {
            client.shutdown();
        }
    }
}
