package io.rockhub.resp.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CLIENT PAUSE / UNPAUSE: until a deadline, commands of normal clients wait (all of them, or only
 * those that write). A newer pause extends an older one and a pause of everything wins over a pause
 * of writes, as in Redis. Waiting connections are told when a pause ends early.
 */
public final class ClientPause {
    private volatile long untilMillis;
    private volatile boolean all;
    private final List<Runnable> waiters = new CopyOnWriteArrayList<>();

    public synchronized void pause(long until, boolean everything) {
        untilMillis = Math.max(untilMillis, until);
        all |= everything;
    }

    public void unpause() {
        synchronized (this) {
            untilMillis = 0;
            all = false;
        }
        wakeWaiters();
    }

    /** Resumes every waiting connection, which looks again at what holds it (a pause, a slot's hold). */
    public void wakeWaiters() {
        for (Runnable w : waiters) {
            waiters.remove(w);
            w.run();
        }
    }

    /** Until when a command must wait (0 = not paused); {@code writes} whether it may write. */
    /** Whether a pause was set and not yet seen to end: false lets a command skip the clock. */
    public boolean active() {
        return untilMillis != 0;
    }

    public long holds(long now, boolean writes) {
        long until = untilMillis;
        if (until <= now) {
            if (until != 0) {
                synchronized (this) {
                    if (untilMillis <= now) {
                        untilMillis = 0;
                        all = false;
                    }
                }
            }
            return 0;
        }
        return all || writes ? until : 0;
    }

    /** Runs {@code w} once when the pause is lifted by UNPAUSE (the deadline is the caller's own timer). */
    public void onUnpause(Runnable w) {
        waiters.add(w);
    }

    public void forget(Runnable w) {
        waiters.remove(w);
    }
}
