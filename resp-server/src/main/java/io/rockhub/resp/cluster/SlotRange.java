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

    /** "5461" or "0-5460"; IllegalArgumentException "Slot is out of range" otherwise. */
    public static SlotRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            return dash < 0 ? new SlotRange(Integer.parseInt(text), Integer.parseInt(text))
                    : new SlotRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Slot is out of range");
        }
    }

    /** Comma-separated ranges ("0-99,200") as a set of slots. */
    public static java.util.BitSet parseSet(String text) {
        java.util.BitSet out = new java.util.BitSet();
        for (String part : text.split(",", -1)) {
            SlotRange r = parse(part.trim());
            out.set(r.from(), r.to() + 1);
        }
        return out;
    }
}
