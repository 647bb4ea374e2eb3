package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Libraries are data: they survive a restart, and a function's writes are one atomic batch. */
class FunctionLibrariesTest {
    private static final String COUNTER = "#!lua name=counter\n"
            + "local function bump(keys, args)\n"
            + "  local n = redis.call('incrby', keys[1], args[1])\n"
            + "  redis.call('rpush', keys[2], n)\n"
            + "  if tonumber(args[1]) < 0 then error('negative step') end\n"
            + "  return n\n"
            + "end\n"
            + "redis.register_function('bump', bump)\n"
            + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}, description='the counter, read only'}";

    @Test
    void librariesSurviveARestartAndKeepWorking() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-functions");
        try {
            try (TestServer server = TestServer.startIn(dir, Map.of()); RawClient c = new RawClient(server.port())) {
                assertThat(c.call("FUNCTION", "LOAD", COUNTER)).isEqualTo("$7\r\ncounter\r\n");
                assertThat(c.call("FCALL", "bump", "2", "n", "log", "5")).isEqualTo(":5\r\n");
                assertThat(c.call("FUNCTION", "LOAD", "#!lua name=gone\nredis.register_function('g', function() return 1 end)"))
                        .isEqualTo("$4\r\ngone\r\n");
                assertThat(c.call("FUNCTION", "DELETE", "gone")).isEqualTo("+OK\r\n");
            }
            try (TestServer server = TestServer.startIn(dir, Map.of()); RawClient c = new RawClient(server.port())) {
                assertThat(c.call("FCALL", "bump", "2", "n", "log", "3")).isEqualTo(":8\r\n");
                assertThat(c.call("FCALL_RO", "peek", "1", "n")).isEqualTo("$1\r\n8\r\n");
                assertThat(c.call("FCALL", "g", "0")).isEqualTo("-ERR Function not found\r\n");
                assertThat(c.call("FUNCTION", "STATS")).endsWith(":1\r\n$15\r\nfunctions_count\r\n:2\r\n");
                assertThat(c.call("FUNCTION", "LIST", "LIBRARYNAME", "counter")).contains("the counter, read only");
                // FLUSHALL empties the keyspace, not the libraries (as Redis).
                c.call("FLUSHALL");
                assertThat(c.call("FCALL", "bump", "2", "n", "log", "1")).isEqualTo(":1\r\n");
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void aFunctionThatFailsKeepsTheWritesItMadeBeforeAsRedisDoes() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            c.call("FUNCTION", "LOAD", COUNTER);
            assertThat(c.call("FCALL", "bump", "2", "n", "log", "-1"))
                    .startsWith("-ERR user_function:5: negative step script: bump, on @user_function:5.");
            assertThat(c.call("GET", "n")).isEqualTo("$2\r\n-1\r\n");
            assertThat(c.call("LRANGE", "log", "0", "-1")).isEqualTo("*1\r\n$2\r\n-1\r\n");
        }
    }

    @Test
    void librariesLoadedInsideExecAreThereForTheRestOfIt() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            c.call("MULTI");
            c.call("FUNCTION", "LOAD", COUNTER);
            c.call("FCALL", "bump", "2", "n", "log", "4");
            c.call("FUNCTION", "FLUSH");
            c.call("FCALL", "bump", "2", "n", "log", "4");
            assertThat(c.call("EXEC")).isEqualTo("*4\r\n$7\r\ncounter\r\n:4\r\n+OK\r\n-ERR Function not found\r\n");
            assertThat(c.call("FUNCTION", "LIST")).isEqualTo("*0\r\n");
        }
    }
}
