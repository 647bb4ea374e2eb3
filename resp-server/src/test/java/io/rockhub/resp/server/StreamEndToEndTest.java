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
    void xinfoStreamDescribesLengthIdsAndGroups() throws Exception {
        try (io.rockhub.resp.testing.RawClient c = new io.rockhub.resp.testing.RawClient(server.port())) {
            c.call("XADD", "info", "1-1", "a", "1");
            c.call("XADD", "info", "2-1", "b", "2");
            c.call("XDEL", "info", "1-1");
            c.call("XGROUP", "CREATE", "info", "g", "0");
            @SuppressWarnings("unchecked")
            List<Object> info = (List<Object>) io.rockhub.resp.testing.Resp.parse(c.call("XINFO", "STREAM", "info"));
            Map<Object, Object> fields = new java.util.HashMap<>();
            for (int i = 0; i < info.size(); i += 2) {
                fields.put(info.get(i), info.get(i + 1));
            }
            assertThat(fields).containsEntry("length", 1L).containsEntry("last-generated-id", "2-1")
                    .containsEntry("max-deleted-entry-id", "1-1").containsEntry("entries-added", 2L)
                    .containsEntry("recorded-first-entry-id", "2-1").containsEntry("groups", 1L);
            assertThat(fields.get("first-entry")).isEqualTo(List.of("2-1", List.of("b", "2")));
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
