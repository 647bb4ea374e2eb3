package io.rockhub.resp.replication;

import io.netty.channel.Channel;
import io.rockhub.core.replication.CheckpointManifest;
import io.rockhub.core.replication.ReplicationState;
import io.rockhub.core.storage.WalCursor;
import io.rockhub.resp.server.Hub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's place in replication: a primary streaming its WAL to replicas, or a replica
 * following a primary through a {@link ReplicaLink}. Owns the replication id (see
 * {@link ReplicationState}), the connected replicas and what they acknowledged (for INFO, ROLE and
 * WAIT), and the switch between the roles (REPLICAOF).
 */
public final class Replication implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    /** The key a WAIT blocks on, one per client, woken when a replica acknowledges. */
    private static final String WAIT_KEY_PREFIX = "\u0000rockhub:wait:";

    private final Hub hub;
    private final CheckpointSource checkpoints;
    private final Map<Long, ReplicaPeer> peers = new ConcurrentHashMap<>();
    /**
     * Every sender whose thread has not ended: a replica that disconnects leaves {@link #peers} at
     * once while its sender may still be reading the WAL, and storage must not close under it.
     */
    private final java.util.Set<WalSender> senders = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> waitKeys = new ConcurrentHashMap<>();
    private volatile ReplicationState state;
    private volatile ReplicaLink link;

    private Replication(Hub hub, ReplicationState state) {
        this.hub = hub;
        this.state = state;
        this.checkpoints = new CheckpointSource(hub.storage());
    }

    /** Loads (or creates) the replication id of the data directory and starts following the configured primary. */
    public static Replication open(Hub hub) {
        Path dir = hub.storage().dir();
        ReplicationState s = ReplicationState.load(dir);
        if (s == null) {
            s = ReplicationState.fresh();
            s.save(dir);
        }
        Replication r = new Replication(hub, s);
        hub.pubsub().addListener(r::forwardPublished);
        String replicaOf = hub.config().get("replicaof").trim();
        String invalid = validate(replicaOf);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        if (!replicaOf.isEmpty()) {
            String[] hp = replicaOf.split("\\s+");
            r.replicaOf(hp[0], Integer.parseInt(hp[1]));
        }
        return r;
    }

    /** Checks a {@code replicaof} setting ("host port" or empty). */
    public static String validate(String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            return null;
        }
        String[] hp = v.split("\\s+");
        if (hp.length != 2) {
            return "replicaof needs 'host port'";
        }
        try {
            int port = Integer.parseInt(hp[1]);
            return port > 0 && port < 65536 ? null : "replicaof port out of range";
        } catch (NumberFormatException e) {
            return "replicaof port is not a number";
        }
    }

    public ReplicationState state() {
        return state;
    }

    public boolean isReplica() {
        return link != null;
    }

    /** The link to the primary, or null on a primary. */
    public ReplicaLink link() {
        return link;
    }

    Hub hub() {
        return hub;
    }

    long timeoutSeconds() {
        return hub.config().getLong("repl-timeout");
    }

    long pingPeriodSeconds() {
        return hub.config().getLong("repl-ping-replica-period");
    }

    /** REPLICAOF host port: drop the old link (if any), pause local expiry, follow the new primary. */
    public synchronized void replicaOf(String host, int port) {
        if (link != null) {
            if (link.host().equals(host) && link.port() == port) {
                return;
            }
            link.stop();
        }
        for (ReplicaPeer p : peers.values()) {
            closePeer(p);
        }
        hub.sweeper().setPaused(true);
        hub.config().record("replicaof", host + " " + port);
        link = new ReplicaLink(this, host, port);
        link.start();
        LOG.info("replicating {}:{}", host, port);
    }

    /**
     * REPLICAOF NO ONE: stop following and become a primary that keeps everything applied. A new
     * replication id starts here; the old one stays valid up to this sequence, so replicas of the
     * same primary can continue from us without a full copy, and a former primary that wrote past
     * this point cannot.
     */
    public synchronized void promote() {
        if (link == null) {
            return;
        }
        link.stop();
        link = null;
        hub.config().record("replicaof", "");
        hub.storage().syncWal();
        ReplicationState promoted = state.promoted(hub.storage().latestSequence());
        promoted.save(hub.storage().dir());
        state = promoted;
        hub.sweeper().setPaused(false);
        LOG.info("promoted to primary at sequence {}, replication id {} (was {})", promoted.previousEnd(),
                promoted.replid(), promoted.previousReplid());
    }

    /** The replica link adopts the primary's history once it continues from it. */
    synchronized void adopt(ReplicationState s) {
        if (!s.equals(state)) {
            s.save(hub.storage().dir());
            state = s;
        }
    }

    // ---- primary side ----------------------------------------------------------------------------

    /** What PSYNC answers: continue from {@code next}, or a full copy is needed. */
    public record PsyncDecision(boolean proceed, String replid, long sequence) {
    }

    /** Whether a replica that followed {@code replid} and needs {@code next} onwards can continue. */
    public PsyncDecision psyncDecision(String replid, long next) {
        ReplicationState s = state;
        if (s.continues(replid, next)) {
            try (WalCursor cursor = hub.storage().walFrom(next)) {
                if (cursor.covers()) {
                    return new PsyncDecision(true, s.replid(), next);
                }
            }
        }
        return new PsyncDecision(false, s.replid(), hub.storage().latestSequence());
    }

    /**
     * A message published here goes to every replica's subscribers too, as Redis propagates
     * PUBLISH: queued with the WAL position it followed, so a replica delivers it after applying
     * the writes made before it. Nothing is written or synced for it.
     */
    private void forwardPublished(boolean shard, byte[] channel, byte[] message) {
        if (peers.isEmpty()) {
            return;
        }
        long after = hub.storage().latestSequence();
        for (ReplicaPeer p : peers.values()) {
            WalSender sender = p.sender();
            if (sender != null) {
                sender.forward(new WalSender.Published(after, shard, channel, message));
            }
        }
    }

    /** Starts streaming to a replica that was told +CONTINUE; the sender writes that line first. */
    public void startStreaming(long clientId, Channel channel, String address, long next) {
        ReplicaPeer peer = peers.computeIfAbsent(clientId,
                id -> new ReplicaPeer(id, address, 0, next - 1, hub.clock().millis()));
        peer.acked(next - 1, hub.clock().millis());
        ReplicationState s = state;
        channel.writeAndFlush(channel.alloc().buffer().writeBytes(("+CONTINUE " + s.replid() + " " + s.previousReplid()
                + " " + s.previousEnd() + "\r\n").getBytes(StandardCharsets.US_ASCII)));
        WalCursor cursor = hub.storage().walFrom(next);
        WalSender sender = new WalSender(this, peer, channel, cursor);
        peer.sender(sender);
        senders.add(sender);
        sender.start("rockhub-wal-sender-" + address);
        LOG.info("replica {}: streaming the WAL from sequence {}", address, next);
    }

    /** REPLCONF listening-port: remembered for ROLE and INFO. */
    public void listeningPort(long clientId, String address, int port) {
        peers.computeIfAbsent(clientId, id -> new ReplicaPeer(id, address, port, 0, hub.clock().millis()))
                .listeningPort(port);
    }

    /** REPLCONF ACK seq: the replica has everything up to {@code seq} durable. */
    public void ack(long clientId, long seq) {
        ReplicaPeer p = peers.get(clientId);
        if (p == null) {
            return;
        }
        p.acked(seq, hub.clock().millis());
        hub.syncReplicas().changed();
        for (String k : waitKeys.keySet()) {
            hub.blocked().changed(k.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** The sender's thread is ending: it no longer reads storage. */
    void senderEnded(WalSender sender, ReplicaPeer p) {
        senders.remove(sender);
        peers.remove(p.clientId(), p);
        LOG.info("replica {} disconnected", p.address());
    }

    /** A client connection closed: if it was a replica, stop streaming to it. */
    public void disconnected(long clientId) {
        ReplicaPeer p = peers.remove(clientId);
        if (p != null && p.sender() != null) {
            p.sender().requestStop();
        }
    }

    private void closePeer(ReplicaPeer p) {
        if (p.sender() != null) {
            p.sender().stop();
        }
        peers.remove(p.clientId());
    }

    /**
     * What the replica listening on {@code host:port} (REPLCONF listening-port, from that address)
     * acknowledged; -1 when it is not connected.
     */
    public long ackedBy(String host, int port) {
        long acked = -1;
        for (ReplicaPeer p : peers.values()) {
            if (p.sender() != null && p.listeningPort() == port && p.ip().equals(host)) {
                acked = Math.max(acked, p.ackedSeq());
            }
        }
        return acked;
    }

    /** Replicas streaming now. */
    public List<PeerView> peers() {
        List<PeerView> out = new ArrayList<>();
        long now = hub.clock().millis();
        long latest = hub.storage().latestSequence();
        for (ReplicaPeer p : peers.values()) {
            if (p.sender() != null) {
                out.add(new PeerView(p.ip(), p.listeningPort(), p.ackedSeq(), Math.max(0, latest - p.ackedSeq()),
                        Math.max(0, (now - p.ackedAtMillis()) / 1000)));
            }
        }
        return out;
    }

    /** A replica as INFO and ROLE show it. */
    public record PeerView(String ip, int port, long ackedSeq, long lagSeq, long lagSeconds) {
    }

    /** How many replicas acknowledged everything up to {@code seq}. */
    public int acknowledged(long seq) {
        int n = 0;
        for (ReplicaPeer p : peers.values()) {
            if (p.sender() != null && p.ackedSeq() >= seq) {
                n++;
            }
        }
        return n;
    }

    /** The key a WAIT of this client blocks on; registered until {@link #waitDone}. */
    public byte[] waitKey(long clientId, long seq) {
        String k = WAIT_KEY_PREFIX + clientId;
        waitKeys.put(k, seq);
        return k.getBytes(StandardCharsets.ISO_8859_1);
    }

    public void waitDone(byte[] key) {
        waitKeys.remove(new String(key, StandardCharsets.ISO_8859_1));
    }

    /** REPLCONF GETCHECKPOINT: a checkpoint for a full sync. */
    public CheckpointManifest checkpoint() {
        return checkpoints.checkpoint(hub.config().getLong("repl-checkpoint-reuse-seconds") * 1000,
                hub.clock().millis());
    }

    /** REPLFETCH: a chunk of a checkpoint file. */
    public byte[] fetch(String id, String name, long offset, int length) throws IOException {
        return checkpoints.read(id, name, offset, length);
    }

    @Override
    public synchronized void close() {
        if (link != null) {
            link.stop();
            link = null;
        }
        for (WalSender s : senders) {
            s.stop(); // also those of replicas that disconnected as the server closed their connections
        }
        peers.clear();
    }
}
