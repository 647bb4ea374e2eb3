package io.rockhub.resp.server;

import io.rockhub.core.types.Keyspace;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections watch which keys. Every committed change of a key marks its watchers, so their
 * EXEC fails, as Redis's {@code touchWatchedKey} does; FLUSHALL marks every watcher. Thread-safe;
 * cheap when nobody watches.
 */
public final class WatchRegistry implements Keyspace.KeyChangeListener {
    private final Map<ByteBuffer, Set<ClientSession>> watchers = new ConcurrentHashMap<>();

    /** WATCH: remembers whether the key exists now (and until when) to notice a later expiry. */
    public void watch(ClientSession session, byte[] key, boolean existed, long expireAt) {
        byte[] copy = key.clone();
        session.transaction().watch(copy, existed, expireAt);
        watchers.computeIfAbsent(ByteBuffer.wrap(copy), k -> ConcurrentHashMap.newKeySet()).add(session);
    }

    /** Forgets every watch of the session (UNWATCH, EXEC, DISCARD, disconnect). */
    public void unwatchAll(ClientSession session) {
        for (ByteBuffer key : session.transaction().watched().keySet()) {
            watchers.computeIfPresent(key, (k, set) -> {
                set.remove(session);
                return set.isEmpty() ? null : set;
            });
        }
        session.transaction().clearWatches();
    }

    @Override
    public void changed(byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        Set<ClientSession> set = watchers.get(ByteBuffer.wrap(key));
        if (set != null) {
            for (ClientSession s : set) {
                s.transaction().touch();
            }
        }
    }

    /**
     * SWAPDB of namespaces a and b: as Redis's {@code touchAllWatchedKeysInDb}, a watched key of
     * either that exists in either now holds another value.
     */
    public void namespacesSwapped(int a, int b, Keyspace keys) {
        for (Map.Entry<ByteBuffer, Set<ClientSession>> e : watchers.entrySet()) {
            byte[] key = e.getKey().array();
            int ns = io.rockhub.core.encoding.StoredKey.namespace(key);
            if (ns != a && ns != b) {
                continue;
            }
            byte[] user = io.rockhub.core.encoding.StoredKey.user(key);
            if (keys.live(io.rockhub.core.encoding.StoredKey.of(a, user)) != null
                    || keys.live(io.rockhub.core.encoding.StoredKey.of(b, user)) != null) {
                for (ClientSession s : e.getValue()) {
                    s.transaction().touch();
                }
            }
        }
    }

    @Override
    public void flushed() {
        for (Set<ClientSession> set : watchers.values()) {
            for (ClientSession s : set) {
                s.transaction().touch();
            }
        }
    }
}
