package io.rockhub.resp.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.rockhub.core.storage.GroupCommitter;
import java.util.ArrayList;
import java.util.List;

/**
 * Releases the replies of every connection of one event loop that wait for the WAL, with one
 * durability request per pass of the loop, as Redis writes its AOF buffer once per pass of its
 * loop (before it writes replies), not once per client.
 *
 * <p>A connection that has replies waiting joins the loop's current batch; the first to join
 * schedules a task, which Netty runs after the reads that are ready now. That task asks for the
 * highest sequence of the batch: in relaxed mode one {@code write} of RocksDB's WAL buffer on
 * this thread, in sync mode one waiter on the group commit, which hands the batch back to this
 * loop once it is durable. Per connection that was a system call (relaxed) or a wake-up of the
 * loop from the sync thread (sync) for every read.
 */
final class DurableRelease {
    private static final FastThreadLocal<DurableRelease> PER_LOOP = new FastThreadLocal<>();

    private final EventLoop loop;
    private final GroupCommitter committer;
    /** In cluster mode, what the replies also wait for once durable: the primary's synchronous replicas. */
    private final io.rockhub.resp.cluster.SyncReplicas sync;
    private List<RequestHandler> batch = new ArrayList<>();
    private long batchSeq;

    private DurableRelease(EventLoop loop, GroupCommitter committer, io.rockhub.resp.cluster.SyncReplicas sync) {
        this.loop = loop;
        this.committer = committer;
        this.sync = sync;
    }

    /** On {@code loop}'s thread: the release batch of that loop. */
    static DurableRelease of(EventLoop loop, GroupCommitter committer, io.rockhub.resp.cluster.SyncReplicas sync) {
        DurableRelease r = PER_LOOP.get();
        if (r == null || r.committer != committer || r.sync != sync) {
            r = new DurableRelease(loop, committer, sync);
            PER_LOOP.set(r);
        }
        return r;
    }

    /** {@code handler} is told through {@link RequestHandler#released()} once {@code seq} is durable. */
    void add(RequestHandler handler, long seq) {
        if (batch.isEmpty()) {
            loop.execute(this::request);
        }
        batch.add(handler);
        batchSeq = Math.max(batchSeq, seq);
    }

    private void request() {
        List<RequestHandler> handlers = batch;
        long seq = batchSeq;
        batch = new ArrayList<>();
        batchSeq = 0;
        if (committer.writeThrough(seq) || committer.syncThrough(seq, handlers.size())
                || !committer.whenDurable(seq, handlers.size(), () -> replicatedThenRelease(seq, handlers))) {
            replicatedThenRelease(seq, handlers);
        }
    }

    /** Durable here: released once the synchronous replicas have it too (at once outside cluster mode). */
    private void replicatedThenRelease(long seq, List<RequestHandler> handlers) {
        if (sync.ackedSequence() >= seq) {
            if (loop.inEventLoop()) {
                release(handlers);
            } else {
                releaseOnLoop(handlers);
            }
            return;
        }
        sync.whenAcked(seq, () -> releaseOnLoop(handlers), () -> onLoop(() -> handlers.forEach(RequestHandler::abandon)));
    }

    private void onLoop(Runnable r) {
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The server is stopping and these connections with it.
        }
    }

    private void releaseOnLoop(List<RequestHandler> handlers) {
        try {
            loop.execute(() -> release(handlers));
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The server is stopping and these connections with it; the final sync still happened.
        }
    }

    private static void release(List<RequestHandler> handlers) {
        for (RequestHandler h : handlers) {
            h.released();
        }
    }
}
