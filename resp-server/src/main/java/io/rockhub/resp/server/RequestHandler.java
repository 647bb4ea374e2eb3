package io.rockhub.resp.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.rockhub.core.storage.GroupCommitter;
import io.rockhub.resp.command.Blocking;
import java.util.List;
import io.rockhub.resp.protocol.Errors;
import io.rockhub.resp.protocol.ProtocolError;
import io.rockhub.resp.protocol.RespRequest;
import io.rockhub.resp.protocol.RespWriter;
import java.util.ArrayDeque;

/**
 * Runs a connection's commands in order and releases their replies only once durable.
 *
 * <p>Replies of one read burst accumulate in a segment tagged with the newest sequence number any
 * of its commands could have seen (a read may observe another client's unsynced write, so reads
 * are tagged too). At the end of the burst the segment is flushed if the WAL is already synced that
 * far, else queued until {@link GroupCommitter} reports it durable. Segments leave in order, so
 * pipelined replies keep request order, and the event loop never waits on an fsync.
 *
 * <p>A blocking command that cannot be served parks the connection: it stops reading, keeps any
 * requests already decoded, and waits in {@link BlockingRegistry} until a change of one of its keys
 * wakes it (it then tries again here, on its own event loop) or its timeout fires.
 */
public final class RequestHandler extends ChannelInboundHandlerAdapter
        implements BlockingRegistry.Waiter, io.rockhub.resp.pubsub.PushSink {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RequestHandler.class);
    /** Replies to send once the WAL is durable up to {@code seq}; a script's is a placeholder until it ends. */
    private static final class Segment {
        ByteBuf replies;
        long seq;
        boolean pending;

        Segment(ByteBuf replies, long seq) {
            this.replies = replies;
            this.seq = seq;
        }
    }

    /** Replies gathered before they are sealed into a segment of their own. */
    private static final int SEGMENT_BYTES = 256 * 1024;

    private final Hub hub;
    private final Dispatcher dispatcher;
    private final ClientSession session;
    private final ArrayDeque<Segment> waiting = new ArrayDeque<>();
    /** Bytes in {@link #waiting}, for the output-buffer limits (read by publishers on other threads). */
    private volatile long waitingBytes;
    /** Set on the event loop while a command runs, so a message the client publishes to itself joins the reply. */
    private boolean dispatching;
    private RespWriter writer;
    private Burst burst;
    private ByteBuf current;
    private long currentSeq;
    private boolean registered;
    private ChannelHandlerContext ctx;
    private Blocking blocked;
    private io.netty.util.concurrent.ScheduledFuture<?> blockTimeout;
    private final ArrayDeque<Object> deferred = new ArrayDeque<>();
    /** Taking requests from {@link #deferred}, first first: they are in order by construction. */
    private boolean draining;
    /** Replies beyond the write buffer's high mark: requests wait in {@link #deferred} until it drains. */
    private boolean heldForOutput;
    /** Waiting out a CLIENT PAUSE: the request that met it is first in {@link #deferred}. */
    private boolean paused;
    /**
     * Scripts of this client queued or running on the script thread. Further scripts join the queue
     * (the thread runs them in order); any other request waits until they are done.
     */
    private int offloaded;
    /** Of those, reads on the read pool: nothing may run for this client until they are done. */
    private int offloadedReads;
    /** Of {@link #offloaded}, a migration's batches on the import thread. */
    private int offloadedImports;
    private final Runnable unpause = () -> {
        try {
            ctx.executor().execute(this::resumeAfterPause);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The event loop is gone with the server.
        }
    };

    public RequestHandler(Hub hub, Dispatcher dispatcher, ClientSession session) {
        this.hub = hub;
        this.dispatcher = dispatcher;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.writer = new RespWriter(null);
        this.writer.onError(hub.stats()::error);
        session.pushSink(this);
        session.canOffload(ctx.executor(), () -> offloaded == 0);
        this.burst = new Burst(hub.loopBatch(ctx.executor()), session.id());
        session.burst(burst);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        hub.stats().connectionsReceived.increment();
        if (hub.clients().size() >= hub.config().getInt("maxclients")) {
            hub.stats().rejectedConnections.increment();
            ByteBuf b = ctx.alloc().buffer();
            new RespWriter(b).error("ERR max number of clients reached");
            ctx.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (ProtectedMode.refuses(hub, ctx.channel().remoteAddress())) {
            hub.stats().rejectedConnections.increment();
            session.requestClose(); // what the client sends is read and dropped
            // Half-close after the explanation and close a moment later: closing with the client's
            // command unread would reset the connection and could lose the explanation on the way.
            ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(ProtectedMode.DENIED)).addListener(f -> {
                if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel d) {
                    d.shutdownOutput();
                }
                ctx.executor().schedule(() -> ctx.close(), 1, java.util.concurrent.TimeUnit.SECONDS);
            });
            return;
        }
        hub.clients().add(session);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        try {
            burst.commit(); // what it executed stays executed, as in Redis, answered or not
        } catch (RuntimeException e) {
            LOG.error("connection id={}: its last writes could not be committed", session.id(), e);
        }
        if (blocked != null) {
            unblock();
        }
        hub.clients().remove(session);
        hub.watches().unwatchAll(session);
        if (session.subscriberIfAny() != null) {
            hub.pubsub().unsubscribeAll(session.subscriberIfAny());
            hub.monitors().remove(session.subscriberIfAny());
        }
        hub.tracking().disable(session.id(), session.tracking());
        hub.replication().disconnected(session.id());
        if (current != null) {
            current.release();
            current = null;
        }
        for (Segment s : waiting) {
            if (s.replies != null) {
                s.replies.release();
            }
        }
        waiting.clear();
        waitingBytes = 0;
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.closeRequested()) {
            return;
        }
        // A request never passes one that waits: a script that could join the script thread must
        // still wait behind a read or a write that came before it.
        boolean behindWaiting = !draining && !deferred.isEmpty();
        if (behindWaiting || blocked != null || paused || heldForOutput || (offloaded > 0 && !joinsOffloaded(msg))) {
            deferred.addLast(msg);
            // Waiting only for the client to read: keep reading, so a client that writes its whole
            // pipeline before it reads any reply can finish writing. Its requests wait here, small,
            // instead of their replies.
            if (blocked != null || paused || offloaded > 0) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        ensureSegment();
        if (msg instanceof RespRequest req) {
            long pausedUntil = dispatcher.pausedUntil(session, req.args());
            if (pausedUntil > 0) {
                waitOutPause(msg, pausedUntil);
                return;
            }
            io.rockhub.resp.pubsub.Subscriber subscriber = session.subscriberIfAny();
            if (subscriber != null) {
                // Messages published before this command was read go out before its reply, as in Redis.
                subscriber.drainInline();
            }
            int mark = current.writerIndex();
            dispatching = true;
            try {
                dispatcher.dispatch(session, req.args(), writer);
            } finally {
                dispatching = false;
            }
            boolean replyOff = session.finishCommandReply();
            if (replyOff) {
                current.writerIndex(mark);
            }
            // A reply waits until what it could show is durable: for a read of fixed keys their last
            // commits, else everything committed so far.
            long waitFor = session.takeReplySequence();
            currentSeq = Math.max(currentSeq, waitFor >= 0 ? waitFor : hub.storage().latestSequence());
            Blocking b = session.takeBlocking();
            if (b != null) {
                block(b);
            }
            java.util.function.Consumer<RespWriter> work = session.takeOffload();
            if (work != null) {
                offload(work, replyOff, session.takeOffloadedRead(), session.takeOffloadExecutor());
            }
            if (current != null && current.readableBytes() >= SEGMENT_BYTES) {
                // Large replies: a buffer grown past 4 MB grows 4 MB at a time, copying all it holds,
                // so a burst's replies go out in pieces instead (each in order, each when durable).
                sealSegment();
            }
            if (!ctx.channel().isWritable()) {
                heldForOutput = true; // until the client reads (channelWritabilityChanged)
            }
        } else if (msg instanceof ProtocolError err) {
            hub.stats().protocolErrors.increment();
            writer.error(Errors.protocol(err.message()));
            session.requestClose();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        submitBatch();
        // Other connections read in this pass may add to the loop's open batch: it commits once, after
        // them, and these replies are sealed then.
        if (!burst.sealAfterCommit(sealAfterCommit)) {
            sealSegment();
        }
        ctx.fireChannelReadComplete();
    }

    private final Runnable sealAfterCommit = this::sealSegment;

    private void sealSegment() {
        burst.commitIfMember();
        if (burst.takeCommitted()) {
            currentSeq = Math.max(currentSeq, hub.storage().latestSequence()); // its replies wait for it
        }
        if (current == null) {
            return;
        }
        Segment s = new Segment(current, currentSeq);
        current = null;
        GroupCommitter committer = hub.storage().committer();
        if (waiting.isEmpty() && s.seq <= releasable(committer)) {
            send(s.replies, true);
            return;
        }
        enqueue(s);
        awaitDurable();
    }

    private void enqueue(Segment s) {
        waiting.add(s);
        waitingBytes += s.replies == null ? 0 : s.replies.readableBytes();
    }

    private Segment dequeue() {
        Segment s = waiting.pollFirst();
        waitingBytes -= s.replies.readableBytes();
        return s;
    }

    private void awaitDurable() {
        if (registered || waiting.isEmpty() || waiting.peekFirst().pending) {
            return; // a script's reply comes first: its completion releases what follows
        }
        long seq = 0;
        for (Segment s : waiting) {
            if (s.pending) {
                break;
            }
            seq = Math.max(seq, s.seq);
        }
        GroupCommitter committer = hub.storage().committer();
        if (seq <= releasable(committer)) {
            released();
            return;
        }
        registered = true;
        DurableRelease.of(ctx.channel().eventLoop(), committer, hub.syncReplicas()).add(this, seq);
    }

    /** Replies up to this sequence may go: durable here and, in cluster mode, on the synchronous replicas. */
    private long releasable(GroupCommitter committer) {
        return Math.min(committer.durableSequence(), hub.syncReplicas().ackedSequence());
    }

    /**
     * Replies that waited for synchronous replicas when this node stopped being a primary: never
     * acknowledged (those writes may be lost), the connection is closed as after a failover.
     */
    void abandon() {
        registered = false;
        ctx.close();
    }

    /** On the event loop, after the WAL synced: send every segment now durable. */
    void released() {
        registered = false;
        GroupCommitter committer = hub.storage().committer();
        boolean sent = false;
        long upTo = releasable(committer);
        while (!waiting.isEmpty() && !waiting.peekFirst().pending && waiting.peekFirst().seq <= upTo) {
            send(dequeue().replies, false);
            sent = true;
        }
        if (sent) {
            ctx.flush();
            closeIfRequested();
        }
        awaitDurable();
    }

    private void send(ByteBuf replies, boolean flush) {
        if (!ctx.channel().isActive()) {
            replies.release();
            return;
        }
        hub.stats().netOutputBytes.add(replies.readableBytes());
        if (replies.isReadable()) {
            ctx.write(replies, ctx.voidPromise());
        } else {
            replies.release();
        }
        if (flush) {
            ctx.flush();
            closeIfRequested();
        }
    }

    private void closeIfRequested() {
        if (session.closeRequested() && waiting.isEmpty()) {
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void block(Blocking b) {
        blocked = b;
        ctx.channel().config().setAutoRead(false);
        hub.blocked().add(this, b.keys());
        if (b.timeoutMillis() > 0) {
            blockTimeout = ctx.executor().schedule(this::timedOut, b.timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        // An item pushed between the failed attempt and the registration woke nobody: look again.
        ctx.executor().execute(this::retryBlocked);
    }

    /** Parks the connection until the pause ends (its deadline, or UNPAUSE); the request waits first in line. */
    private void waitOutPause(Object msg, long until) {
        paused = true;
        deferred.addFirst(msg);
        ctx.channel().config().setAutoRead(false);
        hub.clientPause().onUnpause(unpause);
        ctx.executor().schedule(this::resumeAfterPause, Math.max(1, until - hub.clock().millis()),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void resumeAfterPause() {
        if (!paused) {
            return;
        }
        paused = false;
        hub.clientPause().forget(unpause);
        drainDeferred();
    }

    /** Called by any thread when a key this client waits on changed. */
    @Override
    public void wake() {
        try {
            ctx.executor().execute(this::retryBlocked);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The event loop is gone with the server; nothing left to serve.
        }
    }

    @Override
    public void namespacesSwapped(int a, int b) {
        try {
            ctx.executor().execute(() -> {
                if (blocked == null) {
                    return;
                }
                List<byte[]> keys = blocked.keys();
                int ns = keys.isEmpty() ? -1 : io.rockhub.core.encoding.StoredKey.namespace(keys.get(0));
                if (ns != a && ns != b) {
                    return;
                }
                // The keys are the very arrays the blocked command holds: moving them in place moves
                // its next attempt to the namespace its database now has.
                hub.blocked().remove(this, keys);
                DbKeys.move(keys, ns == a ? b : a);
                hub.blocked().add(this, keys);
                retryBlocked();
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The event loop is gone with the server.
        }
    }

    private void retryBlocked() {
        if (blocked == null || !ctx.channel().isActive()) {
            return;
        }
        ensureSegment();
        boolean served = hub.blocked().serving(this,
                () -> blocked.attempt().serve(new io.rockhub.resp.command.CommandContext(hub, session, true), writer));
        if (!served) {
            return;
        }
        currentSeq = hub.storage().latestSequence();
        List<byte[]> keys = blocked.keys();
        resume();
        // There may be more for the next client in line.
        for (byte[] k : keys) {
            hub.blocked().changed(k);
        }
    }

    private void timedOut() {
        if (blocked == null) {
            return;
        }
        ensureSegment();
        blocked.onTimeout().write(writer);
        resume();
    }

    private void unblock() {
        hub.blocked().remove(this, blocked.keys());
        if (blockTimeout != null) {
            blockTimeout.cancel(false);
            blockTimeout = null;
        }
        blocked = null;
    }

    /** Leaves the blocked state: run what was waiting behind the blocking command, then flush. */
    private void resume() {
        unblock();
        drainDeferred();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (heldForOutput && ctx.channel().isWritable()) {
            heldForOutput = false;
            drainDeferred();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void drainDeferred() {
        draining = true;
        try {
            while (blocked == null && !paused && !heldForOutput && !deferred.isEmpty()
                    && (offloaded == 0 || joinsOffloaded(deferred.peekFirst()))) {
                channelRead(ctx, deferred.pollFirst());
            }
        } finally {
            draining = false;
        }
        submitBatch();
        sealSegment();
        if (blocked == null && !paused && (deferred.isEmpty() || heldForOutput)) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Whether a request may go to the script thread behind this client's scripts already there: a
     * script command (they run in order there), unless a script is busy (Redis reads nothing more
     * from a client whose script runs long) or a read of this client is still on the read pool
     * (the script could write what that read is about to read).
     */
    private boolean joinsOffloaded(Object msg) {
        if (offloadedReads > 0 || !(msg instanceof RespRequest req) || req.args().isEmpty()
                || session.transaction().inMulti()) {
            return false;
        }
        String name = new String(req.args().get(0), java.nio.charset.StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        if (offloadedImports > 0) {
            // A migration's next batch queues behind the ones being written (one thread writes them in
            // order): the loop decodes it meanwhile, as it did when it wrote them itself.
            return offloadedImports == offloaded && name.equals("clusterx") && req.args().size() == 4
                    && isImportBatch(req.args().get(1), req.args().get(2));
        }
        return !hub.scripts().busy() && io.rockhub.resp.scripting.Scripts.runsScript(name);
    }

    private static boolean isImportBatch(byte[] sub, byte[] step) {
        String s = new String(step, java.nio.charset.StandardCharsets.US_ASCII);
        return new String(sub, java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("import")
                && (s.equalsIgnoreCase("load") || s.equalsIgnoreCase("apply"));
    }

    /**
     * Runs a script on the script thread, so that this event loop keeps serving other clients (and
     * can tell them the server is busy, and take SCRIPT KILL). Its reply takes its place among this
     * client's replies at once, filled in when the script is done.
     */
    private void offload(java.util.function.Consumer<RespWriter> work, boolean replyOff, boolean read,
                         java.util.concurrent.Executor executor) {
        offloaded++;
        if (read) {
            offloadedReads++;
        }
        if (executor != null) {
            offloadedImports++;
        }
        sealSegment();
        Segment slot = new Segment(null, Long.MAX_VALUE);
        slot.pending = true;
        waiting.add(slot);
        batch.add(new Offload(slot, work, replyOff, session.protocol(), read, executor));
    }

    /**
     * A script, a read or other work (an import: {@code executor}) waiting to be handed over, and the
     * place its reply will take.
     */
    private record Offload(Segment slot, java.util.function.Consumer<RespWriter> work, boolean replyOff, int protocol,
                           boolean read, java.util.concurrent.Executor executor) {
    }

    /** Scripts (and a read) met in this burst: scripts go to the script thread together (one wake-up each way). */
    private java.util.List<Offload> batch = new java.util.ArrayList<>();

    private void submitBatch() {
        if (batch.isEmpty()) {
            return;
        }
        java.util.List<Offload> jobs = batch;
        batch = new java.util.ArrayList<>();
        java.util.List<Offload> scripts = new java.util.ArrayList<>(jobs.size());
        for (Offload job : jobs) {
            if (job.read()) {
                hub.reads().execute(() -> runOffloaded(java.util.List.of(job), "a read"));
            } else if (job.executor() != null) {
                try {
                    job.executor().execute(() -> runOffloaded(java.util.List.of(job), "an import"));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    runOffloaded(java.util.List.of(job), "an import"); // the node stops: here, then
                }
            } else {
                scripts.add(job);
            }
        }
        if (!scripts.isEmpty()) {
            hub.scripts().runOffLoop(() -> runOffloaded(scripts, "a script"));
        }
    }

    /** Off the event loop: runs the jobs in order, then hands their replies back to the loop. */
    private void runOffloaded(java.util.List<Offload> jobs, String what) {
        io.netty.buffer.ByteBufAllocator alloc = ctx.alloc();
        ByteBuf[] replies = new ByteBuf[jobs.size()];
        for (int i = 0; i < replies.length; i++) {
            Offload job = jobs.get(i);
            ByteBuf buf = alloc.buffer(256);
            RespWriter w = new RespWriter(buf);
            w.protocol(job.protocol());
            w.onError(hub.stats()::error);
            try {
                job.work().accept(w);
            } catch (RuntimeException e) {
                LOG.error("bug: {} failed", what, e);
                buf.clear();
                w.error("ERR internal error in " + what + ", see the server log");
            }
            if (job.replyOff()) {
                buf.clear();
            }
            replies[i] = buf;
        }
        long seq = hub.storage().latestSequence();
        try {
            ctx.executor().execute(() -> offloadDone(jobs, replies, seq));
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            for (ByteBuf b : replies) {
                b.release();
            }
        }
    }

    private void offloadDone(java.util.List<Offload> jobs, ByteBuf[] replies, long seq) {
        offloaded -= jobs.size();
        for (Offload job : jobs) {
            if (job.read()) {
                offloadedReads--;
            }
            if (job.executor() != null) {
                offloadedImports--;
            }
        }
        boolean active = ctx.channel().isActive();
        for (int i = 0; i < replies.length; i++) {
            Segment slot = jobs.get(i).slot();
            slot.seq = seq;
            slot.pending = false;
            if (active) {
                slot.replies = replies[i];
                waitingBytes += replies[i].readableBytes();
            } else {
                replies[i].release(); // the connection is gone, and its queue with it
            }
        }
        if (!active) {
            return;
        }
        released();
        if (offloaded == 0) {
            drainDeferred();
        }
    }

    private void ensureSegment() {
        if (current == null) {
            current = ctx.alloc().ioBuffer(256);
            currentSeq = 0;
        }
        writer.target(current);
        writer.protocol(session.protocol());
    }

    @Override
    public io.netty.util.concurrent.EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public void push(List<byte[]> frames) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (current != null) {
            for (byte[] f : frames) {
                current.writeBytes(f);
            }
            return;
        }
        int size = 0;
        for (byte[] f : frames) {
            size += f.length;
        }
        ByteBuf b = ctx.alloc().ioBuffer(size);
        for (byte[] f : frames) {
            b.writeBytes(f);
        }
        if (waiting.isEmpty()) {
            hub.stats().netOutputBytes.add(size);
            ctx.writeAndFlush(b, ctx.voidPromise());
        } else {
            // Behind replies still waiting for their fsync (a SUBSCRIBE's confirmation may be one of them).
            enqueue(new Segment(b, 0)); // its place in the queue is what orders it
        }
    }

    @Override
    public boolean dispatchingHere() {
        return dispatching && ctx.executor().inEventLoop();
    }

    @Override
    public void pushInline(byte[] frame) {
        current.writeBytes(frame);
    }

    @Override
    public long pendingBytes() {
        io.netty.channel.ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        return waitingBytes + (outbound == null ? 0 : outbound.totalPendingWriteBytes());
    }

    @Override
    public void closeForOutputLimit(String why) {
        LOG.warn("Client id={} addr={} closed for overcoming of output buffer limits: {}", session.id(),
                session.address(), why);
        ctx.channel().close();
    }

    @Override
    public int protocol() {
        return session.protocol();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: the client is gone; nothing to reply to. Anything else is
        // ours (out of direct memory, a bug in a handler) and must not vanish without a trace.
        if (cause instanceof java.io.IOException) {
            LOG.debug("connection id={} closed: {}", session.id(), cause.toString());
        } else if (cause.getCause() instanceof javax.net.ssl.SSLException tls) {
            // A client that cannot complete the handshake (no certificate, an unknown CA, no common
            // protocol): one line, as Redis logs "Error accepting a client connection".
            LOG.info("TLS with {} failed: {}", session.address(), tls.getMessage());
        } else {
            LOG.warn("closing connection id={} addr={} after an unexpected error", session.id(), session.address(), cause);
        }
        ctx.close();
    }
}
