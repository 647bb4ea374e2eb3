package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CLIENT PAUSE / UNPAUSE hold commands back, CLIENT REPLY drops replies, the latency monitor records spikes. */
class ClientControlTest {
    @Test
    void pauseWriteHoldsWritesButNotReadsUntilUnpause() throws Exception {
        try (TestServer server = TestServer.start(Map.of());
             RawClient admin = new RawClient(server.port()); RawClient writer = new RawClient(server.port())) {
            assertThat(admin.call("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK\r\n");
            writer.send("SET", "k", "v");
            writer.send("GET", "k");
            assertThat(writer.replyArrivesWithin(Duration.ofMillis(300))).as("the write waits").isFalse();
            assertThat(admin.call("GET", "k")).as("reads go on").isEqualTo("$-1\r\n");
            assertThat(admin.call("CLIENT", "UNPAUSE")).isEqualTo("+OK\r\n");
            assertThat(writer.readReply()).isEqualTo("+OK\r\n");
            assertThat(writer.readReply()).as("in order, after the write").isEqualTo("$1\r\nv\r\n");
        }
    }

    @Test
    void pauseAllHoldsEveryCommandUntilItsDeadline() throws Exception {
        try (TestServer server = TestServer.start(Map.of());
             RawClient admin = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
            assertThat(admin.call("CLIENT", "PAUSE", "500")).isEqualTo("+OK\r\n");
            other.send("PING");
            assertThat(other.replyArrivesWithin(Duration.ofMillis(100))).isFalse();
            Wait.until(Duration.ofSeconds(10), "the pause to end", () -> {
                try {
                    return other.replyArrivesWithin(Duration.ofMillis(50));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(other.readReply()).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void replyOffAndSkipDropRepliesAsRedisDoes() throws Exception {
        try (TestServer server = TestServer.start(Map.of()); RawClient c = new RawClient(server.port())) {
            c.send("CLIENT", "REPLY", "OFF");
            c.send("SET", "a", "1");
            c.send("INCR", "a");
            assertThat(c.call("CLIENT", "REPLY", "ON")).as("OFF, SET and INCR answered nothing").isEqualTo("+OK\r\n");
            c.send("CLIENT", "REPLY", "SKIP");
            c.send("INCR", "a");
            assertThat(c.call("GET", "a")).as("SKIP and the INCR after it answered nothing").isEqualTo("$1\r\n3\r\n");
            c.assertNothingMoreWithin(Duration.ofMillis(100));
        }
    }

    @Test
    void theLatencyMonitorRecordsCommandsOverItsThreshold() throws Exception {
        try (TestServer server = TestServer.start(Map.of("latency-monitor-threshold", "1", "enable-debug-command", "yes"));
             RawClient c = new RawClient(server.port())) {
            assertThat(c.call("LATENCY", "LATEST")).isEqualTo("*0\r\n");
            assertThat(c.call("DEBUG", "SLEEP", "0.05")).isEqualTo("+OK\r\n");
            String latest = c.call("LATENCY", "LATEST");
            assertThat(latest).startsWith("*1\r\n*4\r\n$7\r\ncommand\r\n");
            // Under load another command may pass 1 ms too: the sleep must be among the samples.
            String history = c.call("LATENCY", "HISTORY", "command");
            assertThat(history).startsWith("*");
            assertThat(java.util.Arrays.stream(history.split("\r\n")).filter(l -> l.startsWith(":"))
                    .mapToLong(l -> Long.parseLong(l.substring(1))).filter(v -> v >= 50 && v < 1_000_000).count())
                    .as("the 50 ms sleep in " + history).isEqualTo(1);
            assertThat(c.call("LATENCY", "RESET")).isEqualTo(":1\r\n");
            String after = c.call("LATENCY", "HISTORY", "command");
            assertThat(java.util.Arrays.stream(after.split("\r\n")).filter(l -> l.startsWith(":"))
                    .mapToLong(l -> Long.parseLong(l.substring(1))).filter(v -> v >= 50 && v < 1_000_000).count())
                    .as("the sleep is gone after RESET: " + after).isZero();
        }
    }
}
