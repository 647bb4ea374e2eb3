package io.rockhub.app.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.storage.Storage;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Backups plus the shipped WAL restore to any sequence or moment after a backup. */
class PointInTimeTest {
    /** Waits until the wall clock has passed {@code millis} and returns the time then. */
    static long clockAfter(long millis) {
        Wait.until(Duration.ofSeconds(5), "the clock to pass " + millis, () -> System.currentTimeMillis() > millis);
        return System.currentTimeMillis();
    }

    @Test
    void aHoleInTheShippedWalOrAnEndBeforeTheTargetFailsTheRestoreWithAClearError() throws Exception {
        Path tmp = Files.createTempDirectory("rockhub-pitr-hole");
        try (TestServer server = TestServer.start(); Jedis j = new Jedis("127.0.0.1", server.port())) {
            LocalObjectStore store = new LocalObjectStore(tmp.resolve("store"));
            Backups backups = new Backups(store, 1_000);
            j.set("base", "1");
            BackupManifest b1 = backups.backup(server.hub().storage(), tmp.resolve("s1"), System.currentTimeMillis())
                    .manifest();
            try (WalShipper shipper = new WalShipper(() -> server.hub().storage(), store, 100,
                    System::currentTimeMillis).start()) {
                j.set("a", "1");
                long afterA = server.hub().storage().latestSequence();
                Awaitility.await("a shipped").atMost(Duration.ofSeconds(10)).until(() -> shipper.shippedThrough() >= afterA);
                j.set("b", "2");
                long afterB = server.hub().storage().latestSequence();
                Awaitility.await("b shipped").atMost(Duration.ofSeconds(10)).until(() -> shipper.shippedThrough() >= afterB);
            }
            long last = server.hub().storage().latestSequence();
            PointInTime pit = new PointInTime(store);
            assertThatThrownBy(() -> pit.restore(backups, PointInTime.Target.sequence(last + 10), tmp.resolve("beyond"),
                    false, (d, t) -> { }))
                    .hasMessageContaining("the shipped WAL ends at sequence " + last + ", before the target " + (last + 10));

            List<String> segments = store.list(WalShipper.PREFIX).stream()
                    .filter(k -> WalShipper.lastSequenceOf(k) > b1.sequence()).toList();
            assertThat(segments).as("the two writes went in separate segments").hasSizeGreaterThanOrEqualTo(2);
            store.delete(segments.get(0));
            assertThatThrownBy(() -> pit.restore(backups, PointInTime.Target.sequence(last), tmp.resolve("hole"),
                    false, (d, t) -> { }))
                    .hasMessageContaining("the shipped WAL has a hole: after sequence " + b1.sequence());
            assertThatThrownBy(() -> pit.restore(backups, PointInTime.Target.latest(), tmp.resolve("hole-latest"),
                    false, (d, t) -> { }))
                    .hasMessageContaining("has a hole");
        } finally {
            TestServer.deleteTree(tmp);
        }
    }

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
                // The moment to restore to: after the first write's reply, before the second is sent.
                long between = clockAfter(System.currentTimeMillis());
                clockAfter(between);
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
