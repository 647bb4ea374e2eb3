package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** Redisson's distributed lock, unchanged: its Lua scripts, and Pub/Sub waking the waiter on unlock. */
class RedissonScriptsTest {
    private static TestServer server;
    private static RedissonClient redisson;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + server.port());
        redisson = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        redisson.shutdown();
        server.close();
    }

    @Test
    void aContendedLockIsHandedToTheWaiterWhenReleased() throws Exception {
        RLock lock = redisson.getLock("orders:42");
        lock.lock();
        assertThat(lock.isLocked()).isTrue();
        assertThat(lock.isHeldByCurrentThread()).isTrue();
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch acquired = new CountDownLatch(1);
        AtomicLong waitedNanos = new AtomicLong();
        Thread other = new Thread(() -> {
            RLock same = redisson.getLock("orders:42");
            waiting.countDown();
            long t0 = System.nanoTime();
            try {
                // Redisson subscribes to the lock's channel and waits for the unlock message.
                if (same.tryLock(30, 10, TimeUnit.SECONDS)) {
                    waitedNanos.set(System.nanoTime() - t0);
                    acquired.countDown();
                    same.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(acquired.await(300, TimeUnit.MILLISECONDS)).as("the lock is still held").isFalse();
        lock.unlock();
        assertThat(acquired.await(10, TimeUnit.SECONDS)).as("the waiter got the lock once it was released").isTrue();
        other.join(10_000);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void aLockIsReentrantAndItsLeaseExpires() throws Exception {
        RLock lock = redisson.getLock("jobs:lease");
        lock.lock(200, TimeUnit.MILLISECONDS);
        lock.lock(200, TimeUnit.MILLISECONDS);
        assertThat(lock.getHoldCount()).isEqualTo(2);
        lock.unlock();
        assertThat(lock.getHoldCount()).isEqualTo(1);
        // The lease is a TTL on the lock's hash: it lapses by itself.
        Wait.until(Duration.ofSeconds(10), "the lease to lapse", () -> !lock.isLocked());
        assertThat(lock.tryLock()).isTrue();
        lock.unlock();
    }
}
