package io.rockhub.resp.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threads that serve the reads an event loop would have to wait for the disk for (see
 * {@link ClientSession#offloadRead}): a loop that blocked on one such read held up every other
 * connection it serves, which made the tail latency of a dataset larger than the cache. The pool's
 * threads mostly wait on I/O, so there are more of them than cores; the disk serves them in parallel.
 */
public final class ReadPool implements java.util.concurrent.Executor, AutoCloseable {
    private final ExecutorService threads;
    private final LongAdder submitted = new LongAdder();

    /** @param size threads; 0 turns the pool off (event loops read from disk themselves) */
    ReadPool(int size) {
        AtomicInteger n = new AtomicInteger();
        this.threads = size == 0 ? null : Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "rockhub-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public boolean enabled() {
        return threads != null;
    }

    /** Runs {@code read} on a pool thread; in place once the pool is closing (the server is stopping). */
    @Override
    public void execute(Runnable read) {
        submitted.increment();
        try {
            if (threads == null) {
                throw new java.util.concurrent.RejectedExecutionException("no read threads");
            }
            threads.execute(read);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            read.run();
        }
    }

    /** Reads handed to the pool since the start (INFO rocksdb's reads_off_loop). */
    public long submitted() {
        return submitted.sum();
    }

    /** Waits for the reads in progress (they read RocksDB, which closes next). */
    @Override
    public void close() {
        if (threads == null) {
            return;
        }
        threads.shutdown();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
