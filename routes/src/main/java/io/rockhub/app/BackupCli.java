package io.rockhub.app;

import io.rockhub.app.backup.BackupManifest;
import io.rockhub.app.backup.BackupService;
import io.rockhub.app.backup.Backups;
import io.rockhub.app.backup.ObjectStore;
import io.rockhub.app.backup.PointInTime;
import io.rockhub.core.config.ConfigException;
import io.rockhub.core.config.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rockhub restore} and {@code rockhub verify}: the operator's side of backups. */
final class BackupCli {
    private BackupCli() {
    }

    /** Options shared by both: the configuration that names the backup store. */
    abstract static class StoreOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file naming the backup store")
        Path configFile;

        @Parameters(paramLabel = "--key value", description = "configuration overrides, e.g. --backup-s3-bucket b")
        List<String> overrides = new ArrayList<>();

        HubConfig config() throws ConfigException {
            return HubConfig.load(configFile, RockHubMain.pairs(overrides));
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a backup (and the WAL shipped after it) into a data directory the server opens.")
    static final class Restore extends StoreOptions implements Callable<Integer> {
        @Option(names = "--to", required = true, paramLabel = "DIR", description = "the data directory to create")
        Path to;

        @Option(names = "--at", paramLabel = "TIME", description = "restore the state at this time (ISO-8601, e.g. "
                + "2026-11-21T15:04:05Z)")
        String at;

        @Option(names = "--seq", paramLabel = "N", description = "restore up to and including sequence number N")
        Long seq;

        @Option(names = "--backup", paramLabel = "ID", description = "restore this backup exactly (no WAL replay)")
        String backup;

        @Option(names = "--force", description = "replace a non-empty target directory")
        boolean force;

        @Override
        public Integer call() throws Exception {
            HubConfig config = config();
            try (ObjectStore store = BackupService.openStore(config)) {
                Backups backups = new Backups(store, 0);
                PointInTime pit = new PointInTime(store);
                long[] lastReport = {0};
                Backups.Progress progress = (done, total) -> {
                    long now = System.nanoTime();
                    if (now - lastReport[0] > 1_000_000_000L || done == total) {
                        lastReport[0] = now;
                        System.out.printf("restore: %d of %d MB (%d%%)%n", done >> 20, total >> 20,
                                total == 0 ? 100 : done * 100 / total);
                    }
                };
                PointInTime.Target target = backup != null ? PointInTime.Target.backup(backup)
                        : seq != null ? PointInTime.Target.sequence(seq)
                        : at != null ? PointInTime.Target.time(Instant.parse(at).toEpochMilli())
                        : PointInTime.Target.latest();
                PointInTime.Outcome o = pit.restore(backups, target, to, force, progress);
                System.out.println("restored backup " + o.backup().id() + " (sequence " + o.backup().sequence() + ")"
                        + (o.replayedBatches() > 0 ? " and " + o.replayedBatches() + " WAL batches" : "")
                        + " up to sequence " + o.sequence() + " into " + to.toAbsolutePath());
                return 0;
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("rockhub restore: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Restore a backup into a scratch directory, open it, and check its keys and digest.")
    static final class Verify extends StoreOptions implements Callable<Integer> {
        @Option(names = "--backup", paramLabel = "ID", description = "the backup to verify (default: the newest)")
        String backup;

        @Override
        public Integer call() throws Exception {
            HubConfig config = config();
            try (ObjectStore store = BackupService.openStore(config)) {
                Backups backups = new Backups(store, 0);
                BackupManifest m = backups.find(backup);
                Backups.Verification v = backups.verify(m, Files.createTempDirectory("rockhub-verify"));
                System.out.println(v.report());
                return v.ok() ? 0 : 3;
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("rockhub verify: FAILED: " + e.getMessage());
                return 1;
            }
        }
    }
}
