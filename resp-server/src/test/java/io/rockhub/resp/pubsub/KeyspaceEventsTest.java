package io.rockhub.resp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.WalGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.TickerType;

/** Keyspace notifications beyond the random differential test: durability, expiry, transactions, RESTORE, the setting. */
class KeyspaceEventsTest {
    @Test
    void anEventIsPublishedOnlyOnceItsWriteIsFsynced() throws Exception {
        try (TestServer server = TestServer.start(Map.of("notify-keyspace-events", "KEA"));
             RawClient writer = new RawClient(server.port()); RawClient sub = new RawClient(server.port())) {
            sub.call("SUBSCRIBE", "__keyevent@0__:set");
            try (WalGate gate = WalGate.hold(server)) {
                long before = server.hub().storage().latestSequence();
                long fsyncsBefore = server.hub().storage().ticker(TickerType.WAL_FILE_SYNCED);
                writer.send("SET", "k", "v");
                gate.awaitHeldBeyond(before, "the SET's flush to be under way");
                assertThat(sub.replyArrivesWithin(Duration.ofMillis(300))).as("event before the fsync").isFalse();
                assertThat(server.hub().storage().ticker(TickerType.WAL_FILE_SYNCED)).isEqualTo(fsyncsBefore);
                gate.open();
                assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n");
                assertThat(writer.readReply()).isEqualTo("+OK\r\n");
            }
        }
    }

    @Test
    void keysThatExpireAreReportedWhenTheyExpireNotWhenRead() throws Exception {
        try (TestServer server = TestServer.start(Map.of("notify-keyspace-events", "Ex", "expire-sweep-interval-ms", "20"));
             RawClient c = new RawClient(server.port()); RawClient sub = new RawClient(server.port())) {
            sub.call("PSUBSCRIBE", "__keyevent@*__:expired");
            c.call("SELECT", "3");
            c.call("SET", "session", "x", "PX", "50");
            c.call("HSET", "cart", "item", "1");
            c.call("PEXPIRE", "cart", "60");
            // Nobody reads either key: the sweeper expires them and says so.
            String first = sub.readReply();
            String second = sub.readReply();
            assertThat(first + second).contains("$22\r\n__keyevent@3__:expired\r\n$7\r\nsession\r\n")
                    .contains("$22\r\n__keyevent@3__:expired\r\n$4\r\ncart\r\n");
        }
    }

    @Test
    void transactionsRestoreAndTheSettingMatchRedis() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(transcript(servers.rockhubPort())).isEqualTo(transcript(servers.redisPort()));
        }
    }

    private static String transcript(int port) throws Exception {
        try (RawClient c = new RawClient(port); RawClient sub = new RawClient(port)) {
            StringBuilder t = new StringBuilder();
            for (String flags : new String[] {"KEA", "Egx$n", "Q", "Am", "AKEn", "", "Kl"}) {
                t.append(c.call("CONFIG", "SET", "notify-keyspace-events", flags));
                t.append(c.call("CONFIG", "GET", "notify-keyspace-events"));
            }
            c.call("CONFIG", "SET", "notify-keyspace-events", "AKEn");
            t.append(sub.call("PSUBSCRIBE", "__key*__:*"));
            c.call("MULTI");
            c.call("RPUSH", "q", "a", "b");
            c.call("LPOP", "q", "2");
            c.call("SET", "s", "v");
            c.call("RENAME", "s", "t");
            t.append(c.call("EXEC"));
            byte[] dump = RawClient.bulkBody(c.callBytes(bytes("DUMP"), bytes("t")));
            t.append(new String(c.callBytes(bytes("RESTORE"), bytes("u"), bytes("0"), dump), StandardCharsets.UTF_8));
            t.append(new String(c.callBytes(bytes("RESTORE"), bytes("u"), bytes("0"), dump, bytes("REPLACE")),
                    StandardCharsets.UTF_8));
            t.append(c.call("PING", "end"));
            // Everything up to the second RESTORE's keyevent message, the last event of the script.
            int restores = 0;
            while (restores < 2) {
                String m = sub.readReply();
                t.append(m);
                if (m.contains("__keyevent@0__:restore")) {
                    restores++;
                }
            }
            t.append(c.call("CONFIG", "SET", "notify-keyspace-events", ""));
            return t.toString();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
