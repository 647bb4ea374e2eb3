package io.rockhub.resp.server;

import io.rockhub.core.storage.KeyLocks;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes of one read burst of a connection, gathered into one RocksDB batch: a pipeline of 16
 * SETs is one write to RocksDB (one WAL record, one pass of its write path) instead of 16. The
 * replies wait for the WAL sync anyway, so a burst changes no acknowledgement; it ends before its
 * replies are sealed (see RequestHandler), before any command that cannot join it, and when a key
 * it needs is locked by another thread.
 *
 * <p>Isolation: the burst keeps the stripe locks of every key its commands named until it commits,
 * so no other writer reads a value it changed before that value is committed (an INCR elsewhere
 * cannot lose one of the burst's). Those locks are only ever tried, never waited for: a burst that
 * meets a held lock commits first and the command then waits like any other. A command joins only
 * if the command table names all its keys (as EXEC relies on) and it neither blocks nor changes
 * the server: everything else commits the burst and runs alone. A script joins as a {@link ScriptBurst}
 * when it runs by key on this loop, and commits the burst first otherwise.
 *
 * <p>Commands in a burst read its writes, as a client expects of a pipeline. A burst starts in a
 * plain batch, which costs nothing to read past but cannot be read through: while the commands name
 * keys it has not written (16 SETs of different keys, HSETs of different hashes), they join it; the
 * first that names one it wrote (or reads keys it does not name) commits it, and the rest of the
 * read burst gathers in an indexed batch, which later commands read through.
 */
final class Burst implements ScriptBurst {
    /** The burst open on this event loop, if any: another connection's command must not join it. */
    private static final ThreadLocal<Burst> OPEN = new ThreadLocal<>();

    private final Hub hub;
    private final long clientId;
    private final KeyLocks.Holding holding = new KeyLocks.Holding();
    private final List<byte[]> keys = new ArrayList<>();
    private boolean open;
    /** Whether the open burst's batch is indexed (readable by its later commands). */
    private boolean indexed;
    /** The next burst opened before the replies are sealed is indexed: this one came back to its keys. */
    private boolean indexedNext;
    /** Keys the open burst wrote: while its batch is plain, a command naming one ends it first. */
    private final java.util.Set<java.nio.ByteBuffer> written = new java.util.HashSet<>();
    /** Committed since the connection last sealed its replies (perhaps by another connection's command). */
    private boolean committed;

    Burst(Hub hub, long clientId) {
        this.hub = hub;
        this.clientId = clientId;
    }

    /** Before {@code spec} runs with {@code stored} arguments: joins the burst or ends it. */
    void before(ClientSession session, CommandSpec spec, List<byte[]> stored) {
        Burst other = OPEN.get();
        if (other != null && other != this) {
            other.commit();
        }
        if (io.rockhub.resp.scripting.Scripts.runsScript(spec.name()) && !receivesPushes(session)) {
            return; // the script joins the burst if it runs by key on this loop, else commits it first (see Scripts)
        }
        if (receivesPushes(session) || !joinable(spec) && !streamReadWithoutBlock(spec, stored)) {
            commit();
            return;
        }
        keys.clear();
        for (int i : DbKeys.positions(spec, stored)) {
            keys.add(stored.get(i));
        }
        if (keys.isEmpty() && spec.has(CommandFlag.WRITE)) {
            commit();
            return;
        }
        if (open && !indexed && (readsUndeclared(spec) || touchesWritten())) {
            // A plain batch cannot be read through: commit it, and gather the rest of this burst
            // in an indexed one (a pipeline that comes back to its keys tends to keep doing so).
            commit();
            indexedNext = true;
        }
        if (!open) {
            if (!spec.has(CommandFlag.WRITE) || hub.storage().inTransaction()) {
                return; // reads alone need no batch
            }
            if (begin(keys, indexedNext)) {
                noteWritten();
            }
            return;
        }
        if (!hub.keys().locks().tryHold(holding, keys)) {
            commit(); // another thread holds one of its keys: this command waits outside the burst
            return;
        }
        if (spec.has(CommandFlag.WRITE)) {
            noteWritten();
        }
    }

    /** A read with no keys named (KEYS, SCAN, RANDOMKEY...) may read anything the burst wrote. */
    private static boolean readsUndeclared(CommandSpec spec) {
        return spec.firstKey() == 0 && spec.has(CommandFlag.READONLY);
    }

    private boolean touchesWritten() {
        for (byte[] k : keys) {
            if (written.contains(java.nio.ByteBuffer.wrap(k))) {
                return true;
            }
        }
        return false;
    }

    private void noteWritten() {
        for (byte[] k : keys) {
            written.add(java.nio.ByteBuffer.wrap(k));
        }
    }

    /** Opens the burst holding the stripes of {@code named}; false (nothing held) when another thread holds one. */
    private boolean begin(List<byte[]> named, boolean indexedBatch) {
        if (!hub.keys().locks().tryHold(holding, named)) {
            hub.keys().locks().release(holding);
            return false;
        }
        indexed = indexedBatch;
        hub.keys().beginTransaction(indexed);
        open = true;
        OPEN.set(this);
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void beforeScript() {
        if (open && !indexed) {
            commit();
        }
    }

    @Override
    public boolean join() {
        if (!open) {
            if (hub.storage().inTransaction() || !begin(List.of(), true)) {
                return false;
            }
        } else if (!indexed) {
            return false; // a script reads its own writes: see beforeScript
        }
        hub.keys().savepoint();
        return true;
    }

    @Override
    public void keep(KeyLocks.Holding scriptKeys) {
        hub.keys().releaseSavepoint();
        hub.keys().locks().transfer(scriptKeys, holding);
    }

    @Override
    public void drop() {
        hub.keys().rollbackToSavepoint();
    }

    /** Commits what the burst gathered and lets its locks go (see {@link #takeCommitted}). */
    @Override
    public void commit() {
        if (!open) {
            return;
        }
        open = false;
        committed = true;
        written.clear();
        OPEN.set(null); // not remove(): the next burst would re-create the thread's entry
        // Invalidations for client-side caching go out at the commit: they name this client as
        // the writer (NOLOOP), whichever command the commit happens in.
        long writing = hub.tracking().writer();
        hub.tracking().writer(clientId);
        try {
            hub.keys().endTransaction(true);
        } finally {
            hub.tracking().writer(writing);
            hub.keys().locks().release(holding);
        }
    }

    /**
     * A client that tracks keys or is subscribed may be sent pushes caused by its own writes
     * (invalidations, keyspace events), which Redis places right after that command's reply: its
     * writes commit one by one, so the pushes keep their place.
     */
    static boolean receivesPushes(ClientSession session) {
        io.rockhub.resp.pubsub.Subscriber s = session.subscriberIfAny();
        return session.tracking().on() || s != null && s.subscribed();
    }

    /** Whether a commit happened since the last call: the replies sealed now must wait for it. */
    boolean takeCommitted() {
        boolean c = committed;
        committed = false;
        indexedNext = false;
        return c;
    }

    /**
     * XREADGROUP (and XREAD) without BLOCK answer at once, and their keys are those after STREAMS:
     * a queue consumer's pipelined reads and acknowledgements then share one batch.
     */
    private static boolean streamReadWithoutBlock(CommandSpec spec, List<byte[]> argv) {
        if (!spec.name().equals("xreadgroup") && !spec.name().equals("xread")) {
            return false;
        }
        for (byte[] a : argv) {
            if (a.length == 5 && new String(a, java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("block")) {
                return false;
            }
            if (a.length == 7 && new String(a, java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("streams")) {
                return true;
            }
        }
        return false;
    }

    private static boolean joinable(CommandSpec spec) {
        if (spec.has(CommandFlag.BLOCKING) || spec.has(CommandFlag.NOSCRIPT) || spec.has(CommandFlag.ADMIN)
                || spec.has(CommandFlag.NO_MULTI) || spec.has(CommandFlag.PUBSUB) || spec.has(CommandFlag.SKIP_MONITOR)
                || spec.has(CommandFlag.MOVABLEKEYS)) {
            return false;
        }
        if (spec.has(CommandFlag.WRITE)) {
            // Keys named by the table, and in the client's own database (MOVE and COPY ... DB reach another).
            return spec.firstKey() > 0 && !spec.name().equals("move") && !spec.name().equals("copy");
        }
        return spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.FAST);
    }
}
