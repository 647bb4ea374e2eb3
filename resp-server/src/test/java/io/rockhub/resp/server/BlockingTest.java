package io.rockhub.resp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.TestServer;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blocking pops: woken by any connection, first come first served, timeouts, no thread per client. */
class BlockingTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void awaitBlocked(int n) {
        Wait.until(Duration.ofSeconds(10), n + " blocked clients",
                () -> server.hub().blocked().blockedClients() == n);
    }

    @Test
    void aPushFromAnotherConnectionWakesTheBlockedClient() throws Exception {
        try (RawClient waiter = new RawClient(server.port()); RawClient producer = new RawClient(server.port())) {
            waiter.send("BLPOP", "jobs:a", "0");
            awaitBlocked(1);
            assertThat(producer.call("RPUSH", "jobs:a", "job-1")).isEqualTo(":1\r\n");
            assertThat(waiter.readReply()).isEqualTo("*2\r\n$6\r\njobs:a\r\n$5\r\njob-1\r\n");
            assertThat(producer.call("LLEN", "jobs:a")).isEqualTo(":0\r\n");
            awaitBlocked(0);
        }
    }

    @Test
    void firstComeFirstServedPerKey() throws Exception {
        try (RawClient first = new RawClient(server.port()); RawClient second = new RawClient(server.port());
             RawClient producer = new RawClient(server.port())) {
            first.send("BRPOP", "jobs:b", "0");
            awaitBlocked(1);
            second.send("BRPOP", "jobs:b", "0");
            awaitBlocked(2);
            producer.call("LPUSH", "jobs:b", "x");
            assertThat(first.readReply()).endsWith("$1\r\nx\r\n");
            awaitBlocked(1);
            producer.call("LPUSH", "jobs:b", "y");
            assertThat(second.readReply()).endsWith("$1\r\ny\r\n");
            awaitBlocked(0);
        }
    }

    @Test
    void timeoutAnswersNullAndCommandsPipelinedBehindWait() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.sendRaw(RawClient.encode("BLPOP", "jobs:none", "0.05"));
            c.sendRaw(RawClient.encode("PING"));
            assertThat(c.readReply()).isEqualTo("*-1\r\n");
            assertThat(c.readReply()).isEqualTo("+PONG\r\n");
            c.call("HELLO", "3");
            assertThat(c.call("BZPOPMIN", "z:none", "0.05")).isEqualTo("_\r\n");
        }
        awaitBlocked(0);
    }

    @Test
    void everyBlockingCommandWaitsItsWholeTimeoutBeforeAnsweringNull() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.call("XGROUP", "CREATE", "t:stream", "g", "$", "MKSTREAM");
            String[][] commands = {
                {"BLPOP", "t:list", "0.2"}, {"BRPOP", "t:list", "0.2"}, {"BLMOVE", "t:list", "t:dst", "LEFT", "LEFT", "0.2"},
                {"BRPOPLPUSH", "t:list", "t:dst", "0.2"}, {"BLMPOP", "0.2", "1", "t:list", "LEFT"},
                {"BZPOPMIN", "t:z", "0.2"}, {"BZPOPMAX", "t:z", "0.2"}, {"BZMPOP", "0.2", "1", "t:z", "MIN"},
                {"XREAD", "BLOCK", "200", "STREAMS", "t:stream", "$"},
                {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "200", "STREAMS", "t:stream", ">"},
            };
            for (String[] cmd : commands) {
                long start = System.nanoTime();
                String reply = c.call(cmd);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(reply).as(cmd[0]).isIn("*-1\r\n", "$-1\r\n");
                // A timeout is a promise about behaviour: no earlier than asked (Redis's own tests check the same).
                assertThat(millis).as(cmd[0] + " waited its 200 ms").isGreaterThanOrEqualTo(200);
            }
        }
        awaitBlocked(0);
    }

    @Test
    void pipelinedRequestsWaitBehindTheBlockedOne() throws Exception {
        try (RawClient c = new RawClient(server.port()); RawClient producer = new RawClient(server.port())) {
            byte[] both = new byte[0];
            for (byte[] part : List.of(RawClient.encode("BLPOP", "jobs:c", "0"), RawClient.encode("GET", "after"))) {
                byte[] joined = new byte[both.length + part.length];
                System.arraycopy(both, 0, joined, 0, both.length);
                System.arraycopy(part, 0, joined, both.length, part.length);
                both = joined;
            }
            c.sendRaw(both);
            awaitBlocked(1);
            producer.call("SET", "after", "set-while-blocked");
            producer.call("RPUSH", "jobs:c", "item");
            assertThat(c.readReply()).endsWith("$4\r\nitem\r\n");
            assertThat(c.readReply()).isEqualTo("$17\r\nset-while-blocked\r\n");
        }
    }

    @Test
    void sortedSetAndMovePopsWakeToo() throws Exception {
        try (RawClient z = new RawClient(server.port()); RawClient m = new RawClient(server.port());
             RawClient producer = new RawClient(server.port())) {
            z.send("BZPOPMAX", "prio", "0");
            m.send("BLMOVE", "inbox", "processing", "LEFT", "RIGHT", "0");
            awaitBlocked(2);
            producer.call("ZADD", "prio", "5", "urgent", "1", "later");
            producer.call("RPUSH", "inbox", "msg");
            assertThat(z.readReply()).isEqualTo("*3\r\n$4\r\nprio\r\n$6\r\nurgent\r\n$1\r\n5\r\n");
            assertThat(m.readReply()).isEqualTo("$3\r\nmsg\r\n");
            assertThat(producer.call("LRANGE", "processing", "0", "-1")).isEqualTo("*1\r\n$3\r\nmsg\r\n");
        }
    }

    @Test
    void manyBlockedClientsHoldNoThreads() throws Exception {
        int n = 300;
        int threadsBefore = Thread.activeCount();
        List<RawClient> waiters = new ArrayList<>();
        try (RawClient producer = new RawClient(server.port())) {
            for (int i = 0; i < n; i++) {
                RawClient c = new RawClient(server.port());
                c.send("BLPOP", "jobs:many", "0");
                waiters.add(c);
            }
            awaitBlocked(n);
            // A thread per blocked client would add n; a tenth of that leaves room for the JVM's own.
            assertThat(Thread.activeCount()).as("blocked clients hold no thread").isLessThan(threadsBefore + n / 10);
            List<String> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add("job-" + i);
            }
            producer.call(concat("RPUSH", "jobs:many", items));
            Set<String> got = new HashSet<>();
            for (RawClient c : waiters) {
                String reply = c.readReply();
                got.add(reply.substring(reply.lastIndexOf("job-")).trim());
            }
            assertThat(got).hasSize(n);
            awaitBlocked(0);
        } finally {
            for (RawClient c : waiters) {
                c.close();
            }
        }
    }

    private static String[] concat(String a, String b, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(a, b));
        all.addAll(rest);
        return all.toArray(new String[0]);
    }

    @Test
    void xreadBlockWaitsForEntriesAfterDollar() throws Exception {
        try (RawClient reader = new RawClient(server.port()); RawClient producer = new RawClient(server.port())) {
            producer.call("XADD", "orders", "1-1", "old", "x");
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "orders", "$");
            awaitBlocked(1);
            producer.call("XADD", "orders", "2-1", "amount", "42");
            assertThat(reader.readReply()).isEqualTo(
                    "*1\r\n*2\r\n$6\r\norders\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$6\r\namount\r\n$2\r\n42\r\n");
            assertThat(reader.call("XREAD", "BLOCK", "30", "STREAMS", "orders", "$")).isEqualTo("*-1\r\n");
        }
        awaitBlocked(0);
    }

    @Test
    void oneNewEntryGoesToExactlyOneBlockedGroupConsumer() throws Exception {
        List<RawClient> consumers = new ArrayList<>();
        try (RawClient producer = new RawClient(server.port())) {
            producer.call("XGROUP", "CREATE", "jobs:stream", "workers", "$", "MKSTREAM");
            for (int i = 0; i < 5; i++) {
                RawClient c = new RawClient(server.port());
                c.send("XREADGROUP", "GROUP", "workers", "w" + i, "BLOCK", "0", "STREAMS", "jobs:stream", ">");
                consumers.add(c);
                // Blocked one after the other: connections on different event loops are not
                // served in the order their commands were sent, only in the order they blocked.
                awaitBlocked(i + 1);
            }
            producer.call("XADD", "jobs:stream", "1-1", "job", "a");
            String reply = consumers.get(0).readReply();
            assertThat(reply).contains("1-1").contains("job");
            awaitBlocked(4);
            assertThat(producer.call("XPENDING", "jobs:stream", "workers"))
                    .isEqualTo("*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$2\r\nw0\r\n$1\r\n1\r\n");
            producer.call("XADD", "jobs:stream", "2-1", "job", "b");
            assertThat(consumers.get(1).readReply()).contains("2-1");
            awaitBlocked(3);
        } finally {
            for (RawClient c : consumers) {
                c.close();
            }
        }
        awaitBlocked(0);
    }

    @Test
    void anEntryForAHundredBlockedGroupConsumersWakesOneNotAll() throws Exception {
        int n = 100;
        List<RawClient> consumers = new ArrayList<>();
        try (RawClient producer = new RawClient(server.port())) {
            producer.call("XGROUP", "CREATE", "jobs:hundred", "workers", "$", "MKSTREAM");
            for (int i = 0; i < n; i++) {
                RawClient c = new RawClient(server.port());
                c.send("XREADGROUP", "GROUP", "workers", "w" + i, "COUNT", "1", "BLOCK", "0", "STREAMS", "jobs:hundred",
                        ">");
                consumers.add(c);
                awaitBlocked(i + 1); // the order they block in is the order they are served
            }
            long before = server.hub().blocked().wakeups();
            producer.call("XADD", "jobs:hundred", "1-1", "job", "only");
            assertThat(consumers.get(0).readReply()).contains("only");
            awaitBlocked(n - 1);
            // The consumer that got the entry passes the turn to the next, who finds nothing and
            // waits again: at most two wake-ups, not one per blocked consumer.
            assertThat(server.hub().blocked().wakeups() - before).isBetween(1L, 2L);
            for (int i = 2; i <= n; i++) {
                producer.call("XADD", "jobs:hundred", i + "-1", "job", "j" + i);
            }
            Set<String> ids = new HashSet<>();
            for (RawClient c : consumers.subList(1, n)) {
                String reply = c.readReply();
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\$\\d+\r\n(\\d+-1)\r\n").matcher(reply);
                assertThat(id.find()).as(reply).isTrue();
                ids.add(id.group(1));
            }
            assertThat(ids).as("each entry to exactly one consumer").hasSize(n - 1);
            assertThat(producer.call("XPENDING", "jobs:hundred", "workers")).startsWith("*4\r\n:" + n + "\r\n");
            awaitBlocked(0);
        } finally {
            for (RawClient c : consumers) {
                c.close();
            }
        }
    }

    @Test
    void twoThousandBlockedReadersEachGetExactlyOneReply() throws Exception {
        int n = 2000;
        int threadsBefore = Thread.activeCount();
        List<RawClient> readers = new ArrayList<>();
        try (RawClient producer = new RawClient(server.port())) {
            for (int i = 0; i < n; i++) {
                RawClient c = new RawClient(server.port());
                c.send("XREAD", "BLOCK", "0", "STREAMS", "feed:big", "$");
                readers.add(c);
            }
            awaitBlocked(n);
            assertThat(Thread.activeCount()).as("blocked clients hold no thread").isLessThan(threadsBefore + n / 10);
            producer.call("XADD", "feed:big", "7-7", "tick", "1");
            for (RawClient c : readers) {
                assertThat(c.readReply()).contains("7-7");
                assertThat(c.call("PING")).as("no second reply queued behind the first").isEqualTo("+PONG\r\n");
            }
            awaitBlocked(0);
        } finally {
            for (RawClient c : readers) {
                c.close();
            }
        }
    }

    @Test
    void disconnectingWhileBlockedLeavesNoWaiter() throws Exception {
        RawClient c = new RawClient(server.port());
        c.send("BLPOP", "jobs:gone", "0");
        awaitBlocked(1);
        c.close();
        awaitBlocked(0);
        try (RawClient producer = new RawClient(server.port())) {
            producer.call("RPUSH", "jobs:gone", "kept");
            assertThat(producer.call("LLEN", "jobs:gone")).isEqualTo(":1\r\n");
        }
    }
}
