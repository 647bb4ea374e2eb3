package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;

/** Slots {@code from} to {@code to}, both included. */
public record SlotRange(int from, int to) {
    public SlotRange {
        if (from < 0 || to >= HashSlot.SLOTS || from > to) {
            throw new IllegalArgumentException("Slot is out of range");
        }
    }

    /** "5461" or "0-5460", as CLUSTER NODES and the topology text write a range. */
    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
