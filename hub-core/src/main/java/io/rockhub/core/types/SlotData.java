package io.rockhub.core.types;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.ExpireKey;
import io.rockhub.core.encoding.InternalKey;
import io.rockhub.core.encoding.Metadata;
import io.rockhub.core.encoding.RawOps;
import io.rockhub.core.encoding.StoredKey;
import io.rockhub.core.storage.Batch;
import io.rockhub.core.storage.Cursor;
import io.rockhub.core.storage.Storage;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * A cluster node's hash slots as data, for moving them to another node: copied out of a consistent
 * view, applied on the target as they came, counted there, dropped from the source. In cluster mode
 * the slot leads every stored key, so a slot is one range of the metadata and versioned families.
 *
 * <p>A copy carries each live key's metadata, its expiry entry and its current version's entries,
 * not dead versions (their garbage stays with the source's sweeper). Key counters are each node's
 * own: the target counts the keys it receives as it applies them, the source subtracts what it drops.
 */
public final class SlotData {
    private static final byte[] EMPTY = new byte[0];

    private final Keyspace keys;

    public SlotData(Keyspace keys) {
        this.keys = keys;
    }

    /**
     * Streams the live keys of {@code slots} as of {@code view} to {@code sink}, in lists of about
     * {@code chunkBytes} encoded.
     */
    public void copy(Storage.View view, BitSet slots, int chunkBytes, Consumer<List<RawOps.Op>> sink) {
        List<RawOps.Op> chunk = new ArrayList<>();
        int[] inChunk = {0};
        Consumer<RawOps.Op> add = op -> {
            chunk.add(op);
            inChunk[0] += op.size();
            if (inChunk[0] >= chunkBytes) {
                sink.accept(List.copyOf(chunk));
                inChunk[0] = 0;
                chunk.clear();
            }
        };
        for (int from = slots.nextSetBit(0); from >= 0; ) {
            int to = slots.nextClearBit(from) - 1;
            try (Cursor meta = view.cursor(ColumnFamily.METADATA, StoredKey.slotEnd(to))) {
                for (meta.seek(StoredKey.slotStart(from)); meta.isValid(); meta.next()) {
                    byte[] key = meta.key();
                    byte[] raw = meta.value();
                    add.accept(new RawOps.Op(ColumnFamily.METADATA, key, raw));
                    Metadata m = Metadata.decode(raw);
                    if (m.hasExpiry()) {
                        add.accept(new RawOps.Op(ColumnFamily.EXPIRE, ExpireKey.of(m.expireAt(), key).encode(), EMPTY));
                    }
                    if (!m.type().isInline()) {
                        byte[] prefix = InternalKey.prefix(key, m.version());
                        for (ColumnFamily cf : ColumnFamily.VERSIONED) {
                            try (Cursor sub = view.cursor(cf, io.rockhub.core.encoding.Bytes.prefixEnd(prefix))) {
                                for (sub.seek(prefix); sub.isValid(); sub.next()) {
                                    add.accept(new RawOps.Op(cf, sub.key(), sub.value()));
                                }
                            }
                        }
                    }
                }
            }
            from = slots.nextSetBit(to + 1);
        }
        if (!chunk.isEmpty()) {
            sink.accept(List.copyOf(chunk));
        }
    }

    /**
     * Writes a copy's entries, as one batch with the durability of any write: keys the slots did not
     * hold (the target dropped what it had of them first, and a copy names each key once), so each
     * metadata entry counts one key without a read. Returns the keys added.
     */
    public long load(List<RawOps.Op> ops) {
        long added = 0;
        try (Batch b = keys.storage().newBatch(batchBytes(ops))) {
            for (RawOps.Op op : ops) {
                if (!op.put()) {
                    throw new IllegalArgumentException("a copy only puts");
                }
                b.put(op.family(), op.key(), op.value());
                if (op.family() == ColumnFamily.METADATA) {
                    // No cached metadata to drop: these slots were dropped here (cache included) and
                    // are not served here yet.
                    b.countKeys(op.key(), 1);
                    b.countExpires(op.key(), hasTtl(op.value()) ? 1 : 0);
                    added++;
                }
            }
            keys.commit(b);
        }
        return added;
    }

    /**
     * Applies entries of the source's WAL, as one batch with the durability of any write, counting
     * keys created and removed (so that {@link #drop} stays right whenever the move stops); cached
     * metadata of the keys named is dropped. Returns the change in the number of keys.
     */
    public long apply(List<RawOps.Op> ops) {
        long delta = 0;
        java.util.Map<java.nio.ByteBuffer, byte[]> seen = new java.util.HashMap<>();
        try (Batch b = keys.storage().newBatch(batchBytes(ops))) {
            for (RawOps.Op op : ops) {
                if (op.put()) {
                    b.put(op.family(), op.key(), op.value());
                } else {
                    b.delete(op.family(), op.key());
                }
                if (op.family() == ColumnFamily.METADATA) {
                    java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(op.key());
                    byte[] before = seen.containsKey(k) ? seen.get(k) : keys.storage().get(ColumnFamily.METADATA, op.key());
                    seen.put(k, op.value());
                    long d = (op.put() ? 1 : 0) - (before != null ? 1 : 0);
                    delta += d;
                    b.countKeys(op.key(), d);
                    b.countExpires(op.key(), (hasTtl(op.value()) ? 1 : 0) - (hasTtl(before) ? 1 : 0));
                    b.noteMetadata(op.key(), null);
                }
            }
            keys.commit(b);
        }
        return delta;
    }

    /** Room for {@code ops} in a RocksDB batch: each entry's bytes, a tag, a family id and two lengths. */
    private static int batchBytes(List<RawOps.Op> ops) {
        long bytes = 64;
        for (RawOps.Op op : ops) {
            bytes += op.size() + 16;
        }
        return (int) Math.min(bytes, Integer.MAX_VALUE - 8);
    }

    private static boolean hasTtl(byte[] metadata) {
        return metadata != null && Metadata.peekExpireAt(metadata) != 0;
    }

    /** Keys and keys with a TTL stored in {@code slots}. */
    public record Count(long keys, long expires) {
    }


    /**
     * Removes every key of {@code slots} (the source after the move, or a target dropping a copy it
     * will not serve): {@link #DROP_BATCH} keys at a time (a big slot does not become one huge batch),
     * their expiry entries, cached metadata and (as one range) metadata, then every versioned entry by
     * range, counters down as each batch goes. Only for slots this node does not serve: nothing reads them
     * meanwhile.
     */
    public Count drop(BitSet slots) {
        long n = 0;
        long expires = 0;
        for (int from = slots.nextSetBit(0); from >= 0; ) {
            int to = slots.nextClearBit(from) - 1;
            byte[] start = StoredKey.slotStart(from);
            byte[] end = StoredKey.slotEnd(to);
            Batch b = keys.storage().newBatch();
            try (Cursor meta = keys.storage().scanCursor(ColumnFamily.METADATA, end)) {
                long inBatch = 0;
                long expiresInBatch = 0;
                // Each batch deletes the metadata it counted as one range, from where the last batch
                // ended to just past its last key: a range tombstone instead of a point deletion per
                // key (each a memtable insert), with the counters still matching what is gone if the
                // drop stops between batches. Nothing writes these slots meanwhile.
                byte[] batchStart = start;
                for (meta.seek(start); meta.isValid(); meta.next()) {
                    byte[] key = meta.key();
                    long expireAt = Metadata.peekExpireAt(meta.value());
                    inBatch++;
                    if (expireAt != 0) {
                        expiresInBatch++;
                        b.delete(ColumnFamily.EXPIRE, ExpireKey.of(expireAt, key).encode());
                    }
                    b.noteMetadata(key, null);
                    if (inBatch == DROP_BATCH) {
                        byte[] next = java.util.Arrays.copyOf(key, key.length + 1); // the least key after it
                        b.deleteRange(ColumnFamily.METADATA, batchStart, next);
                        batchStart = next;
                        commitDrop(b, inBatch, expiresInBatch);
                        n += inBatch;
                        expires += expiresInBatch;
                        inBatch = 0;
                        expiresInBatch = 0;
                        b = keys.storage().newBatch();
                    }
                }
                n += inBatch;
                expires += expiresInBatch;
                for (ColumnFamily cf : ColumnFamily.VERSIONED) {
                    b.deleteRange(cf, start, end);
                }
                b.deleteRange(ColumnFamily.METADATA, start, end);
                commitDrop(b, inBatch, expiresInBatch);
            } finally {
                b.close();
            }
            from = slots.nextSetBit(to + 1);
        }
        return new Count(n, expires);
    }

    /** Keys dropped per batch. */
    private static final int DROP_BATCH = 10_000;

    private void commitDrop(Batch b, long dropped, long expires) {
        byte[] any = StoredKey.slotStart(0);
        b.countKeys(any, -dropped);
        b.countExpires(any, -expires);
        keys.commit(b);
        b.close();
    }
}
