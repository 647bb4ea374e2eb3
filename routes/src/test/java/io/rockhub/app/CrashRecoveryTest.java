package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The promise of the product: every acknowledged write survives a crash. Several connections
 * write; the server process is killed with SIGKILL mid-stream; after a restart on the same
 * directory every write that got an OK is there.
 */
class CrashRecoveryTest {
    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-crash");
        try {
            ConcurrentLinkedQueue<String[]> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> counters = new ConcurrentLinkedQueue<>();
            try (ServerProcess server = ServerProcess.start(dir)) {
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    int id = w;
                    Thread t = new Thread(() -> {
                        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                            for (int i = 0; !stop.get(); i++) {
                                String key = "idem:" + id + ":" + i;
                                String value = "payload-" + id + "-" + i;
                                if ("OK".equals(j.set(key, value))) {
                                    acknowledged.add(new String[] {key, value});
                                }
                                long n = j.incr("counter:" + id);
                                counters.add(id + ":" + n);
                            }
                        } catch (JedisException expectedWhenKilled) {
                            // the connection dies with the server
                        }
                    });
                    t.start();
                    writers.add(t);
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> acknowledged.size() > 3000);
                server.kill();
                stop.set(true);
                for (Thread t : writers) {
                    t.join(10_000);
                }
            }
            assertThat(acknowledged).hasSizeGreaterThan(3000);
            try (ServerProcess restarted = ServerProcess.start(dir);
                 Jedis j = new Jedis("127.0.0.1", restarted.port())) {
                for (String[] kv : acknowledged) {
                    assertThat(j.get(kv[0])).as("acknowledged key %s", kv[0]).isEqualTo(kv[1]);
                }
                for (int id = 0; id < 6; id++) {
                    int writer = id;
                    long highestAcked = counters.stream().filter(c -> c.startsWith(writer + ":"))
                            .mapToLong(c -> Long.parseLong(c.substring(c.indexOf(':') + 1))).max().orElse(0);
                    String stored = j.get("counter:" + id);
                    assertThat(stored == null ? 0 : Long.parseLong(stored)).isGreaterThanOrEqualTo(highestAcked);
                }
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void shutdownCommandStopsCleanlyAndDataReopens() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-shutdown");
        try {
            try (ServerProcess server = ServerProcess.start(dir)) {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    j.set("config:merchant:1", "{\"limit\":500}");
                    try {
                        j.shutdown();
                    } catch (JedisException connectionClosed) {
                        // SHUTDOWN does not reply on success
                    }
                }
                assertThat(server.waitForExit(30)).isTrue();
                assertThat(server.exitValue()).isZero();
                assertThat(server.output()).contains("closed RocksDB");
            }
            try (ServerProcess again = ServerProcess.start(dir); Jedis j = new Jedis("127.0.0.1", again.port())) {
                assertThat(j.get("config:merchant:1")).isEqualTo("{\"limit\":500}");
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}
