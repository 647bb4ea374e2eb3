package io.rockhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/** BGSAVE and LASTSAVE on a running server, then {@code rockhub restore} and {@code rockhub verify}. */
class BackupCliTest {
    private static int run(String... args) {
        CommandLine cli = new CommandLine(new RockHubMain());
        cli.setUnmatchedOptionsArePositionalParams(true);
        return cli.execute(args);
    }

    @Test
    void bgsaveBacksUpToTheLocalStoreAndTheCliRestoresAndVerifiesIt() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-cli");
        Path data = tmp.resolve("data");
        Path store = tmp.resolve("store");
        try {
            try (ServerProcess server = ServerProcess.start(data, "--backup-dir", store.toString());
                 Jedis j = new Jedis("127.0.0.1", server.port())) {
                for (int i = 0; i < 500; i++) {
                    j.set("key:" + i, "value:" + i);
                }
                long before = j.lastsave();
                assertThat(j.bgsave()).isEqualTo("Background saving started");
                // LASTSAVE counts seconds: the manifest (written last) tells when the backup is complete.
                Awaitility.await("the backup finished").atMost(Duration.ofSeconds(60)).until(() -> backupDone(store));
                Awaitility.await("LASTSAVE moved to the backup").atMost(Duration.ofSeconds(10))
                        .until(() -> j.lastsave() >= before);
            }
            Path restored = tmp.resolve("restored");
            assertThat(run("restore", "--to", restored.toString(), "--backup-dir", store.toString())).isZero();
            try (TestServer server = TestServer.startIn(restored, Map.of()); Jedis j = new Jedis("127.0.0.1", server.port())) {
                assertThat(j.dbSize()).isEqualTo(500);
                assertThat(j.get("key:499")).isEqualTo("value:499");
            }
            assertThat(run("restore", "--to", restored.toString(), "--backup-dir", store.toString()))
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

    private static boolean backupDone(Path store) throws Exception {
        try (var files = Files.walk(store)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("manifest"));
        }
    }
}
