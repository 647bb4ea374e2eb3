package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.Counters;
import io.rockhub.core.encoding.DataType;
import io.rockhub.core.encoding.ExpireKey;
import io.rockhub.core.encoding.GarbageKey;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.KeyEvent;
import io.rockhub.core.storage.KeyLocks;
import io.rockhub.core.storage.Storage;
import io.rockhub.core.storage.Transaction;
import io.rockhub.core.time.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.RocksIterator;

/**
 * Type-independent key operations (DEL, EXPIRE, RENAME, SCAN, ...) and the metadata bookkeeping
 * every store shares: writing or removing a key's record keeps the expiry index, the key counters
 * and the garbage list of dead versions consistent in the same batch.
 *
 * <p>Thread-safe: every read-modify-write holds the key's stripe lock from read to commit.
 */
public final class Keyspace {
    private final Storage storage;
    private final KeyLocks locks = new KeyLocks(4096);
    private final Clock clock;
    private final Versions versions;
    private final MetadataCache cache;
    private final ZSetIndexCache zsetIndexes;
    /** Dead versions queued so far: lets the sweeper skip its garbage scan when nothing was queued. */
    private final java.util.concurrent.atomic.AtomicLong retired = new java.util.concurrent.atomic.AtomicLong();
    private final List<KeyChangeListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Metadata changes of the transaction open on this thread, applied to the cache at its commit. */
    private final ThreadLocal<Map<ByteBuffer, Object>> transactionChanges = new ThreadLocal<>();
    private final EntrySnapshots snapshots = new EntrySnapshots();
    private final WriteSequences writes = new WriteSequences();

    /** Told about every committed change of a key's record (WATCH, blocked readers). */
    public interface KeyChangeListener {
        /** {@code key} was written or removed; called on the committing thread, after the commit. */
        void changed(byte[] key);

        /** Every key was removed (FLUSHALL), or every key of a database (FLUSHDB). */
        void flushed();

        /** The {@link #changed} calls of one committed write are over (its keys may be reported together). */
        default void batchDone() {
        }

        /** A replicated batch swapped databases (SWAPDB on the primary). */
        default void databasesSwapped() {
        }
    }

    public Keyspace(Storage storage, Clock clock) {
        this(storage, clock, 0);
    }

    /** @param cacheBytes heap budget for hot metadata records (0 = read RocksDB every time) */
    public Keyspace(Storage storage, Clock clock, long cacheBytes) {
        this(storage, clock, cacheBytes, 0);
    }

    /**
     * @param cacheBytes heap budget for hot metadata records (0 = read RocksDB every time)
     * @param zsetIndexBytes heap budget for large sorted sets' score indexes (0 = none; they need the metadata cache)
     */
    public Keyspace(Storage storage, Clock clock, long cacheBytes, long zsetIndexBytes) {
        this.storage = storage;
        this.clock = clock;
        this.versions = new Versions(clock);
        this.cache = new MetadataCache(cacheBytes);
        this.zsetIndexes = new ZSetIndexCache(cacheBytes > 0 ? zsetIndexBytes : 0, cache::holds);
    }

    /** Large sorted sets' score indexes kept in the heap (see {@link ZSetIndexCache}). */
    ZSetIndexCache zsetIndexes() {
        return zsetIndexes;
    }

    /** Heap held by sorted sets' score indexes. */
    public long zsetIndexBytes() {
        return zsetIndexes.bytes();
    }

    /** Whether the sorted set {@code key}'s reads are served now by its score index in the heap. */
    public boolean zsetIndexed(byte[] key) {
        Metadata m = physical(key);
        return m != null && zsetIndexes.get(key, m) != null;
    }

    /** Stops what reads RocksDB in the background here; before the storage closes. */
    public void close() {
        zsetIndexes.close();
    }

    public void addListener(KeyChangeListener listener) {
        listeners.add(listener);
    }

    /** Bytes held by the hot-key metadata cache. */
    public long cacheBytes() {
        return cache.bytes();
    }

    public Storage storage() {
        return storage;
    }

    public KeyLocks locks() {
        return locks;
    }

    public Clock clock() {
        return clock;
    }

    public Versions versions() {
        return versions;
    }

    // ---- shared bookkeeping ------------------------------------------------------------------

    /** The stored record, even if logically expired; null if none. */
    public Metadata physical(byte[] key) {
        if (!cache.enabled()) {
            byte[] raw = storage.get(ColumnFamily.METADATA, key);
            return raw == null ? null : Metadata.decode(raw);
        }
        return lookUp(key, false);
    }

    /** What {@link #physicalIfResident} answers for a record it cannot read without the disk. */
    public static final Metadata NOT_RESIDENT = Metadata.string(new byte[0], 0);

