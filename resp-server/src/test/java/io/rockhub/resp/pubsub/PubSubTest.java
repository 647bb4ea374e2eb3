package io.rockhub.resp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Pub/Sub under load and misbehaving subscribers; what the random differential test cannot drive. */
class PubSubTest {
    @Test
    void subscribeQueuedInMultiTakesEffectAtExecAsInRedis() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(transcript(servers.rockhubPort())).isEqualTo(transcript(servers.redisPort()));
        }
    }

    private static String transcript(int port) throws Exception {
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            StringBuilder t = new StringBuilder();
            t.append(a.call("MULTI")).append(a.call("SUBSCRIBE", "q", "r")).append(a.call("EXEC"));
            t.append(b.call("PUBLISH", "q", "m"));
            t.append(a.readReply());
            t.append(a.call("GET", "k"));
            return t.toString();
        }
    }

    @Test
    void aSubscriberThatNeverReadsIsDisconnectedAtItsLimitWhileOthersGetEverything() throws Exception {
        try (TestServer server = TestServer.start(); RawClient admin = new RawClient(server.port());
             RawClient publisher = new RawClient(server.port()); RawClient reader = new RawClient(server.port())) {
            assertThat(admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 60"))
                    .isEqualTo("+OK\r\n");
            Socket stalled = new Socket();
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
            stalled.getOutputStream().write(RawClient.encode("SUBSCRIBE", "firehose"));
            reader.call("SUBSCRIBE", "firehose");
            Wait.until(Duration.ofSeconds(10), "two subscribers",
                    () -> call(admin, "PUBSUB", "NUMSUB", "firehose").endsWith(":2\r\n"));

            int messages = 600;
            String payload = "x".repeat(64 * 1024);
            AtomicInteger received = new AtomicInteger();
            AtomicReference<String> wrong = new AtomicReference<>();
            Thread readerThread = new Thread(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        String m = reader.readReply();
                        String expected = "*3\r\n$7\r\nmessage\r\n$8\r\nfirehose\r\n$" + (payload.length() + 6) + "\r\n"
                                + String.format("%06d", i) + payload + "\r\n";
                        if (!m.equals(expected)) {
                            wrong.compareAndSet(null, "message " + i + " differs");
                            return;
                        }
                        received.incrementAndGet();
                    }
                } catch (Exception e) {
                    wrong.compareAndSet(null, e.toString());
                }
            });
            readerThread.start();
            List<String> counts = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                // The reading subscriber must stay under the limit too: at most 8 messages (512 KB) behind.
                int sent = i;
                Wait.until(Duration.ofSeconds(30), "the reader keeps up",
                        () -> received.get() >= sent - 8 || wrong.get() != null);
                counts.add(publisher.call("PUBLISH", "firehose", String.format("%06d", i) + payload));
            }
            readerThread.join(60_000);
            assertThat(wrong.get()).isNull();
            assertThat(received.get()).isEqualTo(messages);
            assertThat(counts.get(0)).isEqualTo(":2\r\n");
            assertThat(counts.get(messages - 1)).as("the stalled subscriber was dropped").isEqualTo(":1\r\n");
            assertThat(call(admin, "PUBSUB", "NUMSUB", "firehose")).endsWith(":1\r\n");
            assertThat(admin.call("PING")).isEqualTo("+PONG\r\n");
            // The server closed the stalled connection: after what its buffers held, its stream ends.
            InputStream in = stalled.getInputStream();
            byte[] buf = new byte[1 << 16];
            long drained = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                drained += n;
            }
            assertThat(drained).as("it got less than what was published").isLessThan((long) messages * payload.length());
            stalled.close();
        }
    }

    @Test
    void tenThousandSubscriptionsOnOneConnection() throws Exception {
        try (TestServer server = TestServer.start(); RawClient sub = new RawClient(server.port());
             RawClient pub = new RawClient(server.port())) {
            String[] cmd = new String[10_001];
            cmd[0] = "SUBSCRIBE";
            for (int i = 0; i < 10_000; i++) {
                cmd[i + 1] = "ch:" + i;
            }
            sub.send(cmd);
            for (int i = 0; i < 10_000; i++) {
                assertThat(sub.readReply()).endsWith(":" + (i + 1) + "\r\n");
            }
            String[] pats = new String[1_001];
            pats[0] = "PSUBSCRIBE";
            for (int i = 0; i < 1_000; i++) {
                pats[i + 1] = "p" + i + ":*";
            }
            sub.send(pats);
            for (int i = 0; i < 1_000; i++) {
                assertThat(sub.readReply()).endsWith(":" + (10_001 + i) + "\r\n");
            }
            assertThat(pub.call("PUBSUB", "NUMSUB", "ch:5000", "ch:10000"))
                    .isEqualTo("*4\r\n$7\r\nch:5000\r\n:1\r\n$8\r\nch:10000\r\n:0\r\n");
            assertThat(pub.call("PUBSUB", "NUMPAT")).isEqualTo(":1000\r\n");
            assertThat(pub.call("PUBLISH", "ch:1234", "hi")).isEqualTo(":1\r\n");
            assertThat(sub.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$7\r\nch:1234\r\n$2\r\nhi\r\n");
            assertThat(pub.call("PUBLISH", "p999:x", "yo")).isEqualTo(":1\r\n");
            assertThat(sub.readReply()).isEqualTo("*4\r\n$8\r\npmessage\r\n$6\r\np999:*\r\n$6\r\np999:x\r\n$2\r\nyo\r\n");
            sub.send("UNSUBSCRIBE");
            for (int i = 0; i < 10_000; i++) {
                assertThat(sub.readReply()).endsWith(":" + (11_000 - i - 1) + "\r\n");
            }
            assertThat(pub.call("PUBSUB", "NUMSUB", "ch:5000")).endsWith(":0\r\n");
            assertThat(pub.call("INFO", "stats")).contains("pubsub_channels:0\r\n").contains("pubsub_patterns:1000\r\n");
        }
    }

    @Test
    void aThousandSubscriberConnectionsEachGetTheMessage() throws Exception {
        try (TestServer server = TestServer.start(); RawClient pub = new RawClient(server.port())) {
            List<RawClient> subs = new ArrayList<>();
            try {
                for (int i = 0; i < 1_000; i++) {
                    RawClient c = new RawClient(server.port());
                    subs.add(c);
                    c.send("SUBSCRIBE", "fan");
                }
                for (RawClient c : subs) {
                    assertThat(c.readReply()).isEqualTo("*3\r\n$9\r\nsubscribe\r\n$3\r\nfan\r\n:1\r\n");
                }
                for (int m = 0; m < 3; m++) {
                    assertThat(pub.call("PUBLISH", "fan", "m" + m)).isEqualTo(":1000\r\n");
                }
                for (RawClient c : subs) {
                    for (int m = 0; m < 3; m++) {
                        assertThat(c.readReply()).isEqualTo("*3\r\n$7\r\nmessage\r\n$3\r\nfan\r\n$2\r\nm" + m + "\r\n");
                    }
                }
            } finally {
                for (RawClient c : subs) {
                    c.close();
                }
            }
            Wait.until(Duration.ofSeconds(10), "every subscription dropped with its connection",
                    () -> call(pub, "PUBSUB", "NUMSUB", "fan").endsWith(":0\r\n"));
        }
    }

    @Test
    void aSubscriberLeavingMidMessageHurtsNoOne() throws Exception {
        try (TestServer server = TestServer.start(); RawClient pub = new RawClient(server.port());
             RawClient other = new RawClient(server.port())) {
            other.call("SUBSCRIBE", "big");
            Socket leaver = new Socket("127.0.0.1", server.port());
            leaver.getOutputStream().write(RawClient.encode("SUBSCRIBE", "big"));
            InputStream in = leaver.getInputStream();
            in.readNBytes("*3\r\n$9\r\nsubscribe\r\n$3\r\nbig\r\n:1\r\n".length());
            String payload = "y".repeat(1 << 20);
            pub.send("PUBLISH", "big", payload);
            in.readNBytes(1000); // part of the first message, then gone without a word
            leaver.setSoLinger(true, 0);
            leaver.close();
            assertThat(pub.readReply()).isEqualTo(":2\r\n");
            for (int i = 0; i < 5; i++) {
                pub.call("PUBLISH", "big", payload);
            }
            for (int i = 0; i < 6; i++) {
                assertThat(other.readReply()).endsWith(payload + "\r\n");
            }
            Wait.until(Duration.ofSeconds(10), "the leaver's subscription dropped",
                    () -> call(pub, "PUBSUB", "NUMSUB", "big").endsWith(":1\r\n"));
            assertThat(pub.call("PUBLISH", "big", "small")).isEqualTo(":1\r\n");
        }
    }

    private static String call(RawClient c, String... args) {
        try {
            return c.call(args);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
