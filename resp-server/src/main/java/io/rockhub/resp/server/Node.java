package io.rockhub.resp.server;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.replication.DataDirs;
import io.rockhub.core.time.Clock;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the {@link Hub} and its {@link RespServer}. When a replica's full sync has a
 * verified copy ready, the node closes both, swaps the copy in (see {@link DataDirs}) and reopens
 * on the same port; clients reconnect, as after a restart. A copy left ready by a crash is
 * installed at start.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final HubConfig config;
    private final Clock clock;
    private final Path dir;
    private volatile Hub hub;
    private volatile RespServer server;
    private volatile int port;
    private volatile Runnable shutdownAction = () -> { };
    private final java.util.List<java.util.function.Consumer<Hub>> reopened = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean closed;

    private Node(HubConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.dir = Path.of(config.get("dir")).toAbsolutePath().normalize();
    }

    /** Opens the data (installing a ready full-sync copy first) and starts listening. */
    public static Node start(HubConfig config, Clock clock) throws InterruptedException {
        Node n = new Node(config, clock);
        if (DataDirs.installReady(n.dir)) {
            LOG.info("installed the full-sync copy left ready in {}", DataDirs.ready(n.dir));
        }
        synchronized (n) {
            n.open(config.getInt("port"));
        }
        return n;
    }

    private void open(int requestedPort) throws InterruptedException {
        // A reload requested while this is still opening waits for it: reload is synchronized too.
        // Reopened after a full sync on the port it had, which its replication link must announce.
        Hub h = Hub.open(config, clock, this::reload, requestedPort);
        h.onShutdown(shutdownAction);
        RespServer s = new RespServer(h);
        try {
            port = s.start(requestedPort);
        } catch (RuntimeException | InterruptedException e) {
            h.close();
            throw e;
        }
        hub = h;
        server = s;
    }

    public Hub hub() {
        return hub;
    }

    public int port() {
        return port;
    }

    /** Told the new hub after the node reopened on a full-sync copy (for listeners bound to the old one). */
    public void onReopen(java.util.function.Consumer<Hub> action) {
        reopened.add(action);
    }

    /** What SHUTDOWN runs (the process's stop); kept across reloads. */
    public void onShutdown(Runnable action) {
        shutdownAction = action;
        hub.onShutdown(action);
    }

    private synchronized void reload(Path ready) {
        if (closed) {
            return;
        }
        LOG.info("full sync: closing to install the verified copy from {}", ready);
        io.rockhub.resp.acl.Acl users = hub.acl();
        server.close();
        hub.close();
        DataDirs.installReady(dir);
        try {
            open(port);
            hub.acl().adopt(users); // the data is the primary's; the users stay this server's
            reopened.forEach(l -> l.accept(hub));
            LOG.info("full sync: reopened on the copied data at sequence {}", hub.storage().latestSequence());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("cannot reopen after installing the full-sync copy", e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        hub.close();
    }
}