    /**
     * As {@link #physical}, but only if it can be read without file I/O (it is cached, in a memtable,
     * in the block cache, or proven absent by a filter): else {@link #NOT_RESIDENT} (compare by
     * identity), so that an event loop never waits for the disk. A string stored in chunks, whose
     * chunks may be on disk, is not resident. A record read this way is cached.
     */
    public Metadata physicalIfResident(byte[] key) {
        Metadata m = lookUp(key, true);
        return m != null && m.type() == DataType.STRING_CHUNKS ? NOT_RESIDENT : m;
    }

    /**
     * The record through the open transaction's own change, the cache, then RocksDB (caching what
     * it read); with {@code residentOnly}, {@link #NOT_RESIDENT} where RocksDB would read a file.
     */
    private Metadata lookUp(byte[] key, boolean residentOnly) {
        // In a transaction (EXEC, a script): its own change if it made one, else the committed
        // state, which the cache mirrors as it does outside one.
        Object changed = storage.transactionMetadata(key);
        if (changed != Storage.UNCHANGED) {
            return changed == Batch.REMOVED ? null : (Metadata) changed;
        }
        Metadata cached = cache.enabled() ? cache.get(key) : null;
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation(key);
        byte[] raw = residentOnly ? storage.getIfResident(ColumnFamily.METADATA, key)
                : storage.get(ColumnFamily.METADATA, key);
        if (raw == Storage.NOT_RESIDENT) {
            return NOT_RESIDENT;
        }
        if (raw == null) {
            return null;
        }
        Metadata m = Metadata.decode(raw);
        if (cache.enabled()) {
            cache.installIfUnchanged(key, m, generation);
        }
        return m;
    }

    /** The record if the key exists now (not expired); null otherwise. */
    public Metadata live(byte[] key) {
        Metadata m = physical(key);
        return m == null || m.isExpired(clock.millis()) ? null : m;
    }

    public boolean isLive(Metadata m) {
        return m != null && !m.isExpired(clock.millis());
    }

    /** Replaces the key's stored record {@code old} (null if none) with {@code neu}. */
    public void put(Batch b, byte[] key, Metadata old, Metadata neu) {
        if (old == null) {
            b.event(KeyEvent.NEW, "new", key);
        } else if (storage.notifies(KeyEvent.EXPIRED | KeyEvent.NEW) && !isLive(old)) {
            // As Redis: a write to an expired key first expires it, then creates the key anew.
            b.event(KeyEvent.EXPIRED, "expired", key);
            b.event(KeyEvent.NEW, "new", key);
        }
        if (old == null) {
            b.countKeys(key, 1);
        } else {
            boolean sameVersion = !old.type().isInline() && !neu.type().isInline() && old.version() == neu.version();
            if (!old.type().isInline() && !sameVersion) {
                retire(b, key, old);
            }
            if (old.hasExpiry() && !sameIndexEntry(old, neu)) {
                b.delete(ColumnFamily.EXPIRE, ExpireKey.of(old.expireAt(), key).encode());
            }
        }
        if (neu.hasExpiry() && (old == null || !sameIndexEntry(old, neu))) {
            b.put(ColumnFamily.EXPIRE, ExpireKey.of(neu.expireAt(), key).encode(), new byte[0]);
        }
        b.countExpires(key, (neu.hasExpiry() ? 1 : 0) - (old != null && old.hasExpiry() ? 1 : 0));
        b.put(ColumnFamily.METADATA, key, neu.encode());
        b.noteMetadata(key, neu);
    }

    /** Whether both records have a TTL indexed by the same entry (a deadline moved within its second). */
    private static boolean sameIndexEntry(Metadata old, Metadata neu) {
        return old.hasExpiry() && neu.hasExpiry() && ExpireKey.sweepAt(old.expireAt()) == ExpireKey.sweepAt(neu.expireAt());
    }

    /** Removes the key's stored record {@code old} and everything hanging off it. */
    public void remove(Batch b, byte[] key, Metadata old) {
        b.delete(ColumnFamily.METADATA, key);
        b.noteMetadata(key, null);
        b.countKeys(key, -1);
        if (old.hasExpiry()) {
            b.delete(ColumnFamily.EXPIRE, ExpireKey.of(old.expireAt(), key).encode());
            b.countExpires(key, -1);
        }
        if (!old.type().isInline()) {
            retire(b, key, old);
        }
    }

    /** How many dead collection versions were queued since start (a change means new garbage). */
    public long retiredVersions() {
        return retired.get();
    }

    /** Queues a dead collection version for the sweeper: O(1) now, subkeys reclaimed later. */
    private void retire(Batch b, byte[] key, Metadata old) {
        if (old.size() > 0) {
            retired.incrementAndGet();
            b.put(ColumnFamily.GARBAGE, new GarbageKey(old.version(), key).encode(),
                    new byte[] {(byte) old.type().code()});
        }
    }

