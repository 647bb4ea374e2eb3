package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A script cannot take the server's memory: its interpreter's heap is bounded by lua-heap-limit-mb. */
class ScriptMemoryTest {
    private static final String HOG = "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 64) .. i end";

    @Test
    void aScriptThatGrowsPastTheHeapLimitIsStoppedAndTheServerCarriesOn() throws Exception {
        try (TestServer server = TestServer.start(Map.of("lua-heap-limit-mb", "16"));
             RawClient c = new RawClient(server.port())) {
            assertThat(c.call("CONFIG", "GET", "lua-heap-limit-mb")).isEqualTo("*2\r\n$17\r\nlua-heap-limit-mb\r\n$2\r\n16\r\n");
            assertThat(c.call("EVAL", HOG, "0"))
                    .matches("-ERR Script used more than the scripts memory limit \\(lua-heap-limit-mb 16\\)"
                            + " script: [0-9a-f]{40}, on @user_script:1\\.\r\n");
            // pcall cannot keep it going either.
            assertThat(c.call("EVAL", "pcall(function() " + HOG + " end) return 'survived'", "0"))
                    .startsWith("-ERR Script used more than the scripts memory limit");
            // One allocation that would pass the limit is refused before it is made.
            assertThat(c.call("EVAL", "return #string.rep('x', 2^31)", "0"))
                    .startsWith("-ERR string.rep result would pass the scripts memory limit script: ");
            assertThat(c.call("EVAL", "return #string.rep('ab', 1000)", "0")).isEqualTo(":2000\r\n");
            // Functions have their own interpreter and the same bound.
            c.call("FUNCTION", "LOAD", "#!lua name=hog\nredis.register_function('hog', function() " + HOG + " end)");
            assertThat(c.call("FCALL", "hog", "0")).startsWith("-ERR Script used more than the scripts memory limit");
            // The garbage is collected: scripts run as before, and a larger limit applies at once.
            assertThat(c.call("EVAL", "local t = {} for i = 1, 1000 do t[i] = i end return #t", "0")).isEqualTo(":1000\r\n");
            assertThat(c.call("CONFIG", "SET", "lua-heap-limit-mb", "64")).isEqualTo("+OK\r\n");
            assertThat(c.call("EVAL", "local t = {} for i = 1, 200000 do t[i] = string.rep('x', 64) .. i end return #t", "0"))
                    .isEqualTo(":200000\r\n");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
    }
}
