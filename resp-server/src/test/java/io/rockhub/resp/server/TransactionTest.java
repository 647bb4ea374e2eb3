package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.time.ManualClock;
import io.rockhub.resp.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;

/** MULTI/EXEC/WATCH as redis-py's pipeline() and Jedis's multi() use them. */
class TransactionTest {
    @Test
    void aWatchedKeyChangedByAnotherClientMakesExecFail() throws Exception {
        try (TestServer server = TestServer.start();
             Jedis a = new Jedis("127.0.0.1", server.port()); Jedis b = new Jedis("127.0.0.1", server.port())) {
            a.set("balance", "100");
            a.watch("balance");
            b.set("balance", "50");
            redis.clients.jedis.Transaction t = a.multi();
            t.set("balance", "90");
            assertThat(t.exec()).isNull();
            assertThat(a.get("balance")).isEqualTo("50");
            a.watch("balance");
            redis.clients.jedis.Transaction retry = a.multi();
            retry.set("balance", "40");
            assertThat(retry.exec()).containsExactly("OK");
        }
    }

    @Test
    void aWatchedKeyThatExpiresMakesExecFail() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        try (TestServer server = TestServer.start(Map.of(), clock); Jedis a = new Jedis("127.0.0.1", server.port())) {
            a.psetex("lock", 1000, "me");
            a.watch("lock");
            clock.advance(1001);
            redis.clients.jedis.Transaction t = a.multi();
            t.set("work", "done");
            assertThat(t.exec()).isNull();
            assertThat(a.exists("work")).isFalse();
        }
    }

    @Test
    void merchantConfigUpdateAppliesAllFieldsTogether() throws Exception {
        try (TestServer server = TestServer.start(); Jedis a = new Jedis("127.0.0.1", server.port())) {
            redis.clients.jedis.Transaction t = a.multi();
            Response<Long> fields = t.hset("merchant:config:7", Map.of("limit", "900", "currency", "USD"));
            Response<Long> version = t.incr("merchant:config:7:version");
            t.expire("merchant:config:7", 3600);
            assertThat(t.exec()).hasSize(3);
            assertThat(fields.get()).isEqualTo(2);
            assertThat(version.get()).isEqualTo(1);
            assertThat(a.hgetAll("merchant:config:7")).containsEntry("limit", "900");
            assertThat(a.ttl("merchant:config:7")).isPositive();
        }
    }

    @Test
    void execIsIsolatedFromConcurrentWriters() throws Exception {
        try (TestServer server = TestServer.start()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                futures.add(pool.submit(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                        for (int i = 0; i < 100; i++) {
                            redis.clients.jedis.Transaction t = j.multi();
                            Response<Long> first = t.incr("a");
                            Response<Long> second = t.incr("b");
                            t.exec();
                            // Nobody's increments land between the two of one EXEC.
                            assertThat(first.get()).isEqualTo(second.get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                assertThat(j.get("a")).isEqualTo("400");
                assertThat(j.get("b")).isEqualTo("400");
            }
        }
    }
}
