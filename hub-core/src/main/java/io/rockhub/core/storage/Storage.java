package io.rockhub.core.storage;

import io.rockhub.core.config.HubConfig;
import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.Counters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.LevelMetaData;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.RocksIterator;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB instance: opening it with the configured tuning, the column families of
 * {@link ColumnFamily}, atomic commits and the durability barrier of {@link GroupCommitter}.
 *
 * <p>Thread-safe. Reads see the latest committed state; a commit returns once its batch is in the
 * WAL (not yet fsynced: see {@link #committer()}).
 */
public final class Storage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Storage.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final Map<ColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(ColumnFamily.class);
    private final List<ColumnFamilyHandle> allHandles;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Cache blockCache;
    private final Statistics statistics;
    private final WriteOptions writeOptions = new WriteOptions().setSync(false);
    private final ReadOptions readOptions = new ReadOptions();
    /** Reads that may not touch a file: memtables and the block cache only. */
    private final ReadOptions residentOnly = new ReadOptions().setReadTier(org.rocksdb.ReadTier.BLOCK_CACHE_TIER);
    private final GroupCommitter committer;
    private volatile boolean closed;
    /**
     * The transaction open on each thread. Ended by setting null, not by remove(): every read asks
     * it, and after a remove() the next read re-creates the thread's entry (a bursting event loop
     * or the script thread opens and ends one per burst or script).
     */
    private final ThreadLocal<Transaction> transaction = new ThreadLocal<>();

    private Storage(Path dir, RocksDB db, DBOptions dbOptions, List<ColumnFamilyHandle> allHandles,
                    List<String> names, Cache blockCache, Statistics statistics, HubConfig config) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.allHandles = allHandles;
        this.blockCache = blockCache;
        this.statistics = statistics;
        for (int i = 0; i < names.size(); i++) {
            for (ColumnFamily cf : ColumnFamily.values()) {
                if (cf.cfName().equals(names.get(i))) {
                    handles.put(cf, allHandles.get(i));
                }
            }
        }
        this.committer = new GroupCommitter(db, config.getBool("rocksdb.write_options.sync"),
                config.getLong("rocksdb.group_commit_max_delay_us"));
    }

    /** Opens (creating if needed) the database in {@code config.dir}, upgrading an older layout (see {@link FormatUpgrade}). */
    public static Storage open(HubConfig config) {
        return open(config, true);
    }

    /**
     * Opens the database; with {@code upgradeLayout} false a directory of an older layout stays as it
     * is (a point-in-time restore replays that layout's WAL onto it first; the server upgrades it when
     * it opens the result).
     */
    public static Storage open(HubConfig config, boolean upgradeLayout) {
        Path dir = Path.of(config.get("dir")).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir, e);
        }
        List<AutoCloseable> resources = new ArrayList<>();
        Cache blockCache = new LRUCache(config.megabytes("rocksdb.block_cache_size"));
        resources.add(blockCache);
        Statistics statistics = new Statistics();
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
        resources.add(statistics);

        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(config.getInt("rocksdb.max_background_jobs"))
                .setMaxOpenFiles(config.getInt("rocksdb.max_open_files"))
                .setStatistics(statistics)
                .setWalTtlSeconds(config.getLong("rocksdb.wal_ttl_seconds"))
                .setWalSizeLimitMB(config.getLong("rocksdb.wal_size_limit_mb"))
                .setKeepLogFileNum(10)
                .setAvoidUnnecessaryBlockingIO(true)
                .setUseDirectReads(config.getBool("rocksdb.use_direct_reads"))
                // The WAL is written by GroupCommitter, once per round of writers, not once per write.
                .setManualWalFlush(true);
        if (config.getLong("rocksdb.wal_ttl_seconds") == 0 && config.getLong("rocksdb.wal_size_limit_mb") == 0) {
            // Overwriting recycled WAL files keeps their size fixed, so fdatasync flushes data
            // without a journal commit for the file size: the main cost of a durable write.
            // RocksDB disables recycling by itself when WAL files must be archived.
            dbOptions.setRecycleLogFileNum(4);
        }
        long rowCache = config.megabytes("rocksdb.row_cache_size");
        if (rowCache > 0) {
            Cache rc = new LRUCache(rowCache);
            resources.add(rc);
            dbOptions.setRowCache(rc);
        }

        List<String> names = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        Map<String, Boolean> existing = new LinkedHashMap<>();
        try (Options probe = new Options()) {
            for (byte[] n : RocksDB.listColumnFamilies(probe, dir.toString())) {
                existing.put(new String(n, java.nio.charset.StandardCharsets.UTF_8), true);
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot list column families in " + dir, e);
        }
        for (ColumnFamily cf : ColumnFamily.values()) {
            existing.putIfAbsent(cf.cfName(), true);
        }
        for (String name : existing.keySet()) {
            ColumnFamilyOptions cfo = columnFamilyOptions(config, blockCache, name);
            resources.add(cfo);
            names.add(name);
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(java.nio.charset.StandardCharsets.UTF_8), cfo));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            Map<ColumnFamily, ColumnFamilyHandle> byFamily = new EnumMap<>(ColumnFamily.class);
            for (ColumnFamily cf : ColumnFamily.values()) {
                byFamily.put(cf, handles.get(names.indexOf(cf.cfName())));
            }
            if (upgradeLayout) {
                FormatUpgrade.run(db, byFamily, dir);
            }
            Storage storage = new Storage(dir, db, dbOptions, handles, names, blockCache, statistics, config);
            storage.resources.addAll(resources);
            LOG.info("opened RocksDB {} at sequence {}", dir, db.getLatestSequenceNumber());
            return storage;
        } catch (RocksDBException e) {
            throw new StorageException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ColumnFamilyOptions columnFamilyOptions(HubConfig config, Cache blockCache, String name) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setBlockSize(config.getLong("rocksdb.block_size"))
                .setCacheIndexAndFilterBlocks(config.getBool("rocksdb.cache_index_and_filter_blocks"))
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setFormatVersion(5);
        int bloomBits = config.getInt("rocksdb.bloom_bits_per_key");
        if (bloomBits > 0) {
            table.setFilterPolicy(new BloomFilter(bloomBits, false));
        }
        if (config.getBool("rocksdb.partition_filters")) {
            table.setPartitionFilters(true).setIndexType(IndexType.kTwoLevelIndexSearch);
        }
        ColumnFamilyOptions cfo = new ColumnFamilyOptions()
                .setWriteBufferSize(config.megabytes("rocksdb.write_buffer_size"))
                .setMaxWriteBufferNumber(config.getInt("rocksdb.max_write_buffer_number"))
                .setTargetFileSizeBase(config.megabytes("rocksdb.target_file_size_base"))
                .setLevelCompactionDynamicLevelBytes(true)
                .setCompressionPerLevel(compressionPerLevel(config.get("rocksdb.compression_per_level")))
                // With dynamic level sizes the per-level list counts from the level L0 compacts into,
                // which is the last level while the data is small: without this the data that
                // matters most in size would be compressed as the first levels are (or not at all).
                .setBottommostCompressionType(compressionPerLevel(config.get("rocksdb.bottommost_compression")).get(0));
        if (name.equals(ColumnFamily.METADATA.cfName())) {
            // Point lookups dominate the metadata family: hash index inside blocks and a memtable
            // bloom filter spare comparisons, as the seed on kvrocks's tuning measured.
            if (!config.getBool("rocksdb.partition_filters")) {
                table.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
            }
            cfo.setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true);
            // Every write of every type writes this family; a smaller skiplist makes each insert a
            // shorter search; but where it holds the data (strings) reads meet more files (README, "Benchmark").
            if (config.getLong("rocksdb.metadata_write_buffer_size") > 0) {
                cfo.setWriteBufferSize(config.megabytes("rocksdb.metadata_write_buffer_size"));
            }
            if (config.getBool("rocksdb.enable_blob_files")) {
                cfo.setEnableBlobFiles(true).setMinBlobSize(config.getLong("rocksdb.min_blob_size"));
            }
        }
        if (name.equals(ColumnFamily.DEFAULT.cfName())) {
            cfo.setMergeOperator(new UInt64AddOperator());
        }
        cfo.setTableFormatConfig(table);
        return cfo;
    }

    static List<CompressionType> compressionPerLevel(String spec) {
        List<CompressionType> out = new ArrayList<>();
        for (String part : spec.split(":")) {
            out.add(switch (part) {
                case "no" -> CompressionType.NO_COMPRESSION;
                case "snappy" -> CompressionType.SNAPPY_COMPRESSION;
                case "lz4" -> CompressionType.LZ4_COMPRESSION;
                case "zstd" -> CompressionType.ZSTD_COMPRESSION;
                default -> throw new IllegalArgumentException("unknown compression " + part);
            });
        }
        while (out.size() < 7) {
            out.add(out.get(out.size() - 1));
        }
        return out;
    }

    ColumnFamilyHandle handle(ColumnFamily cf) {
        return handles.get(cf);
    }

    public Path dir() {
        return dir;
    }

    public Batch newBatch() {
        return new Batch(this, transaction.get());
    }

    /**
     * As {@link #newBatch()}, for a write known to be large (a slot migration's 4 MB of entries):
     * its batch starts with {@code reservedBytes} of room. Grown by doubling instead, a 4 MB batch was
     * copied a dozen times into freshly mapped memory, whose page faults took a third of the import.
     */
    public Batch newBatch(int reservedBytes) {
        return new Batch(this, transaction.get(), reservedBytes);
    }

    /**
     * Starts gathering this thread's writes into one transaction: until {@link #commitTransaction}
     * or {@link #abortTransaction}, batches join it and reads on this thread see its writes.
     */
    public Transaction beginTransaction() {
        return beginTransaction(true);
    }

    /** As {@link #beginTransaction()}; {@code indexed} false: its reads do not see its writes (see Transaction). */
    public Transaction beginTransaction(boolean indexed) {
        if (transaction.get() != null) {
            throw new IllegalStateException("transaction already open on this thread");
        }
        Transaction tx = new Transaction(indexed);
        transaction.set(tx);
        return tx;
    }

    public boolean inTransaction() {
        return transaction.get() != null;
    }

    /** The transaction open on this thread, or null. */
    public Transaction currentTransaction() {
        return transaction.get();
    }

    /** Writes every gathered change atomically and ends the transaction. */
    public void commitTransaction(Transaction tx) {
        transaction.set(null);
        try {
            if (tx.batch.count() > 0 || !tx.counterDeltas.isEmpty()) {
                if (tx.repeats()) {
                    try (org.rocksdb.WriteBatch latest = new org.rocksdb.WriteBatch()) {
                        for (java.util.Map.Entry<Transaction.EntryKey, byte[]> e : tx.latestWrites()) {
                            byte[] key = e.getKey().key().array();
                            if (e.getValue() == Transaction.DELETED) {
                                latest.delete(handle(e.getKey().cf()), key);
                            } else {
                                latest.put(handle(e.getKey().cf()), key, e.getValue());
                            }
                        }
                        writeWithCounters(latest, tx);
                    }
                } else if (tx.batch instanceof WriteBatchWithIndex indexedBatch) {
                    appendCounters(indexedBatch, tx);
                    stampCommitTime(indexedBatch);
                    db.write(writeOptions, indexedBatch);
                } else {
                    writeWithCounters((org.rocksdb.WriteBatch) tx.batch, tx);
                }
            }
            java.util.List<KeyEvent> events = tx.events();
            if (!events.isEmpty()) {
                eventSink.committed(latestSequence(), events);
            }
        } catch (RocksDBException e) {
            throw new StorageException("transaction write failed: " + e.getMessage(), e);
        } finally {
            tx.close();
        }
    }

    private void writeWithCounters(org.rocksdb.WriteBatch batch, Transaction tx) throws RocksDBException {
        appendCounters(batch, tx);
        stampCommitTime(batch);
        db.write(writeOptions, batch);
    }

    /** A transaction's counter changes, one merge operand per counter. */
    private void appendCounters(org.rocksdb.AbstractWriteBatch batch, Transaction tx) throws RocksDBException {
        for (java.util.Map.Entry<java.nio.ByteBuffer, Long> e : tx.counterDeltas.entrySet()) {
            if (e.getValue() == 0) {
                continue; // created and removed within the transaction
            }
            batch.merge(handles.get(ColumnFamily.DEFAULT), e.getKey().array(), Counters.operand(e.getValue()));
        }
    }

    /**
     * Marks where this thread's transaction ends now (see {@link Transaction#setSavepoint}): a later
     * {@link #rollbackToSavepoint} drops what was gathered since, {@link #releaseSavepoint} keeps it.
     */
    public void savepoint() {
        transaction.get().setSavepoint();
    }

    public void rollbackToSavepoint() {
        try {
            transaction.get().rollbackToSavepoint();
        } catch (RocksDBException e) {
            throw new StorageException("rollback to savepoint failed: " + e.getMessage(), e);
        }
    }

    public void releaseSavepoint() {
        try {
            transaction.get().releaseSavepoint();
        } catch (RocksDBException e) {
            throw new StorageException("release of savepoint failed: " + e.getMessage(), e);
        }
    }

    /** Drops every gathered change and ends the transaction. */
    public void abortTransaction(Transaction tx) {
        transaction.set(null);
        tx.close();
    }

    /**
     * Applies the batch atomically; on return it is visible to readers and written to the WAL.
     * A batch that belongs to a transaction only seals its counters: the transaction writes it.
     */
    public void commit(Batch batch) {
        try {
            batch.sealCounters();
            if (batch.inTransaction()) {
                batch.endTransactionCommand();
                return;
            }
            if (batch.count() == 0) {
                // Nothing to write, but Redis reports some no-op writes (SETBIT of a bit already set).
                java.util.List<KeyEvent> events = batch.takeEvents();
                if (!events.isEmpty()) {
                    eventSink.committed(latestSequence(), events);
                }
                return;
            }
            stampCommitTime(batch.batch);
            db.write(writeOptions, (org.rocksdb.WriteBatch) batch.batch);
            java.util.List<KeyEvent> events = batch.takeEvents();
            if (!events.isEmpty()) {
                eventSink.committed(latestSequence(), events);
            }
        } catch (RocksDBException e) {
            throw new StorageException("write failed: " + e.getMessage(), e);
        }
    }

    private volatile int notifyMask;
    private volatile KeyEvent.Sink eventSink = (seq, events) -> { };

    /**
     * Which keyspace events to record ({@code notify-keyspace-events} as {@link KeyEvent} bits, with
     * K and/or E) and where committed ones go. With neither K nor E nothing is recorded at all.
     */
    public void keyEvents(int mask, KeyEvent.Sink sink) {
        this.eventSink = sink;
        this.notifyMask = mask;
    }

    /** Whether events of this class are being recorded. */
    public boolean notifies(int type) {
        int m = notifyMask;
        return (m & type) != 0 && (m & (KeyEvent.KEYSPACE | KeyEvent.KEYEVENT)) != 0;
    }

    /** What {@link #transactionMetadata} answers for a key this thread's transaction has not set. */
    public static final Object UNCHANGED = new Object();

    /**
     * The metadata this thread's transaction set for {@code key} (a Metadata, or
     * {@link Batch#REMOVED}), or {@link #UNCHANGED} when it set none or there is no transaction.
     */
    public Object transactionMetadata(byte[] key) {
        Transaction tx = transaction.get();
        if (tx == null) {
            return UNCHANGED;
        }
        Object v = tx.metadata.get(java.nio.ByteBuffer.wrap(key));
        return v == null ? UNCHANGED : v;
    }

    /**
     * Several keys of one family in one call (null where absent): one crossing of JNI and one pass
     * of RocksDB's read path for all of them. Inside an indexed transaction, each through its batch.
     */
    public List<byte[]> multiGet(ColumnFamily cf, List<byte[]> keys) {
        Transaction tx = transaction.get();
        if (keys.size() == 1 || tx != null && tx.batch instanceof WriteBatchWithIndex) {
            List<byte[]> out = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                out.add(get(cf, k));
            }
            return out;
        }
        try {
            return db.multiGetAsList(readOptions, java.util.Collections.nCopies(keys.size(), handles.get(cf)), keys);
        } catch (RocksDBException e) {
            throw new StorageException("read failed: " + e.getMessage(), e);
        }
    }

    public byte[] get(ColumnFamily cf, byte[] key) {
        try {
            Transaction tx = transaction.get();
            if (tx != null && tx.batch instanceof WriteBatchWithIndex indexedBatch) {
                return indexedBatch.getFromBatchAndDB(db, handles.get(cf), readOptions, key);
            }
            return db.get(handles.get(cf), readOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("read failed: " + e.getMessage(), e);
        }
    }

    /** What {@link #getIfResident} answers when the value is only in a file, not in memory. */
    public static final byte[] NOT_RESIDENT = new byte[0];

    /**
     * A committed value read without any file I/O (memtables, block cache, and the filters that
     * prove a key absent); null if there is none; {@link #NOT_RESIDENT} (compare by identity) when
     * answering would need a read from disk. An event loop asks this before a read that could block it.
     */
    public byte[] getIfResident(ColumnFamily cf, byte[] key) {
        try {
            return db.get(handles.get(cf), residentOnly, key);
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == org.rocksdb.Status.Code.Incomplete) {
                return NOT_RESIDENT;
            }
            throw new StorageException("read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} on this thread and answers how many deleted entries its reads stepped over
     * (RocksDB's perf context): the cost that bounded scans exist to avoid, for diagnosis and tests.
     */
    public long deletedEntriesSkipped(Runnable work) {
        org.rocksdb.PerfLevel before = db.getPerfLevel();
        db.setPerfLevel(org.rocksdb.PerfLevel.ENABLE_COUNT);
        try {
            org.rocksdb.PerfContext perf = db.getPerfContext();
            perf.reset();
            work.run();
            return perf.getInternalDeleteSkippedCount();
        } finally {
            db.setPerfLevel(before);
        }
    }

    /** A new iterator over one column family (and this thread's transaction); the caller closes it. */
    public RocksIterator iterator(ColumnFamily cf) {
        return iteratorWithTransaction(cf, readOptions);
    }

    /** An iterator with {@code options}, through this thread's indexed transaction if there is one. */
    private RocksIterator iteratorWithTransaction(ColumnFamily cf, ReadOptions options) {
        Transaction tx = transaction.get();
        RocksIterator base = db.newIterator(handles.get(cf), options);
        return tx != null && tx.batch instanceof WriteBatchWithIndex indexedBatch
                ? indexedBatch.newIteratorWithBase(handles.get(cf), base, options) : base;
    }

    /** As {@link #iterator(ColumnFamily)}, for loops that look at each key more than once. */
    public Cursor cursor(ColumnFamily cf) {
        return new Cursor(iterator(cf));
    }

    /** A cursor bounded to the keys that start with {@code prefix} (see {@link #cursor(ColumnFamily, byte[])}). */
    public Cursor prefixCursor(ColumnFamily cf, byte[] prefix) {
        byte[] end = io.rockhub.core.encoding.Bytes.prefixEnd(prefix);
        return end == null ? cursor(cf) : cursor(cf, end);
    }

    /**
     * A cursor that RocksDB itself stops before {@code upperBound} (exclusive): a loop over one
     * key's range that ends by stepping past it would otherwise make RocksDB skip every deleted
     * entry between the range's end and the next live key, which after many deletions of other
     * keys' entries (dropped collection versions, popped members) is most of the cost of a read.
     * Entries of the connection's open transaction are still seen (they are few).
     */
    public Cursor cursor(ColumnFamily cf, byte[] upperBound) {
        return boundedCursor(cf, upperBound, new ReadOptions());
    }

    /**
     * As {@link #cursor(ColumnFamily, byte[])}, for one pass over a large range (a dropped slot's
     * keys): read ahead 2 MB at a time, and not kept in the block cache, whose hot entries it would
     * push out for data read once.
     */
    public Cursor scanCursor(ColumnFamily cf, byte[] upperBound) {
        return boundedCursor(cf, upperBound, new ReadOptions().setFillCache(false).setReadaheadSize(2 << 20));
    }

    private Cursor boundedCursor(ColumnFamily cf, byte[] upperBound, ReadOptions options) {
        org.rocksdb.Slice bound = new org.rocksdb.Slice(upperBound);
        options.setIterateUpperBound(bound);
        return new Cursor(iteratorWithTransaction(cf, options), options, bound);
    }

    /** A new iterator with the caller's read options (bounds, snapshot); the caller closes both. */
    public RocksIterator iterator(ColumnFamily cf, ReadOptions options) {
        return db.newIterator(handles.get(cf), options);
    }

    /**
     * A consistent view of the data as of one sequence, read while writes go on (a slot's copy to
     * another node); closing it releases RocksDB's snapshot.
     */
    public final class View implements AutoCloseable {
        private final org.rocksdb.Snapshot snapshot = db.getSnapshot();

        /** The sequence of the last write it shows. */
        public long sequence() {
            return snapshot.getSequenceNumber();
        }

        /** An iterator over the view, stopping before {@code upperBound}; the caller closes it. */
        public Cursor cursor(ColumnFamily cf, byte[] upperBound) {
            org.rocksdb.Slice bound = new org.rocksdb.Slice(upperBound);
            ReadOptions bounded = new ReadOptions().setSnapshot(snapshot).setFillCache(false)
                    .setIterateUpperBound(bound).setReadaheadSize(2 << 20);
            return new Cursor(db.newIterator(handles.get(cf), bounded), bounded, bound);
        }

        @Override
        public void close() {
            db.releaseSnapshot(snapshot);
        }
    }

    public View view() {
        return new View();
    }

    /**
     * The entries of a WAL batch that belong to {@code slots} (puts and deletions in the families a
     * migration carries), and whether the batch range-deleted any of those families (FLUSHALL): a
     * migration cannot follow that one entry at a time.
     */
    public record SlotOps(List<io.rockhub.core.encoding.RawOps.Op> ops, boolean rangeDeleted) {
    }

    public SlotOps slotOps(io.rockhub.core.replication.WalBatch batch, java.util.BitSet slots) {
        java.util.Map<Integer, ColumnFamily> byId = new java.util.HashMap<>();
        for (ColumnFamily cf : io.rockhub.core.encoding.RawOps.families()) {
            byId.put(handles.get(cf).getID(), cf);
        }
        SlotFilter filter = new SlotFilter(byId, slots);
        try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch(batch.data())) {
            wb.iterate(filter);
        } catch (RocksDBException e) {
            throw new StorageException("unreadable batch " + batch.sequence() + ": " + e.getMessage(), e);
        } finally {
            filter.close();
        }
        return new SlotOps(filter.ops(), filter.rangeDeleted());
    }

    /** The sum of every counter whose name starts with {@code prefix} (all databases' key counts), as committed. */
    public long counterSum(byte[] prefix) {
        Transaction tx = transaction.get();
        return counterSum(db, handles.get(ColumnFamily.DEFAULT), readOptions, prefix)
                + (tx == null ? 0 : tx.pendingCounterSum(prefix));
    }

    private static long counterSum(RocksDB db, ColumnFamilyHandle family, ReadOptions read, byte[] prefix) {
        long sum = 0;
        try (RocksIterator it = db.newIterator(family, read)) {
            for (it.seek(prefix); it.isValid() && io.rockhub.core.encoding.Bytes.startsWith(it.key(), prefix); it.next()) {
                sum += Counters.decode(it.value());
            }
        }
        return sum;
    }

    /** A keyspace counter, with the changes of this thread's transaction so far (DBSIZE inside EXEC). */
    public long counter(byte[] counterKey) {
        try {
            Transaction tx = transaction.get();
            return Counters.decode(db.get(handles.get(ColumnFamily.DEFAULT), readOptions, counterKey))
                    + (tx == null ? 0 : tx.pendingCounter(counterKey));
        } catch (RocksDBException e) {
            throw new StorageException("read failed: " + e.getMessage(), e);
        }
    }

    /**
     * Records the commit's wall-clock time in the WAL as log data: it takes no sequence number and
     * never reaches the memtable, but a point-in-time restore reads it to stop at a moment.
     */
    private static void stampCommitTime(org.rocksdb.AbstractWriteBatch batch) throws RocksDBException {
        byte[] stamp = new byte[COMMIT_TIME_TAG.length + 8];
        System.arraycopy(COMMIT_TIME_TAG, 0, stamp, 0, COMMIT_TIME_TAG.length);
        io.rockhub.core.encoding.Bytes.putLong(stamp, COMMIT_TIME_TAG.length, System.currentTimeMillis());
        batch.putLogData(stamp);
    }

    static final byte[] COMMIT_TIME_TAG = "rockhub:t".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A reader of the WAL from sequence {@code next} on (for replicas); the caller closes it. */
    public WalCursor walFrom(long next) {
        return new WalCursor(db, next, committer::writtenSequence);
    }

    /**
     * Applies a batch shipped from a primary, unchanged, so this database's sequence numbers stay
     * equal to the primary's. Refuses a batch that does not start right after the newest local
     * write: the histories have diverged.
     */
    public void applyReplicated(io.rockhub.core.replication.WalBatch batch) {
        long latest = db.getLatestSequenceNumber();
        if (batch.sequence() != latest + 1) {
            throw new StorageException("replicated batch at sequence " + batch.sequence() + " does not follow local "
                    + latest, null);
        }
        try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch(batch.data())) {
            db.write(writeOptions, wb);
        } catch (RocksDBException e) {
            throw new StorageException("applying replicated batch " + batch.sequence() + " failed: " + e.getMessage(), e);
        }
    }

    /** The user keys whose metadata a batch writes or deletes, so caches and blocked clients can follow. */
    public Applied describe(io.rockhub.core.replication.WalBatch batch) {
        List<byte[]> touched = new ArrayList<>();
        try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch(batch.data());
             MetadataKeys collector = new MetadataKeys(handles.get(ColumnFamily.METADATA).getID(),
                     handles.get(ColumnFamily.DEFAULT).getID(), touched)) {
            wb.iterate(collector);
            return new Applied(touched, collector.rangeDeleted(), collector.databasesChanged(), collector.commitMillis());
        } catch (RocksDBException e) {
            throw new StorageException("unreadable replicated batch " + batch.sequence() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a replicated batch changed: stored keys whose metadata it wrote, whether it flushed all (or
     * a database), whether it swapped databases, and when it was committed on the primary (-1 if the
     * batch carries no time).
     */
    public record Applied(List<byte[]> keys, boolean flushedAll, boolean databasesChanged, long commitMillis) {
    }

    /** Writes the WAL buffer and fsyncs it: a replica calls this before acknowledging what it applied. */
    public void syncWal() {
        try {
            long target = db.getLatestSequenceNumber();
            db.flushWal(true);
            committer.syncedElsewhere(target);
        } catch (RocksDBException e) {
            throw new StorageException("WAL sync failed: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a RocksDB checkpoint in {@code target} (which must not exist): hard links to the SST
     * files, copies of the rest. Returns the sequence number it holds everything up to, read back
     * from the checkpoint itself so concurrent writes cannot blur it.
     */
    public long createCheckpoint(Path target) {
        try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(db)) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new StorageException("checkpoint into " + target + " failed: " + e.getMessage(), e);
        }
        return sequenceOf(target);
    }

    /** The latest sequence number of a closed RocksDB directory, opened read-only. */
    public static long sequenceOf(Path dbDir) {
        return readOnly(dbDir, (db, families) -> db.getLatestSequenceNumber());
    }

    /** A digest of the whole database at one sequence number (see {@link #digest()}). */
    public record Digest(long sequence, String sha256, long records) {
    }

    /**
     * SHA-256 over every record of every column family in key order, read from one snapshot: two
     * databases with equal digests at equal sequences hold the same bytes (how tests and operators
     * check a replica). Reads everything: an administrative command, not for hot paths.
     */
    public Digest digest() {
        org.rocksdb.Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            return digest(db, handles, ro, snapshot.getSequenceNumber());
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    private static Digest digest(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> handles, ReadOptions ro,
                                 long sequence) {
        java.security.MessageDigest md = io.rockhub.core.replication.CheckpointManifest.digest();
        long records = 0;
        byte[] len = new byte[4];
        for (ColumnFamily cf : ColumnFamily.values()) {
            md.update(cf.cfName().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            ColumnFamilyHandle h = handles.get(cf);
            if (h == null) {
                continue;
            }
            try (RocksIterator it = db.newIterator(h, ro)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    for (byte[] part : new byte[][] {it.key(), it.value()}) {
                        io.rockhub.core.encoding.Bytes.putInt(len, 0, part.length);
                        md.update(len);
                        md.update(part);
                    }
                    records++;
                }
            }
        }
        return new Digest(sequence, java.util.HexFormat.of().formatHex(md.digest()), records);
    }

    /** What a closed RocksDB directory (a checkpoint, a restored backup) holds, opened read-only. */
    public record DirectoryFacts(Digest digest, long keys) {
    }

    public static DirectoryFacts inspect(Path dbDir) {
        return readOnly(dbDir, (db, families) -> {
            try (ReadOptions read = new ReadOptions()) {
                Digest d = digest(db, families, read, db.getLatestSequenceNumber());
                return new DirectoryFacts(d, counterSum(db, families.get(ColumnFamily.DEFAULT), read, Counters.KEYS));
            }
        });
    }

    /** Something read from a RocksDB directory opened read-only. */
    @FunctionalInterface
    interface ReadOnlyQuery<T> {
        T apply(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> families) throws RocksDBException;
    }

    /**
     * Opens a closed RocksDB directory read-only (nothing in it changes), with every column family
     * and the counters' merge operator, and runs {@code query} on it.
     */
    static <T> T readOnly(Path dbDir, ReadOnlyQuery<T> query) {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        List<ColumnFamilyHandle> opened = new ArrayList<>();
        List<AutoCloseable> owned = new ArrayList<>();
        try (Options probe = new Options(); DBOptions options = new DBOptions()) {
            List<String> names = new ArrayList<>();
            for (byte[] n : RocksDB.listColumnFamilies(probe, dbDir.toString())) {
                String name = new String(n, java.nio.charset.StandardCharsets.UTF_8);
                ColumnFamilyOptions cfo = new ColumnFamilyOptions();
                owned.add(cfo);
                if (name.equals(ColumnFamily.DEFAULT.cfName())) {
                    UInt64AddOperator op = new UInt64AddOperator();
                    owned.add(op);
                    cfo.setMergeOperator(op);
                }
                names.add(name);
                descriptors.add(new ColumnFamilyDescriptor(n, cfo));
            }
            try (RocksDB ro = RocksDB.openReadOnly(options, dbDir.toString(), descriptors, opened)) {
                try {
                    Map<ColumnFamily, ColumnFamilyHandle> byFamily = new EnumMap<>(ColumnFamily.class);
                    for (int i = 0; i < names.size(); i++) {
                        for (ColumnFamily cf : ColumnFamily.values()) {
                            if (cf.cfName().equals(names.get(i))) {
                                byFamily.put(cf, opened.get(i));
                            }
                        }
                    }
                    return query.apply(ro, byFamily);
                } finally {
                    // Column-family handles go before the database they belong to.
                    for (ColumnFamilyHandle h : opened) {
                        h.close();
                    }
                }
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot open " + dbDir + " read-only: " + e.getMessage(), e);
        } finally {
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // native handles, closing cannot fail in a way that matters here
                }
            }
        }
    }

    /** The sequence number of the newest write visible to readers. */
    public long latestSequence() {
        if (closed) {
            throw new StorageException("storage is closed", null);
        }
        return db.getLatestSequenceNumber();
    }

    public GroupCommitter committer() {
        return committer;
    }

    public String property(ColumnFamily cf, String name) {
        try {
            return db.getProperty(handles.get(cf), name);
        } catch (RocksDBException e) {
            return "";
        }
    }

    public long longProperty(ColumnFamily cf, String name) {
        try {
            return db.getLongProperty(handles.get(cf), name);
        } catch (RocksDBException e) {
            return 0;
        }
    }

    /** Sum of a numeric property over every column family. */
    public long longPropertyAll(String name) {
        long sum = 0;
        for (ColumnFamily cf : ColumnFamily.values()) {
            sum += longProperty(cf, name);
        }
        return sum;
    }

    public long blockCacheUsage() {
        return blockCache.getUsage();
    }

    public long ticker(TickerType type) {
        return statistics.getTickerCount(type);
    }

    public void flushMemtables() {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, allHandles);
        } catch (RocksDBException e) {
            throw new StorageException("flush failed: " + e.getMessage(), e);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean compacting = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts a full compaction on a thread of its own: memtables flushed, then every column family
     * rewritten into its last level (the most compressed one), as an operator asks for after a bulk
     * load or a mass delete. Returns false if one is already running.
     */
    public boolean startFullCompaction() {
        if (!compacting.compareAndSet(false, true)) {
            return false;
        }
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            try (org.rocksdb.CompactRangeOptions options = new org.rocksdb.CompactRangeOptions()
                    .setBottommostLevelCompaction(org.rocksdb.CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
                flushMemtables();
                for (ColumnFamilyHandle h : allHandles) {
                    db.compactRange(h, null, null, options);
                }
                LOG.info("full compaction done in {} ms; {} bytes of SST files", (System.nanoTime() - start) / 1_000_000, sstBytes());
            } catch (RocksDBException | RuntimeException e) {
                LOG.error("full compaction failed", e);
            } finally {
                compacting.set(false);
            }
        }, "rockhub-compact");
        t.setDaemon(true);
        t.start();
        return true;
    }

    public boolean compacting() {
        return compacting.get();
    }

    /** Compacts {@code [from, to]} of one family so deleted data leaves the disk now. */
    public void compactRange(ColumnFamily cf, byte[] from, byte[] to) {
        try {
            db.compactRange(handles.get(cf), from, to);
        } catch (RocksDBException e) {
            throw new StorageException("compaction failed: " + e.getMessage(), e);
        }
    }

    /** Files and bytes on one LSM level, summed over all column families. */
    public record LevelSize(int level, long files, long bytes) {
    }

    /**
     * Per-level SST files and exact bytes; read from the column families' metadata because
     * "rocksdb.levelstats" rounds sizes to whole megabytes.
     */
    public List<LevelSize> levelSizes() {
        long[] files = new long[0];
        long[] bytes = new long[0];
        for (ColumnFamilyHandle h : allHandles) {
            for (LevelMetaData level : db.getColumnFamilyMetaData(h).levels()) {
                int at = level.level();
                if (at >= files.length) {
                    files = java.util.Arrays.copyOf(files, at + 1);
                    bytes = java.util.Arrays.copyOf(bytes, at + 1);
                }
                files[at] += level.files().size();
                bytes[at] += level.size();
            }
        }
        List<LevelSize> sizes = new ArrayList<>(files.length);
        for (int at = 0; at < files.length; at++) {
            sizes.add(new LevelSize(at, files[at], bytes[at]));
        }
        return sizes;
    }

    /** Total size of live SST files, in bytes. */
    public long sstBytes() {
        return longPropertyAll("rocksdb.live-sst-files-size");
    }

    /**
     * Runs {@code action} on this thread and returns how many deleted or overwritten internal
     * entries RocksDB stepped over meanwhile: the cost tombstones add to reads.
     */
    public long skippedEntriesDuring(Runnable action) {
        db.setPerfLevel(org.rocksdb.PerfLevel.ENABLE_COUNT);
        org.rocksdb.PerfContext ctx = db.getPerfContext();
        ctx.reset();
        try {
            action.run();
            return ctx.getInternalDeleteSkippedCount() + ctx.getInternalKeySkippedCount();
        } finally {
            db.setPerfLevel(org.rocksdb.PerfLevel.DISABLE);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Syncs the WAL, flushes memtables and closes RocksDB (SHUTDOWN's clean stop). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        committer.close();
        try {
            flushMemtables();
        } catch (StorageException e) {
            LOG.warn("flush on close failed; the WAL still holds every write", e);
        }
        for (ColumnFamilyHandle h : allHandles) {
            h.close();
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            LOG.warn("close failed", e);
        }
        writeOptions.close();
        readOptions.close();
        residentOnly.close();
        dbOptions.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", r, e);
            }
        }
        LOG.info("closed RocksDB {}", dir);
    }
}
