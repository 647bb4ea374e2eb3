package io.rockhub.app.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.core.storage.Storage;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Backups plus the shipped WAL restore to any sequence or moment after a backup. */
class PointInTimeTest {
    @Test
    void aRestoreToATimeBetweenTwoWritesHasTheFirstAndNotTheSecond() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-pitr");
        try (TestServer server = TestServer.start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            LocalObjectStore store = new LocalObjectStore(tmp.resolve("store"));
            Backups backups = new Backups(store, 1_000);
            j.set("base", "1");
            BackupManifest b1 = backups.backup(server.hub().storage(), tmp.resolve("s1"), System.currentTimeMillis())
                    .manifest();
            try (WalShipper shipper = new WalShipper(() -> server.hub().storage(), store, 200,
                    System::currentTimeMillis).start()) {
                j.set("first", "1");
                long afterFirst = server.hub().storage().latestSequence();
                Thread.sleep(400); // the moment to restore to lies well between the two writes
                long between = System.currentTimeMillis();
                Thread.sleep(400);
                j.set("second", "2");
                long afterSecond = server.hub().storage().latestSequence();
                Awaitility.await("the second write shipped").atMost(Duration.ofSeconds(10))
                        .until(() -> shipper.shippedThrough() >= afterSecond);

                PointInTime pit = new PointInTime(store);
                Path atTime = tmp.resolve("at-time");
                PointInTime.Outcome o = pit.restore(backups, PointInTime.Target.time(between), atTime, false, (d, t) -> { });
                assertThat(o.backup().id()).isEqualTo(b1.id());
                assertThat(o.sequence()).isEqualTo(afterFirst);
                try (TestServer restored = TestServer.startIn(atTime, Map.of());
                     Jedis r = new Jedis("127.0.0.1", restored.port())) {
                    assertThat(r.get("base")).isEqualTo("1");
                    assertThat(r.get("first")).isEqualTo("1");
                    assertThat(r.exists("second")).isFalse();
                }

                Path atSeq = tmp.resolve("at-seq");
                assertThat(pit.restore(backups, PointInTime.Target.sequence(afterSecond), atSeq, false, (d, t) -> { })
                        .sequence()).isEqualTo(afterSecond);
                Path latest = tmp.resolve("latest");
                pit.restore(backups, PointInTime.Target.latest(), latest, false, (d, t) -> { });
                assertThat(Storage.inspect(latest).digest()).isEqualTo(Storage.inspect(atSeq).digest());
                try (TestServer restored = TestServer.startIn(latest, Map.of());
                     Jedis r = new Jedis("127.0.0.1", restored.port())) {
                    assertThat(r.get("second")).isEqualTo("2");
                }
                Path exact = tmp.resolve("exact");
                assertThat(pit.restore(backups, PointInTime.Target.backup(b1.id()), exact, false, (d, t) -> { })
                        .sequence()).isEqualTo(b1.sequence());
            }
        } finally {
            TestServer.deleteTree(tmp);
        }
    }
}
