package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lettuce negotiates RESP3 with HELLO 3; maps, nulls and pipelined async commands must work. */
class LettuceResp3Test {
    private static TestServer server;
    private static RedisClient client;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        server.close();
    }

    @Test
    void lettuceSpeaksResp3AndGetsRightTypes() {
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisCommands<String, String> cmd = conn.sync();
            assertThat(cmd.clientInfo()).contains("resp=3");
            assertThat(cmd.set("feature:card:1", "0.93", SetArgs.Builder.ex(60))).isEqualTo("OK");
            assertThat(cmd.get("feature:card:1")).isEqualTo("0.93");
            assertThat(cmd.get("feature:none")).isNull();
            Map<String, String> config = cmd.configGet("maxclients");
            assertThat(config).containsEntry("maxclients", "10000");
            assertThat(cmd.incrbyfloat("f", 10.5)).isEqualTo(10.5);
            assertThat(cmd.mget("feature:card:1", "feature:none"))
                    .extracting(kv -> kv.getValueOrElse(null)).containsExactly("0.93", null);
        }
    }

    @Test
    void asyncPipelineOfManyCommandsCompletesInOrder() throws Exception {
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            RedisAsyncCommands<String, String> async = conn.async();
            conn.setAutoFlushCommands(false);
            List<io.lettuce.core.RedisFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(async.incr("pipelined"));
            }
            conn.flushCommands();
            for (int i = 0; i < 1000; i++) {
                assertThat(futures.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1L);
            }
        }
    }

    @Test
    void resp3RawFramesForHelloNullsAndMaps() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            String hello = c.call("HELLO", "3");
            assertThat(hello).startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n")
                    .contains("$5\r\nproto\r\n:3\r\n");
            assertThat(c.call("GET", "missing")).isEqualTo("_\r\n");
            assertThat(c.call("CONFIG", "GET", "timeout")).isEqualTo("%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
            assertThat(c.call("INFO", "replication")).startsWith("=").contains("txt:# Replication");
            assertThat(c.call("HELLO", "2")).startsWith("*14\r\n");
            assertThat(c.call("GET", "missing")).isEqualTo("$-1\r\n");
        }
    }
}
