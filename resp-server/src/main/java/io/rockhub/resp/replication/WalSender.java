package io.rockhub.resp.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.rockhub.core.replication.WalBatch;
import io.rockhub.core.storage.StorageException;
import io.rockhub.core.storage.WalCursor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the WAL to one replica from the sequence it asked for: each batch as
 * {@code *4 $5 BATCH :seq :count $n <bytes>}, and when idle a heartbeat {@code *2 $4 PING :latest}. Runs on
 * its own thread (one per replica) and never writes faster than the connection drains.
 */
final class WalSender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(WalSender.class);
    private static final int MAX_UNFLUSHED = 64;
    /** Messages held for a replica that is behind; past this the newest are dropped (Pub/Sub is at most once). */
    static final long MAX_QUEUED_MESSAGE_BYTES = 64L << 20;

    /** A message published on this primary, to be sent once the WAL up to {@code afterSeq} has been. */
    record Published(long afterSeq, boolean shard, byte[] channel, byte[] message) {
        long size() {
            return channel.length + message.length + 64L;
        }
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Published> published =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong publishedBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    private final Replication replication;
    private final ReplicaPeer peer;
    private final Channel channel;
    private final WalCursor cursor;
    private volatile boolean running = true;
    private Thread thread;

    WalSender(Replication replication, ReplicaPeer peer, Channel channel, WalCursor cursor) {
        this.replication = replication;
        this.peer = peer;
        this.channel = channel;
        this.cursor = cursor;
    }

    void start(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a published message for this replica (any thread, in publish order). */
    void forward(Published p) {
        if (publishedBytes.addAndGet(p.size()) > MAX_QUEUED_MESSAGE_BYTES) {
            publishedBytes.addAndGet(-p.size());
            if (dropped.getAndIncrement() % 10_000 == 0) {
                LOG.warn("replica {}: {} MB of published messages wait for it; dropping messages (at most once, as Pub/Sub)",
                        peer.address(), MAX_QUEUED_MESSAGE_BYTES >> 20);
            }
            return;
        }
        published.add(p);
    }

    /** Sends the queued messages whose writes have all been sent; true if it sent any. */
    private boolean sendPublished() {
        long sentThrough = cursor.next() - 1;
        boolean sent = false;
        Published p;
        while ((p = published.peek()) != null && p.afterSeq() <= sentThrough) {
            published.poll();
            publishedBytes.addAndGet(-p.size());
            channel.write(publishFrame(p));
            sent = true;
        }
        return sent;
    }

    /** Asks the thread to stop, without waiting (from an event loop, when the replica disconnects). */
    void requestStop() {
        running = false;
    }

    /** Stops streaming and waits for the thread, so storage can close safely after. */
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        long lastWrite = System.nanoTime();
        int unflushed = 0;
        try {
            while (running && channel.isActive()) {
                if (!channel.isWritable()) {
                    channel.flush();
                    unflushed = 0;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                if (sendPublished()) {
                    lastWrite = System.nanoTime();
                    unflushed++;
                }
                WalBatch batch = cursor.poll();
                if (batch != null) {
                    channel.write(batchFrame(batch));
                    lastWrite = System.nanoTime();
                    if (++unflushed >= MAX_UNFLUSHED) {
                        channel.flush();
                        unflushed = 0;
                    }
                    continue;
                }
                if (unflushed > 0) {
                    channel.flush();
                    unflushed = 0;
                }
                long timeoutMillis = replication.timeoutSeconds() * 1000;
                if (replication.hub().clock().millis() - peer.ackedAtMillis() > timeoutMillis) {
                    LOG.warn("replica {}: no acknowledgement for {} s; dropping the link", peer.address(),
                            timeoutMillis / 1000);
                    channel.close();
                    break;
                }
                if (System.nanoTime() - lastWrite > TimeUnit.SECONDS.toNanos(replication.pingPeriodSeconds())) {
                    channel.writeAndFlush(pingFrame(cursor.next() - 1));
                    lastWrite = System.nanoTime();
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
        } catch (StorageException e) {
            LOG.warn("replica {}: WAL streaming stopped ({}); it will reconnect and resynchronise", peer.address(),
                    e.getMessage());
            channel.close();
        } catch (RuntimeException e) {
            LOG.warn("replica {}: WAL streaming failed", peer.address(), e);
            channel.close();
        } finally {
            cursor.close();
            replication.senderEnded(this, peer);
        }
    }

    private ByteBuf batchFrame(WalBatch b) {
        byte[] seq = (b.sequence() + "\r\n:" + b.count()).getBytes(StandardCharsets.US_ASCII);
        byte[] len = Integer.toString(b.data().length).getBytes(StandardCharsets.US_ASCII);
        ByteBuf out = channel.alloc().buffer(32 + seq.length + len.length + b.data().length);
        out.writeBytes("*4\r\n$5\r\nBATCH\r\n:".getBytes(StandardCharsets.US_ASCII)).writeBytes(seq)
                .writeBytes("\r\n$".getBytes(StandardCharsets.US_ASCII)).writeBytes(len)
                .writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII)).writeBytes(b.data())
                .writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    private ByteBuf publishFrame(Published p) {
        ByteBuf out = channel.alloc().buffer(48 + p.channel().length + p.message().length);
        out.writeBytes((p.shard() ? "*3\r\n$8\r\nSPUBLISH\r\n$" : "*3\r\n$7\r\nPUBLISH\r\n$")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Integer.toString(p.channel().length).getBytes(StandardCharsets.US_ASCII)).writeBytes(CRLF)
                .writeBytes(p.channel()).writeBytes(CRLF).writeByte('$')
                .writeBytes(Integer.toString(p.message().length).getBytes(StandardCharsets.US_ASCII)).writeBytes(CRLF)
                .writeBytes(p.message()).writeBytes(CRLF);
        return out;
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private ByteBuf pingFrame(long latest) {
        byte[] text = ("*2\r\n$4\r\nPING\r\n:" + latest + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return channel.alloc().buffer(text.length).writeBytes(text);
    }
}
