package io.rockhub.resp.server;

import io.rockhub.core.types.Keyspace;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Clients blocked on keys, first come first served per key. A committed change of a key wakes only
 * the first client waiting on it (on that client's event loop); a client that got an item wakes
 * the next, so one pushed item never stirs a hundred waiters. Blocked clients hold no thread.
 */
public final class BlockingRegistry implements Keyspace.KeyChangeListener {
    /** A blocked connection, woken by {@link #changed} through {@code wake}. */
    interface Waiter {
        void wake();

        /** SWAPDB exchanged namespaces a and b: a client waiting on keys of either follows its database. */
        void namespacesSwapped(int a, int b);
    }

    private final Map<ByteBuffer, ArrayDeque<Waiter>> waiting = new HashMap<>();
    private int blocked;
    private final java.util.concurrent.atomic.LongAdder wakeups = new java.util.concurrent.atomic.LongAdder();
    /** The waiter retrying its command on this thread: its own write must not wake it again. */
    private final ThreadLocal<Waiter> serving = new ThreadLocal<>();

    synchronized void add(Waiter w, Iterable<byte[]> keys) {
        for (byte[] k : keys) {
            waiting.computeIfAbsent(ByteBuffer.wrap(k.clone()), x -> new ArrayDeque<>()).addLast(w);
        }
        blocked++;
    }

    synchronized void remove(Waiter w, Iterable<byte[]> keys) {
        for (byte[] k : keys) {
            ByteBuffer id = ByteBuffer.wrap(k);
            ArrayDeque<Waiter> q = waiting.get(id);
            if (q != null) {
                q.remove(w);
                if (q.isEmpty()) {
                    waiting.remove(id);
                }
            }
        }
        blocked--;
    }

    /** Clients blocked now, for INFO. */
    public synchronized int blockedClients() {
        return blocked;
    }

    /** Blocked clients woken so far (each then retries its command once), for INFO. */
    public long wakeups() {
        return wakeups.sum();
    }

    /** Runs a waiter's retry; changes it commits wake others only (it passes the turn on itself). */
    boolean serving(Waiter w, java.util.function.BooleanSupplier retry) {
        serving.set(w);
        try {
            return retry.getAsBoolean();
        } finally {
            serving.remove();
        }
    }

    @Override
    public void changed(byte[] key) {
        Waiter first;
        synchronized (this) {
            if (waiting.isEmpty()) {
                return;
            }
            ArrayDeque<Waiter> q = waiting.get(ByteBuffer.wrap(key));
            first = q == null ? null : q.peekFirst();
        }
        if (first != null && first != serving.get()) {
            wakeups.increment();
            first.wake();
        }
    }

    /** Tells every blocked client that two namespaces swapped databases. */
    public void namespacesSwapped(int a, int b) {
        Set<Waiter> all = new LinkedHashSet<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
        }
        for (Waiter w : all) {
            w.namespacesSwapped(a, b);
        }
    }

    /** Every blocked client looks again: XREADGROUP's must learn that its stream is gone. */
    @Override
    public void flushed() {
        // A client waiting on several keys is in several queues: wake it once.
        Set<Waiter> all = new LinkedHashSet<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
        }
        for (Waiter w : all) {
            wakeups.increment();
            w.wake();
        }
    }
}
