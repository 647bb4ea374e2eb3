package io.rockhub.resp.pubsub;

import io.rockhub.core.config.ClientBufferLimits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's subscriptions and its queue of messages on the way to it. Publishers (any
 * thread) queue frames; one task on the connection's event loop drains them all and flushes once,
 * so a burst of messages costs one wake-up and one syscall. The subscription sets change only
 * under {@link PubSub}'s lock; their sizes are published for CLIENT LIST.
 */
public final class Subscriber {
    private final long clientId;
    private final PushSink sink;
    final Set<ByteBuffer> channels = new LinkedHashSet<>();
    final Set<ByteBuffer> patterns = new LinkedHashSet<>();
    final Set<ByteBuffer> shardChannels = new LinkedHashSet<>();
    private volatile int channelCount;
    private volatile int patternCount;
    private volatile int shardCount;

    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile long softSinceMillis = -1;
    private volatile boolean closing;

    public Subscriber(long clientId, PushSink sink) {
        this.clientId = clientId;
        this.sink = sink;
    }

    public long clientId() {
        return clientId;
    }

    /** Channel plus pattern subscriptions: the count SUBSCRIBE and PSUBSCRIBE confirm (RESP2 leaves subscribed mode at 0). */
    public int subscriptionCount() {
        return channelCount + patternCount;
    }

    public int channelCount() {
        return channelCount;
    }

    public int patternCount() {
        return patternCount;
    }

    public int shardCount() {
        return shardCount;
    }

    /** Whether any subscription of any kind is held (CLIENT LIST's P flag, RESP2's subscribed mode). */
    /** The channels, patterns and shard channels subscribed to (read on the subscriber's event loop). */
    public java.util.List<byte[]> subscriptions(boolean patterns, boolean shard) {
        Set<ByteBuffer> from = patterns ? this.patterns : shard ? shardChannels : channels;
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (ByteBuffer b : from) {
            out.add(b.array());
        }
        return out;
    }

    public boolean subscribed() {
        return channelCount + patternCount + shardCount > 0;
    }

    private static final ByteBuffer INVALIDATE = ByteBuffer.wrap("__redis__:invalidate".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII));
    private static final ClientBufferLimits.Limit NO_LIMIT = new ClientBufferLimits.Limit(0, 0, 0);
    private volatile boolean invalidations;

    /** Subscribed to __redis__:invalidate, where RESP2 clients get redirected tracking invalidations. */
    public boolean subscribedToInvalidations() {
        return invalidations;
    }

    /** Queues a push for the client outside Pub/Sub's limits (tracking invalidations: "normal" class). */
    public void push(byte[] frame) {
        deliver(frame, NO_LIMIT, 0, null);
    }

    void recount() {
        invalidations = channels.contains(INVALIDATE);
        channelCount = channels.size();
        patternCount = patterns.size();
        shardCount = shardChannels.size();
    }

    int protocol() {
        return sink.protocol();
    }

    /**
     * Queues a frame for the connection (any thread; the caller holds the publish lock, so every
     * subscriber sees one order). A subscriber past its output limits is disconnected instead.
     */
    void deliver(byte[] frame, ClientBufferLimits.Limit limit, long nowMillis, Subscriber publisher) {
        if (enqueue(frame, limit, nowMillis, publisher)) {
            scheduleDrain();
        }
    }

    /**
     * As {@link #deliver} without handing the frame to the connection yet: true if a
     * {@link #scheduleDrain} must follow. A PUBLISH that reaches one subscriber through its channel
     * and its patterns queues every frame first, so they leave in one write, before the
     * publisher's reply, whichever event loops the two connections are on.
     */
    boolean enqueue(byte[] frame, ClientBufferLimits.Limit limit, long nowMillis, Subscriber publisher) {
        if (closing) {
            return false;
        }
        if (publisher == this && sink.dispatchingHere()) {
            drainInline();
            sink.pushInline(frame);
            return false;
        }
        long queued = queuedBytes.addAndGet(frame.length);
        String over = overLimit(queued + sink.pendingBytes(), limit, nowMillis);
        if (over != null) {
            closing = true;
            queue.clear();
            queuedBytes.set(0);
            sink.closeForOutputLimit(over);
            return false;
        }
        queue.add(frame);
        return true;
    }

    void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                sink.executor().execute(drain);
            } catch (java.util.concurrent.RejectedExecutionException gone) {
                // The connection's event loop shut down with the server.
            }
        }
    }

    private String overLimit(long used, ClientBufferLimits.Limit limit, long now) {
        if (limit.hardBytes() > 0 && used >= limit.hardBytes()) {
            return "hard limit " + limit.hardBytes() + " bytes reached (" + used + " bytes pending)";
        }
        if (limit.softBytes() > 0 && used >= limit.softBytes()) {
            long since = softSinceMillis;
            if (since < 0) {
                softSinceMillis = now;
            } else if (now - since >= limit.softSeconds() * 1000) {
                return "soft limit " + limit.softBytes() + " bytes exceeded for " + (now - since) / 1000 + " s";
            }
        } else {
            softSinceMillis = -1;
        }
        return null;
    }

    /** On the event loop: hands everything queued to the connection in one write. */
    private void drain() {
        drainScheduled.set(false);
        List<byte[]> frames = take();
        if (!frames.isEmpty()) {
            sink.push(frames);
        }
    }

    /** On the event loop, while the connection builds a reply: appends everything queued to it. */
    public void drainInline() {
        for (byte[] f : take()) {
            sink.pushInline(f);
        }
    }

    private List<byte[]> take() {
        List<byte[]> frames = new ArrayList<>();
        long bytes = 0;
        byte[] f;
        while ((f = queue.poll()) != null) {
            frames.add(f);
            bytes += f.length;
        }
        queuedBytes.addAndGet(-bytes);
        return frames;
    }

    /** Bytes queued here and not yet handed to the connection. */
    public long queuedBytes() {
        return queuedBytes.get();
    }
}
