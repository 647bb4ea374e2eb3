package io.rockhub.resp.tracking;

import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.types.Keyspace;
import io.rockhub.core.encoding.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Server-assisted client-side caching (CLIENT TRACKING), as Redis 6+: which clients read which
 * keys, and the invalidation messages they get when those keys change. Key names are tracked
 * without their database, as Redis does. Every change of a key's record reaches this through the
 * keyspace's change listener, whoever made it: a command, the expiry sweeper, a write replicated
 * from the primary; FLUSHALL and FLUSHDB invalidate everything.
 *
 * <p>Invalidations go through each target's own message queue, so the client that wrote the key
 * gets its own invalidation after the write's reply, as in Redis 7.0.
 */
public final class Tracking implements Keyspace.KeyChangeListener {
    /** Who gets a tracking client's messages, and whether they can be delivered at all. */
    public interface Clients {
        /** Delivers a frame to the client with this id; false if there is no such client. */
        boolean deliver(long clientId, byte[] frame);

        /** The client's protocol (2 or 3), its tracking settings, and whether it subscribes to __redis__:invalidate; null if gone. */
        Target target(long clientId);

        /** Every client with tracking on (a flush invalidates all of them, as in Redis). */
        List<Long> tracking();
    }

    /** What the invalidator needs to know of a connected client. */
    public record Target(int protocol, ClientTracking tracking, boolean subscribedToInvalidate) {
    }

    private static final byte[] INVALIDATE_CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

    private final Object lock = new Object();
    private final Map<ByteBuffer, Set<Long>> readers = new HashMap<>();
    /** BCAST prefixes (sorted, as Redis's radix tree lists them) to the clients that registered them. */
    private final TreeMap<ByteBuffer, Set<Long>> prefixes = new TreeMap<>(Tracking::compare);
    private final ThreadLocal<Map<ByteBuffer, Set<ByteBuffer>>> pendingBroadcast = ThreadLocal.withInitial(TreeMap::new);
    private final ThreadLocal<Long> writer = ThreadLocal.withInitial(() -> -1L);
    private final Clients clients;
    private volatile long maxKeys;
    private long items;
    /** Tracked keys plus prefixes, so a write checks one volatile field when nobody tracks anything. */
    private volatile int tracked;

    public Tracking(Clients clients, long maxKeys) {
        this.clients = clients;
        this.maxKeys = maxKeys;
    }

    public void maxKeys(long max) {
        this.maxKeys = max;
    }

    /** Whether any key or prefix is tracked: when not, commands skip the bookkeeping. */
    public boolean active() {
        return tracked != 0;
    }

    /** The client whose command is writing on this thread now (-1: none). */
    public long writer() {
        return writer.get();
    }

    /** The client whose command runs on this thread (for NOLOOP); -1 for none. */
    public void writer(long clientId) {
        writer.set(clientId);
    }

    // ---- registration ---------------------------------------------------------------------------

    /** Remembers that {@code clientId} read these keys (user key names), evicting past tracking-table-max-keys. */
    public void remember(long clientId, List<byte[]> keys) {
        synchronized (lock) {
            for (byte[] k : keys) {
                if (readers.computeIfAbsent(ByteBuffer.wrap(k.clone()), x -> new LinkedHashSet<>()).add(clientId)) {
                    items++;
                }
            }
            long max = maxKeys;
            while (max > 0 && readers.size() > max) {
                // Redis evicts random keys, invalidating them for their readers.
                invalidateLocked(randomKey(), -1);
            }
            tracked = readers.size() + prefixes.size();
        }
    }

    private ByteBuffer randomKey() {
        int skip = ThreadLocalRandom.current().nextInt(readers.size());
        for (ByteBuffer k : readers.keySet()) {
            if (skip-- == 0) {
                return k;
            }
        }
        return readers.keySet().iterator().next();
    }

    void addPrefixes(long clientId, List<byte[]> list) {
        synchronized (lock) {
            for (byte[] p : list) {
                prefixes.computeIfAbsent(ByteBuffer.wrap(p.clone()), x -> new LinkedHashSet<>()).add(clientId);
            }
            tracked = readers.size() + prefixes.size();
        }
    }

    /** Turns a client's tracking off (CLIENT TRACKING OFF, RESET, disconnect); its remembered reads lapse lazily, as in Redis. */
    public void disable(long clientId, ClientTracking t) {
        forget(clientId, t.prefixes());
        t.disable();
    }

    private void forget(long clientId, List<byte[]> clientPrefixes) {
        synchronized (lock) {
            for (byte[] p : clientPrefixes) {
                Set<Long> ids = prefixes.get(ByteBuffer.wrap(p));
                if (ids != null && ids.remove(clientId) && ids.isEmpty()) {
                    prefixes.remove(ByteBuffer.wrap(p));
                }
            }
            tracked = readers.size() + prefixes.size();
        }
    }

    // ---- changes ----------------------------------------------------------------------------------

