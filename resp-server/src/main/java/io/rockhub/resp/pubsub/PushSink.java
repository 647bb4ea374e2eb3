package io.rockhub.resp.pubsub;

import io.netty.util.concurrent.EventExecutor;

/**
 * Where a connection's out-of-band messages go: its event loop, and a way to write frames behind
 * any reply it has already produced (so a SUBSCRIBE's confirmation always precedes the messages).
 */
public interface PushSink {
    /** The connection's event loop; {@link #push} and {@link #pushInline} run only there. */
    EventExecutor executor();

    /** Writes the frames after every reply produced so far, and flushes them when nothing waits for an fsync. */
    void push(java.util.List<byte[]> frames);

    /**
     * Whether the connection is running a command on this thread right now, so a frame can join
     * that command's reply (a client publishing to itself gets the message before PUBLISH's reply).
     */
    boolean dispatchingHere();

    /** Appends a frame to the reply being produced; only while {@link #dispatchingHere()}. */
    void pushInline(byte[] frame);

    /** Bytes produced for the client that the socket has not taken yet (queued replies and Netty's buffer). */
    long pendingBytes();

    /** Closes the connection because its output passed a limit; callable from any thread. */
    void closeForOutputLimit(String why);

    /** 2 or 3: how the frames are marked. */
    int protocol();
}
