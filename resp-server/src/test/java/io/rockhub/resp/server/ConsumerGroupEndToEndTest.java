package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;
import io.rockhub.core.time.ManualClock;
import io.rockhub.resp.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerFullInfo;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamFullInfo;
import redis.clients.jedis.resps.StreamGroupFullInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * The consumer-group lifecycle of an event queue, driven by Jedis (RESP2) and Lettuce (RESP3):
 * workers read, fail, get reclaimed, acknowledge; delivery counts and idle times drive it all, so
 * the server runs on a manual clock.
 */
class ConsumerGroupEndToEndTest {
    private static final ManualClock CLOCK = new ManualClock(1_800_000_000_000L);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Map.Entry<String, StreamEntryID> unread(String key) {
        return Map.entry(key, StreamEntryID.UNRECEIVED_ENTRY);
    }

    @Test
    void jedisWorkersReadFailGetReclaimedAndAcknowledge() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.xgroupCreate("orders", "billing", new StreamEntryID(), true);
            for (int i = 1; i <= 5; i++) {
                j.xadd("orders", XAddParams.xAddParams().id(new StreamEntryID(i, 0)), Map.of("order", "o" + i));
            }
            List<StreamEntry> w1 = j.xreadGroup("billing", "w1", XReadGroupParams.xReadGroupParams().count(3),
                    Map.ofEntries(unread("orders"))).get(0).getValue();
            assertThat(w1).extracting(e -> e.getFields().get("order")).containsExactly("o1", "o2", "o3");
            CLOCK.advance(1000);
            List<StreamEntry> w2 = j.xreadGroup("billing", "w2", XReadGroupParams.xReadGroupParams().count(10),
                    Map.ofEntries(unread("orders"))).get(0).getValue();
            assertThat(w2).extracting(StreamEntry::getID).containsExactly(new StreamEntryID(4, 0), new StreamEntryID(5, 0));
            assertThat(j.xack("orders", "billing", new StreamEntryID(4, 0))).isEqualTo(1);

            StreamPendingSummary summary = j.xpending("orders", "billing");
            assertThat(summary.getTotal()).isEqualTo(4);
            assertThat(summary.getMinId()).isEqualTo(new StreamEntryID(1, 0));
            assertThat(summary.getMaxId()).isEqualTo(new StreamEntryID(5, 0));
            assertThat(summary.getConsumerMessageCount()).containsExactlyInAnyOrderEntriesOf(Map.of("w1", 3L, "w2", 1L));

            CLOCK.advance(60_000); // w1 crashed a minute ago with three entries in hand
            List<StreamPendingEntry> stuck = j.xpending("orders", "billing",
                    XPendingParams.xPendingParams().idle(60_000).count(10).consumer("w1"));
            assertThat(stuck).extracting(StreamPendingEntry::getID).containsExactly(new StreamEntryID(1, 0),
                    new StreamEntryID(2, 0), new StreamEntryID(3, 0));
            assertThat(stuck).allSatisfy(p -> {
                assertThat(p.getIdleTime()).isEqualTo(61_000);
                assertThat(p.getDeliveredTimes()).isEqualTo(1);
            });

            List<StreamEntry> claimed = j.xclaim("orders", "billing", "w3", 60_000, XClaimParams.xClaimParams(),
                    new StreamEntryID(1, 0));
            assertThat(claimed).extracting(e -> e.getFields().get("order")).containsExactly("o1");
            // Entry 5 reached w2 a second after the others, so it is not idle long enough yet.
            Map.Entry<StreamEntryID, List<StreamEntry>> auto = j.xautoclaim("orders", "billing", "w3", 60_500,
                    new StreamEntryID(), XAutoClaimParams.xAutoClaimParams().count(10));
            assertThat(auto.getKey()).isEqualTo(new StreamEntryID());
            assertThat(auto.getValue()).extracting(StreamEntry::getID).containsExactly(new StreamEntryID(2, 0),
                    new StreamEntryID(3, 0));

            StreamFullInfo full = j.xinfoStreamFull("orders");
            assertThat(full.getLength()).isEqualTo(5);
            StreamGroupFullInfo group = full.getGroups().get(0);
            assertThat(group.getName()).isEqualTo("billing");
            assertThat(group.getPelCount()).isEqualTo(4);
            assertThat(group.getPending()).extracting(p -> p.get(3)).containsExactly(2L, 2L, 2L, 1L);
            assertThat(group.getConsumers()).extracting(StreamConsumerFullInfo::getName)
                    .containsExactly("w1", "w2", "w3");
            assertThat(group.getConsumers()).extracting(StreamConsumerFullInfo::getPelCount)
                    .containsExactly(0L, 1L, 3L);
            assertThat(group.getConsumers().get(2).getActiveTime()).isEqualTo(CLOCK.millis());