    // ---- collections ----------------------------------------------------------------------------

    /** A live collection of {@code type}: OK with its metadata, NOT_FOUND, or WRONG_TYPE. */
    public Result<Metadata> collection(byte[] key, DataType type) {
        Metadata m = physical(key);
        if (!isLive(m)) {
            return Result.notFound();
        }
        return m.type() == type ? Result.ok(m) : Result.wrongType();
    }

    /**
     * For a write under the key lock: the live collection, or a new empty one at a fresh version
     * when the key is absent or expired (the old record is replaced by {@link #store}).
     */
    public Result<Metadata> collectionForWrite(byte[] key, DataType type) {
        Metadata m = physical(key);
        if (isLive(m)) {
            return m.type() == type ? Result.ok(m) : Result.wrongType();
        }
        return Result.ok(Metadata.collection(type, 0, versions.next(), 0));
    }

    /**
     * Writes a collection's new metadata; an empty collection disappears, as in Redis. The caller
     * has already deleted the subkeys it removed, so no garbage is left for the sweeper.
     */
    public void store(Batch b, byte[] key, Metadata neu) {
        Metadata old = physical(key);
        boolean sameRecord = old != null && old.type() == neu.type() && old.version() == neu.version();
        if (neu.size() == 0 && neu.type() != DataType.STREAM) { // a stream outlives its last entry, as in Redis
            if (sameRecord) {
                remove(b, key, old.withSize(0));
                b.trailingEvent(KeyEvent.GENERIC, "del", key);
            }
            return;
        }
        put(b, key, old, neu);
    }

    /** A subkey's value, or null. */
    public byte[] subkey(byte[] key, Metadata m, byte[] sub) {
        return subkey(key, m, knownEntries(key, m), sub);
    }

    /**
     * As {@link #subkey(byte[], Metadata, byte[])}, looked up in {@code known} (the collection's
     * entries from {@link #knownEntries}) when not null: a write asking for several subkeys looks
     * the entries up once.
     */
    public byte[] subkey(byte[] key, Metadata m, List<Entry> known, byte[] sub) {
        if (known != null) {
            int i = EntrySnapshots.indexOf(known, sub);
            return i >= 0 ? known.get(i).value() : null;
        }
        return storage.get(ColumnFamily.SUBKEY, InternalKey.encode(key, m.version(), sub));
    }

    /**
     * Every entry of the collection record {@code m}, sorted, if known without reading RocksDB: it
     * is empty, a write on this thread declared them, or the cache holds them; null otherwise.
     * Reads inside a transaction see its writes this way too (a declaration is of the record
     * the transaction holds; a cached list only of the committed record it has not changed).
     */
    public List<Entry> knownEntries(byte[] key, Metadata m) {
        if (m.inlineEntries()) {
            return inlineEntries(m);
        }
        if (!cache.enabled() || m.size() > EntrySnapshots.MAX_ENTRIES || !declaresEntries(m.type())) {
            return null;
        }
        if (m.size() == 0) {
            return List.of();
        }
        List<Entry> declared = snapshots.declared(m);
        return declared != null ? declared : cache.entries(key, m);
    }

    /**
     * Types whose every change of an entry stores a new record object (so a declaration or a cached
     * list of one record object can never describe changed entries) and whose size counts entries.
     * A list's LSET keeps its record; a string's chunks are not entries.
     */
    private static boolean declaresEntries(DataType type) {
        return type == DataType.HASH || type == DataType.SET || type == DataType.ZSET;
    }

    /**
     * The whole content of record {@code neu} after a write that put {@code subValues} (pairs of
     * subkey and value) into and removed {@code removed} from the record {@code old} whose entries
     * were {@code before} (null: unknown, so nothing is declared), declared to be the whole content of
     * the record this thread is about to commit: the cache keeps it with the record.
     */
    public void declareChange(Metadata neu, List<Entry> before, List<byte[]> subValues, List<byte[]> removed) {
        if (before != null && cache.enabled() && neu.size() <= EntrySnapshots.MAX_ENTRIES) {
            snapshots.declare(neu, EntrySnapshots.with(before, subValues, removed));
        }
    }

    /** The entries of a hash or sorted set kept in its record, sorted (see {@link io.rockhub.core.encoding.InlineEntries}). */
    public static List<Entry> inlineEntries(Metadata m) {
        List<byte[]> fv = io.rockhub.core.encoding.InlineEntries.decode(m.value());
        List<Entry> out = new ArrayList<>(fv.size() / 2);
        for (int i = 0; i < fv.size(); i += 2) {
            out.add(new Entry(fv.get(i), fv.get(i + 1)));
        }
        return out;
    }

