package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scripts first run on the event loop that read them, and one that passes lua-inline-budget-us
 * starts over on the script thread: compared with Debian's redis-server, such a script's effects
 * and reply are those of one run, whether it was stopped by the hook (a Lua loop) or at a
 * redis.call; a script that published first runs on to its end where it is, so the message goes
 * out once. INFO's counters show which way each went.
 */
class ScriptsOnLoopTest {
    /** About 30 ms of redis.call('time'): far past the 1 ms budget. */
    private static final String SPIN_CALLS = "local t = redis.call('time') local s = t[1] * 1000000 + t[2]"
            + " repeat local n = redis.call('time') until n[1] * 1000000 + n[2] - s > 30000 ";
    /** Millions of Lua instructions without a redis.call: only the hook can stop it. */
    private static final String SPIN_LUA = "local i = 0 while i < 3000000 do i = i + 1 end ";

    @Test
    void aScriptPastItsBudgetStartsOverAndTakesEffectOnce() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            String redis = transcript(servers.redisPort());
            warm(servers.rockhubPort());
            long before = info(servers.rockhubPort(), "scripts_started_over");
            assertThat(transcript(servers.rockhubPort())).isEqualTo(redis);
            // The first run of each of the three long scripts started over (the later ones went to the
            // script thread at once); a short one may too, if a pause of the machine took its budget.
            assertThat(info(servers.rockhubPort(), "scripts_started_over") - before).isGreaterThanOrEqualTo(3);
        }
    }

    private static String transcript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.call("FLUSHALL");
            String calls = "redis.call('incr', KEYS[1]) redis.call('rpush', KEYS[2], ARGV[1]) " + SPIN_CALLS
                    + "return {redis.call('get', KEYS[1]), redis.call('llen', KEYS[2])}";
            String lua = "redis.call('incr', KEYS[1]) redis.call('rpush', KEYS[2], ARGV[1]) " + SPIN_LUA
                    + "return {redis.call('get', KEYS[1]), redis.call('llen', KEYS[2])}";
            for (int i = 0; i < 3; i++) {
                t.add(c.call("EVAL", calls, "2", "n", "log", "calls" + i));
                t.add(c.call("EVAL", lua, "2", "m", "log", "lua" + i));
            }
            t.add(c.call("LRANGE", "log", "0", "-1"));
            t.add(c.call("MGET", "n", "m"));
            // A short script, and one caught by pcall past the budget: still one effect each.
            t.add(c.call("EVAL", "return redis.call('incr', KEYS[1])", "1", "n"));
            t.add(c.call("EVAL", "redis.call('incr', KEYS[1]) " + SPIN_CALLS.replace("redis.call('time')",
                    "(function() local ok, r = pcall(redis.call, 'time') return ok and r or {0, 0} end)()")
                    + "local i = 0 while i < 3000000 do i = i + 1 end return redis.call('get', KEYS[1])", "1", "p"));
            t.add(c.call("GET", "p"));
        }
        return String.join("\n", t);
    }

    /**
     * Scripts pipelined with other commands join the client's burst; one that must start over (past
     * its budget, or calling a command whose keys no stripe covers) drops only its own writes, then
     * runs once more elsewhere: compared with Debian's redis-server, every reply and the final state
     * are those of each command run once, in order.
     */
    @Test
    void aPipelineOfScriptsTakesEffectOnceEachWhenOneOfThemStartsOver() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            String redis = pipelined(servers.redisPort());
            warm(servers.rockhubPort());
            long before = info(servers.rockhubPort(), "scripts_started_over");
            long byKey = info(servers.rockhubPort(), "scripts_on_loop_by_key");
            assertThat(pipelined(servers.rockhubPort())).isEqualTo(redis);
            assertThat(info(servers.rockhubPort(), "scripts_started_over") - before).isGreaterThanOrEqualTo(1);
            assertThat(info(servers.rockhubPort(), "scripts_on_loop_by_key") - byKey).isGreaterThanOrEqualTo(3);
        }
    }

    private static String pipelined(int port) throws Exception {
        String bump = "redis.call('incr', KEYS[1]) redis.call('rpush', 'log', ARGV[1]) %s return redis.call('get', KEYS[1])";
        String[][] commands = {
            {"SET", "a", "10"},
            {"EVAL", bump.formatted(""), "1", "a", "short1"},
            {"EVAL", bump.formatted("redis.call('dbsize')"), "1", "a", "unnamed"},
            {"INCR", "a"},
            {"EVAL", bump.formatted(SPIN_CALLS), "1", "a", "long"},
            {"EVAL", "redis.call('set', KEYS[1], 'x') return redis.call('incr', KEYS[1])", "1", "b"},
            {"GET", "b"},
            {"EVAL", bump.formatted(""), "1", "c", "short2"},
            {"EVAL", bump.formatted(""), "1", "a", "short3"},
            {"LRANGE", "log", "0", "-1"},
            {"MGET", "a", "c"},
            {"DBSIZE"},
        };
        List<String> t = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            c.call("FLUSHALL");
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (String[] command : commands) {
                all.writeBytes(RawClient.encode(command));
            }
            c.sendRaw(all.toByteArray());
            for (int i = 0; i < commands.length; i++) {
                t.add(c.readReply());
            }
        }
        return String.join("\n", t);
    }

    @Test
    void aScriptThatPublishedRunsToItsEndWhereItIs() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            String redis = publishing(servers.redisPort());
            warm(servers.rockhubPort());
            // A budget the publish surely comes within, even on a busy machine; the script runs past it.
            try (RawClient c = new RawClient(servers.rockhubPort())) {
                assertThat(c.call("CONFIG", "SET", "lua-inline-budget-us", "20000")).isEqualTo("+OK\r\n");
            }
            long before = info(servers.rockhubPort(), "scripts_started_over");
            long onLoop = info(servers.rockhubPort(), "scripts_on_loop");
            assertThat(publishing(servers.rockhubPort())).isEqualTo(redis);
            assertThat(info(servers.rockhubPort(), "scripts_started_over")).isEqualTo(before);
            assertThat(info(servers.rockhubPort(), "scripts_on_loop") - onLoop).isEqualTo(1);
        }
    }

    @Test
    void aScriptLongOnceComesBackToTheLoopAfterAShortRun() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            int port = servers.rockhubPort();
            warm(port);
            String spin = "local i = 0 while i < tonumber(ARGV[1]) do i = i + 1 end return i";
            try (RawClient c = new RawClient(port)) {
                long over = info(port, "scripts_started_over");
                assertThat(c.call("EVAL", spin, "0", "3000000")).isEqualTo(":3000000\r\n");
                assertThat(info(port, "scripts_started_over")).isEqualTo(over + 1);
                // Marked long: the next run goes to the script thread, and is short there.
                long onLoop = info(port, "scripts_on_loop");
                assertThat(c.call("EVAL", spin, "0", "10")).isEqualTo(":10\r\n");
                assertThat(info(port, "scripts_on_loop")).isEqualTo(onLoop);
                // So the one after runs on the loop again.
                assertThat(c.call("EVAL", spin, "0", "10")).isEqualTo(":10\r\n");
                assertThat(info(port, "scripts_on_loop")).isEqualTo(onLoop + 1);
                assertThat(info(port, "scripts_started_over")).isEqualTo(over + 1);
            }
        }
    }

    /** Reads a counter it does not declare, writes it back one higher, and counts itself in a hash it declares. */
    private static final String BUMP = "local v = tonumber(redis.call('get', 'total') or '0') %s"
            + "redis.call('set', 'total', v + 1) redis.call('hincrby', KEYS[1], 'runs', 1) return v";

    @Test
    void scriptsRunByKeyOnTwoLoopsAreAsIsolatedAsScriptsRunAlone() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of("workers", "2"))) {
            int port = servers.rockhubPort();
            warm(port);
            try (RawClient c = new RawClient(port)) {
                assertThat(c.call("CONFIG", "SET", "lua-inline-budget-us", "20000")).isEqualTo("+OK\r\n");
                long onLoop = info(port, "scripts_on_loop");
                long byKey = info(port, "scripts_on_loop_by_key");
                c.call("EVAL", BUMP.formatted(""), "1", "h");
                assertThat(info(port, "scripts_on_loop") - onLoop).isEqualTo(1);
                assertThat(info(port, "scripts_on_loop_by_key") - byKey).isEqualTo(1);
                // DBSIZE reads keys no stripe covers: the run is dropped and runs again alone.
                c.call("EVAL", BUMP.formatted("redis.call('dbsize') "), "1", "h");
                assertThat(info(port, "scripts_on_loop") - onLoop).isEqualTo(2);
                assertThat(info(port, "scripts_on_loop_by_key") - byKey).isEqualTo(1);
                c.call("FLUSHALL");
            }
            assertThat(bumps(port)).isEqualTo(bumps(servers.redisPort()));
        }
    }

    /**
     * Four connections (on both loops) send pipelines of scripts and INCRs of one counter at once:
     * each increment saw a value no other saw (none lost, none doubled), as in Redis.
     */
    private static String bumps(int port) throws Exception {
        int clients = 4;
        int each = 300;
        List<Thread> threads = new ArrayList<>();
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < clients; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try (RawClient c = new RawClient(port)) {
                    for (int i = 0; i < each; i++) {
                        switch ((i + id) % 3) {
                            case 0 -> c.send("EVAL", BUMP.formatted(""), "1", "h");
                            case 1 -> c.send("EVAL", BUMP.formatted("redis.call('dbsize') "), "1", "h");
                            default -> c.send("INCR", "total");
                        }
                    }
                    for (int i = 0; i < each; i++) {
                        String r = c.readReply();
                        long v = Long.parseLong(r.substring(1, r.length() - 2));
                        seen.add((i + id) % 3 == 2 ? v - 1 : v);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        List<Long> sorted = new ArrayList<>(seen);
        java.util.Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i++) {
            assertThat(sorted.get(i)).as("the %dth increment", i).isEqualTo(i);
        }
        try (RawClient c = new RawClient(port)) {
            return c.call("GET", "total") + c.call("HGET", "h", "runs");
        }
    }

    private static String publishing(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient sub = new RawClient(port); RawClient c = new RawClient(port)) {
            t.add(sub.call("SUBSCRIBE", "ch"));
            t.add(c.call("EVAL", "redis.call('incr', 'k') local n = redis.call('publish', 'ch', 'once') " + SPIN_LUA
                    + SPIN_CALLS + "return n", "0"));
            t.add(sub.readReply());
            sub.assertNothingMoreWithin(Duration.ofMillis(200));
            t.add(c.call("GET", "k"));
        }
        return String.join("\n", t);
    }

    /**
     * A server's first commands load their classes, which can take a run's whole budget: both
     * event loops (connections take turns) run the commands the scripts here call, a few times.
     */
    private static void warm(int port) throws Exception {
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            for (int i = 0; i < 5; i++) {
                for (RawClient c : List.of(a, b)) {
                    c.call("EVAL", "redis.call('incr', 'warm') redis.call('rpush', 'warmlog', 'x') redis.call('time')"
                            + " redis.call('llen', 'warmlog') redis.call('get', 'warm')"
                            + " return redis.call('publish', 'elsewhere', ARGV[1])", "0", Integer.toString(i));
                }
            }
            a.call("DEL", "warm", "warmlog");
        }
    }

    private static long info(int port, String field) throws Exception {
        try (RawClient c = new RawClient(port)) {
            for (String line : c.call("INFO", "rocksdb").split("\r\n")) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1));
                }
            }
        }
        throw new AssertionError("INFO has no " + field);
    }
}
