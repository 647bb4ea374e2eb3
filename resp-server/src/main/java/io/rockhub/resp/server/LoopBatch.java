package io.rockhub.resp.server;

import io.rockhub.core.storage.KeyLocks;
import io.rockhub.resp.command.CommandFlag;
import io.rockhub.resp.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes an event loop takes in during one pass over its ready connections, gathered into one
 * RocksDB batch: a pipeline of 16 SETs is one write to RocksDB (one WAL record, one pass of its
 * write path) instead of 16, and so are the single SETs of 30 clients read in the same pass. The
 * replies wait for the WAL sync anyway, so sharing a batch changes no acknowledgement: every
 * connection whose commands ran while it was open seals its replies after its commit, at the end of
 * the pass (see {@link #sealAfterCommit}); it also commits before any command that cannot join it,
 * and when a key it needs is locked by another thread.
 *
 * <p>Isolation: the batch keeps the stripe locks of every key its commands named until it commits,
 * so no other writer reads a value it changed before that value is committed (an INCR on another
 * loop cannot lose one of its increments). Those locks are only ever tried, never waited for: a
 * batch that meets a held lock commits first and the command then waits like any other. A command
 * joins only if the command table names all its keys (as EXEC relies on) and it neither blocks nor
 * changes the server: everything else commits the batch and runs alone. A script joins as a
 * {@link ScriptBurst} when it runs by key on this loop, and commits the batch first otherwise. A
 * client sent pushes its writes cause (tracking, keyspace events) never joins: its writes commit one
 * by one, so the pushes keep their place after the reply.
 *
 * <p>Commands read the batch's writes, whichever connection made them: their replies leave only once
 * it is durable. It starts as a plain batch, which costs nothing to read past but cannot be read
 * through: while the commands name keys it has not written (SETs of different keys, HSETs of
 * different hashes), they join it; the first that names one it wrote (or reads keys it does not
 * name) commits it, and the rest of the pass gathers in an indexed batch, which later commands read
 * through.
 */
final class LoopBatch {
    /** Entries past which the batch commits before the next command (a pass may still hold several batches). */
    private static final int MAX_ENTRIES = 128;

    private final Hub hub;
    private final io.netty.util.concurrent.EventExecutor loop;
    private final KeyLocks.Holding holding = new KeyLocks.Holding();
    private final List<byte[]> keys = new ArrayList<>();
    private boolean open;
    /** Whether the open batch is indexed (readable by its later commands). */
    private boolean indexed;
    /** The next batch opened before the replies are sealed is indexed: this one came back to its keys. */
    private boolean indexedNext;
    /** Keys the open batch wrote, and which connection wrote each: while it is plain, a command naming one ends it first. */
    private final java.util.Map<java.nio.ByteBuffer, Burst> written = new java.util.HashMap<>();
    /** The connections whose commands ran while it was open: their replies wait for its commit. */
    private final List<Burst> members = new ArrayList<>();
    /** Connections that sealed their replies while it was open: they seal after its commit. */
    private final List<Runnable> awaitingSeal = new ArrayList<>();
    private final Runnable commitAndSeal = this::commitAndSeal;
    /** The connection whose command is being admitted (see {@link #before}). */
    private Burst currentMember;
    private boolean sealScheduled;

    LoopBatch(Hub hub, io.netty.util.concurrent.EventExecutor loop) {
        this.hub = hub;
        this.loop = loop;
    }

    /** Before {@code spec} runs for {@code member} with {@code stored} arguments: joins the batch or ends it. */
    void before(Burst member, ClientSession session, CommandSpec spec, List<byte[]> stored) {
        currentMember = member;
        if (open && !Dispatcher.repliesAtOnce(spec)) {
            // Whatever follows, it ran while the batch was open: its reply waits for the commit. Not
            // the controller's probes and leases, PING, INFO...: they show nothing the batch holds,
            // and must not wait behind its replication to the in-sync replicas.
            join(member);
        }
        if (open && hub.storage().currentTransaction().size() >= MAX_ENTRIES) {
            commit(); // big enough: an indexed batch's index (and every read through it) grows with it
        }
        if (io.rockhub.resp.scripting.Scripts.runsScript(spec.name()) && !receivesPushes(session)) {
            return; // the script joins if it runs by key on this loop, else commits the batch first (see Scripts)
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
        if (open && !indexed) {
            Burst writer = readsUndeclared(spec) ? member : writerOfNamed();
            if (writer != null) {
                // A plain batch cannot be read through: commit it. A pipeline that came back to its own
                // keys tends to keep doing so: the rest of this pass gathers in an indexed batch; two
                // clients that met on a key by chance go on in a plain one.
                commit();
                indexedNext |= writer == member;
            }
        }
        if (!open) {
            if (!spec.has(CommandFlag.WRITE) || hub.storage().inTransaction()) {
                return; // reads alone need no batch
            }
            if (begin(keys, indexedNext, member)) {
                noteWritten();
            }
            return;
        }
        if (!hub.keys().locks().tryHold(holding, keys)) {
            commit(); // another thread holds one of its keys: this command waits outside the batch
            return;
        }
        if (spec.has(CommandFlag.WRITE)) {
            noteWritten();
        }
    }

    /**
     * Opens the batch for {@code member}, holding the stripes of {@code named}; false (nothing held,
     * nothing opened) when another thread holds one.
     */
    private boolean begin(List<byte[]> named, boolean indexedBatch, Burst member) {
        if (!hub.keys().locks().tryHold(holding, named)) {
            hub.keys().locks().release(holding);
            return false;
        }
        indexed = indexedBatch;
        hub.keys().beginTransaction(indexed);
        open = true;
        join(member);
        return true;
    }

    private void join(Burst member) {
        if (!member.member) {
            member.member = true;
            members.add(member);
        }
    }

    /** A read with no keys named (KEYS, SCAN, RANDOMKEY...) may read anything the batch wrote. */
    private static boolean readsUndeclared(CommandSpec spec) {
        return spec.firstKey() == 0 && spec.has(CommandFlag.READONLY);
    }

    /** Which connection wrote a key the command names (its own first), or null: none did. */
    private Burst writerOfNamed() {
        Burst found = null;
        for (byte[] k : keys) {
            Burst w = written.get(java.nio.ByteBuffer.wrap(k));
            if (w != null && (found == null || w == currentMember)) {
                found = w;
            }
        }
        return found;
    }

    private void noteWritten() {
        for (byte[] k : keys) {
            written.put(java.nio.ByteBuffer.wrap(k), currentMember);
        }
    }

    boolean isOpen() {
        return open;
    }

    /** Before a script runs by key: an open batch it could not read through (a plain one) commits now. */
    void beforeScript() {
        if (open && !indexed) {
            commit();
        }
    }

    /** See {@link ScriptBurst#join}. */
    boolean joinScript(Burst member) {
        if (!open) {
            if (hub.storage().inTransaction() || !begin(List.of(), true, member)) {
                return false;
            }
        } else if (!indexed) {
            return false; // a script reads its own writes: see beforeScript
        }
        hub.keys().savepoint();
        return true;
    }

    void keepScript(KeyLocks.Holding scriptKeys) {
        hub.keys().releaseSavepoint();
        hub.keys().locks().transfer(scriptKeys, holding);
    }

    void dropScript() {
        hub.keys().rollbackToSavepoint();
    }

    /**
     * Where a connection seals its replies at the end of its read: true when the batch is open and
     * holds this connection's commands; it then commits at the end of this pass over the loop's ready
     * connections (a task runs after them), and {@code seal} runs after that commit; false: seal now.
     */
    boolean sealAfterCommit(Burst member, Runnable seal) {
        if (!open || !member.member) {
            // Its replies owe the batch nothing: a controller's lease or a PING must not wait for the
            // rest of the pass (a round trip would cost a whole pass of a bulk load's commands).
            return false;
        }
        awaitingSeal.add(seal);
        if (!sealScheduled) {
            sealScheduled = true;
            try {
                loop.execute(commitAndSeal);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                sealScheduled = false;
                awaitingSeal.remove(awaitingSeal.size() - 1);
                return false;
            }
        }
        return true;
    }

    private void commitAndSeal() {
        sealScheduled = false;
        commit();
        while (!awaitingSeal.isEmpty()) {
            List<Runnable> seals = new ArrayList<>(awaitingSeal);
            awaitingSeal.clear();
            for (Runnable seal : seals) {
                seal.run();
            }
        }
    }

    /** Commits what the batch gathered, lets its locks go and tells its members (see {@link Burst#takeCommitted}). */
    void commit() {
        if (!open) {
            return;
        }
        open = false;
        written.clear();
        for (Burst m : members) {
            m.member = false;
            m.committed = true;
        }
        // Invalidations for client-side caching go out at the commit and name the writer (for NOLOOP):
        // one connection's batch names it; clients that track never join one (see receivesPushes).
        long writing = hub.tracking().writer();
        hub.tracking().writer(members.size() == 1 ? members.get(0).clientId : -1);
        members.clear();
        try {
            hub.keys().endTransaction(true);
        } finally {
            hub.tracking().writer(writing);
            hub.keys().locks().release(holding);
        }
    }

    /** A connection sealed its replies: the next batch it opens starts plain again. */
    void sealed() {
        indexedNext = false;
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
