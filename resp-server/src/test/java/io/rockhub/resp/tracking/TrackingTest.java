package io.rockhub.resp.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Server-assisted client-side caching, against Redis's own replies and with Lettuce's cache, unchanged. */
class TrackingTest {
    @Test
    void lettucesClientSideCacheIsInvalidatedWhenAnotherClientWrites() throws Exception {
        try (TestServer server = TestServer.start(); Jedis writer = new Jedis("127.0.0.1", server.port())) {
            RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                    .withTimeout(Duration.ofSeconds(10)).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                writer.set("config:feature-x", "off");
                Map<String, String> local = new ConcurrentHashMap<>();
                CacheFrontend<String, String> cache = ClientSideCaching.enable(CacheAccessor.forMap(local), connection,
                        TrackingArgs.Builder.enabled());
                assertThat(cache.get("config:feature-x")).isEqualTo("off");
                assertThat(local).containsEntry("config:feature-x", "off");
                writer.set("config:feature-x", "on");
                Wait.until(Duration.ofSeconds(10), "the invalidation to clear the local copy",
                        () -> !local.containsKey("config:feature-x"));
                assertThat(cache.get("config:feature-x")).isEqualTo("on");
                writer.del("config:feature-x");
                Wait.until(Duration.ofSeconds(10), "the deletion to clear it", () -> local.isEmpty());
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void trackingRepliesAndInvalidationsMatchRedis() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(transcript(servers.rockhubPort())).isEqualTo(transcript(servers.redisPort()));
        }
    }

