package io.rockhub.resp.testing;

import io.rockhub.core.storage.GroupCommitter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds the group committer's next WAL flush (and so every reply and event waiting for it) until
 * {@link #open()}; closing opens it too and removes the hook.
 */
public final class WalGate implements AutoCloseable {
    private final GroupCommitter committer;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicLong held = new AtomicLong(-1);

    private WalGate(GroupCommitter committer) {
        this.committer = committer;
        committer.beforeEachFlush(target -> {
            held.accumulateAndGet(target, Math::max);
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public static WalGate hold(TestServer server) {
        return new WalGate(server.hub().storage().committer());
    }

    /** Waits until a flush of the WAL beyond {@code sequence} is being held. */
    public void awaitHeldBeyond(long sequence, String what) {
        Wait.until(Duration.ofSeconds(10), what, () -> held.get() > sequence);
    }

    public void open() {
        gate.countDown();
    }

    @Override
    public void close() {
        committer.beforeEachFlush(null);
        gate.countDown();
    }
}
