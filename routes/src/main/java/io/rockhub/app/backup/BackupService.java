package io.rockhub.app.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rockhub.core.config.HubConfig;
import io.rockhub.resp.server.BackupTrigger;
import io.rockhub.resp.server.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's backups: BGSAVE and LASTSAVE, a Camel route that backs up every
 * {@code backup-interval-seconds} (then applies retention), and metrics (last success time, size,
 * duration, failures). The store is S3 when {@code backup-s3-bucket} is set, else the local
 * {@code backup-dir}: backups work out of the box.
 */
public final class BackupService implements BackupTrigger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    private final HubConfig config;
    private final Node node;
    private final Backups backups;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rockhub-backup");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter failures;
    private final Counter verifyFailures;
    private final WalShipper shipper;
    private volatile long lastSuccessMillis = -1;
    private volatile boolean lastFailed;
    /** The backup running now (or the last one), for SAVE to wait on. */
    private volatile CompletableFuture<Boolean> current;
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastBytes;
    private volatile long lastMillis;

    public BackupService(HubConfig config, Node node, MeterRegistry registry) throws IOException {
        this(config, node, registry, openStore(config));
    }

    /** With a given store: the configured one, or one a test puts faults into. */
    BackupService(HubConfig config, Node node, MeterRegistry registry, ObjectStore store) {
        this.config = config;
        this.node = node;
        this.backups = new Backups(store, 60_000);
        this.failures = Counter.builder("rockhub.backup.failures").description("Backups that failed").register(registry);
        this.verifyFailures = Counter.builder("rockhub.backup.verify.failures")
                .description("Scheduled verifications that found a backup unrestorable or different").register(registry);
        Gauge.builder("rockhub.backup.last.success.time", this, s -> s.lastSuccessMillis / 1000.0).baseUnit("seconds")
                .description("Unix time of the last successful backup (-0.001 before any)").register(registry);
        Gauge.builder("rockhub.backup.last.size", this, s -> s.lastBytes).baseUnit("bytes")
                .description("Bytes of the last backup (all its files, shared ones included)").register(registry);
        Gauge.builder("rockhub.backup.last.duration", this, s -> s.lastMillis / 1000.0).baseUnit("seconds")
                .description("How long the last backup took").register(registry);
        node.hub().backups(this);
        node.onReopen(h -> h.backups(this));
        long ship = config.getLong("backup-wal-ship-seconds");
        this.shipper = ship > 0 ? new WalShipper(() -> node.hub().storage(), backups.store(), ship * 1000,
                System::currentTimeMillis, this::servesAsPrimary).start() : null;
    }

    /** The configured store: S3 if a bucket is set, else the local directory. */
    public static ObjectStore openStore(HubConfig config) throws IOException {
        String bucket = config.get("backup-s3-bucket").trim();
        if (bucket.isEmpty()) {
            String dir = config.get("backup-dir").trim();
            Path data = Path.of(config.get("dir")).toAbsolutePath().normalize();
            return new LocalObjectStore(dir.isEmpty() ? data.resolveSibling(data.getFileName() + ".backups") : Path.of(dir));
        }
        return new S3ObjectStore(new S3ObjectStore.Settings(config.get("backup-s3-endpoint").trim(),
                config.get("backup-s3-region").trim(), config.get("backup-s3-access-key"),
                config.get("backup-s3-secret-key"), bucket, config.get("backup-s3-prefix").trim(),
                config.getBool("backup-s3-path-style"), 64L << 20)).open();
    }

    public Backups backups() {
        return backups;
    }

    @Override
    public boolean start() {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        current = new CompletableFuture<>();
        executor.submit(this::runClaimed);
        return true;
    }

    @Override
    public synchronized CompletableFuture<Boolean> save() {
        if (start()) {
            return current;
        }
        CompletableFuture<Boolean> running = current;
        // A scheduled backup runs without a future: wait for a fresh one instead.
        return running != null ? running : CompletableFuture.completedFuture(!lastFailed);
    }

    /**
     * Whether this node takes the scheduled backups and ships its WAL: always outside cluster mode (a
     * replica there may be the one an operator backs up), and in cluster mode only while it is its
     * shard's primary (its replicas hold the same data, sequence for sequence). BGSAVE asks anyway.
     */
    boolean servesAsPrimary() {
        io.rockhub.resp.cluster.Cluster c = node.hub().cluster();
        if (!c.enabled()) {
            return true;
        }
        io.rockhub.resp.cluster.ClusterNode me = c.me();
        return me != null && me.primary();
    }

    /** The schedule's backup: skipped while a BGSAVE (or the previous one) is still running, and on a cluster replica. */
    void runIfIdle() {
        if (!servesAsPrimary()) {
            return;
        }
        if (running.compareAndSet(false, true)) {
            current = new CompletableFuture<>();
            runClaimed();
        }
    }

    private void runClaimed() {
        CompletableFuture<Boolean> done = current;
        try {
            runNow();
        } finally {
            running.set(false);
            if (done != null) {
                done.complete(!lastFailed);
            }
        }
    }

    /** A backup and retention now, on the calling thread; failures are logged and counted. */
    void runNow() {
        try {
            Path dir = node.hub().storage().dir();
            Backups.Result r = backups.backup(node.hub().storage(),
                    dir.resolveSibling(dir.getFileName() + ".backup-scratch"), System.currentTimeMillis());
            lastBytes = r.manifest().totalBytes();
            lastMillis = r.millis();
            lastSuccessMillis = System.currentTimeMillis();
            lastFailed = false;
            completed.incrementAndGet();
            if (config.getBool("backup-verify")) {
                // What a restore will read: the stored manifest, not the one this process still holds.
                verify(r.manifest().id(), dir);
            }
            backups.retain(config.getInt("backup-keep-last"), config.getLong("backup-keep-days") * 86_400_000L,
                    System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            lastFailed = true;
            failures.increment();
            LOG.error("backup to {} failed", backups.store().describe(), e);
        }
    }

    private void verify(String id, Path dataDir) {
        try {
            Backups.Verification v = backups.verify(backups.find(id),
                    dataDir.resolveSibling(dataDir.getFileName() + ".verify-scratch"));
            if (v.ok()) {
                LOG.info("verified: {}", v.report());
            } else {
                verifyFailures.increment();
                LOG.error("verification failed: {}", v.report());
            }
        } catch (IOException | RuntimeException e) {
            verifyFailures.increment();
            LOG.error("verification of backup {} failed", id, e);
        }
    }

    @Override
    public long lastSuccessSeconds() {
        return lastSuccessMillis < 0 ? -1 : lastSuccessMillis / 1000;
    }

    @Override
    public boolean inProgress() {
        return running.get();
    }

    @Override
    public boolean lastFailed() {
        return lastFailed;
    }

    @Override
    public long completed() {
        return completed.get();
    }

    /** The scheduling route: a backup every {@code backup-interval-seconds}, none if 0. */
    public RouteBuilder route() {
        long period = config.getLong("backup-interval-seconds") * 1000;
        return new RouteBuilder() {
            @Override
            public void configure() {
                if (period > 0) {
                    from("timer:rockhub-backup?delay=" + period + "&period=" + period).routeId("rockhub-backup")
                            .process(e -> runIfIdle());
                }
            }
        };
    }

    @Override
    public void close() {
        if (shipper != null) {
            shipper.close();
        }
        executor.shutdown();
        backups.store().close();
    }
}
