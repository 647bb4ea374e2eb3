package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.app.backup.LocalObjectStore;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * BGSAVE, LASTSAVE and INFO persistence on a running server process with WAL shipping, then
 * {@code rockhub restore} (latest, {@code --seq}, {@code --at}) and {@code rockhub verify}.
 */
class BackupCliTest {
    private static int run(String... args) {
        CommandLine cli = new CommandLine(new RockHubMain());
        cli.setUnmatchedOptionsArePositionalParams(true);
        return cli.execute(args);
    }

    private static String infoField(Jedis j, String section, String field) {
        for (String line : j.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("INFO " + section + " has no " + field);
    }

    private static long walSequence(Jedis j) {
        return Long.parseLong(infoField(j, "persistence", "wal_sequence"));
    }

    /** The last sequence number shipped to the store's {@code wal/} segments (named {@code wal/<first>-<last>}). */
    private static long shippedThrough(Path store) {
        try (LocalObjectStore s = new LocalObjectStore(store)) {
            return s.list("wal/").stream().mapToLong(k -> Long.parseLong(k.substring(k.lastIndexOf('-') + 1)))
                    .max().orElse(-1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long clockAfter(long millis) {
        Wait.until(Duration.ofSeconds(5), "the clock to pass " + millis, () -> System.currentTimeMillis() > millis);
        return System.currentTimeMillis();
    }

    @Test
    void bgsaveBacksUpAndTheCliRestoresLatestBySequenceAndByTimeAndVerifies() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-cli");
        Path data = tmp.resolve("data");
        Path store = tmp.resolve("store");
        try {
            long seqFirst;
            long between;
            try (ServerProcess server = ServerProcess.start(data, "--backup-dir", store.toString(),
                    "--backup-wal-ship-seconds", "1");
                 Jedis j = new Jedis("127.0.0.1", server.port())) {
                for (int i = 0; i < 500; i++) {
                    j.set("key:" + i, "value:" + i);
                }
                assertThat(infoField(j, "persistence", "rdb_saves")).isEqualTo("0");
                long sentAt = System.currentTimeMillis() / 1000;
                assertThat(j.bgsave()).isEqualTo("Background saving started");
                Wait.until(Duration.ofSeconds(60), "the backup to finish", () ->
                        infoField(j, "persistence", "rdb_saves").equals("1")
                                && infoField(j, "persistence", "rdb_bgsave_in_progress").equals("0"));
                assertThat(infoField(j, "persistence", "rdb_last_bgsave_status")).isEqualTo("ok");
                assertThat(j.lastsave()).as("LASTSAVE is the backup's time").isGreaterThanOrEqualTo(sentAt);
                assertThat(Long.parseLong(infoField(j, "persistence", "rdb_last_save_time"))).isEqualTo(j.lastsave());
                assertThat(j.save()).as("SAVE answers when its backup is complete").isEqualTo("OK");
                assertThat(infoField(j, "persistence", "rdb_saves")).isEqualTo("2");

                j.set("first", "1");
                seqFirst = walSequence(j);
                between = clockAfter(System.currentTimeMillis());
                clockAfter(between);
                j.set("second", "2");
                long seqSecond = walSequence(j);
                Wait.until(Duration.ofSeconds(30), "the WAL to be shipped through the second write",
                        () -> shippedThrough(store) >= seqSecond);
            }

            Path latest = tmp.resolve("latest");
            assertThat(run("restore", "--to", latest.toString(), "--backup-dir", store.toString())).isZero();
            try (TestServer server = TestServer.startIn(latest, Map.of()); Jedis j = new Jedis("127.0.0.1", server.port())) {
                assertThat(j.dbSize()).isEqualTo(502);
                assertThat(j.get("key:499")).isEqualTo("value:499");
                assertThat(j.get("second")).isEqualTo("2");
            }
            Path bySeq = tmp.resolve("by-seq");
            assertThat(run("restore", "--to", bySeq.toString(), "--seq", Long.toString(seqFirst),
                    "--backup-dir", store.toString())).isZero();
            Path byTime = tmp.resolve("by-time");
            assertThat(run("restore", "--to", byTime.toString(), "--at", Instant.ofEpochMilli(between).toString(),
                    "--backup-dir", store.toString())).isZero();
            for (Path dir : new Path[] {bySeq, byTime}) {
                try (TestServer server = TestServer.startIn(dir, Map.of()); Jedis j = new Jedis("127.0.0.1", server.port())) {
                    assertThat(j.dbSize()).as(dir.getFileName().toString()).isEqualTo(501);
                    assertThat(j.get("first")).isEqualTo("1");
                    assertThat(j.exists("second")).as("written after the target").isFalse();
                }
            }

            assertThat(run("restore", "--to", latest.toString(), "--backup-dir", store.toString()))
                    .as("a non-empty target is refused").isEqualTo(1);
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true));
            try {
                assertThat(run("verify", "--backup-dir", store.toString())).isZero();
            } finally {
                System.setOut(original);
            }
            assertThat(captured.toString()).contains(": OK (", "500 keys");
        } finally {
            TestServer.deleteTree(tmp);
        }
    }
}
