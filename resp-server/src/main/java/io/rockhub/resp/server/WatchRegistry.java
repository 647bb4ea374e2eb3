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

    @Override
    public void flushed() {
        for (Set<ClientSession> set : watchers.values()) {
            for (ClientSession s : set) {
                s.transaction().touch();
            }
        }
    }
}
