package io.rockhub.core.storage;

import io.rockhub.core.encoding.ColumnFamily;
import io.rockhub.core.encoding.RawOps;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/** Keeps the entries of a write batch that belong to some hash slots (see {@link Storage#slotOps}). */
final class SlotFilter extends BatchReader {
    private final Map<Integer, ColumnFamily> families;
    private final BitSet slots;
    private final List<RawOps.Op> ops = new ArrayList<>();
    private boolean rangeDeleted;

    SlotFilter(Map<Integer, ColumnFamily> families, BitSet slots) {
        this.families = families;
        this.slots = slots;
    }

    List<RawOps.Op> ops() {
        return ops;
    }

    /** Whether the batch changed the carried families in a way not kept entry by entry (range deletion). */
    boolean rangeDeleted() {
        return rangeDeleted;
    }

    private void keep(int family, byte[] key, byte[] value) {
        ColumnFamily cf = families.get(family);
        if (cf == null) {
            return; // counters, settings: each node keeps its own
        }
        int slot = RawOps.slotOf(cf, key);
        if (slot >= 0 && slots.get(slot)) {
            ops.add(new RawOps.Op(cf, key, value));
        }
    }

    @Override
    public void put(int family, byte[] key, byte[] value) {
        keep(family, key, value);
    }

    @Override
    public void merge(int family, byte[] key, byte[] value) {
        rangeDeleted |= families.containsKey(family); // none is written there: followed no further, as a range deletion
    }

    @Override
    public void delete(int family, byte[] key) {
        keep(family, key, null);
    }

    @Override
    public void singleDelete(int family, byte[] key) {
        keep(family, key, null);
    }

    @Override
    public void deleteRange(int family, byte[] from, byte[] to) {
        rangeDeleted |= families.containsKey(family);
    }

    @Override
    public void putBlobIndex(int family, byte[] key, byte[] value) {
        rangeDeleted |= families.containsKey(family);
    }

}
