package io.rockhub.core.types;

import io.rockhub.core.encoding.Metadata;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whole entry lists of small collections known without reading RocksDB. A writer that knows the
 * complete content of the record it is about to commit (the collection is new, or its entries were
 * known before the write) declares it, and the metadata cache keeps it with that record once
 * committed (write-through): the HGETALL, HGET or HSET that follows a write reads nothing from
 * RocksDB, where each such read is a search of a large memtable.
 *
 * <p>A declaration belongs to one record object, not to a key: every change of a collection stores a
 * new record, so a later change that declares nothing can never be paired with an older list.
 * Declarations live on the writing thread until its commit (or transaction) ends.
 */
final class EntrySnapshots {
    /** Collections up to this size may keep all their entries in the metadata cache. */
    static final int MAX_ENTRIES = 64;

    private final ThreadLocal<IdentityHashMap<Metadata, List<Keyspace.Entry>>> declared =
            ThreadLocal.withInitial(IdentityHashMap::new);

    void declare(Metadata m, List<Keyspace.Entry> entries) {
        if (entries.size() <= MAX_ENTRIES) {
            declared.get().put(m, entries);
        }
    }

    /** The entries declared on this thread for exactly the record {@code m}, or null. */
    List<Keyspace.Entry> declared(Metadata m) {
        Map<Metadata, List<Keyspace.Entry>> map = declared.get();
        return map.isEmpty() ? null : map.get(m);
    }

    /** After a commit, or a transaction's end: the declarations made for it are settled or void. */
    void clear() {
        Map<Metadata, List<Keyspace.Entry>> map = declared.get();
        if (!map.isEmpty()) {
            map.clear();
        }
    }

    /** The index of {@code sub} in entries sorted in RocksDB's byte order, or a negative number. */
    static int indexOf(List<Keyspace.Entry> sorted, byte[] sub) {
        int lo = 0;
        int hi = sorted.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(sorted.get(mid).sub(), sub);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * A new immutable sorted list: {@code sorted} with {@code subValues} (pairs of subkey and value,
     * a later pair winning) put and {@code removed} taken out.
     */
    static List<Keyspace.Entry> with(List<Keyspace.Entry> sorted, List<byte[]> subValues, List<byte[]> removed) {
        TreeMap<byte[], byte[]> all = new TreeMap<>(Arrays::compareUnsigned);
        for (Keyspace.Entry e : sorted) {
            all.put(e.sub(), e.value());
        }
        for (int i = 0; i + 1 < subValues.size(); i += 2) {
            all.put(subValues.get(i), subValues.get(i + 1));
        }
        for (byte[] sub : removed) {
            all.remove(sub);
        }
        List<Keyspace.Entry> out = new ArrayList<>(all.size());
        for (Map.Entry<byte[], byte[]> e : all.entrySet()) {
            out.add(new Keyspace.Entry(e.getKey(), e.getValue()));
        }
        return List.copyOf(out);
    }
}
