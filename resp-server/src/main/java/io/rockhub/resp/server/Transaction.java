package io.rockhub.resp.server;

import io.rockhub.resp.command.CommandSpec;
import io.rockhub.resp.command.Execution;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection's MULTI/EXEC state: the queued commands (parsed when queued; a parse error is kept
 * and replied at EXEC, as Redis does), whether queuing failed (EXECABORT), and the watched keys.
 * Used on the connection's event loop, except {@link #touch}, which any committing thread calls.
 */
public final class Transaction {
    /**
     * A queued command: either its execution or the error it will answer at EXEC; {@code keys} are
     * its key arguments, put in database {@code db} (see {@code DbKeys}).
     */
    /** A queued command: {@code argv} with its keys in their database's namespace, {@code original} as sent. */
    public record Queued(CommandSpec spec, List<byte[]> argv, Execution execution, String error, int db,
                         List<byte[]> keys, List<byte[]> original) {
    }

    /** What a watched key looked like at WATCH time, to notice a later expiry. */
    record Watched(boolean existed, long expireAt) {
    }

    private List<Queued> queued;
    private boolean failed;
    private int queuedDb;
    private final Map<ByteBuffer, Watched> watched = new LinkedHashMap<>();
    private volatile boolean touched;

    public boolean inMulti() {
        return queued != null;
    }

    public void begin(int db) {
        queued = new ArrayList<>();
        failed = false;
        queuedDb = db;
    }

    /** The database the next queued command's keys belong to. */
    int queuedDb() {
        return queuedDb;
    }

    void queuedDb(int db) {
        queuedDb = db;
    }

    /**
     * Queues a command; not once the transaction failed, as Redis: nothing of it will run, and at
     * EXEC a cluster node routes by the commands queued before the failure only.
     */
    public void queue(Queued q) {
        if (!failed) {
            queued.add(q);
        }
    }

    /** A command refused while queuing: EXEC will answer EXECABORT. */
    public void fail() {
        failed = true;
    }

    public boolean failed() {
        return failed;
    }

    public List<Queued> queued() {
        return queued == null ? List.of() : queued;
    }

    /** Leaves MULTI, dropping the queue (EXEC and DISCARD). */
    public void end() {
        queued = null;
        failed = false;
    }

    void watch(byte[] key, boolean existed, long expireAt) {
        watched.putIfAbsent(ByteBuffer.wrap(key), new Watched(existed, expireAt));
    }

    Map<ByteBuffer, Watched> watched() {
        return watched;
    }

    /** A watched key changed: the next EXEC must fail. */
    void touch() {
        touched = true;
    }

    boolean touched() {
        return touched;
    }

    void clearWatches() {
        watched.clear();
        touched = false;
    }
}
