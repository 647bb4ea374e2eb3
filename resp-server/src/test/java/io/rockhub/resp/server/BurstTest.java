package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import io.rockhub.resp.testing.WalGate;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.TickerType;

/** The writes a connection pipelines in one read burst reach RocksDB as one batch. */
class BurstTest {
    private static byte[] pipeline(String[]... commands) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] c : commands) {
            b.writeBytes(RawClient.encode(c));
        }
        return b.toByteArray();
    }

    private static long rocksDbWrites(TestServer server) {
        return server.hub().storage().ticker(TickerType.WRITE_DONE_BY_SELF)
                + server.hub().storage().ticker(TickerType.WRITE_DONE_BY_OTHER);
    }

    @Test
    void sixteenPipelinedSetsAreOneRocksDbWrite() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            String[][] sets = new String[16][];
            for (int i = 0; i < sets.length; i++) {
                sets[i] = new String[] {"SET", "k" + i, "v" + i};
            }
            long before = rocksDbWrites(server);
            c.sendRaw(pipeline(sets)); // one write of 500 bytes: one read on the server over loopback
            for (int i = 0; i < sets.length; i++) {
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
            }
            assertThat(rocksDbWrites(server) - before).isEqualTo(1);
            assertThat(c.call("MGET", "k0", "k15")).isEqualTo("*2\r\n$2\r\nv0\r\n$3\r\nv15\r\n");
        }
    }

    @Test
    void pipelinedScriptsRunOnTheLoopJoinTheBurstAndCommitWithIt() throws Exception {
        try (TestServer server = TestServer.start(Map.of("lua-inline-budget-us", "500000"));
             RawClient c = new RawClient(server.port())) {
            String sha = c.call("SCRIPT", "LOAD", "redis.call('incr', KEYS[1]) redis.call('hset', KEYS[2], 'seen', ARGV[1])"
                    + " redis.call('expire', KEYS[1], 3600) return redis.call('get', KEYS[1])").split("\r\n")[1];
            for (int i = 0; i < 3; i++) { // classes loaded, so no run passes its budget
                c.call("EVALSHA", sha, "2", "warm", "warmh", "x");
            }
            String[][] burst = new String[16][];
            for (int i = 0; i < burst.length; i++) {
                burst[i] = i == 8 ? new String[] {"SET", "plain", "v"}
                        : new String[] {"EVALSHA", sha, "2", "ctr" + (i % 3), "h" + (i % 2), "v" + i};
            }
            long before = rocksDbWrites(server);
            c.sendRaw(pipeline(burst));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < burst.length; i++) {
                replies.add(c.readReply());
            }
            assertThat(rocksDbWrites(server) - before).as("15 scripts and a SET: one write").isEqualTo(1);
            assertThat(replies.subList(0, 6)).containsExactly("$1\r\n1\r\n", "$1\r\n1\r\n", "$1\r\n1\r\n",
                    "$1\r\n2\r\n", "$1\r\n2\r\n", "$1\r\n2\r\n");
            assertThat(replies.get(8)).isEqualTo("+OK\r\n");
            assertThat(c.call("MGET", "ctr0", "ctr1", "ctr2")).isEqualTo("*3\r\n$1\r\n6\r\n$1\r\n5\r\n$1\r\n4\r\n");
            assertThat(c.call("HGET", "h1", "seen")).isEqualTo("$3\r\nv15\r\n");
            assertThat(c.call("DBSIZE")).isEqualTo(":8\r\n");
        }
    }

    @Test
    void aBurstThatComesBackToItsKeysCommitsWhatCameBeforeAndGoesOnIndexed() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            long before = rocksDbWrites(server);
            // Distinct keys in a plain batch; INCR a names a written key: commit, then an indexed batch.
            c.sendRaw(pipeline(new String[] {"SET", "a", "1"}, new String[] {"SET", "b", "2"},
                    new String[] {"INCR", "a"}, new String[] {"INCR", "a"}, new String[] {"GET", "a"},
                    new String[] {"SET", "c", "3"}, new String[] {"KEYS", "*"}));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                replies.add(c.readReply());
            }
            assertThat(replies.subList(0, 6)).containsExactly("+OK\r\n", "+OK\r\n", ":2\r\n", ":3\r\n",
                    "$1\r\n3\r\n", "+OK\r\n");
            assertThat(replies.get(6)).startsWith("*3\r\n").contains("$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n");
            assertThat(rocksDbWrites(server) - before).isEqualTo(2);
        }
    }

    @Test
    void commandsOfABurstSeeTheWritesBeforeThemAndOthersSeeThemAllOnceAnswered() throws Exception {
        try (TestServer server = TestServer.start();
             RawClient c = new RawClient(server.port());
             RawClient other = new RawClient(server.port())) {
            c.sendRaw(pipeline(new String[] {"SET", "n", "1"}, new String[] {"INCRBY", "n", "41"},
                    new String[] {"GET", "n"}, new String[] {"HSET", "h", "f", "v", "g", "w"},
                    new String[] {"HGET", "h", "g"}, new String[] {"HGETALL", "h"}, new String[] {"RPUSH", "l", "a", "b"},
                    new String[] {"LPOP", "l"}, new String[] {"DEL", "n"}, new String[] {"EXISTS", "n"},
                    new String[] {"ZADD", "z", "1", "a", "2", "b"}, new String[] {"ZRANGEBYSCORE", "z", "-inf", "+inf"},
                    new String[] {"SET", "s", "x", "GET"}, new String[] {"PING"}, new String[] {"DBSIZE"}));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                replies.add(c.readReply());
            }
            assertThat(replies).containsExactly("+OK\r\n", ":42\r\n", "$2\r\n42\r\n", ":2\r\n", "$1\r\nw\r\n",
                    "*4\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n", ":2\r\n", "$1\r\na\r\n", ":1\r\n", ":0\r\n",
                    ":2\r\n", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "$-1\r\n", "+PONG\r\n", ":4\r\n");
            assertThat(other.call("LRANGE", "l", "0", "-1")).isEqualTo("*1\r\n$1\r\nb\r\n");
            assertThat(other.call("GET", "s")).isEqualTo("$1\r\nx\r\n");
            assertThat(other.call("EXISTS", "n")).isEqualTo(":0\r\n");
        }
    }

    @Test
    void noReplyOfABurstLeavesBeforeTheWalFsync() throws Exception {
        try (TestServer server = TestServer.start(); RawClient c = new RawClient(server.port())) {
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
            try (WalGate gate = WalGate.hold(server)) {
                long before = server.hub().storage().latestSequence();
                c.sendRaw(pipeline(new String[] {"SET", "a", "1"}, new String[] {"GET", "a"}, new String[] {"INCR", "b"}));
                gate.awaitHeldBeyond(before, "the burst's flush to be under way");
                assertThat(c.replyArrivesWithin(Duration.ofMillis(300))).as("answered before the fsync").isFalse();
                gate.open();
                assertThat(c.readReply()).isEqualTo("+OK\r\n");
                assertThat(c.readReply()).isEqualTo("$1\r\n1\r\n");
                assertThat(c.readReply()).isEqualTo(":1\r\n");
            }
        }
    }

    /**
     * Three clients' writes read in one pass of the event loop (it was kept busy while they were
     * sent), in whatever order it meets them: one RocksDB write, and no reply leaves before the fsync.
     */
    @Test
    void writesOfClientsReadInOnePassOfTheLoopAreOneRocksDbWriteAnsweredOnceDurable() throws Exception {
        try (TestServer server = TestServer.start(Map.of("workers", "1"));
             RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port());
             RawClient c = new RawClient(server.port())) {
            for (RawClient client : List.of(a, b, c)) {
                assertThat(client.call("PING")).isEqualTo("+PONG\r\n");
            }
            io.netty.channel.EventLoop loop = server.hub().clients().all().get(0).channel().eventLoop();
            java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            try (WalGate gate = WalGate.hold(server)) {
                long before = rocksDbWrites(server);
                long sequence = server.hub().storage().latestSequence();
                loop.execute(() -> {
                    busy.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                a.send("SET", "x", "1");
                b.send("INCR", "n");
                c.send("HSET", "h", "f", "v");
                Wait.until(Duration.ofSeconds(10), "the three requests waiting in the server's sockets",
                        () -> receiveQueued(server.port()) == 3);
                go.countDown();
                gate.awaitHeldBeyond(sequence, "the pass's write to be under way");
                assertThat(rocksDbWrites(server) - before).as("one write for the three clients").isEqualTo(1);
                for (RawClient client : List.of(a, b, c)) {
                    assertThat(client.replyArrivesWithin(Duration.ofMillis(200))).as("answered before the fsync").isFalse();
                }
                gate.open();
                assertThat(a.readReply()).isEqualTo("+OK\r\n");
                assertThat(b.readReply()).isEqualTo(":1\r\n");
                assertThat(c.readReply()).isEqualTo(":1\r\n");
                assertThat(c.call("MGET", "x", "n")).isEqualTo("*2\r\n$1\r\n1\r\n$1\r\n1\r\n");
            } finally {
                go.countDown();
            }
        }
    }

    /**
     * A connection none of whose commands ran in the loop's open batch seals its replies at once: a
     * controller's lease or a PING read in the same pass as a bulk load's writes does not wait for the
     * end of that pass (a lease once lost a whole pass per round trip that way), while a connection
     * whose write is in the batch waits for its commit.
     */
    @Test
    void aConnectionWithNothingInTheOpenBatchSealsItsRepliesAtOnce() throws Exception {
        try (TestServer server = TestServer.start(Map.of("workers", "1")); RawClient a = new RawClient(server.port())) {
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
            Hub hub = server.hub();
            ClientSession session = hub.clients().all().get(0);
            io.netty.channel.EventLoop loop = session.channel().eventLoop();
            List<Boolean> seen = loop.submit(() -> {
                LoopBatch batch = hub.loopBatch(loop);
                Burst writer = new Burst(batch, -1);
                Burst other = new Burst(batch, -2);
                writer.before(session, hub.commands().lookup("set"), List.of(bytes("SET"), bytes("k"), bytes("v")));
                boolean open = batch.isOpen();
                boolean otherWaits = other.sealAfterCommit(() -> { });
                boolean writerWaits = writer.sealAfterCommit(() -> { });
                return List.of(open, otherWaits, writerWaits);
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(seen).as("batch open, the other connection waits, the writer waits").containsExactly(true, false, true);
            assertThat(a.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * How many of the server's accepted connections on {@code port} have bytes not yet read (Linux's
     * /proc/net/tcp and tcp6: the JVM's sockets are IPv6 ones unless IPv4 is preferred).
     */
    private static int receiveQueued(int port) {
        String local = String.format(":%04X", port);
        List<String> lines = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> all = java.nio.file.Files.readAllLines(java.nio.file.Path.of(table));
                lines.addAll(all.subList(1, all.size()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        int n = 0;
        for (String line : lines) {
            // sl local_address rem_address st tx_queue:rx_queue ...; st 01 = ESTABLISHED
            String[] f = line.trim().split("\\s+");
            if (f[1].endsWith(local) && f[3].equals("01") && Long.parseLong(f[4].split(":")[1], 16) > 0) {
                n++;
            }
        }
        return n;
    }

    @Test
    void burstsOnTwoEventLoopsAndScriptsLoseNoIncrement() throws Exception {
        try (TestServer server = TestServer.start(Map.of("workers", "2"))) {
            int rounds = 40;
            int perBurst = 25;
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 3; t++) {
                boolean script = t == 2;
                Thread th = new Thread(() -> {
                    try (RawClient c = new RawClient(server.port())) {
                        for (int r = 0; r < rounds; r++) {
                            String[][] burst = new String[perBurst][];
                            for (int i = 0; i < perBurst; i++) {
                                burst[i] = script
                                        ? new String[] {"EVAL", "return redis.call('incr', KEYS[1])", "1", "counter"}
                                        : i % 2 == 0 ? new String[] {"INCR", "counter"}
                                        : new String[] {"HINCRBY", "h", "counter", "1"};
                            }
                            c.sendRaw(pipeline(burst));
                            for (int i = 0; i < perBurst; i++) {
                                String reply = c.readReply();
                                if (!reply.startsWith(":")) {
                                    throw new AssertionError("unexpected reply " + reply);
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            assertThat(failures).isEmpty();
            try (RawClient c = new RawClient(server.port())) {
                // two connections add half their commands each to "counter", the script connection all of its
                int incr = 2 * rounds * (perBurst / 2 + 1) + rounds * perBurst;
                assertThat(c.call("GET", "counter")).isEqualTo("$" + Integer.toString(incr).length() + "\r\n" + incr + "\r\n");
                int hincr = 2 * rounds * (perBurst / 2);
                assertThat(c.call("HGET", "h", "counter")).isEqualTo("$" + Integer.toString(hincr).length() + "\r\n" + hincr + "\r\n");
            }
        }
    }

    /**
     * A migration's cutover holds the slots' writes, settles the loops, then reads the last WAL
     * sequence to send: a write that passed the hold's check just before, and sits in its loop's open
     * batch, must be committed by then, though that batch would otherwise commit after the settling.
     */
    @Test
    void settlingTheLoopsCommitsTheWritesTheirOpenBatchesHold() throws Exception {
        try (TestServer server = TestServer.start(Map.of("workers", "1"))) {
            Hub hub = server.hub();
            io.netty.util.concurrent.SingleThreadEventExecutor loop =
                    (io.netty.util.concurrent.SingleThreadEventExecutor) hub.loops().next();
            java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<String> seenWhenSettled = new java.util.concurrent.CompletableFuture<>();
            Thread settler = new Thread(() -> {
                try {
                    assertThat(hub.settleLoops(10_000)).isTrue();
                    // The loop is held at the gate: whatever commits after the settling has not yet.
                    io.rockhub.core.types.Result<byte[]> r = hub.strings().get(bytes("passed"));
                    seenWhenSettled.complete(r.value() == null ? "(nil)" : new String(r.value()));
                } catch (Throwable e) {
                    seenWhenSettled.completeExceptionally(e);
                } finally {
                    gate.countDown();
                }
            });
            loop.submit(() -> {
                // As a pass of the loop that read a SET: the write runs in the loop's open batch...
                LoopBatch batch = hub.loopBatch(loop);
                Burst member = new Burst(batch, 1);
                assertThat(batch.joinScript(member)).isTrue();
                hub.strings().multiSet(List.of(bytes("passed"), bytes("v")), false);
                batch.keepScript(new io.rockhub.core.storage.KeyLocks.Holding());
                // ...the cutover asks the loops to settle meanwhile...
                int queued = loop.pendingTasks();
                settler.start();
                Wait.until(Duration.ofSeconds(10), "the settling mark queued", () -> loop.pendingTasks() > queued);
                loop.execute(() -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                // ...and the pass ends: the batch's commit is queued behind the mark.
                assertThat(member.sealAfterCommit(() -> { })).isTrue();
            }).sync();
            assertThat(seenWhenSettled.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("v");
        }
    }
}
