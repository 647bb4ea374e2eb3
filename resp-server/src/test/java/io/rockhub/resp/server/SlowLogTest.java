package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.Resp;
import io.rockhub.resp.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlowLogTest {
    @Test
    @SuppressWarnings("unchecked")
    void slowCommandsAreLoggedNewestFirstWithRedisTruncation() throws Exception {
        try (TestServer server = TestServer.start(Map.of("slowlog-log-slower-than", "0", "slowlog-max-len", "3"));
             RawClient c = new RawClient(server.port())) {
            c.call("CLIENT", "SETNAME", "worker");
            c.call("SLOWLOG", "RESET");
            c.call("SET", "k", "x".repeat(200));
            String[] many = new String[40];
            many[0] = "MGET";
            for (int i = 1; i < many.length; i++) {
                many[i] = "k" + i;
            }
            c.call(many);
            List<Object> entries = (List<Object>) Resp.parse(c.call("SLOWLOG", "GET", "-1"));
            assertThat(entries).hasSize(3); // RESET, SET, MGET: max-len 3 keeps the newest three
            List<Object> mget = (List<Object>) entries.get(0);
            assertThat(mget).hasSize(6);
            assertThat((Long) mget.get(0)).as("ids go on after a RESET (CLIENT SETNAME was 0, RESET 1, SET 2)").isEqualTo(3L);
            assertThat((Long) mget.get(2)).isGreaterThanOrEqualTo(0L);
            List<Object> args = (List<Object>) mget.get(3);
            assertThat(args).hasSize(32).startsWith("MGET", "k1").endsWith("... (9 more arguments)");
            assertThat(mget.get(5)).isEqualTo("worker");
            List<Object> set = (List<Object>) ((List<Object>) entries.get(1)).get(3);
            assertThat((String) set.get(2)).startsWith("x".repeat(128)).endsWith("... (72 more bytes)");
            assertThat(c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1")).isEqualTo("+OK\r\n");
            c.call("GET", "k");
            assertThat(c.call("SLOWLOG", "LEN")).isEqualTo(":3\r\n");
        }
    }
}
