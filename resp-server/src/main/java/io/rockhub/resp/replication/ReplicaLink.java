package io.rockhub.resp.replication;

import io.rockhub.core.replication.ReplicationState;
import io.rockhub.core.replication.WalBatch;
import io.rockhub.core.storage.StorageException;
import io.rockhub.resp.server.Hub;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's link to its primary, on its own thread: connect, authenticate, PSYNC from the last
 * applied sequence; then apply the streamed WAL batches unchanged, fsync, and acknowledge. When
 * the primary cannot continue from there, take a full copy ({@link FullSync}) and have the server
 * reopen on it. A dropped or silent link is re-established with back-off.
 */
public final class ReplicaLink implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLink.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    /** What INFO shows as master_link_status and master_sync_in_progress. */
    public enum Status { CONNECTING, SYNC, UP, DOWN }

    private final Replication replication;
    private final Hub hub;
    private final String host;
    private final int port;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile Status status = Status.CONNECTING;
    private volatile long lastIoMillis;
    private volatile long downSinceMillis;
    private volatile long primaryLatest = -1;
    private volatile FullSync fullSync;
    private volatile String lastError = "";

    ReplicaLink(Replication replication, String host, int port) {
        this.replication = replication;
        this.hub = replication.hub();
        this.host = host;
        this.port = port;
        this.downSinceMillis = hub.clock().millis();
        this.thread = new Thread(this, "rockhub-replica-link");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to wake the reader
            }
        }
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Status status() {
        return status;
    }

    /** Seconds since the primary last sent anything (-1 before the first contact). */
    public long lastIoSecondsAgo() {
        return lastIoMillis == 0 ? -1 : (hub.clock().millis() - lastIoMillis) / 1000;
    }

    public long downSeconds() {
        return status == Status.UP ? 0 : (hub.clock().millis() - downSinceMillis) / 1000;
    }

    /** The primary's newest sequence as last heard (-1 if unknown). */
    public long primaryLatest() {
        return primaryLatest;
    }

    public String lastError() {
        return lastError;
    }

    /** Bytes copied and to copy in a running full sync, or null. */
    public long[] fullSyncProgress() {
        FullSync f = fullSync;
        return f == null ? null : new long[] {f.copied(), f.total()};
    }

    @Override
    public void run() {
        long backoff = 100;
        while (running) {
            try {
                if (session()) {
                    return; // a full copy is ready; the server reopens on it with a new link
                }
                backoff = 100;
            } catch (IOException | StorageException e) {
                if (!running) {
                    return;
                }
                lastError = e.getMessage();
                LOG.warn("replication link to {}:{} down: {}; retrying in {} ms", host, port, e.getMessage(), backoff);
            } catch (RuntimeException e) {
                lastError = String.valueOf(e.getMessage());
                LOG.error("replication link to {}:{} failed; retrying in {} ms", host, port, backoff, e);
            } finally {
                if (status == Status.UP) {
                    downSinceMillis = hub.clock().millis();
                }
                status = running ? Status.DOWN : status;
                fullSync = null;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    /** One connection; returns true when a full copy is ready and the server must reopen. */
    private boolean session() throws IOException {
        status = Status.CONNECTING;
        try (Socket s = new Socket()) {
            socket = s;
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, hub.config().getLong("repl-timeout") * 1000));
            boolean tls = hub.config().getBool("tls-replication");
            Socket link = s;
            if (tls) {
                javax.net.ssl.SSLSocket ssl;
                try {
                    ssl = (javax.net.ssl.SSLSocket) hub.tls().clientSockets().createSocket(s, host, port, true);
                } catch (io.rockhub.resp.tls.TlsSetupException e) {
                    throw new IOException(e.getMessage(), e);
                }
                ssl.setUseClientMode(true);
                ssl.startHandshake();
                link = ssl;
            }
            LinkIo io = new LinkIo(new BufferedInputStream(link.getInputStream(), 1 << 16),
                    new BufferedOutputStream(link.getOutputStream(), 1 << 16));
            String auth = hub.config().get("masterauth");
            String user = hub.config().get("masteruser");
            if (!auth.isEmpty()) {
                if (user.isEmpty()) {
                    io.send("AUTH", auth);
                } else {
                    io.send("AUTH", user, auth); // a named user on the primary, as Redis's masteruser
                }
                io.status();
            }
            // The port the primary lists this replica under: the TLS one when the link is TLS, as Redis.
            io.send("REPLCONF", "listening-port", Integer.toString(tls && hub.tls().port() != 0 ? hub.tls().port() : hub.port()));
            io.status();
            ReplicationState mine = replication.state();
            long next = hub.storage().latestSequence() + 1;
            io.send("PSYNC", mine.replid(), Long.toString(next));
            String answer = io.status();
            touch();
            if (answer.startsWith("+FULLRESYNC")) {
                LOG.info("primary {}:{} cannot continue from sequence {} ({}): taking a full copy", host, port, next,
                        answer);
                status = Status.SYNC;
                FullSync sync = new FullSync(io, hub.storage().dir(), System::nanoTime,
                        () -> hub.config().getLong("max-replication-mb"));
                fullSync = sync;
                Path ready = sync.run();
                running = false;
                hub.requestReload(ready);
                return true;
            }
            if (!answer.startsWith("+CONTINUE")) {
                throw new IOException("unexpected PSYNC answer " + answer);
            }
            String[] h = answer.split(" ");
            replication.adopt(new ReplicationState(h[1], h[2], Long.parseLong(h[3])));
            status = Status.UP;
            LOG.info("replicating {}:{} from sequence {}", host, port, next);
            stream(io);
            return false;
        } finally {
            socket = null;
        }
    }

    private void stream(LinkIo io) throws IOException {
        long acked = -1;
        long lastAck = System.nanoTime();
        while (running) {
            int n = io.arrayHeader();
            String kind = io.bulkString();
            touch();
            if (kind.equals("BATCH") && n == 4) {
                long seq = io.integer();
                long count = io.integer();
                byte[] data = io.bulk();
                hub.keys().applyReplicated(new WalBatch(seq, count, data));
                primaryLatest = Math.max(primaryLatest, seq + count - 1);
            } else if ((kind.equals("PUBLISH") || kind.equals("SPUBLISH")) && n == 3) {
                // Delivered to this replica's subscribers (and forwarded to its own replicas).
                byte[] channel = io.bulk();
                byte[] message = io.bulk();
                if (kind.equals("PUBLISH")) {
                    hub.pubsub().publish(channel, message, null);
                } else {
                    hub.pubsub().publishShard(channel, message, null);
                }
                continue;
            } else if (kind.equals("PING") && n == 2) {
                primaryLatest = io.integer();
            } else {
                throw new IOException("unexpected frame " + kind + " from primary");
            }
            // Acknowledge when caught up with what arrived, and every few milliseconds while a
            // backlog streams in: a primary in cluster mode holds its replies until its synchronous
            // replicas acknowledged them (once a second held them for up to a second).
            long now = System.nanoTime();
            if (!io.hasBuffered() || now - lastAck > 2_000_000L) {
                long applied = hub.storage().latestSequence();
                if (applied != acked || kind.equals("PING")) {
                    hub.storage().syncWal();
                    io.send("REPLCONF", "ACK", Long.toString(applied));
                    acked = applied;
                    lastAck = now;
                }
            }
        }
    }

    private void touch() {
        lastIoMillis = hub.clock().millis();
    }
}
