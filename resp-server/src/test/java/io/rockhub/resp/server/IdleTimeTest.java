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
    void aKeyWhoseSlotAnotherKeyTookReportsALowerBoundAndTheLastAccessedKeyIsExact() {
        KeyAccess access = new KeyAccess(0, 8);
        long[] touched = new long[100];
        for (int i = 0; i < touched.length; i++) {
            touched[i] = 1_000L + 10_000L * i;
            access.touch(("k" + i).getBytes(), touched[i]);
        }
        long now = 5_000_000L;
        for (int i = 0; i < touched.length; i++) {
            assertThat(access.idleSeconds(("k" + i).getBytes(), now)).as("k" + i)
                    .isLessThanOrEqualTo((now - touched[i]) / 1000);
        }
        assertThat(access.idleSeconds("k99".getBytes(), now)).isEqualTo((now - touched[99]) / 1000);
        assertThat(new KeyAccess(1_000L).idleSeconds("never".getBytes(), 61_000L)).as("since the start").isEqualTo(60);
    }
}
