package io.rockhub.core.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes acknowledged writes durable with one WAL write and one fsync for many writers.
 *
 * <p>RocksDB runs with {@code manual_wal_flush}: a command's batch goes to the memtable and to
 * RocksDB's in-memory WAL buffer (no system call, never blocks on the disk), then the command asks
 * {@link #whenDurable} to be told when the WAL is on disk up to its sequence number. One thread
 * loops: read the latest sequence, {@code FlushWAL} (one write of everything buffered, plus an
 * fsync in sync mode), release every waiter at or below it. Writers that arrive meanwhile share the
 * next round, so throughput is bounded by CPU, not by fsync latency.
 *
 * <p>Gathering: a client released by one sync typically writes again within microseconds, and a
 * sync started on the first of them would leave the rest to the sync after it: the writers split
 * into two cohorts that alternate, each fsync covering half of them. So the next sync waits until
 * every writer seen in the last round (those it released plus those that queued meanwhile) is
 * queued again, or the configured delay passes, whichever is first. When writers go away the
 * estimate shrinks after one delayed round; a lone writer never waits.
 *
 * <p>In relaxed mode ({@code sync=false}) a round writes the WAL buffer to the operating system
 * without fsync (a process crash loses nothing acknowledged; a machine crash may lose the last
 * second), and this thread fsyncs once a second, like Redis's {@code appendfsync everysec}.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    private static final long RELAXED_SYNC_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_SYNC_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** {@code writers}: how many clients the action releases, for the gathering estimate. */
    private record Waiter(long seq, long ticket, int writers, Runnable action) {
    }

    private final RocksDB db;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Signalled when a lone writer's flush ends (see {@link #syncThrough}). */
    private final Condition flushDone = lock.newCondition();
    /** By sequence, then in the order asked: keyspace events registered by a write go out before its reply. */
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> a.seq != b.seq
            ? Long.compare(a.seq, b.seq) : Long.compare(a.ticket, b.ticket));
    private long tickets;
    private final Thread thread;
    private volatile long durableSeq;
    private volatile boolean syncMode;
    private volatile long maxDelayNanos;
    private volatile boolean running = true;
    private int activeWriters;
    /** Sum of the queued waiters' writers (guarded by {@link #lock}). */
    private int queuedWriters;
    /** A flush under way on the sync thread, or on a lone writer's thread (guarded by {@link #lock}): one at a time. */
    private boolean flushing;
    /** Syncs in a row that found one writer at most and nobody arriving meanwhile (guarded by {@link #lock}). */
    private int loneRounds;
    /** Lone syncs in a row after which a lone writer syncs on its own thread (see {@link #syncThrough}). */
    static final int LONE_ROUNDS = 8;

    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();
    private static final LongConsumer NO_HOOK = target -> { };
    private volatile LongConsumer beforeFlush = NO_HOOK;
    private volatile LongConsumer beforeRelease = target -> { };
    private final AtomicLong syncNanos = new AtomicLong();
    private final AtomicLong syncedWaiters = new AtomicLong();
    private volatile long lastSyncNanos;
    private long lastFsyncAt = System.nanoTime();
    private long fsyncedSeq;

    GroupCommitter(RocksDB db, boolean syncMode, long maxDelayMicros) {
        this.db = db;
        this.syncMode = syncMode;
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(maxDelayMicros);
        this.durableSeq = db.getLatestSequenceNumber();
        this.thread = new Thread(this::run, "rockhub-wal-sync");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Runs {@code action} once the WAL is durable up to {@code seq}. Returns false, without running
     * the action, if that is already so: the caller proceeds at once. Otherwise
     * returns true and runs {@code action} later on the sync thread; the action must be quick (hand
     * off to an event loop).
     */
    public boolean whenDurable(long seq, Runnable action) {
        return whenDurable(seq, 1, action);
    }

    /**
     * As {@link #whenDurable(long, Runnable)}, for an action that releases {@code writers} clients at
     * once (an event loop's batch): the next sync gathers by clients, not by actions.
     */
    public boolean whenDurable(long seq, int writers, Runnable action) {
        if (seq <= durableSeq) {
            return false;
        }
        lock.lock();
        try {
            if (seq <= durableSeq) {
                return false;
            }
            waiters.add(new Waiter(seq, tickets++, writers, action));
            queuedWriters += writers;
            if (flushing || writers > 1 || waiters.size() > 1) {
                loneRounds = 0; // writers overlap: they share this thread's syncs
            }
            if (waiters.size() == 1 || queuedWriters >= activeWriters) {
                work.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * In relaxed mode, writes RocksDB's WAL buffer to the file on the caller's thread and returns
     * true once {@code seq} is written: what relaxed mode promises (a process crash loses nothing
     * acknowledged) needs only that write, and a hand-off to the sync thread (which waits to gather
     * writers for an fsync there is none of) cost more than the system call, as Redis's
     * {@code everysec} writes its AOF buffer from the event loop before replying. Returns false in
     * sync mode, or if the write failed (the caller then waits with {@link #whenDurable}, whose
     * thread retries and logs).
     */
    public boolean writeThrough(long seq) {
        if (syncMode) {
            return false;
        }
        if (seq <= durableSeq) {
            return true;
        }
        try {
            long target = db.getLatestSequenceNumber();
            db.flushWal(false);
            syncs.incrementAndGet();
            syncedElsewhere(target);
            return true;
        } catch (RocksDBException e) {
            return false;
        }
    }

    /**
     * In sync mode, for a writer alone (the last {@value #LONE_ROUNDS} syncs each found one writer at
     * most and nobody arriving while they ran, none waits now, and this call releases one client):
     * flushes and fsyncs the WAL on the caller's thread and returns true
     * once {@code seq} is durable. Redis fsyncs its AOF in its event loop before replying; handing a
     * lone writer's sync to this thread and its release back to the loop cost two thread wake-ups on
     * top of the fsync, most of what a serial client waits for besides the disk. False (the caller then
     * waits with {@link #whenDurable}) when others write, a flush is under way, a flush hook is set
     * (it may block, which must not stall an event loop), or the flush failed (this thread retries it
     * and logs).
     */
    public boolean syncThrough(long seq, int writers) {
        // A flush hook may block, which must not stall an event loop: with one, flushes stay on this thread.
        if (!syncMode || !running || writers > 1 || beforeFlush != NO_HOOK) {
            return false;
        }
        if (seq <= durableSeq) {
            return true;
        }
        lock.lock();
        try {
            if (flushing || !waiters.isEmpty() || loneRounds < LONE_ROUNDS) {
                return false;
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        try {
            long target = db.getLatestSequenceNumber();
            flushCounted(true);
            syncedWaiters.addAndGet(writers);
            syncedElsewhere(target);
            return true;
        } catch (RocksDBException e) {
            return false;
        } finally {
            lock.lock();
            try {
                flushing = false;
                flushDone.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The newest sequence number whose batch is in the WAL file, not just RocksDB's buffer: what a
     * WAL reader (a replica's feed) can see. Equals {@link #durableSequence()}: in relaxed mode
     * "durable" means written.
     */
    public long writtenSequence() {
        return durableSeq;
    }

    /** Runs {@code hook} on the sync thread after each WAL sync, before the new durable point is published. */
    public void beforeRelease(LongConsumer hook) {
        this.beforeRelease = hook == null ? target -> { } : hook;
    }

    /** A WAL flush with fsync made by someone else (a replica applying its feed) counts too. */
    void syncedElsewhere(long target) {
        beforeRelease.accept(target);
        advanceDurable(target);
    }

    private synchronized void advanceDurable(long target) {
        if (target > durableSeq) {
            durableSeq = target;
        }
    }

    public long durableSequence() {
        return durableSeq;
    }

    public boolean syncMode() {
        return syncMode;
    }

    public void setSyncMode(boolean sync) {
        this.syncMode = sync;
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    public void setMaxDelayMicros(long micros) {
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /** Number of WAL flushes so far: each writes RocksDB's WAL buffer to the file, with an fsync or not. */
    public long flushCount() {
        return syncs.get();
    }

    /** Number of WAL flushes that fsynced the file: every flush in sync mode, about one a second in relaxed mode. */
    public long fsyncCount() {
        return fsyncs.get();
    }

    /**
     * Runs {@code hook} on the sync thread before each WAL flush, with the sequence number the flush
     * will cover. While the hook blocks, no waiter is released: tests use it to hold a flush and see
     * that nothing is acknowledged before it; tracing can use it to log rounds.
     */
    public void beforeEachFlush(LongConsumer hook) {
        this.beforeFlush = hook == null ? NO_HOOK : hook;
    }

    /** Total time spent in WAL flushes (with their fsyncs), in nanoseconds. */
    public long syncNanosTotal() {
        return syncNanos.get();
    }

    /** Clients released by all fsyncs (an event loop's batch counts its clients); divided by the syncs, the mean group size. */
    public long releasedWaiters() {
        return syncedWaiters.get();
    }

    public long lastSyncNanos() {
        return lastSyncNanos;
    }

    private void run() {
        while (running) {
            try {
                if (!awaitWork()) {
                    continue;
                }
                syncOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RocksDBException | RuntimeException e) {
                // Waiters stay queued: nothing is acknowledged that is not durable. A failing WAL
                // sync is a disk fault the operator must see; retry after a pause rather than let
                // this thread die and hold every client forever.
                LOG.error("WAL sync failed; writes are held until it succeeds", e);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private boolean awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (running && waiters.isEmpty()) {
                long now = System.nanoTime();
                if (!syncMode && now - lastFsyncAt >= RELAXED_SYNC_INTERVAL_NANOS) {
                    if (db.getLatestSequenceNumber() > fsyncedSeq) {
                        return claimFlush();
                    }
                    lastFsyncAt = now;
                }
                // Writes nobody waits for (the sweeper's deletes) reach the WAL file, and so the
                // replicas, within a second too.
                if (syncMode && db.getLatestSequenceNumber() > durableSeq && now - lastFsyncAt >= IDLE_SYNC_NANOS) {
                    return claimFlush();
                }
                work.awaitNanos(syncMode ? IDLE_SYNC_NANOS : RELAXED_SYNC_INTERVAL_NANOS);
            }
            if (!running) {
                return !waiters.isEmpty() && claimFlush();
            }
            long deadline = System.nanoTime() + maxDelayNanos;
            long remaining;
            while (queuedWriters < activeWriters && (remaining = deadline - System.nanoTime()) > 0) {
                work.awaitNanos(remaining);
            }
            return claimFlush();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: waits for a lone writer's flush to end, then marks this thread's as under way. */
    private boolean claimFlush() {
        while (flushing) {
            flushDone.awaitUninterruptibly();
        }
        flushing = true;
        return true;
    }

    private void syncOnce() throws RocksDBException {
        boolean done = false;
        try {
            flushAndRelease();
            done = true;
        } finally {
            if (!done) {
                lock.lock();
                try {
                    flushing = false;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void flushAndRelease() throws RocksDBException {
        long target = db.getLatestSequenceNumber();
        beforeFlush.accept(target);
        long start = System.nanoTime();
        boolean fsync = syncMode || !running || start - lastFsyncAt >= RELAXED_SYNC_INTERVAL_NANOS;
        flushCounted(fsync);
        if (fsync) {
            lastFsyncAt = start;
            fsyncedSeq = target;
        }
        // Before anyone can see the new durable point: keyspace events of the synced writes go out
        // first, so a reply released after this (at once or by a waiter) follows its events.
        beforeRelease.accept(target);
        advanceDurable(target);
        List<Waiter> ready = new ArrayList<>();
        int released = 0;
        lock.lock();
        try {
            while (!waiters.isEmpty() && waiters.peek().seq <= target) {
                Waiter w = waiters.poll();
                ready.add(w);
                released += w.writers;
            }
            queuedWriters -= released;
            activeWriters = released + queuedWriters;
            loneRounds = released <= 1 && queuedWriters == 0 ? Math.min(loneRounds + 1, LONE_ROUNDS) : 0;
            // Over before the releases: a released writer's next write is not taken for an overlap.
            flushing = false;
        } finally {
            lock.unlock();
        }
        syncedWaiters.addAndGet(released);
        for (Waiter w : ready) {
            try {
                w.action.run();
            } catch (RuntimeException e) {
                LOG.warn("durability callback failed", e);
            }
        }
    }

    /** {@code FlushWAL}, with an fsync or not, counted and timed for INFO. */
    private void flushCounted(boolean fsync) throws RocksDBException {
        long start = System.nanoTime();
        db.flushWal(fsync);
        long took = System.nanoTime() - start;
        if (fsync) {
            fsyncs.incrementAndGet();
        }
        syncs.incrementAndGet();
        syncNanos.addAndGet(took);
        lastSyncNanos = took;
    }

    /** Syncs whatever is pending, releases all waiters and stops the thread. */
    @Override
    public void close() {
        running = false;
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(5000);
            syncOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RocksDBException e) {
            LOG.error("final WAL sync failed", e);
        }
    }
}
