package io.rockhub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exclusive side tried without waiting, as a script on an event loop takes it. */
class KeyLocksTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.US_ASCII);

    @Test
    void tryExclusiveTakesTheLocksWhenNobodyHoldsThem() {
        KeyLocks locks = new KeyLocks(16);
        KeyLocks.Held held = locks.tryExclusive(1_000_000);
        assertThat(held).isNotNull();
        held.close();
        assertThat(locks.tryExclusive(1_000_000)).as("released, so free again").isNotNull();
    }

    @Test
    void tryExclusiveGivesUpWhileAnotherThreadWritesOrRunsAScript() throws Exception {
        KeyLocks locks = new KeyLocks(16);
        for (boolean script : new boolean[] {false, true}) {
            CountDownLatch taken = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try (KeyLocks.Held h = script ? locks.exclusive() : locks.lock(KEY)) {
                    taken.countDown();
                    done.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(taken.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(locks.tryExclusive(1_000_000)).as(script ? "a script holds it" : "a writer holds a key").isNull();
            done.countDown();
            other.get(10, TimeUnit.SECONDS);
            KeyLocks.Held after = locks.tryExclusive(1_000_000);
            assertThat(after).isNotNull();
            after.close();
        }
    }

    @Test
    void tryExclusiveGivesUpWhenThisThreadAlreadyWrites() {
        KeyLocks locks = new KeyLocks(16);
        try (KeyLocks.Held writing = locks.lock(KEY)) {
            assertThat(locks.tryExclusive(1_000_000)).isNull();
        }
        KeyLocks.Held held = locks.tryExclusive(1_000_000);
        assertThat(held).isNotNull();
        held.close();
    }
}
