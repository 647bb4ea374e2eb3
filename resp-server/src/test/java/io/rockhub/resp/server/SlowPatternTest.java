package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The slowest pattern one can write (nested stars that nearly match) must not hold the event loop:
 * every command that matches a pattern answers, and another connection's PING is answered while
 * one is running. The deadlines only guard against a hang (the unbounded matcher took hours).
 */
class SlowPatternTest {
    private static final String SUBJECT = "a".repeat(40);
    private static final String PATTERN = "a*".repeat(20) + "b";

    @Test
    void nestedStarPatternsAnswerAndOtherClientsAreServedMeanwhile() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient slow = new RawClient(server.port());
             RawClient other = new RawClient(server.port())) {
            slow.call("SET", SUBJECT, "1");
            slow.call("HSET", "h", SUBJECT, "1");
            slow.call("SADD", "s", SUBJECT);
            slow.call("ZADD", "z", "1", SUBJECT);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                slow.send("KEYS", PATTERN);
                assertThat(other.call("PING")).isEqualTo("+PONG\r\n");
                assertThat(slow.readReply()).isEqualTo("*0\r\n");
                assertThat(slow.call("SCAN", "0", "MATCH", PATTERN, "COUNT", "100")).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
                assertThat(slow.call("HSCAN", "h", "0", "MATCH", PATTERN)).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
                assertThat(slow.call("SSCAN", "s", "0", "MATCH", PATTERN)).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
                assertThat(slow.call("ZSCAN", "z", "0", "MATCH", PATTERN)).isEqualTo("*2\r\n$1\r\n0\r\n*0\r\n");
                assertThat(slow.call("CONFIG", "GET", PATTERN)).isEqualTo("*0\r\n");
                assertThat(slow.call("KEYS", "a*".repeat(20))).isEqualTo("*1\r\n$40\r\n" + SUBJECT + "\r\n");
            });
        }
    }
}
