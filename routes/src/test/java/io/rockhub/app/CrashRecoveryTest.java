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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The promise of the product: every acknowledged write survives a crash. Several connections
 * write; the server process is killed with SIGKILL mid-stream; after a restart on the same
 * directory every write that got an OK is there.
 */
class CrashRecoveryTest {
    /**
     * Sync mode fsyncs before the reply; relaxed mode ({@code sync no}) promises only that a process
     * crash loses nothing acknowledged: its WAL reaches the file (not the disk) before the reply.
     */
    @ParameterizedTest(name = "rocksdb.write_options.sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void everyAcknowledgedWriteSurvivesSigkill(String sync) throws Exception {
        Path dir = Files.createTempDirectory("rockhub-crash");
        try {
            ConcurrentLinkedQueue<String[]> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> counters = new ConcurrentLinkedQueue<>();
            try (ServerProcess server = ServerProcess.start(dir, "--rocksdb.write_options.sync", sync)) {
                List<Connection> writers = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    int id = w;
                    writers.add((j, stop) -> {
                        for (int i = 0; !stop.get(); i++) {
                            String key = "idem:" + id + ":" + i;
                            String value = "payload-" + id + "-" + i;
                            if ("OK".equals(j.set(key, value))) {
                                acknowledged.add(new String[] {key, value});
                            }
                            long n = j.incr("counter:" + id);
                            counters.add(id + ":" + n);
                        }
                    });
                }
                killWhen(server, writers, () -> acknowledged.size() > 3000);
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
                    // Every acknowledged INCR is there; at most the one in flight at the kill is there too.
                    assertThat(stored == null ? 0 : Long.parseLong(stored)).as("counter:%d", id)
                            .isBetween(highestAcked, highestAcked + 1);
                }
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void everyAcknowledgedPipelinedWriteSurvivesSigkill() throws Exception {
        // Pipelines of 16 are committed as one batch per read burst: a burst is all there or absent.
        Path dir = Files.createTempDirectory("rockhub-crash-pipelined");
        try {
            ConcurrentLinkedQueue<String[]> acknowledged = new ConcurrentLinkedQueue<>();
            java.util.Map<Integer, Long> highestCounter = new java.util.concurrent.ConcurrentHashMap<>();
            try (ServerProcess server = ServerProcess.start(dir)) {
                List<Connection> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int id = w;
                    writers.add((j, stop) -> {
                        for (int round = 0; !stop.get(); round++) {
                            redis.clients.jedis.Pipeline p = j.pipelined();
                            List<String[]> sent = new ArrayList<>();
                            List<redis.clients.jedis.Response<String>> sets = new ArrayList<>();
                            List<redis.clients.jedis.Response<Long>> incrs = new ArrayList<>();
                            for (int i = 0; i < 8; i++) {
                                String key = "pipe:" + id + ":" + round + ":" + i;
                                String value = "v-" + id + "-" + round + "-" + i;
                                sent.add(new String[] {key, value});
                                sets.add(p.set(key, value));
                                incrs.add(p.incr("pcounter:" + id));
                            }
                            p.sync();
                            for (int i = 0; i < sets.size(); i++) {
                                if ("OK".equals(sets.get(i).get())) {
                                    acknowledged.add(sent.get(i));
                                }
                                highestCounter.merge(id, incrs.get(i).get(), Math::max);
                            }
                        }
                    });
                }
                killWhen(server, writers, () -> acknowledged.size() > 5000);
            }
            try (ServerProcess restarted = ServerProcess.start(dir);
                 Jedis j = new Jedis("127.0.0.1", restarted.port())) {
                for (String[] kv : acknowledged) {
                    assertThat(j.get(kv[0])).as("acknowledged key %s", kv[0]).isEqualTo(kv[1]);
                }
                for (int id = 0; id < 4; id++) {
                    long acked = highestCounter.getOrDefault(id, 0L);
                    String stored = j.get("pcounter:" + id);
                    // Every acknowledged INCR is there; at most the pipeline in flight at the kill too.
                    assertThat(stored == null ? 0 : Long.parseLong(stored)).as("pcounter:%d", id)
                            .isBetween(acked, acked + 8);
                }
            }
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void everyAcknowledgedXaddAndXackSurvivesSigkill() throws Exception {
        Path dir = Files.createTempDirectory("rockhub-crash-streams");
        try {
            ConcurrentLinkedQueue<String> added = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> delivered = new ConcurrentLinkedQueue<>();
            // The XACK sent last: at the kill it may be durable without its reply having arrived.
            java.util.concurrent.atomic.AtomicReference<String> ackInFlight = new java.util.concurrent.atomic.AtomicReference<>();
            try (ServerProcess server = ServerProcess.start(dir)) {
                try (Jedis setup = new Jedis("127.0.0.1", server.port())) {
                    setup.xgroupCreate("payments", "settlement", new redis.clients.jedis.StreamEntryID(), true);
                    // A settled history: three refunds delivered three times each, one acknowledged.
                    setup.xgroupCreate("refunds", "r", new redis.clients.jedis.StreamEntryID(), true);
                    for (int i = 1; i <= 3; i++) {
                        setup.xadd("refunds", redis.clients.jedis.params.XAddParams.xAddParams()
                                .id(new redis.clients.jedis.StreamEntryID(i, 0)), java.util.Map.of("refund", "" + i));
                    }
                    setup.xreadGroup("r", "c1", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams(),
                            java.util.Map.of("refunds", redis.clients.jedis.StreamEntryID.UNRECEIVED_ENTRY));
                    for (int again = 0; again < 2; again++) {
                        setup.xreadGroup("r", "c1", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams(),
                                java.util.Map.of("refunds", new redis.clients.jedis.StreamEntryID()));
                    }
                    setup.xack("refunds", "r", new redis.clients.jedis.StreamEntryID(2, 0));
                }
                List<Connection> connections = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int id = w;
                    connections.add((j, stop) -> {
                        for (int i = 0; !stop.get(); i++) {
                            added.add(j.xadd("payments", redis.clients.jedis.params.XAddParams.xAddParams(),
                                    java.util.Map.of("producer", Integer.toString(id), "n", Integer.toString(i)))
                                    .toString());
                        }
                    });
                }
                connections.add((j, stop) -> {
                    while (!stop.get()) {
                        var batch = j.xreadGroup("settlement", "worker",
                                redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(50),
                                java.util.Map.of("payments", redis.clients.jedis.StreamEntryID.UNRECEIVED_ENTRY));
                        if (batch == null) {
                            continue;
                        }
                        for (var e : batch.get(0).getValue()) {
                            delivered.add(e.getID().toString());
                            ackInFlight.set(e.getID().toString());
                            if (j.xack("payments", "settlement", e.getID()) == 1) {
                                acked.add(e.getID().toString());
                            }
                        }
                    }
                });
                killWhen(server, connections, () -> added.size() > 2000 && acked.size() > 200);
            }
            try (ServerProcess restarted = ServerProcess.start(dir);
                 Jedis j = new Jedis("127.0.0.1", restarted.port())) {
                java.util.Set<String> present = new java.util.HashSet<>();
                for (var e : j.xrange("payments", (redis.clients.jedis.StreamEntryID) null,
                        (redis.clients.jedis.StreamEntryID) null)) {
                    present.add(e.getID().toString());
                }
                assertThat(present).containsAll(added);
                java.util.Set<String> stillPending = new java.util.HashSet<>();
                for (var p : j.xpending("payments", "settlement",
                        redis.clients.jedis.params.XPendingParams.xPendingParams().count(1_000_000))) {
                    stillPending.add(p.getID().toString());
                }
                assertThat(stillPending).as("acknowledged entries stay acknowledged").doesNotContainAnyElementsOf(acked);
                java.util.Set<String> unacked = new java.util.HashSet<>(delivered);
                acked.forEach(unacked::remove);
                unacked.remove(ackInFlight.get());
                assertThat(stillPending).as("delivered, unacknowledged entries stay pending").containsAll(unacked);
                var resumed = j.xreadGroup("settlement", "worker",
                        redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(1_000_000),
                        java.util.Map.of("payments", redis.clients.jedis.StreamEntryID.UNRECEIVED_ENTRY));
                java.util.List<String> fresh = resumed == null ? java.util.List.of()
                        : resumed.get(0).getValue().stream().map(e -> e.getID().toString()).toList();
                assertThat(fresh).as("the group resumes after what it delivered").doesNotContainAnyElementsOf(delivered);
                assertThat(fresh).filteredOn(stillPending::contains).as("new entries are not pending").isEmpty();
                // Every entry is new, pending or acknowledged, once; only the one XACK in flight at
                // the kill can be durable without its reply having reached the worker.
                assertThat(present.size() - (stillPending.size() + fresh.size() + acked.size()))
                        .as("entries accounted for").isBetween(0, 1);

                var refunds = j.xpending("refunds", "r",
                        redis.clients.jedis.params.XPendingParams.xPendingParams().count(10));
                assertThat(refunds).extracting(p -> p.getID().toString()).containsExactly("1-0", "3-0");
                assertThat(refunds).allSatisfy(p -> {
                    assertThat(p.getConsumerName()).isEqualTo("c1");
                    assertThat(p.getDeliveredTimes()).as("delivery counts survive").isEqualTo(3);
                });
                assertThat(j.xreadGroup("r", "c1", redis.clients.jedis.params.XReadGroupParams.xReadGroupParams(),
                        java.util.Map.of("refunds", redis.clients.jedis.StreamEntryID.UNRECEIVED_ENTRY)))
                        .as("nothing new for the refunds group").isNull();
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

    /** One connection's work while the server runs: it loops until {@code stop} is set. */
    private interface Connection {
        void run(Jedis j, AtomicBoolean stop);
    }

    /** Runs each connection on a thread of its own until {@code enough}, then SIGKILLs the server mid-stream. */
    private static void killWhen(ServerProcess server, List<Connection> connections,
                                 java.util.concurrent.Callable<Boolean> enough) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (Connection c : connections) {
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    c.run(j, stop);
                } catch (JedisException expectedWhenKilled) {
                    // the connection dies with the server
                }
            });
            t.start();
            threads.add(t);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(enough);
        server.kill();
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