    /**
     * The record form ({@link io.rockhub.core.encoding.InlineEntries}) of a hash's or sorted set's
     * entries (sorted), or null when there are none or they do not fit in it (more than {@code max}).
     */
    public static byte[] inlineRecord(List<Entry> entries, int max) {
        if (entries.isEmpty() || entries.size() > max) {
            return null;
        }
        List<byte[]> flat = new ArrayList<>(entries.size() * 2);
        for (Entry e : entries) {
            flat.add(e.sub());
            flat.add(e.value());
        }
        return io.rockhub.core.encoding.InlineEntries.fits(flat) ? io.rockhub.core.encoding.InlineEntries.encode(flat) : null;
    }

    /**
     * Stores the new entries {@code after} (sorted) of a hash or sorted set kept in its record (or
     * new): in the record while they fit ({@link #inlineRecord}), else each written by {@code spill}
     * (its subkeys, and index entries) at the record's version, for good. Returns the new record.
     */
    public Metadata storeEntries(Batch b, byte[] key, Metadata m, List<Entry> after, int max,
                                 java.util.function.Consumer<Entry> spill) {
        byte[] record = inlineRecord(after, max);
        if (after.isEmpty() || record != null) {
            Metadata neu = m.withValue(record).withSize(after.size());
            store(b, key, neu);
            return neu;
        }
        after.forEach(spill);
        Metadata neu = m.withValue(null).withSize(after.size());
        store(b, key, neu);
        declareChange(neu, after, List.of(), List.of());
        return neu;
    }

    /** The values of several subkeys of one collection (null where absent), read at once. */
    public List<byte[]> subkeys(byte[] key, Metadata m, List<byte[]> subs) {
        if (m.inlineEntries()) {
            List<Entry> known = inlineEntries(m);
            List<byte[]> out = new ArrayList<>(subs.size());
            for (byte[] sub : subs) {
                out.add(subkey(key, m, known, sub));
            }
            return out;
        }
        List<byte[]> full = new ArrayList<>(subs.size());
        for (byte[] sub : subs) {
            full.add(InternalKey.encode(key, m.version(), sub));
        }
        return storage.multiGet(ColumnFamily.SUBKEY, full);
    }

    /** A subkey entry: its name (without the key prefix) and value. */
    public record Entry(byte[] sub, byte[] value) {
    }

    /**
     * Up to {@code limit} subkeys of a collection in byte order, starting after {@code after}
     * (exclusive; null = from the first).
     */
    public List<Entry> subkeys(byte[] key, Metadata m, byte[] after, long limit) {
        boolean whole = after == null && limit == Long.MAX_VALUE;
        List<Entry> known = whole ? knownEntries(key, m) : null;
        if (known != null) {
            return known;
        }
        if (!whole || !cache.enabled() || storage.inTransaction() || m.size() > EntrySnapshots.MAX_ENTRIES) {
            return subkeys(key, m, after, limit, null, limit);
        }
        // knownEntries already asked the cache for the types that declare their entries.
        List<Entry> cached = declaresEntries(m.type()) ? null : cache.entries(key, m);
        if (cached != null) {
            return cached;
        }
        long generation = cache.generation(key);
        List<Entry> read = List.copyOf(subkeys(key, m, null, limit, null, limit));
        cache.attachEntries(key, m, read, generation);
        return read;
    }

    /**
     * The name of the {@code n}-th subkey (from 0, in byte order) of a collection of {@code m.size()}
     * entries, stepping a cursor without copying the entries before it: a random pick (SPOP,
     * SRANDMEMBER) reads half the collection on average instead of all of it. Null if the
     * collection has no such entry.
     */
    public byte[] nthSubkey(byte[] key, Metadata m, long n) {
        if (n < 0 || n >= m.size()) {
            return null;
        }
        List<Entry> cached = knownEntries(key, m);
        if (cached != null) {
            return n < cached.size() ? cached.get((int) n).sub() : null;
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        try (io.rockhub.core.storage.Cursor it = storage.prefixCursor(ColumnFamily.SUBKEY, prefix)) {
            it.seek(prefix);
            // The size in the metadata is exact, so the first n positions are all this collection's.
            for (long i = 0; i < n && it.isValid(); i++) {
                it.next();
            }
            return it.isValid() && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix)
                    ? InternalKey.subkey(it.key()) : null;
        }
    }

