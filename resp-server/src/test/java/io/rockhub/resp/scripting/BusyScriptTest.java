package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scripts that run long, against Debian's redis-server: past busy-reply-threshold other clients are
 * told the server is busy (naming SCRIPT KILL or FUNCTION KILL), the allowed commands still answer,
 * a kill stops a script even inside pcall, a script that wrote cannot be killed, FUNCTION STATS
 * shows the running function. Every reply is compared; a duration is the one thing normalised.
 *
 * <p>Until the threshold Redis answers nobody; RockHub answers commands that need no key lock
 * (PING, reads of the state before the script): each client here waits for the first -BUSY.
 */
class BusyScriptTest {
    private static final String LIB = "#!lua name=busy\n"
            + "redis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}\n"
            + "redis.register_function('spinwrite', function() redis.call('set', 'fw', 1) local t = redis.call('time')[1]"
            + " while tonumber(redis.call('time')[1]) < t + 2 do end return 'done' end)";

    @Test
    void busyScriptsAndTheirKillsAnswerAsRedisDoes() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(transcript(servers.rockhubPort())).isEqualTo(transcript(servers.redisPort()));
        }
    }

    private static String transcript(int port) throws Exception {
        List<String> t = new ArrayList<>();
        try (RawClient runner = new RawClient(port); RawClient other = new RawClient(port)) {
            other.call("FLUSHALL");
            other.call("FUNCTION", "FLUSH");
            other.call("CONFIG", "SET", "busy-reply-threshold", "100");
            other.call("FUNCTION", "LOAD", LIB);
            other.call("SET", "k", "before");

            // A loop that wrote nothing: refused commands, allowed ones, then SCRIPT KILL.
            runner.send("EVAL", "local n = 0 while true do n = n + 1 end", "0");
            awaitBusy(other);
            for (String[] c : List.of(new String[] {"GET", "k"}, new String[] {"SET", "k", "during"},
                    new String[] {"FUNCTION", "STATS"}, new String[] {"FUNCTION", "KILL"}, new String[] {"MULTI"},
                    new String[] {"DISCARD"}, new String[] {"SCRIPT", "KILL"})) {
                t.add(String.join(" ", c) + " => " + other.call(c));
            }
            t.add("runner => " + runner.readReply());
            t.add(other.call("GET", "k"));
            t.add(other.call("SCRIPT", "KILL"));

            // pcall cannot keep a killed script alive.
            runner.send("EVAL", "while true do pcall(function() while true do end end) end", "0");
            awaitBusy(other);
            t.add(other.call("SCRIPT", "KILL"));
            t.add("runner => " + runner.readReply());

            // Inside EXEC too.
            runner.call("MULTI");
            runner.call("SET", "in-exec", "1");
            runner.call("EVAL", "while true do end", "0");
            runner.send("EXEC");
            awaitBusy(other);
            t.add(other.call("SCRIPT", "KILL"));
            t.add("runner => " + runner.readReply());
            t.add(other.call("GET", "in-exec"));

            // A script that wrote runs to its end.
            runner.send("EVAL", "redis.call('set', 'w', 1) local t = redis.call('time')[1]"
                    + " while tonumber(redis.call('time')[1]) < t + 2 do end return 'done'", "0");
            awaitBusy(other);
            t.add(other.call("SCRIPT", "KILL"));
            t.add("runner => " + runner.readReply());
            t.add(other.call("GET", "w"));

            // Functions: FUNCTION STATS shows the one running, SCRIPT KILL names FUNCTION KILL.
            runner.send("FCALL", "spin", "0");
            awaitBusy(other);
            t.add(other.call("PING"));
            t.add(other.call("FUNCTION", "STATS").replaceAll("duration_ms\r\n:\\d+", "duration_ms\r\n:N"));
            t.add(other.call("SCRIPT", "KILL"));
            t.add(other.call("FUNCTION", "KILL"));
            t.add("runner => " + runner.readReply());
            runner.send("FCALL", "spinwrite", "0");
            awaitBusy(other);
            t.add(other.call("FUNCTION", "KILL"));
            t.add("runner => " + runner.readReply());
            t.add(other.call("GET", "fw"));
            t.add(other.call("FUNCTION", "STATS"));
            other.call("CONFIG", "SET", "busy-reply-threshold", "5000");
        }
        return String.join("\n", t);
    }

    /** Until the running script is past the threshold: PING answers -BUSY. */
    private static void awaitBusy(RawClient c) {
        Wait.until(Duration.ofSeconds(20), "a -BUSY reply", () -> {
            try {
                return c.call("PING").startsWith("-BUSY");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
