package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class SetEndToEndTest {
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
    void jedisSetAlgebra() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.sadd("devices:card:1", "d1", "d2", "d3");
            j.sadd("devices:card:2", "d3", "d4");
            assertThat(j.sinter("devices:card:1", "devices:card:2")).containsExactly("d3");
            assertThat(j.sunion("devices:card:1", "devices:card:2")).hasSize(4);
            assertThat(j.sdiffstore("only:1", "devices:card:1", "devices:card:2")).isEqualTo(2);
            assertThat(j.smembers("only:1")).containsExactlyInAnyOrder("d1", "d2");
            assertThat(j.sismember("only:1", "d1")).isTrue();
            assertThat(j.smove("only:1", "only:2", "d1")).isEqualTo(1);
            assertThat(j.scard("only:2")).isEqualTo(1);
        }
    }

    @Test
    void lettuceReceivesResp3Sets() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().sadd("tags", "a", "b");
            assertThat(c.sync().smembers("tags")).isEqualTo(Set.of("a", "b"));
        } finally {
            client.shutdown();
        }
        try (RawClient raw = new RawClient(server.port())) {
            raw.call("HELLO", "3");
            assertThat(raw.call("SMEMBERS", "tags")).isEqualTo("~2\r\n$1\r\na\r\n$1\r\nb\r\n");
            assertThat(raw.call("SMISMEMBER", "tags", "a", "z")).isEqualTo("*2\r\n:1\r\n:0\r\n");
        }
    }
}