            assertThat(j.xack("orders", "billing", new StreamEntryID(1, 0), new StreamEntryID(2, 0),
                    new StreamEntryID(3, 0), new StreamEntryID(5, 0))).isEqualTo(4);
            assertThat(j.xpending("orders", "billing").getTotal()).isZero();
            assertThat(j.xgroupDelConsumer("orders", "billing", "w1")).isZero();
            assertThat(j.xgroupDestroy("orders", "billing")).isEqualTo(1);
        }
    }

    @Test
    void lettuceRunsTheSameLifecycleOverResp3() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            r.xgroupCreate(XReadArgs.StreamOffset.from("events", "0"), "audit", XGroupCreateArgs.Builder.mkstream());
            String first = r.xadd("events", Map.of("type", "login"));
            r.xadd("events", Map.of("type", "logout"));
            List<StreamMessage<String, String>> got = r.xreadgroup(Consumer.from("audit", "a1"),
                    XReadArgs.Builder.count(10), XReadArgs.StreamOffset.lastConsumed("events"));
            assertThat(got).extracting(m -> m.getBody().get("type")).containsExactly("login", "logout");
            assertThat(r.xack("events", "audit", first)).isEqualTo(1);

            PendingMessages pending = r.xpending("events", "audit");
            assertThat(pending.getCount()).isEqualTo(1);
            assertThat(pending.getConsumerMessageCount()).containsExactly(Map.entry("a1", 1L));

            CLOCK.advance(30_000);
            List<StreamMessage<String, String>> claimed = r.xclaim("events", Consumer.from("audit", "a2"),
                    XClaimArgs.Builder.minIdleTime(10_000), got.get(1).getId());
            assertThat(claimed).extracting(StreamMessage::getId).containsExactly(got.get(1).getId());
            CLOCK.advance(30_000);
            ClaimedMessages<String, String> auto = r.xautoclaim("events",
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from("audit", "a3"), 10_000, "0-0").count(5));
            assertThat(auto.getMessages()).extracting(StreamMessage::getId).containsExactly(got.get(1).getId());
            assertThat(r.xpending("events", "audit", io.lettuce.core.Range.create("-", "+"),
                    io.lettuce.core.Limit.from(10))).singleElement()
                    .satisfies(p -> assertThat(p.getRedeliveryCount()).isEqualTo(3));
            List<Object> consumers = r.xinfoConsumers("events", "audit");
            assertThat(consumers).hasSize(3);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void deadLetterPolicyIsOptInAndVisible() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            j.xgroupCreate("jobs", "workers", new StreamEntryID(), true);
            assertThat(j.sendCommand(() -> "HUB.DEADLETTER".getBytes(), "jobs", "workers"))
                    .asList().element(1).as("off by default").isEqualTo(0L);
            assertThat(j.sendCommand(() -> "HUB.DEADLETTER".getBytes(), "jobs", "workers", "2", "jobs:dead"))
                    .isEqualTo("OK".getBytes());
            j.xadd("jobs", XAddParams.xAddParams(), Map.of("job", "poison"));
            j.xreadGroup("workers", "w1", XReadGroupParams.xReadGroupParams(), Map.ofEntries(unread("jobs")));
            Map<String, StreamEntryID> history = Map.of("jobs", new StreamEntryID());
            assertThat(j.xreadGroup("workers", "w1", XReadGroupParams.xReadGroupParams(),
                    history).get(0).getValue()).hasSize(1); // delivery 2
            assertThat(j.xreadGroup("workers", "w1", XReadGroupParams.xReadGroupParams(),
                    history).get(0).getValue()).as("the third delivery went to the dead letters").isEmpty();
            List<StreamEntry> dead = j.xrange("jobs:dead", (StreamEntryID) null, (StreamEntryID) null);
            assertThat(dead).singleElement().satisfies(e -> {
                assertThat(e.getFields()).containsEntry("job", "poison").containsEntry("dead-letter-stream", "jobs")
                        .containsEntry("dead-letter-group", "workers").containsEntry("dead-letter-deliveries", "2");
            });
            assertThat(j.xpending("jobs", "workers").getTotal()).isZero();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.sendCommand(() -> "HUB.DEADLETTER".getBytes(),
                    "jobs", "workers", "0", "x")).hasMessage("ERR max-deliveries must be a positive integer");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.sendCommand(() -> "HUB.DEADLETTER".getBytes(),
                    "jobs", "nogroup")).hasMessageStartingWith("NOGROUP");
            assertThat(j.sendCommand(() -> "HUB.DEADLETTER".getBytes(), "jobs", "workers", "OFF"))
                    .isEqualTo("OK".getBytes());
        }
    }
}
