package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.time.ManualClock;
import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OBJECT IDLETIME counts from the last read or write, as Redis's LRU clock does; TYPE, EXISTS and TTL do not touch. */
class IdleTimeTest {
    @Test
    void idleTimeCountsFromTheLastAccess() throws Exception {
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        try (TestServer server = TestServer.start(Map.of(), clock); RawClient c = new RawClient(server.port())) {
            c.call("SET", "k", "v");
            c.call("RPUSH", "l", "a");
            clock.advance(5_000);
            assertThat(c.call("OBJECT", "IDLETIME", "k")).isEqualTo(":5\r\n");
            c.call("TYPE", "k");
            c.call("EXISTS", "k");
            c.call("TTL", "k");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).as("no touch").isEqualTo(":5\r\n");
            c.call("GET", "k");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).isEqualTo(":0\r\n");
            clock.advance(3_000);
            c.call("MULTI");
            c.call("LPUSH", "l", "b");
            c.call("EXEC");
            c.call("TOUCH", "k");
            assertThat(c.call("OBJECT", "IDLETIME", "l")).as("touched inside EXEC").isEqualTo(":0\r\n");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).as("TOUCH touches").isEqualTo(":0\r\n");
            assertThat(c.call("OBJECT", "IDLETIME", "missing")).isEqualTo("$-1\r\n");
        }
    }

    @Test
    void aNoTouchClientLeavesIdleTimeAloneExceptWithTouch() throws Exception {
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        try (TestServer server = TestServer.start(Map.of(), clock); RawClient c = new RawClient(server.port())) {
            c.call("SET", "k", "v");
            clock.advance(4_000);
            assertThat(c.call("CLIENT", "NO-TOUCH", "ON")).isEqualTo("+OK\r\n");
            assertThat(c.call("CLIENT", "INFO")).contains(" flags=T ");
            c.call("GET", "k");
            c.call("MULTI");
            c.call("APPEND", "k", "w");
            c.call("EXEC");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).as("reads and writes do not touch").isEqualTo(":4\r\n");
            c.call("TOUCH", "k");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).as("TOUCH still touches").isEqualTo(":0\r\n");
            clock.advance(2_000);
            assertThat(c.call("CLIENT", "NO-TOUCH", "OFF")).isEqualTo("+OK\r\n");
            c.call("GET", "k");
            assertThat(c.call("OBJECT", "IDLETIME", "k")).isEqualTo(":0\r\n");
            assertThat(c.call("CLIENT", "NO-TOUCH", "maybe")).startsWith("-ERR");
        }
    }

    @Test
    void pastItsBoundTheOldestHalfIsForgottenAndCountsFromThen() {
        KeyAccess access = new KeyAccess(0);
        for (int i = 0; i <= KeyAccess.MAX_KEYS; i++) {
            access.touch(("k" + i).getBytes(), 1_000L + i);
        }
        long now = 1_000_000L;
        assertThat(access.idleSeconds(("k" + KeyAccess.MAX_KEYS).getBytes(), now))
                .isEqualTo((now - 1_000L - KeyAccess.MAX_KEYS) / 1000);
        long forgotten = access.idleSeconds("k0".getBytes(), now);
        assertThat(forgotten).as("a forgotten key counts from when it was forgotten: a lower bound")
                .isLessThan((now - 1_000L) / 1000).isGreaterThanOrEqualTo((now - 1_000L - KeyAccess.MAX_KEYS) / 1000);
    }
}
