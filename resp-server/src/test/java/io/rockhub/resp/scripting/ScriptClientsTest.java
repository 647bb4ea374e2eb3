package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rockhub.resp.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** EVAL, EVALSHA, FUNCTION and FCALL through Jedis, Lettuce and redis-cli --eval, each used as documented, unchanged. */
class ScriptClientsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A rate limiter the way such libraries write it: SET NX EX, INCRBY, PTTL in one script. */
    private static final String LIMITER = String.join("\n",
            "local current = redis.call('SET', KEYS[1], 0, 'NX', 'EX', ARGV[1])",
            "local used = redis.call('INCRBY', KEYS[1], 1)",
            "if used > tonumber(ARGV[2]) then return {0, redis.call('PTTL', KEYS[1])} end",
            "return {1, tonumber(ARGV[2]) - used}");

    @Test
    void jedisEvalAndEvalshaRunARateLimiter() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            String sha = j.scriptLoad(LIMITER);
            assertThat(j.scriptExists(sha)).isTrue();
            for (int i = 0; i < 3; i++) {
                @SuppressWarnings("unchecked")
                List<Long> r = (List<Long>) j.evalsha(sha, List.of("rate:alice"), List.of("60", "3"));
                assertThat(r).containsExactly(1L, 2L - i);
            }
            @SuppressWarnings("unchecked")
            List<Long> refused = (List<Long>) j.eval(LIMITER, List.of("rate:alice"), List.of("60", "3"));
            assertThat(refused.get(0)).isZero();
            assertThat(refused.get(1)).isBetween(1L, 60_000L);
        }
    }

    @Test
    void lettuceEvalshaWithTypedOutput() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String sha = c.sync().scriptLoad("return redis.call('INCRBY', KEYS[1], ARGV[1])");
            Long v = c.sync().evalsha(sha, ScriptOutputType.INTEGER, new String[] {"counter"}, "5");
            assertThat(v).isEqualTo(5L);
            String s = c.sync().eval("return cjson.encode({n = tonumber(ARGV[1])})", ScriptOutputType.VALUE,
                    new String[0], "7");
            assertThat(s).isEqualTo("{\"n\":7}");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisCliEvalRunsAScriptFile() throws Exception {
        Path script = Files.createTempFile("rockhub-script", ".lua");
        try {
            Files.writeString(script, "return {KEYS[1], ARGV[1], redis.call('SET', KEYS[1], ARGV[1])['ok']}");
            Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(server.port()), "--eval",
                    script.toString(), "greeting", ",", "hello").redirectErrorStream(true).start();
            String out;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
                out = String.join("\n", r.lines().toList());
            }
            assertThat(cli.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo("greeting\nhello\nOK");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static final String QUEUE_LIB = String.join("\n",
            "#!lua name=queue",
            "redis.register_function('enqueue', function(keys, args)",
            "  local id = redis.call('INCR', keys[1] .. ':seq')",
            "  redis.call('HSET', keys[1] .. ':job:' .. id, 'payload', args[1])",
            "  redis.call('RPUSH', keys[1], id)",
            "  return id",
            "end)",
            "redis.register_function{function_name='depth', callback=function(keys) return redis.call('LLEN', keys[1]) end,",
            "  flags={'no-writes'}, description='jobs waiting'}");

    @Test
    void jedisLoadsALibraryAndCallsItsFunctions() {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            assertThat(j.functionLoadReplace(QUEUE_LIB)).isEqualTo("queue");
            assertThat(j.fcall("enqueue", List.of("jq"), List.of("a"))).isEqualTo(1L);
            assertThat(j.fcall("enqueue", List.of("jq"), List.of("b"))).isEqualTo(2L);
            assertThat(j.fcallReadonly("depth", List.of("jq"), List.of())).isEqualTo(2L);
            assertThat(j.hget("jq:job:2", "payload")).isEqualTo("b");
            redis.clients.jedis.resps.LibraryInfo lib = j.functionList("queue").get(0);
            assertThat(lib.getLibraryName()).isEqualTo("queue");
            assertThat(lib.getFunctions()).hasSize(2);
            byte[] dump = j.functionDump();
            assertThat(j.functionFlush()).isEqualTo("OK");
            assertThat(j.functionRestore(dump)).isEqualTo("OK");
            assertThat(j.fcallReadonly("depth", List.of("jq"), List.of())).isEqualTo(2L);
        }
    }

    @Test
    void lettuceLoadsALibraryAndCallsItsFunctions() {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withTimeout(Duration.ofSeconds(10)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().functionLoad(QUEUE_LIB, true)).isEqualTo("queue");
            Long id = c.sync().fcall("enqueue", ScriptOutputType.INTEGER, new String[] {"lq"}, "x");
            assertThat(id).isEqualTo(1L);
            Long depth = c.sync().fcallReadOnly("depth", ScriptOutputType.INTEGER, "lq");
            assertThat(depth).isEqualTo(1L);
        } finally {
            client.shutdown();
        }
    }
}