    /**
     * Like {@link #subkeys(byte[], Metadata, byte[], long)}, or, with {@code from} set, starting at
     * that subkey (inclusive) for at most {@code count} entries.
     */
    public List<Entry> subkeys(byte[] key, Metadata m, byte[] after, long limit, byte[] from, long count) {
        List<Entry> out = new ArrayList<>();
        limit = Math.min(limit, count);
        if (m.inlineEntries()) {
            for (Entry e : inlineEntries(m)) {
                if (out.size() >= limit) {
                    break;
                }
                int c = from != null ? java.util.Arrays.compareUnsigned(e.sub(), from)
                        : after == null ? 1 : java.util.Arrays.compareUnsigned(e.sub(), after);
                if (from != null ? c >= 0 : c > 0) {
                    out.add(e);
                }
            }
            return out;
        }
        byte[] prefix = InternalKey.prefix(key, m.version());
        try (io.rockhub.core.storage.Cursor it = storage.prefixCursor(ColumnFamily.SUBKEY, prefix)) {
            if (from != null) {
                it.seek(InternalKey.encode(key, m.version(), from));
            } else {
                it.seek(after == null ? prefix : InternalKey.encode(key, m.version(), after));
            }
            if (from == null && after != null && it.isValid() && java.util.Arrays.equals(InternalKey.subkey(it.key()), after)) {
                it.next();
            }
            for (; it.isValid() && out.size() < limit && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix);
                 it.next()) {
                out.add(new Entry(InternalKey.subkey(it.key()), it.value()));
            }
        }
        return out;
    }

    /**
     * Applies a batch replicated from the primary (see {@link Storage#applyReplicated}), keeping the
     * metadata cache coherent and telling listeners (blocked readers, WATCH) about the keys it changed.
     */
    public void applyReplicated(io.rockhub.core.replication.WalBatch batch) {
        Storage.Applied what = storage.describe(batch);
        if (what.databasesChanged()) {
            writes.beginEveryKey();
            try {
                storage.applyReplicated(batch);
            } finally {
                writes.endEveryKey(storage.latestSequence());
            }
            for (KeyChangeListener l : listeners) {
                l.databasesSwapped();
                l.flushed();
            }
            return;
        }
        if (what.flushedAll()) {
            cache.beginClear();
            writes.beginEveryKey();
            try {
                storage.applyReplicated(batch);
            } finally {
                writes.endEveryKey(storage.latestSequence());
                cache.endClear();
            }
            for (KeyChangeListener l : listeners) {
                l.flushed();
            }
            return;
        }
        for (byte[] k : what.keys()) {
            cache.invalidate(k);
            writes.begin(k);
        }
        try {
            storage.applyReplicated(batch);
        } finally {
            long committed = storage.latestSequence();
            for (byte[] k : what.keys()) {
                cache.settle(k, null);
                writes.end(k, committed);
            }
        }
        for (byte[] k : what.keys()) {
            for (KeyChangeListener l : listeners) {
                l.changed(k);
            }
        }
        for (KeyChangeListener l : listeners) {
            l.batchDone();
        }
    }

    /** Commits a batch; the server acknowledges it once {@link Storage#committer()} says durable. */
    public void commit(Batch b) {
        Map<ByteBuffer, Object> pending = transactionChanges.get();
        if (pending != null) {
            storage.commit(b);
            Transaction tx = storage.currentTransaction();
            for (Map.Entry<ByteBuffer, Object> e : b.metadataChanges().entrySet()) {
                ByteBuffer k = e.getKey();
                Object previous = pending.put(k, e.getValue());
                if (tx.hasSavepoint()) {
                    tx.onRollback(previous == null ? () -> pending.remove(k) : () -> pending.put(k, previous));
                }
            }
            return;
        }
        if (b.metadataChanges().isEmpty()) {
            snapshots.clear();
            // No key named: counted as a write to every key, as it may change what any read sees.
            writes.beginEveryKey();
            try {
                storage.commit(b);
            } finally {
                writes.endEveryKey(storage.latestSequence());
            }
            return;
        }
        for (ByteBuffer k : b.metadataChanges().keySet()) {
            if (cache.enabled()) {
                cache.invalidate(k.array());
            }
            writes.begin(k.array());
        }
        boolean committed = false;
        try {
            storage.commit(b);
            committed = true;
        } finally {
            settle(b.metadataChanges(), committed);
        }
        notifyChanged(b.metadataChanges());
    }

    /**
     * The sequence a reply that showed what a read of {@code key} found must wait to be durable
     * (see {@link WriteSequences}).
     */
    public long readSequence(byte[] key) {
        long sequence = writes.readOf(key);
        return sequence >= 0 ? sequence : storage.latestSequence();
    }

    /**
     * After a commit (or its failure): each changed key's cached record, with its declared entries,
     * and the sequence its readers wait for.
     */
    private void settle(Map<ByteBuffer, Object> changes, boolean committed) {
        long sequence = storage.latestSequence();
        for (Map.Entry<ByteBuffer, Object> e : changes.entrySet()) {
            Object v = e.getValue();
            Metadata m = !committed || v == Batch.REMOVED ? null : (Metadata) v;
            if (cache.enabled()) {
                cache.settle(e.getKey().array(), m, m == null ? null : snapshots.declared(m));
            }
            writes.end(e.getKey().array(), sequence);
        }
        snapshots.clear();
    }

    private void notifyChanged(Map<ByteBuffer, Object> changes) {
        if (listeners.isEmpty()) {
            return;
        }
        for (ByteBuffer k : changes.keySet()) {
            for (KeyChangeListener l : listeners) {
                l.changed(k.array());
            }
        }
        for (KeyChangeListener l : listeners) {
            l.batchDone();
        }
    }

    /**
     * Runs {@code body} (the queued commands of an EXEC, under their key locks) with every write
     * gathered into one RocksDB batch, committed atomically at the end: after a crash either all of
     * it is there or none. Commands inside read their predecessors' writes.
     */
    public void runTransaction(Runnable body) {
        beginTransaction();
        boolean done = false;
        try {
            body.run();
            done = true;
        } finally {
            endTransaction(done);
        }
    }

    /** Opens a transaction on this thread, as {@link #runTransaction} does (a script opens one at its first write). */
    public void beginTransaction() {
        beginTransaction(true);
    }

    /** {@code indexed} false: reads inside do not see its writes (a burst of commands on distinct keys). */
    public void beginTransaction(boolean indexed) {
        storage.beginTransaction(indexed);
        transactionChanges.set(new java.util.LinkedHashMap<>());
    }

    /**
     * Marks where this thread's transaction ends now: {@link #rollbackToSavepoint} later drops what
     * was written since (a script that joined a client's pipelined burst and must start over),
     * {@link #releaseSavepoint} keeps it. One at a time.
     */
    public void savepoint() {
        storage.savepoint();
    }

    public void rollbackToSavepoint() {
        storage.rollbackToSavepoint();
    }

    public void releaseSavepoint() {
        storage.releaseSavepoint();
    }

    /** Commits (or drops) the transaction {@link #beginTransaction} opened on this thread. */
    public void endTransaction(boolean commit) {
        // Not the transaction begun then if a FLUSHALL inside split it (see flushAll).
        Transaction tx = storage.currentTransaction();
        Map<ByteBuffer, Object> changes = transactionChanges.get();
        transactionChanges.set(null); // not remove(): see Storage's transaction
        if (commit) {
            commitTransaction(tx, changes);
        } else {
            snapshots.clear();
            storage.abortTransaction(tx);
        }
    }

    private void commitTransaction(Transaction tx, Map<ByteBuffer, Object> changes) {
        for (ByteBuffer k : changes.keySet()) {
            if (cache.enabled()) {
                cache.invalidate(k.array());
            }
            writes.begin(k.array());
        }
        boolean committed = false;
        try {
            storage.commitTransaction(tx);
            committed = true;
        } finally {
            settle(changes, committed);
        }
        notifyChanged(changes);
    }

    // ---- key commands ------------------------------------------------------------------------

    /** DEL / UNLINK: the number of keys that existed and were removed. */
    public long delete(List<byte[]> keys) {
        try (KeyLocks.Held held = locks.lock(keys); Batch b = storage.newBatch()) {
            long removed = 0;
            Set<ByteBuffer> seen = new HashSet<>();
            for (byte[] key : keys) {
                if (!seen.add(ByteBuffer.wrap(key))) {
                    continue;
                }
                Metadata m = physical(key);
                if (m == null) {
                    continue;
                }
                if (isLive(m)) {
                    removed++;
                    remove(b, key, m);
                    b.event(KeyEvent.GENERIC, "del", key);
                } else {
                    remove(b, key, m);
                    b.event(KeyEvent.EXPIRED, "expired", key);
                }
            }
            commit(b);
            return removed;
        }
    }

    /** EXISTS / TOUCH: how many of the keys exist, counting repeats. */
    public long countExisting(List<byte[]> keys) {
        long n = 0;
        for (byte[] key : keys) {
            if (live(key) != null) {
                n++;
            }
        }
        return n;
    }

    public DataType type(byte[] key) {
        Metadata m = live(key);
        return m == null ? null : m.type();
    }

    /**
     * EXPIRE family with an absolute deadline. A deadline in the past deletes the key, as in Redis.
     *
     * @return OK if the TTL was set (or the key deleted), NOT_FOUND, or NOT_APPLIED when the
     *     condition failed
     */
    public Status expireAt(byte[] key, long deadline, ExpireCondition condition) {
        try (KeyLocks.Held held = locks.lock(key); Batch b = storage.newBatch()) {
            Metadata m = physical(key);
            if (!isLive(m)) {
                return Status.NOT_FOUND;
            }
            if (!condition.allows(m.expireAt(), deadline)) {
                return Status.NOT_APPLIED;
            }
            if (deadline <= clock.millis()) {
                remove(b, key, m);
                b.event(KeyEvent.GENERIC, "del", key);
            } else {
                put(b, key, m, m.withExpireAt(deadline));
                b.event(KeyEvent.GENERIC, "expire", key);
            }
            commit(b);
            return Status.OK;
        }
    }

    /** Remaining TTL in ms; -2 if the key does not exist, -1 if it has no TTL. */
    public long ttlMillis(byte[] key) {
        Metadata m = live(key);
        if (m == null) {
            return -2;
        }
        return m.hasExpiry() ? Math.max(0, m.expireAt() - clock.millis()) : -1;
    }

    /** Absolute deadline in ms; -2 if the key does not exist, -1 if it has no TTL. */
    public long expireTimeMillis(byte[] key) {
        Metadata m = live(key);
        if (m == null) {
            return -2;
        }
        return m.hasExpiry() ? m.expireAt() : -1;
    }

    public boolean persist(byte[] key) {
        try (KeyLocks.Held held = locks.lock(key); Batch b = storage.newBatch()) {
            Metadata m = physical(key);
            if (!isLive(m) || !m.hasExpiry()) {
                return false;
            }
            put(b, key, m, m.withExpireAt(0));
            b.event(KeyEvent.GENERIC, "persist", key);
            commit(b);
            return true;
        }
    }

    /**
     * RENAME / RENAMENX. The destination keeps the source's TTL.
     *
     * @return NOT_FOUND if the source does not exist, NOT_APPLIED if {@code onlyIfAbsent} and the
     *     destination exists, OK otherwise
     */
    public Status rename(byte[] src, byte[] dst, boolean onlyIfAbsent) {
        return relocate(src, dst, onlyIfAbsent, "rename_from", "rename_to");
    }

    /** MOVE to another database's namespace: as RENAMENX, with Redis's move_from/move_to events. */
    public Status move(byte[] src, byte[] dst) {
        return relocate(src, dst, true, "move_from", "move_to");
    }

    private Status relocate(byte[] src, byte[] dst, boolean onlyIfAbsent, String fromEvent, String toEvent) {
        try (KeyLocks.Held held = locks.lock(src, dst); Batch b = storage.newBatch()) {
            Metadata from = physical(src);
            if (!isLive(from)) {
                return Status.NOT_FOUND;
            }
            if (java.util.Arrays.equals(src, dst)) {
                return onlyIfAbsent ? Status.NOT_APPLIED : Status.OK;
            }
            Metadata to = physical(dst);
            if (onlyIfAbsent && isLive(to)) {
                return Status.NOT_APPLIED;
            }
            Metadata copy = copyValue(b, src, from, dst);
            replacedAnew(b, dst, to);
            put(b, dst, to, copy);
            remove(b, src, from);
            b.event(KeyEvent.GENERIC, fromEvent, src);
            b.event(KeyEvent.GENERIC, toEvent, dst);
            commit(b);
            return Status.OK;
        }
    }

    /** COPY: OK, NOT_FOUND (no source) or NOT_APPLIED (destination exists, no REPLACE). */
    public Status copy(byte[] src, byte[] dst, boolean replace) {
        try (KeyLocks.Held held = locks.lock(src, dst); Batch b = storage.newBatch()) {
            Metadata from = physical(src);
            if (!isLive(from)) {
                return Status.NOT_FOUND;
            }
            Metadata to = physical(dst);
            if (!replace && isLive(to)) {
                return Status.NOT_APPLIED;
            }
            Metadata copy = copyValue(b, src, from, dst);
            replacedAnew(b, dst, to);
            put(b, dst, to, copy);
            b.event(KeyEvent.GENERIC, "copy_to", dst);
            commit(b);
            return Status.OK;
        }
    }

    /** Redis deletes a destination it replaces and adds the key anew, so "new" comes even then. */
    private void replacedAnew(Batch b, byte[] dst, Metadata old) {
        if (isLive(old)) {
            b.event(KeyEvent.NEW, "new", dst);
        }
    }

    /** Writes the subkeys of {@code from} under {@code dst} at a fresh version; returns its metadata. */
    private Metadata copyValue(Batch b, byte[] src, Metadata from, byte[] dst) {
        if (from.type().isInline()) {
            return from;
        }
        long version = versions.next();
        for (ColumnFamily cf : ColumnFamily.VERSIONED) {
            byte[] prefix = InternalKey.prefix(src, from.version());
            // Read everything first: inside a transaction the batch being written is also what the
            // iterator reads, and must not change under it.
            List<byte[][]> entries = new ArrayList<>();
            try (io.rockhub.core.storage.Cursor it = storage.prefixCursor(cf, prefix)) {
                for (it.seek(prefix); it.isValid() && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix); it.next()) {
                    entries.add(new byte[][] {InternalKey.subkey(it.key()), it.value()});
                }
            }
            for (byte[][] e : entries) {
                b.put(cf, InternalKey.encode(dst, version, e[0]), e[1]);
            }
        }
        // Same subkeys under a new version: everything else (size, a list's bounds) carries over.
        return new Metadata(from.type(), from.expireAt(), version, from.size(), from.value(), from.head(), from.tail());
    }

    /** Stored key records in every database. */
    public long size() {
        return storage.counterSum(Counters.KEYS);
    }

    /** DBSIZE: stored key records of one namespace (like Redis, keys that expired but were not yet swept count). */
    public long size(int namespace) {
        return storage.counter(Counters.keys(namespace));
    }

    public long expiresCount() {
        return storage.counterSum(Counters.EXPIRES);
    }

    public long expiresCount(int namespace) {
        return storage.counter(Counters.expires(namespace));
    }

    /**
     * FLUSHALL: removes every key in one atomic batch of range deletions. Holds every key
     * lock so no write interleaves with the flush or refills the cache from before it.
     */
    public void flushAll() {
        flush(-1);
    }

    /**
     * FLUSHDB: removes every key of one namespace, as {@link #flushAll} does: its metadata and
     * subkeys are contiguous ranges (see {@link InternalKey}). Its expiry and garbage entries are not
     * (they are ordered by time and version): they stay behind, and the sweeper drops them as stale
     * when their turn comes, as it does for any entry whose key was rewritten.
     */
    public void flushNamespace(int namespace) {
        flush(namespace);
    }

    private void flush(int namespace) {
        Map<ByteBuffer, Object> pending = transactionChanges.get();
        if (pending != null) {
            // Range deletions cannot join RocksDB's indexed batch: the transaction's writes so far
            // are committed, the flush runs on its own, and the rest of the EXEC continues in a
            // fresh transaction. Other clients see no gap (EXEC holds every key lock), but a crash
            // in between could keep the first part: the one exception to EXEC's atomicity.
            transactionChanges.set(null); // not remove(): see Storage's transaction
            commitTransaction(storage.currentTransaction(), pending);
            try {
                flush(namespace);
            } finally {
                storage.beginTransaction();
                transactionChanges.set(new java.util.LinkedHashMap<>());
            }
            return;
        }
        try (KeyLocks.Held all = locks.lockAll(); Batch b = storage.newBatch()) {
            cache.beginClear();
            writes.beginEveryKey();
            try {
                if (namespace < 0) {
                    flushAllColumnFamilies(b);
                } else {
                    flushNamespaceRanges(b, namespace);
                }
            } finally {
                writes.endEveryKey(storage.latestSequence());
                cache.endClear();
            }
        }
        for (KeyChangeListener l : listeners) {
            l.flushed();
        }
    }

    private void deleteCounters(Batch b, byte[] prefix) {
        try (RocksIterator it = storage.iterator(ColumnFamily.DEFAULT)) {
            for (it.seek(prefix); it.isValid() && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix); it.next()) {
                b.delete(ColumnFamily.DEFAULT, it.key());
            }
        }
    }

    private void flushNamespaceRanges(Batch b, int namespace) {
        byte[] from = StoredKey.namespaceStart(namespace);
        byte[] to = StoredKey.namespaceEnd(namespace);
        b.deleteRange(ColumnFamily.METADATA, from, to);
        for (ColumnFamily cf : ColumnFamily.VERSIONED) {
            b.deleteRange(cf, from, to);
        }
        b.delete(ColumnFamily.DEFAULT, Counters.keys(namespace));
        b.delete(ColumnFamily.DEFAULT, Counters.expires(namespace));
        storage.commit(b);
    }


    private void flushAllColumnFamilies(Batch b) {
        for (ColumnFamily cf : ColumnFamily.values()) {
            if (cf == ColumnFamily.DEFAULT) {
                deleteCounters(b, Counters.KEYS);
                deleteCounters(b, Counters.EXPIRES);
                continue;
            }
            try (RocksIterator it = storage.iterator(cf)) {
                it.seekToFirst();
                if (!it.isValid()) {
                    continue;
                }
                byte[] first = it.key();
                it.seekToLast();
                byte[] last = it.key();
                b.deleteRange(cf, first, last);
                b.delete(cf, last);
            }
        }
        storage.commit(b);
    }

}
