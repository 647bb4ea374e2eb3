package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.RawOps;
import io.rockhub.core.replication.WalBatch;
import io.rockhub.core.storage.Storage;
import io.rockhub.core.storage.WalCursor;
import io.rockhub.core.types.SlotData;
import io.rockhub.resp.server.Hub;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving slots between nodes, both ends. The source ({@link #start}) copies the slots' keys from a
 * consistent view to the target, then follows its WAL, filtered to those slots, until the target
 * is close behind; then it holds writes to the slots ({@link SlotHold}), waits for every event loop
 * to finish what it had begun, sends the last of the WAL and has the target count what it received:
 * READY. The controller then commits the topology that gives the target the slots (in ZooKeeper,
 * the one commit point) and pushes it; when this node's topology no longer gives it the slots, it
 * drops them and releases the hold, and the held writes are answered -MOVED. An abort (or any
 * failure) before that releases the hold here, where the writes then run, and has the target drop
 * its copy. The target's side is {@link #importStart}, {@link #apply}, {@link #importEnd}.
 *
 * <p>Nothing is lost or written twice: until the commit only the source takes writes to the slots
 * (the target's topology does not give it them, so it redirects), the target has every write of
 * the slots the source made before the hold, and after the commit only the target takes them.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** A copy goes in requests of about this many bytes. */
    private static final int CHUNK_BYTES = 4 << 20;
    /** The WAL tail is close enough to hold writes when a round found fewer entries than this. */
    private static final int CLOSE_ENOUGH = 2_000;
    /** Requests sent to the target before the first reply is read. */
    private static final int WINDOW = 4;

    public enum Phase { COPYING, TAILING, HOLDING, READY, DROPPING, DONE, ABORTED, FAILED }

    private final Hub hub;
    private final SlotData data;
    private final SlotHold hold;
    private volatile Outgoing current;
    /** The slots this node is importing (between IMPORT START and their abort, drop, or commit), or null. */
    private volatile BitSet importing;
    /** Keys received by the import under way (one at a time: the controller moves one range at a time). */
    private final java.util.concurrent.atomic.AtomicLong imported = new java.util.concurrent.atomic.AtomicLong();

    public Migrations(Hub hub, SlotHold hold) {
        this.hub = hub;
        this.data = new SlotData(hub.keys());
        this.hold = hold;
    }

    /** One move of slots from this node, run on a thread of its own. */
    private final class Outgoing implements Runnable {
        final BitSet slots;
        final String slotsText;
        final String host;
        final int port;
        final long startNanos = System.nanoTime();
        volatile Phase phase = Phase.COPYING;
        volatile long bytes;
        volatile long tailEntries;
        volatile long holdNanos;
        volatile long keys = -1;
        volatile String error;
        volatile boolean abort;
        private int inFlight;
        /** Runs the move; it reads storage (the copy's view, the WAL) until it ends. */
        final Thread thread = new Thread(this, "rockhub-migration");

        Outgoing(BitSet slots, String slotsText, String host, int port) {
            this.slots = slots;
            this.slotsText = slotsText;
            this.host = host;
            this.port = port;
        }

        @Override
        public void run() {
            long holdStart = 0;
            try (NodeLink target = new NodeLink(host, port, 30_000)) {
                target.call("CLUSTERX", "IMPORT", "START", slotsText);
                Storage storage = hub.storage();
                long next;
                try (Storage.View view = storage.view()) {
                    next = view.sequence() + 1;
                    data.copy(view, slots, CHUNK_BYTES, ops -> send(target, "LOAD", ops));
                }
                phase = Phase.TAILING;
                try (WalCursor wal = storage.walFrom(next)) {
                    while (true) {
                        checkAbort();
                        int followed = follow(wal, target, Long.MAX_VALUE);
                        if (followed < CLOSE_ENOUGH) {
                            break;
                        }
                    }
                    drain(target); // what the target still has to write is not part of the hold
                    follow(wal, target, Long.MAX_VALUE);
                    phase = Phase.HOLDING;
                    holdStart = System.nanoTime();
                    hold.hold(slots);
                    // A write that passed the hold's check before it was set has run and committed
                    // once the loops and the script thread settled: in the WAL by the sequence read after.
                    if (!hub.settleLoops(10_000)) {
                        // A write that passed the check may still commit: the cutover would miss it.
                        throw new IOException("writes begun before the hold did not finish within 10 s (a long script?)");
                    }
                    long last = storage.latestSequence();
                    storage.syncWal();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (wal.next() <= last) {
                        checkAbort();
                        if (follow(wal, target, last) == 0) {
                            if (System.nanoTime() > deadline) {
                                throw new IOException("the WAL did not reach sequence " + last);
                            }
                            storage.syncWal();
                            Thread.onSpinWait();
                        }
                    }
                }
                drain(target);
                keys = Long.parseLong(target.call("CLUSTERX", "IMPORT", "END", slotsText).substring(1));
                phase = Phase.READY;
                LOG.info("migration of slots {} to {}:{}: {} keys, {} MB copied, {} WAL entries followed; writes held for "
                        + "the commit", slotsText, host, port, keys, bytes >> 20, tailEntries);
                synchronized (this) {
                    while (!abort && stillMine()) {
                        wait(100);
                    }
                }
                checkAbort();
                if (!targetOwns()) {
                    // Not the commit: this node became a replica (its replica was promoted while it
                    // was cut off), or the slots went elsewhere. The keys stay; whoever serves the
                    // slots now decides about them.
                    throw new IOException("the topology gave the slots to another node than the target");
                }
                // The slots are the target's now: the held writes go on, to be answered -MOVED (no
                // command reaches the slots here any more), and the keys go after.
                holdNanos = System.nanoTime() - holdStart;
                hold.release();
                holdStart = 0;
                phase = Phase.DROPPING;
                SlotData.Count dropped = data.drop(slots);
                phase = Phase.DONE;
                LOG.info("migration of slots {} to {}:{} done: {} keys dropped here, writes held {} ms, {} ms in all",
                        slotsText, host, port, dropped.keys(), TimeUnit.NANOSECONDS.toMillis(holdNanos),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            } catch (Exception e) {
                if (holdStart != 0) {
                    holdNanos = System.nanoTime() - holdStart;
                    hold.release();
                }
                error = e instanceof Aborted ? null : String.valueOf(e.getMessage());
                phase = e instanceof Aborted ? Phase.ABORTED : Phase.FAILED;
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("migration of slots {} to {}:{} {}{}", slotsText, host, port,
                        phase == Phase.ABORTED ? "aborted" : "failed: ", error == null ? "" : error);
                try (NodeLink target = new NodeLink(host, port, 5_000)) {
                    target.call("CLUSTERX", "IMPORT", "ABORT", slotsText);
                } catch (IOException unreachable) {
                    LOG.warn("target {}:{} not told to drop its copy of slots {}: {}", host, port, slotsText,
                            unreachable.getMessage());
                }
            }
        }

        /** Sends what the WAL has (up to {@code last}) of the slots; returns the entries found. */
        private int follow(WalCursor wal, NodeLink target, long last) throws IOException {
            int found = 0;
            List<RawOps.Op> pending = new java.util.ArrayList<>();
            int size = 0;
            WalBatch b;
            while (wal.next() <= last && (b = wal.poll()) != null) {
                Storage.SlotOps s = hub.storage().slotOps(b, slots);
                if (s.rangeDeleted()) {
                    throw new IOException("the slots were flushed (FLUSHALL) during the migration");
                }
                pending.addAll(s.ops());
                found += s.ops().size();
                for (RawOps.Op op : s.ops()) {
                    size += op.size();
                }
                if (size >= CHUNK_BYTES) {
                    send(target, "APPLY", pending);
                    pending.clear();
                    size = 0;
                }
            }
            if (!pending.isEmpty()) {
                send(target, "APPLY", pending);
            }
            tailEntries += found;
            return found;
        }

        /**
         * Sends entries to the target: LOAD for the copy (keys new there), APPLY for the WAL's. Up to
         * {@link #WINDOW} requests are in flight, so the target's commits overlap the reading here.
         */
        private void send(NodeLink target, String step, List<RawOps.Op> ops) {
            if (phase != Phase.HOLDING) {
                throttle();
            }
            try {
                target.send("CLUSTERX", "IMPORT", step, RawOps.encode(ops));
                inFlight++;
                while (inFlight > WINDOW) {
                    target.reply();
                    inFlight--;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (RawOps.Op op : ops) {
                bytes += op.size();
                pace.sent(op.size());
            }
        }

        private final Pace pace = new Pace(System::nanoTime, java.util.concurrent.locks.LockSupport::parkNanos);

        /**
         * Keeps what is sent under {@code migrate-speed} (read at every request: CONFIG SET applies to
         * a running move). Writes held at the cutover are not paced: the hold is kept short instead.
         */
        private void throttle() {
            pace.await(hub.config().getLong("migrate-speed"));
        }

        /** Waits for the replies of every request sent: the target has all of it, durably. */
        private void drain(NodeLink target) throws IOException {
            for (; inFlight > 0; inFlight--) {
                target.reply();
            }
        }

        private boolean stillMine() {
            return servedHere(slots) >= 0;
        }

        /** Whether the topology gives every slot of the move to its target (the move's commit). */
        private boolean targetOwns() {
            for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
                ClusterNode owner = hub.cluster().owner(s);
                if (owner == null || !owner.host().equals(host) || owner.port() != port) {
                    return false;
                }
            }
            return true;
        }

        boolean active() {
            return phase.ordinal() < Phase.DONE.ordinal();
        }

        private void checkAbort() throws Aborted {
            if (abort) {
                throw new Aborted();
            }
        }

        String status() {
            StringBuilder sb = new StringBuilder();
            line(sb, "migrating_slots", slotsText);
            line(sb, "target", host + ":" + port);
            line(sb, "state", phase.name().toLowerCase(Locale.ROOT));
            line(sb, "bytes", bytes);
            line(sb, "wal_entries", tailEntries);
            line(sb, "keys", keys);
            line(sb, "writes_held_ms", TimeUnit.NANOSECONDS.toMillis(holdNanos));
            line(sb, "elapsed_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            if (error != null) {
                line(sb, "error", error);
            }
            return sb.toString();
        }
    }

    private static final class Aborted extends Exception {
        Aborted() {
            super("aborted", null, false, false);
        }
    }

    private static void line(StringBuilder sb, String name, Object value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    /**
     * Starts moving {@code slots} (this node's) to the node at {@code host:port}; null when started,
     * else why not.
     */
    public synchronized String start(BitSet slots, String slotsText, String host, int port) {
        Outgoing o = current;
        if (o != null && o.active()) {
            return "ERR a migration of slots " + o.slotsText + " is in progress";
        }
        ClusterNode me = hub.cluster().me();
        if (me == null || !me.primary()) {
            return "ERR only a primary moves slots";
        }
        for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
            if (hub.cluster().owner(s) != me) {
                return "ERR slot " + s + " is not served here";
            }
        }
        Outgoing next = new Outgoing(slots, slotsText, host, port);
        current = next;
        next.thread.setDaemon(true);
        next.thread.start();
        return null;
    }

    /** Stops the current migration if it has not completed; false if there is none to stop. */
    public boolean abort() {
        Outgoing o = current;
        if (o == null || !o.active()) {
            return false;
        }
        synchronized (o) {
            o.abort = true;
            o.notifyAll();
        }
        return true;
    }

    /** The node stops: a move not committed stops with it (the node, back, serves the slots it had). */
    public void close() {
        abort();
        // The batch being written finishes before the node closes its storage (it writes through
        // it); the ones queued behind it are dropped: their source sees the connection go and fails
        // the move, as when the node stops.
        importer.shutdownNow();
        try {
            if (!importer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("an imported batch was still being written when the node stopped");
            }
            // A source's migration, aborted above, reads the storage it copies from until it ends.
            Outgoing o = current;
            if (o != null) {
                o.thread.join(30_000);
                if (o.thread.isAlive()) {
                    LOG.warn("the migration of slots {} had not stopped when the node stopped", o.slotsText);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where a target writes what it receives (IMPORT LOAD and APPLY, in the order they came): a thread
     * of its own, so that the event loop reading them goes on serving its other clients meanwhile
     * (a 4 MB batch takes tens of milliseconds to commit).
     */
    private final java.util.concurrent.ExecutorService importer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rockhub-import");
        t.setDaemon(true);
        return t;
    });

    public java.util.concurrent.Executor importer() {
        return importer;
    }

    /** A new topology was applied: a migration waiting for its commit looks again. */
    public void topologyChanged() {
        // Not under this object's lock, which an import holds while it writes a batch: a commit comes
        // once the source has had every batch answered, so none is being written now.
        BitSet i = importing;
        ClusterNode me = hub.cluster().me();
        if (i != null && me != null && hub.cluster().owner(i.nextSetBit(0)) == me) {
            importing = null; // committed: the copy is this node's data now
        }
        Outgoing o = current;
        if (o != null) {
            synchronized (o) {
                o.notifyAll();
            }
        }
    }

    /** CLUSTERX MIGRATION: the last migration from this node, as lines; "state:none" if none. */
    public String status() {
        Outgoing o = current;
        return o == null ? "state:none\r\n" : o.status();
    }

    /**
     * Target: before a copy, drops what it may hold of those slots (an earlier, abandoned copy), and
     * takes entries for them from now on (until the import is aborted or its slots dropped).
     */
    public synchronized String importStart(BitSet slots) {
        int served = servedHere(slots);
        if (served >= 0) {
            return "ERR slot " + served + " is served here already";
        }
        data.drop(slots);
        imported.set(0);
        importing = (BitSet) slots.clone();
        return null;
    }

    /**
     * Target: a copy's entries (keys it did not hold). Refused when no import runs: entries a source
     * still sends after its move was abandoned here would be a partial copy nobody drops.
     */
    public void load(byte[] encoded) {
        List<RawOps.Op> ops = RawOps.decode(encoded);
        synchronized (this) {
            requireImport();
            imported.addAndGet(data.load(ops));
        }
    }

    /** Target: entries of the source's WAL. */
    public void apply(byte[] encoded) {
        List<RawOps.Op> ops = RawOps.decode(encoded);
        synchronized (this) {
            requireImport();
            imported.addAndGet(data.apply(ops));
        }
    }

    private void requireImport() {
        if (importing == null) {
            throw new IllegalStateException("no import in progress here");
        }
    }

    /** Target: the copy is complete; how many keys it received (net of those deleted since). */
    public long importEnd() {
        return imported.get();
    }

    /** Target: drops a copy it will not serve (unless the slots became its own meanwhile). */
    public synchronized void importAbort(BitSet slots) {
        importing = null;
        if (servedHere(slots) < 0) {
            data.drop(slots);
        }
    }

    /** The first of {@code slots} this node serves now, or -1. */
    private int servedHere(BitSet slots) {
        ClusterNode me = hub.cluster().me();
        if (me == null) {
            return -1;
        }
        for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
            if (hub.cluster().owner(s) == me) {
                return s;
            }
        }
        return -1;
    }

    /**
     * CLUSTERX DROPSLOTS: removes the keys this node holds of {@code slots}, which the controller says
     * another primary serves: a copy left by an abandoned move whose target was not told in time (it
     * was down), or what a source killed after its move's commit had not dropped yet. Returns the
     * keys dropped, or why not: never for a slot this node serves, nor while a move of them runs here
     * (the controller asks again).
     */
    public synchronized Object dropSlots(BitSet slots) {
        int served = servedHere(slots);
        if (served >= 0) {
            return "ERR slot " + served + " is served here";
        }
        Outgoing o = current;
        if (o != null && o.active() && o.slots.intersects(slots)) {
            return "ERR a migration of slots " + o.slotsText + " is in progress";
        }
        if (importing != null && importing.intersects(slots)) {
            importing = null;
        }
        BitSet held = new BitSet();
        io.rockhub.core.types.KeyScanner scanner = hub.scanner();
        for (int from = slots.nextSetBit(0); from >= 0; ) {
            int to = slots.nextClearBit(from) - 1;
            // Only ranges that hold keys: the controller may ask again and again, and each drop leaves
            // range tombstones behind.
            if (scanner.anyBetween(io.rockhub.core.encoding.StoredKey.slotStart(from),
                    io.rockhub.core.encoding.StoredKey.slotEnd(to))) {
                held.set(from, to + 1);
            }
            from = slots.nextSetBit(to + 1);
        }
        return held.isEmpty() ? 0L : data.drop(held).keys();
    }
}
