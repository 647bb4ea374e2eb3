package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A power loss, not just a process crash: SIGKILL keeps the operating system's page cache, so it
 * cannot tell a write that was fsynced from one that was only written. Here the server's data lives
 * on lossyfs ({@code src/test/c/lossyfs.c}, a FUSE file system built by this test), which undoes
 * every change not fsynced when the power is cut. In the default mode every acknowledged write
 * survives; in the relaxed mode (fsync once a second) acknowledged writes are lost, which shows the
 * cut is real.
 */
class PowerLossTest {
    private Path tmp;
    private Path backing;
    private Path mount;
    private Process fs;

    @BeforeEach
    void mountLossyFs() throws Exception {
        tmp = Files.createTempDirectory("rockhub-power");
        backing = Files.createDirectories(tmp.resolve("backing"));
        mount = Files.createDirectories(tmp.resolve("mnt"));
        Path binary = tmp.resolve("lossyfs");
        assertThat(Path.of("/dev/fuse")).as("FUSE device (.ci/run installs fuse3)").exists();
        Process gcc = new ProcessBuilder("sh", "-c", "gcc -O2 -Wall src/test/c/lossyfs.c $(pkg-config fuse3 --cflags --libs)"
                + " -o " + binary).redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("building lossyfs (needs gcc and libfuse3-dev, which .ci/run installs):\n" + gccOut)
                .isZero();
        fs = new ProcessBuilder(binary.toString(), backing.toString(), mount.toString(), "-f", "-s")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("lossyfs.log").toFile()).start();
        Wait.until(Duration.ofSeconds(10), "lossyfs to be mounted", this::mounted);
    }

    private boolean mounted() {
        try {
            return Files.readString(Path.of("/proc/mounts")).contains(" " + mount + " fuse");
        } catch (IOException e) {
            return false;
        }
    }

    /** The power goes out: lossyfs undoes every change not fsynced, then the file system goes away. */
    private void cutPowerAndUnmount() throws Exception {
        Files.writeString(mount.resolve(".power-cut"), "now");
        unmount();
        assertThat(Files.readString(tmp.resolve("lossyfs.log"))).contains("lossyfs: power cut:");
    }

    private void unmount() throws Exception {
        if (fs == null) {
            return;
        }
        new ProcessBuilder("fusermount3", "-u", "-z", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        if (!fs.waitFor(30, TimeUnit.SECONDS)) {
            fs.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fs = null;
    }

    @AfterEach
    void cleanUp() throws Exception {
        unmount();
        TestServer.deleteTree(tmp);
    }

    /** What the writers were told: keys acknowledged with their values, and each counter's last acknowledged value. */
    private record Acknowledged(ConcurrentLinkedQueue<String[]> keys, Map<Integer, Long> counters) {
    }

    /** Writes from several connections until {@code target} SETs were acknowledged, then cuts the server off with SIGKILL. */
    private static Acknowledged writeUntilKilled(ServerProcess server, int target) throws Exception {
        Acknowledged acked = new Acknowledged(new ConcurrentLinkedQueue<>(), new ConcurrentHashMap<>());
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (Jedis j = new Jedis("127.0.0.1", server.port())) {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "idem:" + id + ":" + i;
                        String value = "payment-" + id + "-" + i;
                        if ("OK".equals(j.set(key, value))) {
                            acked.keys().add(new String[] {key, value});
                        }
                        acked.counters().put(id, j.incr("counter:" + id));
                    }
                } catch (JedisException expectedWhenKilled) {
                    // the connection dies with the server
                }
            });
            t.start();
            writers.add(t);
        }
        Wait.until(Duration.ofSeconds(120), target + " acknowledged writes", () -> acked.keys().size() >= target);
        server.kill();
        stop.set(true);
        for (Thread t : writers) {
            t.join(10_000);
        }
        return acked;
    }

    private static int lost(Jedis j, Acknowledged acked) {
        int lost = 0;
        for (String[] kv : acked.keys()) {
            if (!kv[1].equals(j.get(kv[0]))) {
                lost++;
            }
        }
        return lost;
    }

    @Test
    void everyAcknowledgedWriteSurvivesAPowerLoss() throws Exception {
        Acknowledged acked;
        try (ServerProcess server = ServerProcess.start(mount.resolve("data"))) {
            acked = writeUntilKilled(server, 2_000);
        }
        cutPowerAndUnmount();
        try (ServerProcess restarted = ServerProcess.start(backing.resolve("data"));
             Jedis j = new Jedis("127.0.0.1", restarted.port())) {
            assertThat(lost(j, acked)).as("acknowledged writes lost with the power (of %d)", acked.keys().size()).isZero();
            for (Map.Entry<Integer, Long> c : acked.counters().entrySet()) {
                long stored = Long.parseLong(j.get("counter:" + c.getKey()));
                assertThat(stored).as("counter:%d", c.getKey()).isBetween(c.getValue(), c.getValue() + 1);
            }
        }
    }

    @Test
    void theRelaxedModeLosesTheLastWritesSoTheCutIsReal() throws Exception {
        Acknowledged acked;
        try (ServerProcess server = ServerProcess.start(mount.resolve("data"), "--rocksdb.write_options.sync", "no")) {
            acked = writeUntilKilled(server, 2_000);
        }
        cutPowerAndUnmount();
        try (ServerProcess restarted = ServerProcess.start(backing.resolve("data"));
             Jedis j = new Jedis("127.0.0.1", restarted.port())) {
            assertThat(lost(j, acked)).as("acknowledged but unsynced writes are gone after the power cut").isPositive();
        }
    }
}
