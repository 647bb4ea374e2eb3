package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.DatabaseMap;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyLocks;

/**
 * Redis's numbered databases over key namespaces (see {@code StoredKey}): which namespace database
 * n is now. SWAPDB swaps two entries, persisted in one batch, under every key lock so that no
 * command runs against a half-swapped pair. Thread-safe; reads are a volatile array lookup.
 */
public final class Databases {
    private final Keyspace keys;
    /** Cluster mode: database 0 is the slotted namespace, where every key is led by its hash slot. */
    private final boolean cluster;
    private volatile int[] map;

    public Databases(Keyspace keys) {
        this(keys, false);
    }

    public Databases(Keyspace keys, boolean cluster) {
        this.keys = keys;
        this.cluster = cluster;
        reload();
        keys.addListener(new Keyspace.KeyChangeListener() {
            @Override
            public void changed(byte[] key) {
            }

            @Override
            public void flushed() {
            }

            @Override
            public void databasesSwapped() {
                reload();
            }
        });
    }

    /** Re-reads the map (after a replicated batch rewrote it). */
    public void reload() {
        int[] m = DatabaseMap.decode(keys.storage().get(ColumnFamily.DEFAULT, DatabaseMap.KEY));
        if (cluster) {
            m[0] = io.rockhub.core.encoding.StoredKey.CLUSTER; // cluster mode serves database 0 only (SWAPDB is refused)
        }
        map = m;
    }

    public int namespace(int db) {
        return map[db];
    }

    /** The database a namespace serves now. */
    public int database(int namespace) {
        int[] m = map;
        for (int db = 0; db < m.length; db++) {
            if (m[db] == namespace) {
                return db;
            }
        }
        throw new IllegalStateException("namespace " + namespace + " serves no database");
    }

    /** SWAPDB: databases a and b exchange their data; returns their namespaces before the swap. */
    public int[] swap(int a, int b) {
        try (KeyLocks.Held all = keys.locks().lockAll(); Batch batch = keys.storage().newBatch()) {
            int[] next = map.clone();
            int[] before = {next[a], next[b]};
            next[a] = before[1];
            next[b] = before[0];
            batch.put(ColumnFamily.DEFAULT, DatabaseMap.KEY, DatabaseMap.encode(next));
            keys.commit(batch);
            map = next;
            return before;
        }
    }
}
