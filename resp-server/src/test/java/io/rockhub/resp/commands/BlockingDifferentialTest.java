package io.rockhub.resp.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A client blocks; another changes the keys it waits on (deletes them, gives them another type,
 * inside MULTI or not, destroys its group); the blocked client's reply, and every reply of the
 * other client, must be Redis's. Each scenario ends with a write that wakes a client still
 * blocked, so "still blocked" shows as the reply to that write.
 */
class BlockingDifferentialTest {
    private static RedisAndRockHub servers;

    /** Setup commands, the blocking command, then the other client's commands. */
    private record Scenario(String name, String[][] setup, String[] blocking, String[][] then) {
    }

    private static final Scenario[] SCENARIOS = {
        new Scenario("BLPOP stays blocked while its key is a string", new String[][] {},
            new String[] {"BLPOP", "k", "0"},
            new String[][] {{"SET", "k", "v"}, {"DEL", "k"}, {"RPUSH", "k", "x"}}),
        new Scenario("BLPOP stays blocked through a retype inside MULTI", new String[][] {{"RPUSH", "other", "1"}},
            new String[] {"BLPOP", "k", "0"},
            new String[][] {{"MULTI"}, {"RPUSH", "k", "a"}, {"DEL", "k"}, {"SET", "k", "v"}, {"EXEC"}, {"DEL", "k"},
                {"LPUSH", "k", "y"}}),
        new Scenario("BZPOPMIN stays blocked while its key is a set", new String[][] {},
            new String[] {"BZPOPMIN", "z", "0"},
            new String[][] {{"SADD", "z", "m"}, {"DEL", "z"}, {"ZADD", "z", "1", "m"}}),
        new Scenario("BZMPOP stays blocked while its key is a hash", new String[][] {},
            new String[] {"BZMPOP", "0", "1", "z", "MIN"},
            new String[][] {{"HSET", "z", "f", "v"}, {"DEL", "z"}, {"ZADD", "z", "2", "n"}}),
        new Scenario("BLMOVE stays blocked while its source is a zset", new String[][] {},
            new String[] {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"},
            new String[][] {{"ZADD", "src", "1", "m"}, {"DEL", "src"}, {"RPUSH", "src", "x"}, {"LRANGE", "dst", "0", "-1"}}),
        new Scenario("XREAD BLOCK stays blocked while its key is a list", new String[][] {},
            new String[] {"XREAD", "BLOCK", "0", "STREAMS", "s", "$"},
            new String[][] {{"LPUSH", "s", "x"}, {"DEL", "s"}, {"XADD", "s", "5-1", "f", "v"}}),
        new Scenario("XREADGROUP BLOCK is unblocked when its stream is deleted",
            new String[][] {{"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}},
            new String[] {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"},
            new String[][] {{"DEL", "s"}, {"XADD", "s", "5-1", "f", "v"}}),
        new Scenario("XREADGROUP BLOCK is unblocked when its group is destroyed",
            new String[][] {{"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}},
            new String[] {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"},
            new String[][] {{"XGROUP", "DESTROY", "s", "g"}, {"XADD", "s", "5-1", "f", "v"}}),
        new Scenario("XREADGROUP BLOCK is unblocked when its stream becomes a string",
            new String[][] {{"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}},
            new String[] {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"},
            new String[][] {{"MULTI"}, {"DEL", "s"}, {"SET", "s", "v"}, {"EXEC"}, {"DEL", "s"}, {"XADD", "s", "5-1", "f", "v"}}),
        new Scenario("XREADGROUP BLOCK is unblocked by FLUSHALL",
            new String[][] {{"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}},
            new String[] {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"},
            new String[][] {{"FLUSHALL"}, {"XADD", "s", "5-1", "f", "v"}}),
        new Scenario("BLPOP is not woken by its key in another database", new String[][] {},
            new String[] {"BLPOP", "k", "0"},
            new String[][] {{"SELECT", "1"}, {"RPUSH", "k", "other-db"}, {"SELECT", "0"}, {"RPUSH", "k", "mine"}}),
        new Scenario("BLPOP follows its database through SWAPDB", new String[][] {},
            new String[] {"BLPOP", "k", "0"},
            new String[][] {{"SELECT", "1"}, {"RPUSH", "k", "swapped-in"}, {"SWAPDB", "0", "1"}, {"LRANGE", "k", "0", "-1"},
                {"SELECT", "0"}, {"LRANGE", "k", "0", "-1"}}),
        new Scenario("XREADGROUP BLOCK stays blocked when another database is flushed",
            new String[][] {{"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}, {"SELECT", "1"}, {"SET", "x", "1"}},
            new String[] {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"},
            new String[][] {{"FLUSHDB"}, {"DBSIZE"}, {"SELECT", "0"}, {"XADD", "s", "5-1", "f", "v"}}),
    };

    @BeforeAll
    static void start() throws Exception {
        servers = RedisAndRockHub.start(java.util.Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> blockedClientsAnswerAsRedisWhenTheirKeysChange() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Scenario s : SCENARIOS) {
            tests.add(DynamicTest.dynamicTest(s.name(), () -> assertEquals(play(servers.redisPort(), s),
                    play(servers.rockhubPort(), s),
                    s.name())));
        }
        return tests.stream();
    }

    /** Plays the scenario; returns every reply in order, the blocked client's last. */
    private static List<String> play(int port, Scenario s) throws Exception {
        List<String> replies = new ArrayList<>();
        try (RawClient blocked = new RawClient(port); RawClient other = new RawClient(port)) {
            other.call("FLUSHALL");
            for (String[] cmd : s.setup()) {
                replies.add(other.call(cmd));
            }
            int before = blockedClients(other);
            blocked.send(s.blocking());
            Wait.until(Duration.ofSeconds(10), "the client to block", () -> blockedClients(other) == before + 1);
            for (String[] cmd : s.then()) {
                replies.add(other.call(cmd));
            }
            replies.add("blocked client: " + blocked.readReply());
        }
        return replies;
    }

    private static int blockedClients(RawClient c) {
        try {
            String info = c.call("INFO", "clients");
            int at = info.indexOf("blocked_clients:");
            return Integer.parseInt(info.substring(at + 16, info.indexOf('\r', at)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
