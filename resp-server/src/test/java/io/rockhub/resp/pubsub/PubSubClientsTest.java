package io.rockhub.resp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Pub/Sub through real client libraries and redis-cli, each used as its documentation shows, unchanged. */
class PubSubClientsTest {
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
    void jedisSubscribesToChannelsAndPatternsOverResp2() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add("pmessage " + pattern + " " + channel + " " + message);
            }

            @Override
            public void onSubscribe(String channel, int count) {
                got.add("subscribe " + channel + " " + count);
            }

            @Override
            public void onPSubscribe(String pattern, int count) {
                got.add("psubscribe " + pattern + " " + count);
            }
        };
        Thread t = new Thread(() -> {
            try (Jedis sub = new Jedis("127.0.0.1", server.port())) {
                sub.subscribe(listener, "orders");
            }
        });
        t.start();
        try (Jedis pub = new Jedis("127.0.0.1", server.port())) {
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("subscribe orders 1");
            listener.psubscribe("orders.*");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("psubscribe orders.* 2");
            assertThat(pub.publish("orders", "o-1")).isEqualTo(1);
            assertThat(pub.publish("orders.eu", "o-2")).isEqualTo(1);
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("message orders o-1");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("pmessage orders.* orders.eu o-2");
            assertThat(pub.pubsubNumSub("orders")).containsEntry("orders", 1L);
            listener.unsubscribe();
            listener.punsubscribe();
        }
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void lettuceReceivesPushesOverResp3WhileRunningCommands() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             StatefulRedisPubSubConnection<String, String> pub = client.connectPubSub()) {
            List<String> got = new CopyOnWriteArrayList<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("config");
            sub.sync().psubscribe("config:*");
            // RESP3: the subscribed connection still runs ordinary commands between pushes.
            assertThat(sub.sync().set("k", "v")).isEqualTo("OK");
            for (int i = 0; i < 100; i++) {
                pub.sync().publish(i % 2 == 0 ? "config" : "config:db", "v" + i);
            }
            assertThat(sub.sync().get("k")).isEqualTo("v");
            Wait.until(Duration.ofSeconds(10), "100 messages", () -> got.size() == 100);
            for (int i = 0; i < 100; i++) {
                assertThat(got.get(i)).isEqualTo(i % 2 == 0 ? "config=v" + i : "config:*:config:db=v" + i);
            }
            assertThat(pub.sync().pubsubNumpat()).isEqualTo(1);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redissonTopicDeliversToItsListeners() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + server.port());
        RedissonClient redisson = Redisson.create(config);
        try {
            RTopic topic = redisson.getTopic("events", StringCodec.INSTANCE);
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            topic.addListener(String.class, (channel, msg) -> got.add(channel + ":" + msg));
            Wait.until(Duration.ofSeconds(10), "the listener to subscribe", () -> topic.countSubscribers() == 1);
            assertThat(topic.publish("e-1")).isEqualTo(1);
            assertThat(topic.publish("e-2")).isEqualTo(1);
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("events:e-1");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("events:e-2");
        } finally {
            redisson.shutdown();
        }
    }

    @Test
    void redisCliPsubscribePrintsCsvLines() throws Exception {
        Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(server.port()), "--csv",
                "psubscribe", "news.*").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8));
             Jedis pub = new Jedis("127.0.0.1", server.port())) {
            assertThat(out.readLine()).isEqualTo("Reading messages... (press Ctrl-C to quit)");
            assertThat(out.readLine()).isEqualTo("\"psubscribe\",\"news.*\",1");
            Wait.until(Duration.ofSeconds(10), "redis-cli to subscribe", () -> pub.pubsubNumPat() == 1);
            pub.publish("news.tech", "hello, \"world\"");
            assertThat(out.readLine()).isEqualTo("\"pmessage\",\"news.*\",\"news.tech\",\"hello, \\\"world\\\"\"");
        } finally {
            cli.destroy();
            cli.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
