package io.rockhub.app.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Scheduled backups through the real Camel timer route, with {@code backup-verify} on, read through their metrics. */
class BackupServiceTest {
    private Path tmp;
    private TestServer server;

    @BeforeEach
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("rockhub-backup-service");
        server = TestServer.start(Map.of("backup-interval-seconds", "1", "backup-verify", "yes"));
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            for (int i = 0; i < 200; i++) {
                j.set("k" + i, "v" + i);
            }
        }
    }

    @AfterEach
    void tearDown() {
        server.close();
        TestServer.deleteTree(tmp);
    }

    /** The value of one sample line of the registry's Prometheus text, e.g. {@code rockhub_backup_failures_total}. */
    private static double metric(PrometheusMeterRegistry registry, String name) {
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + registry.scrape());
    }

    private static void runScheduled(BackupService service, Runnable check) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(service.route());
            camel.start();
            check.run();
        }
    }

    @Test
    void aScheduledBackupIsMadeVerifiedAndReportedInTheMetrics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LocalObjectStore store = new LocalObjectStore(tmp.resolve("store"));
        try (BackupService service = new BackupService(server.hub().config(), server.node(), registry, store)) {
            assertThat(metric(registry, "rockhub_backup_last_success_time_seconds")).isNegative();
            runScheduled(service, () -> Wait.until(Duration.ofSeconds(60), "a scheduled backup",
                    () -> metric(registry, "rockhub_backup_last_success_time_seconds") > 0));
            List<BackupManifest> made = service.backups().list();
            assertThat(made).isNotEmpty();
            assertThat(made.get(0).keys()).isEqualTo(200);
            assertThat(metric(registry, "rockhub_backup_last_success_time_seconds") * 1000)
                    .isBetween((double) made.get(0).createdMillis() - 1, System.currentTimeMillis() + 1.0);
            assertThat(metric(registry, "rockhub_backup_last_size_bytes")).isEqualTo((double) made.get(0).totalBytes());
            assertThat(metric(registry, "rockhub_backup_verify_failures_total")).isZero();
            assertThat(metric(registry, "rockhub_backup_failures_total")).isZero();
        }
    }

    @Test
    void aBackupWhoseStoredManifestDisagreesWithItsDataCountsAVerifyFailure() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ObjectStore store = new ManifestTampering(new LocalObjectStore(tmp.resolve("store")));
        try (BackupService service = new BackupService(server.hub().config(), server.node(), registry, store)) {
            runScheduled(service, () -> Wait.until(Duration.ofSeconds(60), "a verification failure",
                    () -> metric(registry, "rockhub_backup_verify_failures_total") >= 1));
            assertThat(metric(registry, "rockhub_backup_failures_total")).as("the backup itself went through").isZero();
        }
    }

    /** A store that writes every manifest with one key too many: what a bad copy or a bug in the manifest would look like. */
    private static final class ManifestTampering implements ObjectStore {
        private final ObjectStore inner;

        ManifestTampering(ObjectStore inner) {
            this.inner = inner;
        }

        @Override
        public void put(String key, Path file) throws IOException {
            inner.put(key, file);
        }

        @Override
        public void putBytes(String key, byte[] data) throws IOException {
            if (key.endsWith("/manifest")) {
                BackupManifest m = BackupManifest.decode(data);
                data = new BackupManifest(m.id(), m.createdMillis(), m.sequence(), m.keys() + 1, m.records(), m.digest(),
                        m.files()).encode();
            }
            inner.putBytes(key, data);
        }

        @Override
        public void get(String key, Path target) throws IOException {
            inner.get(key, target);
        }

        @Override
        public byte[] getBytes(String key) throws IOException {
            return inner.getBytes(key);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return inner.exists(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return inner.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            inner.delete(key);
        }

        @Override
        public String describe() {
            return "tampering " + inner.describe();
        }
    }

    @Test
    void inClusterModeOnlyTheShardsPrimaryTakesScheduledBackupsAndShipsItsWal() throws Exception {
        try (TestServer node = TestServer.start(Map.of("cluster-enabled", "yes", "backup-wal-ship-seconds", "1"))) {
            String id = io.rockhub.resp.testing.ClusterNodes.id(node.port());
            String other = "f".repeat(40);
            int nowhere = io.rockhub.resp.testing.RealRedis.freePort();
            // A replica of a primary elsewhere (which it cannot reach: it keeps trying).
            io.rockhub.resp.testing.ClusterNodes.setNodes(other + " 127.0.0.1 " + nowhere + " master - 0-16383\n" + id
                    + " 127.0.0.1 " + node.port() + " slave " + other, 1, node.port());
            LocalObjectStore store = new LocalObjectStore(tmp.resolve("cluster-store"));
            try (BackupService service = new BackupService(node.hub().config(), node.node(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), store)) {
                assertThat(service.servesAsPrimary()).isFalse();
                service.runIfIdle();
                assertThat(service.backups().list()).as("backups by a replica").isEmpty();

                // The topology makes it the primary: it backs up and ships from then on.
                io.rockhub.resp.testing.ClusterNodes.setNodes(id + " 127.0.0.1 " + node.port() + " master - 0-16383\n"
                        + other + " 127.0.0.1 " + nowhere + " slave " + id, 2, node.port());
                assertThat(service.servesAsPrimary()).isTrue();
                service.runIfIdle();
                assertThat(service.backups().list()).hasSize(1);
                try (Jedis j = new Jedis("127.0.0.1", node.port())) {
                    j.set("k", "v"); // after the backup: shipped as WAL
                }
                Wait.until(Duration.ofSeconds(30), "the WAL shipped", () -> {
                    try {
                        return !store.list(WalShipper.PREFIX).isEmpty();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
            }
        }
    }
}
