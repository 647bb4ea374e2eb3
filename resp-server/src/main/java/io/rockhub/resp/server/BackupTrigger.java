package io.rockhub.resp.server;

/** What BGSAVE and LASTSAVE reach: the application's backup service (RESP knows nothing of object stores). */
public interface BackupTrigger {
    /** Starts a backup in the background; false if one is already running. */
    boolean start();

    /**
     * SAVE: a backup that the caller waits for; if one is running, that one. Completes with true
     * when it succeeded, false when it failed (the log says why).
     */
    java.util.concurrent.CompletableFuture<Boolean> save();

    /** Unix time in seconds of the last successful backup, or -1 if none yet. */
    long lastSuccessSeconds();

    /** A backup (BGSAVE or scheduled) is running now. */
    boolean inProgress();

    /** The last backup that ended failed (false before any). */
    boolean lastFailed();

    /** Backups completed successfully since start. */
    long completed();
}