    @Override
    public void changed(byte[] storedKey) {
        if (tracked == 0) {
            return;
        }
        byte[] key = StoredKey.user(storedKey);
        long by = writer.get();
        synchronized (lock) {
            invalidateLocked(ByteBuffer.wrap(key), by);
            if (!prefixes.isEmpty()) {
                for (Map.Entry<ByteBuffer, Set<Long>> e : prefixes.entrySet()) {
                    if (Bytes.startsWith(key, e.getKey().array())) {
                        pendingBroadcast.get().computeIfAbsent(e.getKey(), x -> new LinkedHashSet<>())
                                .add(ByteBuffer.wrap(key));
                    }
                }
            }
        }
    }

    @Override
    public void batchDone() {
        if (tracked == 0) {
            return;
        }
        if (!pendingBroadcast.get().isEmpty()) {
            flushBroadcast(writer.get());
        }
    }

    @Override
    public void flushed() {
        synchronized (lock) {
            readers.clear();
            items = 0;
            tracked = prefixes.size();
        }
        for (long id : clients.tracking()) {
            send(id, null, -1);
        }
    }

    /** Sends each BCAST prefix's changed keys of this write as one message, as Redis does per event-loop turn. */
    private void flushBroadcast(long by) {
        Map<ByteBuffer, Set<ByteBuffer>> pending = pendingBroadcast.get();
        List<Object[]> sends = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<ByteBuffer, Set<ByteBuffer>> e : pending.entrySet()) {
                Set<Long> ids = prefixes.get(e.getKey());
                if (ids == null) {
                    continue;
                }
                List<byte[]> keys = new ArrayList<>();
                e.getValue().forEach(k -> keys.add(k.array()));
                for (long id : ids) {
                    sends.add(new Object[] {id, keys});
                }
            }
        }
        pending.clear();
        for (Object[] s : sends) {
            @SuppressWarnings("unchecked")
            List<byte[]> keys = (List<byte[]>) s[1];
            send((Long) s[0], keys, by);
        }
    }

    private void invalidateLocked(ByteBuffer key, long by) {
        Set<Long> ids = readers.remove(key);
        if (ids == null) {
            return;
        }
        items -= ids.size();
        tracked = readers.size() + prefixes.size();
        for (long id : ids) {
            send(id, List.of(key.array()), by);
        }
    }

    /** Sends an invalidation (null keys: everything) to a tracking client, or to where it redirects. */
    private void send(long clientId, List<byte[]> keys, long by) {
        Target t = clients.target(clientId);
        if (t == null || !t.tracking().on()) {
            return;
        }
        if (t.tracking().noLoop() && clientId == by) {
            return;
        }
        long to = t.tracking().redirect();
        if (to != 0) {
            Target r = clients.target(to);
            if (r == null) {
                // Redis tells a RESP3 client once its redirect target is gone.
                if (!t.tracking().brokenRedirect()) {
                    t.tracking().brokenRedirect(true);
                    if (t.protocol() == 3) {
                        clients.deliver(clientId, redirectBroken(to));
                    }
                }
                return;
            }
            if (r.protocol() == 3) {
                clients.deliver(to, push(keys));
            } else if (r.subscribedToInvalidate()) {
                clients.deliver(to, message(keys));
            }
            return;
        }
        if (t.protocol() == 3) {
            clients.deliver(clientId, push(keys));
        }
        // A RESP2 client without a redirect cannot be told anything, as in Redis.
    }

    static byte[] push(List<byte[]> keys) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b, ">2\r\n$10\r\ninvalidate\r\n");
        keys(b, keys, true);
        return b.toByteArray();
    }

    static byte[] message(List<byte[]> keys) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b, "*3\r\n$7\r\nmessage\r\n$" + INVALIDATE_CHANNEL.length + "\r\n");
        b.writeBytes(INVALIDATE_CHANNEL);
        write(b, "\r\n");
        keys(b, keys, false);
        return b.toByteArray();
    }

    private static byte[] redirectBroken(long id) {
        return (">2\r\n$20\r\ntracking-redir-broken\r\n:" + id + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void keys(ByteArrayOutputStream b, List<byte[]> keys, boolean resp3) {
        if (keys == null) {
            write(b, resp3 ? "_\r\n" : "$-1\r\n");
            return;
        }
        write(b, "*" + keys.size() + "\r\n");
        for (byte[] k : keys) {
            write(b, "$" + k.length + "\r\n");
            b.writeBytes(k);
            write(b, "\r\n");
        }
    }

    private static void write(ByteArrayOutputStream b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static int compare(ByteBuffer a, ByteBuffer b) {
        return java.util.Arrays.compareUnsigned(a.array(), b.array());
    }

    // ---- INFO ----------------------------------------------------------------------------------

    public long trackedKeys() {
        synchronized (lock) {
            return readers.size();
        }
    }

    public long trackedItems() {
        synchronized (lock) {
            return items;
        }
    }

    public long trackedPrefixes() {
        synchronized (lock) {
            return prefixes.size();
        }
    }
}
