package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.resp.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * Primary and replica as separate server processes on 127.0.0.1, as operators run them; equality is
 * checked with HUB.DIGEST (a SHA-256 of every stored record at a sequence number).
 */
class ReplicationProcessTest {
    private Path primaryDir;
    private Path replicaDir;

    @BeforeEach
    void dirs() throws IOException {
        primaryDir = Files.createTempDirectory("rockhub-primary");
        replicaDir = Files.createTempDirectory("rockhub-replica");
    }

    @AfterEach
    void clean() {
        for (Path d : List.of(primaryDir, replicaDir)) {
            TestServer.deleteTree(d);
            for (String suffix : List.of(".checkpoints", ".sync", ".ready", ".old")) {
                TestServer.deleteTree(d.resolveSibling(d.getFileName() + suffix));
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** [sequence, sha256, records], or null while the server is unreachable (restarting, reopening). */
    static List<Object> digest(int port) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            @SuppressWarnings("unchecked")
            List<Object> d = (List<Object>) j.sendCommand(() -> "HUB.DIGEST".getBytes());
            return List.of(d.get(0), new String((byte[]) d.get(1)), d.get(2));
        } catch (JedisException e) {
            return null;
        }
    }

    static void awaitEqual(int primary, int replica) {
        List<Object> target = digest(primary);
        Awaitility.await("replica digest equals the primary's " + target).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100)).until(() -> target.equals(digest(replica)));
    }

    /** Writes of every type, pipelined 1,000 at a time. */
    static void mixedWrites(int port, int from, int to, int valueSize) {
        String value = "v".repeat(valueSize);
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            Pipeline p = j.pipelined();
            for (int i = from; i < to; i++) {
                switch (i % 6) {
                    case 0 -> p.set("s:" + i, value + i);
                    case 1 -> p.hset("h:" + (i % 500), "f" + i, value);
                    case 2 -> p.rpush("l:" + (i % 200), "item" + i);
                    case 3 -> p.sadd("set:" + (i % 300), "m" + i);
                    case 4 -> p.zadd("z:" + (i % 100), i, "m" + i);
                    default -> p.xadd("x:" + (i % 50), XAddParams.xAddParams(), Map.of("n", Integer.toString(i)));
                }
                if (i % 1000 == 999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    @Test
    void aReplicaCatchesUpAHundredThousandMixedWritesAndRefusesWrites() throws Exception {
        try (ServerProcess primary = ServerProcess.start(primaryDir)) {
            mixedWrites(primary.port(), 0, 50_000, 20);
            try (ServerProcess replica = ServerProcess.start(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(primary.port()));
                 Jedis p = new Jedis("127.0.0.1", primary.port())) {
                mixedWrites(primary.port(), 50_000, 100_000, 20); // while the replica copies and follows
                awaitEqual(primary.port(), replica.port());
                assertThat(p.waitReplicas(1, 10_000)).isEqualTo(1);
                try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    assertThat(r.get("s:99996")).isEqualTo(p.get("s:99996"));
                    assertThatThrownBy(() -> r.set("x", "y")).isInstanceOf(JedisDataException.class)
                            .hasMessageStartingWith("READONLY");
                    assertThat(r.role().get(0)).isEqualTo("slave");
                }
                assertThat(p.info("replication")).contains("connected_slaves:1");
            }
        }
    }

    @Test
    void aStoppedReplicaCatchesUpIncrementallyAndOneWhoseGapLeftTheWalTakesACopy() throws Exception {
        int port = freePort();
        String[] follow = {"--replicaof", "127.0.0.1", Integer.toString(port)};
        try (ServerProcess primary = ServerProcess.start(primaryDir, "--port", Integer.toString(port))) {
            mixedWrites(port, 0, 1_000, 20);
            try (ServerProcess replica = ServerProcess.start(replicaDir, follow)) {
                awaitEqual(port, replica.port());
            }
            mixedWrites(port, 1_000, 51_000, 20); // 50k writes while the replica is away
            try (ServerProcess replica = ServerProcess.start(replicaDir, follow)) {
                awaitEqual(port, replica.port());
                assertThat(replica.output()).as("caught up from the WAL").doesNotContain("taking a full copy");
            }
            mixedWrites(port, 51_000, 52_000, 20);
            // A clean stop flushes every memtable: the WAL holding the replica's position is gone.
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                j.shutdown();
            } catch (JedisException closedByTheShutdown) {
                // the server may close the connection before Jedis reads anything
            }
            assertThat(primary.waitForExit(60)).isTrue();
        }
        try (ServerProcess primary = ServerProcess.start(primaryDir, "--port", Integer.toString(port))) {
            mixedWrites(port, 52_000, 53_000, 20);
            try (ServerProcess replica = ServerProcess.start(replicaDir, follow)) {
                awaitEqual(port, replica.port());
                assertThat(replica.output()).contains("taking a full copy", "full sync: reopened on the copied data");
            }
        }
    }

    @Test
    void aPrimaryKilledDuringAFullCopyLeavesTheReplicaConsistent() throws Exception {
        int port = freePort();
        try (ServerProcess primary = ServerProcess.start(primaryDir, "--port", Integer.toString(port))) {
            // Incompressible values, so the copy takes long enough to be interrupted.
            fillIncompressible(port, 40_000);
            try (ServerProcess replica = ServerProcess.start(replicaDir, "--replicaof", "127.0.0.1",
                    Integer.toString(port), "--max-replication-mb", "40")) {
                Awaitility.await("copy under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> replica.output().contains("full sync: copying checkpoint"));
                primary.kill();
                try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    assertThat(r.info("replication")).contains("role:slave");
                    assertThat(r.dbSize()).as("the old (empty) data stays served meanwhile").isZero();
                }
                try (ServerProcess restarted = ServerProcess.start(primaryDir, "--port", Integer.toString(port))) {
                    awaitEqual(port, replica.port());
                    try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                        assertThat(r.dbSize()).isEqualTo(40_000);
                    }
                }
            }
        }
    }

    @Test
    void aReplicaKilledDuringAFullCopyKeepsItsOldDataAndResumesTheCopy() throws Exception {
        try (ServerProcess primary = ServerProcess.start(primaryDir)) {
            fillIncompressible(primary.port(), 40_000);
            // 160 MB at 40 MB/s: the copy is surely under way when the replica is killed.
            String[] follow = {"--replicaof", "127.0.0.1", Integer.toString(primary.port()), "--max-replication-mb", "40"};
            try (ServerProcess replica = ServerProcess.start(replicaDir, follow)) {
                Awaitility.await("copy under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> Files.exists(replicaDir.resolveSibling(replicaDir.getFileName() + ".sync")));
                Awaitility.await("some bytes copied").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> stagedBytes() > 0);
                replica.kill();
            }
            try (ServerProcess replica = ServerProcess.start(replicaDir, follow)) {
                awaitEqual(primary.port(), replica.port());
                assertThat(replica.output()).contains("resuming an interrupted copy of the same checkpoint");
                try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
                    assertThat(r.dbSize()).isEqualTo(40_000);
                }
            }
        }
    }

    private long stagedBytes() throws IOException {
        Path staging = replicaDir.resolveSibling(replicaDir.getFileName() + ".sync");
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        try (var files = Files.list(staging)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sst")).mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    static void fillIncompressible(int port, int keys) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            Pipeline p = j.pipelined();
            byte[] value = new byte[4096];
            for (int i = 0; i < keys; i++) {
                ThreadLocalRandom.current().nextBytes(value);
                p.set(("big:" + i).getBytes(), value);
                if (i % 500 == 499) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    @Test
    void promotionKeepsEveryWriteAndADivergedFormerPrimaryResyncs() throws Exception {
        int primaryPort = freePort();
        try (ServerProcess primary = ServerProcess.start(primaryDir, "--port", Integer.toString(primaryPort));
             ServerProcess replica = ServerProcess.start(replicaDir, "--replicaof", "127.0.0.1",
                     Integer.toString(primaryPort))) {
            mixedWrites(primaryPort, 0, 3_000, 20);
            awaitEqual(primaryPort, replica.port());
            try (Jedis r = new Jedis("127.0.0.1", replica.port()); Jedis p = new Jedis("127.0.0.1", primaryPort)) {
                p.set("only-on-old-primary", "before the promotion");
                awaitEqual(primaryPort, replica.port());
                assertThat(r.replicaofNoOne()).isEqualTo("OK");
                r.set("after-promotion", "1");
                assertThat(r.get("only-on-old-primary")).isEqualTo("before the promotion");
                assertThat(r.role().get(0)).isEqualTo("master");

                p.set("lost-write", "the old primary wrote after the promotion"); // diverges now
                assertThat(p.replicaof("127.0.0.1", replica.port())).isEqualTo("OK");
                awaitEqual(replica.port(), primaryPort);
                try (Jedis reopened = new Jedis("127.0.0.1", primaryPort)) { // the copy reopened the server
                    assertThat(reopened.get("lost-write")).as("the new primary's history wins").isNull();
                    assertThat(reopened.get("after-promotion")).isEqualTo("1");
                    assertThat(reopened.role().get(0)).isEqualTo("slave");
                }
            }
        }
    }
}
