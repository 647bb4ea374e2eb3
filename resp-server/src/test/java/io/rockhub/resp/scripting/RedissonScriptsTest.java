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

/**
 * Redisson, unchanged, on its script-based structures: the distributed lock (Pub/Sub wakes the
 * waiter on unlock), a map cache with per-entry TTL and idle time, a rate limiter and a delayed queue.
 */
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

    @Test
    void aMapCacheKeepsEntriesUntilTheirOwnTtlAndIdleTime() {
        org.redisson.api.RMapCache<String, String> sessions = redisson.getMapCache("sessions");
        // carol (idle 300 ms) before alice (TTL 300 ms): once alice is gone, so is carol.
        sessions.put("carol", "s3", 0, TimeUnit.SECONDS, 300, TimeUnit.MILLISECONDS);
        sessions.put("alice", "s1", 300, TimeUnit.MILLISECONDS);
        sessions.put("bob", "s2", 1, TimeUnit.HOURS);
        assertThat(sessions.get("alice")).isEqualTo("s1");
        assertThat(sessions.putIfAbsent("bob", "other")).isEqualTo("s2");
        assertThat(sessions.fastPutIfAbsent("dave", "s4", 1, TimeUnit.HOURS)).isTrue();
        assertThat(sessions.remainTimeToLive("bob")).isPositive();
        // Each entry's TTL and idle time live in the map's own sorted sets: lapsed entries vanish
        // from reads. Only alice is polled: reading carol would renew its idle time.
        Wait.until(Duration.ofSeconds(10), "alice's entry to lapse", () -> sessions.get("alice") == null);
        assertThat(sessions.get("carol")).isNull();
        assertThat(sessions.readAllKeySet()).containsExactlyInAnyOrder("bob", "dave");
        assertThat(sessions.get("bob")).isEqualTo("s2");
        assertThat(sessions.remove("dave")).isEqualTo("s4");
        // (size() counts lapsed entries until Redisson's eviction task removes them, on Redis too.)
        assertThat(sessions.readAllKeySet()).containsExactly("bob");
    }

    @Test
    void aRateLimiterGrantsItsRateAndRefusesTheRest() {
        org.redisson.api.RRateLimiter limiter = redisson.getRateLimiter("api:limit");
        assertThat(limiter.trySetRate(org.redisson.api.RateType.OVERALL, 5, Duration.ofHours(1))).isTrue();
        int granted = 0;
        for (int i = 0; i < 8; i++) {
            if (limiter.tryAcquire()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(5);
        assertThat(limiter.availablePermits()).isZero();
        assertThat(limiter.getConfig().getRate()).isEqualTo(5);
    }

    @Test
    void aDelayedQueueHandsOverItsItemsWhenTheirDelayIsOver() throws Exception {
        org.redisson.api.RBlockingQueue<String> ready = redisson.getBlockingQueue("jobs:ready");
        org.redisson.api.RDelayedQueue<String> delayed = redisson.getDelayedQueue(ready);
        delayed.offer("later", 600, TimeUnit.MILLISECONDS);
        delayed.offer("soon", 100, TimeUnit.MILLISECONDS);
        assertThat(delayed.size()).isEqualTo(2);
        assertThat(ready.poll()).as("nothing is ready yet").isNull();
        // Redisson's transfer script moves due items; its timer is driven by Pub/Sub and a sorted set.
        assertThat(ready.poll(10, TimeUnit.SECONDS)).isEqualTo("soon");
        assertThat(ready.poll(10, TimeUnit.SECONDS)).isEqualTo("later");
        assertThat(delayed.size()).isZero();
        delayed.destroy();
    }
}
