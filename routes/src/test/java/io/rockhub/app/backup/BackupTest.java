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
import java.util.concurrent.ThreadLocalRandom;
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

    private Path scratch(String name) {
        return tmp.resolve("scratch-" + name + "-" + System.nanoTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aSecondBackupUploadsOnlyNewFilesAndEveryBackupRestoresExactly(String kind) throws Exception {
        try (ObjectStore store = store(kind)) {
            Backups backups = new Backups(store, 10_000);
            write(0, 8_000, 1024); // about 8 MB of incompressible values: one SST above the 5 MB part size
            Storage.Digest atFirst = server.hub().storage().digest();
            Backups.Result first = backups.backup(server.hub().storage(), scratch("b1"), System.currentTimeMillis());
            write(8_000, 8_500, 100);
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
            assertThat(facts1.digest().sha256()).isEqualTo(first.manifest().digest());
            assertThat(facts1.digest().sequence()).isEqualTo(first.manifest().sequence());
            assertThat(facts1.digest().sequence()).isGreaterThanOrEqualTo(atFirst.sequence());
            assertThat(facts1.keys()).isEqualTo(8_010);
            try (TestServer restored = TestServer.startIn(r1, Map.of()); Jedis j = new Jedis("127.0.0.1", restored.port())) {
                assertThat(j.exists("k7999")).isTrue();
                assertThat(j.exists("k8000")).as("written after the first backup").isFalse();
            }
            Path r2 = tmp.resolve("restore2");
            backups.restore(backups.find(null), r2, false, (d, t) -> { });
            assertThat(Storage.inspect(r2).keys()).isEqualTo(8_510);
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

    @Test
    void anUploadInterruptedByTheS3ServerGoingAwayIsRetriedAndTheBackupCompletes() throws Exception {
        try (ObjectStore store = store("s3")) {
            Backups backups = new Backups(store, 60_000);
            write(0, 6_000, 1024);
            s3.stop();
            Thread restarter = new Thread(() -> {
                try {
                    Thread.sleep(1_500);
                    s3.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restarter.start();
            Backups.Result r = backups.backup(server.hub().storage(), scratch("b"), System.currentTimeMillis());
            restarter.join();
            assertThat(backups.verify(backups.find(r.manifest().id()), scratch("v")).ok()).isTrue();
        }
        try (S3ObjectStore reopened = (S3ObjectStore) store("s3")) {
            assertThat(reopened.pendingUploads()).as("no orphaned multipart parts").isZero();
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