    /** Everything the tracking clients and the redirect target receive, with client ids replaced by names. */
    private static String transcript(int port) throws Exception {
        try (RawClient a = new RawClient(port); RawClient target = new RawClient(port); RawClient w = new RawClient(port);
             RawClient b = new RawClient(port); RawClient c = new RawClient(port)) {
            String targetId = id(target);
            StringBuilder t = new StringBuilder();
            a.call("HELLO", "3");
            t.append(a.call("CLIENT", "TRACKINGINFO")).append(a.call("CLIENT", "GETREDIR"));
            t.append(a.call("CLIENT", "TRACKING", "ON")).append(a.call("CLIENT", "TRACKINGINFO"));
            t.append(a.call("GET", "k1")).append(a.call("MGET", "k2", "k3")).append(a.call("HGET", "h", "f"));
            t.append(w.call("SET", "k1", "x")).append(w.call("MSET", "k2", "1", "k3", "2")).append(w.call("HSET", "h", "f", "v"));
            t.append(w.call("SET", "k1", "again")).append(a.call("PING", "a")); // k1 is not tracked any more
            t.append(a.call("SET", "k4", "1")).append(a.call("GET", "k4")).append(a.call("SET", "k4", "2"));
            t.append(a.call("PING", "self")).append(a.call("FLUSHALL")).append(a.call("PING", "flush"));
            // RESP2 with a redirect to a subscriber of __redis__:invalidate; BCAST with prefixes; NOLOOP.
            t.append(target.call("SUBSCRIBE", "__redis__:invalidate"));
            t.append(b.call("CLIENT", "TRACKING", "ON", "REDIRECT", targetId, "BCAST", "PREFIX", "user:", "PREFIX", "cfg",
                    "NOLOOP").replace(":" + targetId + "\r\n", ":TARGET\r\n"));
            t.append(b.call("CLIENT", "TRACKINGINFO").replace(":" + targetId + "\r\n", ":TARGET\r\n"));
            t.append(b.call("CLIENT", "GETREDIR").replace(":" + targetId + "\r\n", ":TARGET\r\n"));
            t.append(w.call("SET", "user:1", "a")).append(w.call("SET", "cfg:x", "b")).append(w.call("SET", "other", "c"));
            t.append(b.call("SET", "user:2", "mine")).append(w.call("DEL", "user:1"));
            t.append(w.call("FLUSHDB"));
            t.append(untilPong(target));
            // OPTIN and OPTOUT with CLIENT CACHING.
            c.call("HELLO", "3");
            t.append(c.call("CLIENT", "TRACKING", "ON", "OPTIN")).append(c.call("GET", "x1"));
            t.append(c.call("CLIENT", "CACHING", "YES")).append(c.call("GET", "x2"));
            t.append(c.call("CLIENT", "CACHING", "NO"));
            t.append(w.call("SET", "x1", "1")).append(w.call("SET", "x2", "2")).append(c.call("PING", "optin"));
            t.append(c.call("CLIENT", "TRACKING", "ON", "OPTOUT"));
            t.append(c.call("CLIENT", "TRACKING", "OFF")).append(c.call("CLIENT", "TRACKING", "ON", "OPTOUT"));
            t.append(c.call("CLIENT", "CACHING", "NO")).append(c.call("GET", "y1")).append(c.call("GET", "y2"));
            t.append(w.call("SET", "y1", "1")).append(w.call("SET", "y2", "2")).append(c.call("PING", "optout"));
            // Refusals.
            t.append(c.call("CLIENT", "TRACKING", "ON", "BCAST"));
            t.append(c.call("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"));
            t.append(c.call("CLIENT", "TRACKING", "OFF"));
            t.append(c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"));
            t.append(c.call("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"));
            t.append(c.call("CLIENT", "TRACKING", "ON", "PREFIX", "a"));
            t.append(c.call("CLIENT", "CACHING", "YES"));
            t.append(c.call("CLIENT", "TRACKING", "maybe"));
            // The redirect target leaves: the RESP2 BCAST client loses its redirect.
            target.close();
            Wait.until(Duration.ofSeconds(10), "the target gone", () -> !call(w, "CLIENT", "LIST").contains("id=" + targetId + " "));
            t.append(w.call("SET", "user:3", "x"));
            t.append(b.call("CLIENT", "TRACKINGINFO").replace(":" + targetId + "\r\n", ":TARGET\r\n"));
            return t.toString();
        }
    }

    @Test
    void aReplicaInvalidatesForWritesReplicatedFromItsPrimary() throws Exception {
        try (TestServer primary = TestServer.start();
             TestServer replica = TestServer.start(Map.of("replicaof", "127.0.0.1 " + primary.port()));
             Jedis p = new Jedis("127.0.0.1", primary.port())) {
            p.set("warm", "up");
            // The first full copy reopens the replica: wait until it serves what the primary wrote.
            Wait.until(Duration.ofSeconds(60), "the replica caught up", () -> replicaHas(replica, "warm"));
            try (RawClient reader = new RawClient(replica.port())) {
                reader.call("HELLO", "3");
                reader.call("CLIENT", "TRACKING", "ON");
                assertThat(reader.call("GET", "feature")).isEqualTo("_\r\n");
                p.set("feature", "on");
                assertThat(reader.readReply()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nfeature\r\n");
            }
        }
    }

    private static boolean replicaHas(TestServer replica, String key) {
        try (RawClient c = new RawClient(replica.port())) {
            return c.call("INFO", "replication").contains("master_link_status:up") && !c.call("GET", key).equals("$-1\r\n");
        } catch (Exception e) {
            return false; // reopening after its first full copy
        }
    }

    @Test
    void expiryAndTheTableLimitInvalidateToo() throws Exception {
        try (TestServer server = TestServer.start(Map.of("expire-sweep-interval-ms", "20", "tracking-table-max-keys", "2"));
             RawClient reader = new RawClient(server.port()); RawClient w = new RawClient(server.port())) {
            w.call("SET", "session", "s", "PX", "80");
            reader.call("HELLO", "3");
            reader.call("CLIENT", "TRACKING", "ON");
            reader.call("GET", "session");
            assertThat(reader.readReply()).as("nobody wrote: the key expired")
                    .isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nsession\r\n");
            reader.call("GET", "a");
            reader.call("GET", "b");
            assertThat(w.call("INFO", "stats")).contains("tracking_total_keys:2");
            reader.call("GET", "c"); // a third key: a random one of the three leaves the table, invalidated
            assertThat(reader.readReply()).matches("(?s)>2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n\\$1\r\n[abc]\r\n");
            assertThat(w.call("INFO", "stats")).contains("tracking_total_keys:2");
            assertThat(w.call("INFO", "clients")).contains("tracking_clients:1");
        }
    }

    /** What a RESP2 subscriber received, up to the reply of a PING sent now. */
    private static String untilPong(RawClient c) throws Exception {
        c.send("PING", "sync");
        StringBuilder out = new StringBuilder();
        String m;
        while (!(m = c.readReply()).equals("*2\r\n$4\r\npong\r\n$4\r\nsync\r\n")) {
            out.append(m);
        }
        return out.toString();
    }

    private static String id(RawClient c) throws Exception {
        String r = c.call("CLIENT", "ID");
        return r.substring(1, r.length() - 2);
    }

    private static String call(RawClient c, String... args) {
        try {
            return c.call(args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
