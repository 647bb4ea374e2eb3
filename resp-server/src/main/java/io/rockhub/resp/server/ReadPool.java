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

    ReadPool(int size) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "rockhub-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable read) {
        submitted.increment();
        threads.execute(read);
    }

    /** Reads handed to the pool since the start (INFO rocksdb's reads_off_loop). */
    public long submitted() {
        return submitted.sum();
    }

    /** Waits for the reads in progress (they read RocksDB, which closes next). */
    @Override
    public void close() {
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
