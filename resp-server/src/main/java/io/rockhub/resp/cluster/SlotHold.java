package io.rockhub.resp.cluster;

import io.rockhub.core.encoding.HashSlot;
import java.util.BitSet;
import java.util.List;

/**
 * The short hold on a migrating slot's writes at its cutover: commands that may write keys of the
 * held slots wait (held, not refused: a client retrying on -TRYAGAIN is not what Jedis does) until
 * the slots are gone to their new owner, when they are answered -MOVED, or the move is abandoned,
 * when they run here. Reads go on.
 */
public final class SlotHold {
    private final Runnable wake;
    private volatile BitSet slots;

    /** {@code wake}: resumes the connections waiting, which then look again. */
    public SlotHold(Runnable wake) {
        this.wake = wake;
    }

    public boolean active() {
        return slots != null;
    }

    void hold(BitSet held) {
        slots = (BitSet) held.clone();
    }

    void release() {
        slots = null;
        wake.run();
    }

    /** Whether a command on {@code keys} (user keys) must wait. */
    public boolean holds(List<byte[]> keys) {
        BitSet s = slots;
        if (s == null) {
            return false;
        }
        for (byte[] k : keys) {
            if (s.get(HashSlot.of(k))) {
                return true;
            }
        }
        return false;
    }
}
