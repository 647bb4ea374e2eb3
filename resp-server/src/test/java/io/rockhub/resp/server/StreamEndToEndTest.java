package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/** Streams through Jedis (RESP2) and Lettuce (RESP3): the event-queue producer and a cursor reader. */
class StreamEndToEndTest {
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
    void producerAndCursorReaderWithJedis() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            StreamEntryID first = j.xadd("payments", XAddParams.xAddParams(), Map.of("amount", "10", "card", "4111"));
            StreamEntryID second = j.xadd("payments", XAddParams.xAddParams().maxLen(1000),
                    Map.of("amount", "20", "card", "5500"));
            assertThat(second).isGreaterThan(first);
            assertThat(j.xlen("payments")).isEqualTo(2);
            List<StreamEntry> all = j.xrange("payments", (StreamEntryID) null, (StreamEntryID) null);
            assertThat(all).extracting(StreamEntry::getID).containsExactly(first, second);
            assertThat(all.get(1).getFields()).containsEntry("amount", "20");
            List<Map.Entry<String, List<StreamEntry>>> read = j.xread(XReadParams.xReadParams().count(10),
                    Map.of("payments", first));
            assertThat(read).hasSize(1);
            assertThat(read.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(second);
            assertThat(j.xdel("payments", first)).isEqualTo(1);
            assertThat(j.xlen("payments")).isEqualTo(1);
        }
    }

    @Test
    void lettuceReadsStreamsOverResp3() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String id = c.sync().xadd("events", Map.of("type", "login"));
            List<StreamMessage<String, String>> msgs = c.sync().xread(XReadArgs.StreamOffset.from("events", "0"));
            assertThat(msgs).hasSize(1);
            assertThat(msgs.get(0).getId()).isEqualTo(id);
            assertThat(msgs.get(0).getBody()).containsEntry("type", "login");
            assertThat(c.sync().xrevrange("events", io.lettuce.core.Range.create("-", "+"))).hasSize(1);
        } finally {
            client.shutdown();
        }
    }
}
