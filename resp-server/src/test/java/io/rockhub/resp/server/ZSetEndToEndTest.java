package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.resps.Tuple;

/** The seed's telemetry buffer: ZADD ts "ts:value", windowed reads, a trim on every write. */
class ZSetEndToEndTest {
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
    void telemetryBufferWithTrimOnEveryWrite() {
        String key = "metrics:merchant-42:p99_latency_ms";
        long t0 = 1_700_000_000_000L;
        long day = 24 * 3600 * 1000L;
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            for (int i = 0; i < 300; i++) {
                long ts = t0 + i * 600_000L; // every 10 minutes for 50 hours
                Pipeline p = j.pipelined();
                p.zadd(key, ts, ts + ":" + (100 + i % 7));
                p.zremrangeByScore(key, "-inf", "(" + (ts - day));
                p.sync();
            }
            long last = t0 + 299 * 600_000L;
            assertThat(j.zcard(key)).isEqualTo(145);
            List<Tuple> lastHour = j.zrangeByScoreWithScores(key, last - 3_600_000L, last);
            assertThat(lastHour).hasSize(7);
            assertThat(lastHour.get(6).getElement()).isEqualTo(last + ":" + (100 + 299 % 7));
            assertThat(lastHour.get(6).getScore()).isEqualTo((double) last);
        }
    }

    @Test
    void lettuceReadsScoresAsResp3Doubles() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().zadd("leaders", 1.5, "ann", 2.25, "bob", -3.0, "cy");
            assertThat(c.sync().zscore("leaders", "bob")).isEqualTo(2.25);
            List<ScoredValue<String>> top = c.sync().zrevrangeWithScores("leaders", 0, 1);
            assertThat(top).extracting(ScoredValue::getValue).containsExactly("bob", "ann");
            assertThat(c.sync().zrangebyscore("leaders", Range.create(-5, 2))).containsExactly("cy", "ann");
            assertThat(c.sync().zincrby("leaders", 10, "cy")).isEqualTo(7.0);
            assertThat(c.sync().zrank("leaders", "cy")).isEqualTo(2);
        } finally {
            client.shutdown();
        }
    }
}
