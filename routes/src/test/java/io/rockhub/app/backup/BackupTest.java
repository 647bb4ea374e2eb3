package io.rockhub.app.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rockhub.core.storage.Storage;
import io.rockhub.resp.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.rockhub.resp.testing.Wait;
import redis.clients.jedis.util.SafeEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Backups to a local directory and to a real S3 API server (S3Proxy), restored and verified. */
class BackupTest {
    private Path tmp;
    private S3Server s3;
    private TestServer server;

    @BeforeEach
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("rockhub-backup-test");
        s3 = S3Server.start(Files.createDirectories(tmp.resolve("s3")));
        server = TestServer.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        s3.close();
        TestServer.deleteTree(tmp);
    }

    private ObjectStore store(String kind) throws Exception {
        if (kind.equals("local")) {
            return new LocalObjectStore(tmp.resolve("local-store"));
        }
        return new S3ObjectStore(new S3ObjectStore.Settings(s3.endpoint(), "us-east-1", S3Server.ACCESS_KEY,
                S3Server.SECRET_KEY, "backups", "rockhub/", true, 5L << 20)).open();
    }

    private void write(int from, int to, int valueSize) {
        byte[] value = new byte[valueSize];
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            Pipeline p = j.pipelined();
            for (int i = from; i < to; i++) {
                ThreadLocalRandom.current().nextBytes(value);
                p.set(("k" + i).getBytes(), value);
                p.hset("h" + (i % 10), "f" + i, "v");
            }
            p.sync();
        }
    }

    /** HUB.DIGEST of a running server: [sequence, sha256, records]. */
    @SuppressWarnings("unchecked")
    private static List<Object> liveDigest(TestServer server) {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            List<Object> raw = (List<Object>) j.sendCommand(() -> SafeEncoder.encode("HUB.DIGEST"));
            return List.of(raw.get(0), SafeEncoder.encode((byte[]) raw.get(1)), raw.get(2));
        }
    }

    private static List<Object> digestOf(Storage.DirectoryFacts facts) {
        return List.of(facts.digest().sequence(), facts.digest().sha256(), facts.digest().records());
    }

    private Path scratch(String name) {
        return tmp.resolve("scratch-" + name + "-" + System.nanoTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aSecondBackupUploadsOnlyNewFilesAndEveryBackupRestoresExactly(String kind) throws Exception {
        try (ObjectStore store = store(kind)) {
            Backups backups = new Backups(store, 10_000);
            write(0, 8_000, 1024); // about 8 MB of incompressible values: one SST above the 5 MB part size
            // Settled into one file per column family first: otherwise a background compaction between
            // the two backups may rewrite everything, and the second would rightly upload it all again.
            server.hub().storage().flushMemtables();
            for (io.rockhub.core.encoding.ColumnFamily cf : io.rockhub.core.encoding.ColumnFamily.values()) {
                server.hub().storage().compactRange(cf, null, null);
            }
            List<Object> liveAtFirst = liveDigest(server);
            Backups.Result first = backups.backup(server.hub().storage(), scratch("b1"), System.currentTimeMillis());
            write(8_000, 8_500, 100);
            List<Object> liveAtSecond = liveDigest(server);
            Backups.Result second = backups.backup(server.hub().storage(), scratch("b2"), System.currentTimeMillis() + 1);

            Set<String> firstKeys = new HashSet<>();
            first.manifest().files().forEach(f -> firstKeys.add(f.objectKey()));
            long sharedAgain = second.manifest().files().stream().filter(f -> firstKeys.contains(f.objectKey())).count();
            assertThat(sharedAgain).as("the first backup's SST files are shared, not uploaded again").isPositive();
            assertThat(second.uploadedFiles()).isEqualTo(second.manifest().files().size() - sharedAgain);
            assertThat(second.uploadedBytes()).isLessThan(first.uploadedBytes());

            assertThat(backups.list()).extracting(BackupManifest::id)
                    .containsExactly(first.manifest().id(), second.manifest().id());
            Path r1 = tmp.resolve("restore1");
            backups.restore(backups.find(first.manifest().id()), r1, false, (d, t) -> { });
            Storage.DirectoryFacts facts1 = Storage.inspect(r1);
            // The live database's HUB.DIGEST when nothing was written between it and the checkpoint:
            // the restored data is the live data, not just what the manifest claims.
            assertThat(digestOf(facts1)).as("restored first backup vs live HUB.DIGEST").isEqualTo(liveAtFirst);
            assertThat(facts1.digest().sha256()).isEqualTo(first.manifest().digest());
            assertThat(facts1.digest().sequence()).isEqualTo(first.manifest().sequence());
            assertThat(facts1.keys()).isEqualTo(8_010);
            try (TestServer restored = TestServer.startIn(r1, Map.of()); Jedis j = new Jedis("127.0.0.1", restored.port())) {
                assertThat(j.exists("k7999")).isTrue();
                assertThat(j.exists("k8000")).as("written after the first backup").isFalse();
            }
            Path r2 = tmp.resolve("restore2");
            backups.restore(backups.find(null), r2, false, (d, t) -> { });
            Storage.DirectoryFacts facts2 = Storage.inspect(r2);
            assertThat(facts2.keys()).isEqualTo(8_510);
            assertThat(digestOf(facts2)).as("restored second backup vs live HUB.DIGEST").isEqualTo(liveAtSecond);
            assertThat(backups.verify(backups.find(null), scratch("verify")).ok()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aCorruptedObjectMakesRestoreAndVerifyFailLoudly(String kind) throws Exception {
        try (ObjectStore store = store(kind)) {
            Backups backups = new Backups(store, 1_000);
            write(0, 2_000, 200);
            BackupManifest m = backups.backup(server.hub().storage(), scratch("b"), System.currentTimeMillis()).manifest();
            BackupManifest.Entry sst = m.files().stream().filter(f -> f.name().endsWith(".sst")).findFirst().orElseThrow();
            byte[] bytes = store.getBytes(sst.objectKey());
            bytes[bytes.length / 2] ^= 0x5a;
            store.putBytes(sst.objectKey(), bytes);
            assertThatThrownBy(() -> backups.restore(m, tmp.resolve("r"), false, (d, t) -> { }))
                    .hasMessageContaining("is corrupt").hasMessageContaining(sst.objectKey());
            assertThat(tmp.resolve("r")).doesNotExist();
            assertThatThrownBy(() -> backups.verify(m, scratch("v"))).hasMessageContaining("is corrupt");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void retentionRemovesOnlyWhatNoKeptBackupReferences(String kind) throws Exception {
        try (ObjectStore store = store(kind)) {
            Backups backups = new Backups(store, 1_000);
            write(0, 1_000, 200);
            BackupManifest b1 = backups.backup(server.hub().storage(), scratch("1"), 1_000).manifest();
            write(1_000, 2_000, 200);
            BackupManifest b2 = backups.backup(server.hub().storage(), scratch("2"), 2_000).manifest();
            write(2_000, 3_000, 200);
            BackupManifest b3 = backups.backup(server.hub().storage(), scratch("3"), 3_000).manifest();

            assertThat(backups.retain(2, 0, 10_000)).containsExactly(b1.id());
            Set<String> kept = new HashSet<>();
            List.of(b2, b3).forEach(m -> m.files().forEach(f -> kept.add(f.objectKey())));
            for (String key : kept) {
                assertThat(store.exists(key)).as(key + " is still needed").isTrue();
            }
            for (BackupManifest.Entry f : b1.files()) {
                if (!kept.contains(f.objectKey())) {
                    assertThat(store.exists(f.objectKey())).as(f.objectKey() + " was only b1's").isFalse();
                }
            }
            assertThat(backups.list()).extracting(BackupManifest::id).containsExactly(b2.id(), b3.id());
            assertThat(backups.verify(b2, scratch("v2")).ok()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void verifyFindsATamperedManifestWhoseDataNoLongerMatches(String kind) throws Exception {
        try (ObjectStore store = store(kind)) {
            Backups backups = new Backups(store, 1_000);
            write(0, 500, 50);
            BackupManifest m = backups.backup(server.hub().storage(), scratch("b"), 1).manifest();
            assertThat(backups.verify(m, scratch("ok")).ok()).isTrue();

            BackupManifest moreKeys = new BackupManifest(m.id(), m.createdMillis(), m.sequence(), m.keys() + 1,
                    m.records(), m.digest(), m.files());
            store.putBytes("backups/" + m.id() + "/manifest", moreKeys.encode());
            Backups.Verification v = backups.verify(backups.find(m.id()), scratch("keys"));
            assertThat(v.ok()).isFalse();
            assertThat(v.report()).contains("MISMATCH").contains((m.keys() + 1) + " keys");

            String otherDigest = "0".repeat(64);
            BackupManifest otherData = new BackupManifest(m.id(), m.createdMillis(), m.sequence(), m.keys(),
                    m.records(), otherDigest, m.files());
            store.putBytes("backups/" + m.id() + "/manifest", otherData.encode());
            v = backups.verify(backups.find(m.id()), scratch("digest"));
            assertThat(v.ok()).isFalse();
            assertThat(v.report()).contains("MISMATCH").contains("digest " + otherDigest);
        }
    }

    @Test
    void retentionByAgeKeepsYoungBackupsBeyondTheCountAndDropsOldOnes() throws Exception {
        try (ObjectStore store = store("local")) {
            Backups backups = new Backups(store, 1_000);
            write(0, 300, 50);
            BackupManifest b1 = backups.backup(server.hub().storage(), scratch("1"), 1_000).manifest();
            write(300, 600, 50);
            BackupManifest b2 = backups.backup(server.hub().storage(), scratch("2"), 2_000).manifest();
            write(600, 900, 50);
            BackupManifest b3 = backups.backup(server.hub().storage(), scratch("3"), 3_000).manifest();

            // keep-last 1, but b2 is 1.4 s old and the age rule keeps 1.5 s: b1 (2.4 s) goes.
            assertThat(backups.retain(1, 1_500, 3_400)).containsExactly(b1.id());
            assertThat(backups.list()).extracting(BackupManifest::id).containsExactly(b2.id(), b3.id());
            // Later both are old: only the count rule is left, and the newest always stays.
            assertThat(backups.retain(1, 1_500, 10_000)).containsExactly(b2.id());
            assertThat(backups.list()).extracting(BackupManifest::id).containsExactly(b3.id());
            assertThat(backups.verify(b3, scratch("v")).ok()).isTrue();
        }
    }

    @Test
    void anUploadCutOffAfterItsFirstPartIsRetriedAndLeavesNoParts() throws Exception {
        // One memtable holds all the data, so the checkpoint has one SST above the 5 MB part size.
        server.close();
        server = TestServer.start(Map.of("rocksdb.write_buffer_size", "64"));
        try (S3ObjectStore store = (S3ObjectStore) store("s3")) {
            write(0, 9_000, 1024);
            Backups backups = new Backups(store, 60_000);
            AtomicBoolean cut = new AtomicBoolean();
            CountDownLatch stopped = new CountDownLatch(1);
            s3.afterEachPart(part -> {
                if (part == 1 && cut.compareAndSet(false, true)) {
                    // The server goes away with the first part stored and the rest of the file unsent.
                    Thread stopper = new Thread(() -> {
                        try {
                            s3.stop();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            stopped.countDown();
                        }
                    });
                    stopper.start();
                }
            });
            Thread restarter = new Thread(() -> {
                try {
                    assertThat(stopped.await(60, TimeUnit.SECONDS)).isTrue();
                    Wait.until(Duration.ofSeconds(60), "the upload to fail and be retried", () -> backups.uploadRetries() > 0);
                    s3.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restarter.start();
            Backups.Result r = backups.backup(server.hub().storage(), scratch("b"), System.currentTimeMillis());
            restarter.join();
            assertThat(cut).as("a multipart upload was cut off after its first part").isTrue();
            assertThat(backups.uploadRetries()).isPositive();
            assertThat(store.pendingUploads()).as("no multipart parts left behind").isZero();
            assertThat(backups.verify(backups.find(r.manifest().id()), scratch("v")).ok()).isTrue();
        }
    }

    @Test
    void aBackupStartedWhileTheS3ServerIsAwayCompletesOnceItIsBack() throws Exception {
        try (S3ObjectStore store = (S3ObjectStore) store("s3")) {
            Backups backups = new Backups(store, 60_000);
            write(0, 2_000, 1024);
            s3.stop();
            Thread restarter = new Thread(() -> {
                try {
                    Wait.until(Duration.ofSeconds(60), "an upload to fail and be retried", () -> backups.uploadRetries() > 0);
                    s3.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restarter.start();
            Backups.Result r = backups.backup(server.hub().storage(), scratch("b"), System.currentTimeMillis());
            restarter.join();
            assertThat(backups.uploadRetries()).isPositive();
            assertThat(backups.verify(backups.find(r.manifest().id()), scratch("v")).ok()).isTrue();
            assertThat(store.pendingUploads()).isZero();
        }
    }

    @Test
    void restoringIntoANonEmptyDirectoryIsRefusedUnlessForced() throws Exception {
        try (ObjectStore store = store("local")) {
            Backups backups = new Backups(store, 1_000);
            write(0, 100, 10);
            BackupManifest m = backups.backup(server.hub().storage(), scratch("b"), 1).manifest();
            Path target = Files.createDirectories(tmp.resolve("busy"));
            Files.writeString(target.resolve("something"), "x");
            assertThatThrownBy(() -> backups.restore(m, target, false, (d, t) -> { }))
                    .hasMessageContaining("refusing to restore into non-empty");
            backups.restore(m, target, true, (d, t) -> { });
            assertThat(Storage.inspect(target).keys()).isEqualTo(110);
        }
    }
}
