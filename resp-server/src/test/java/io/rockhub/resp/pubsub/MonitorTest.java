package io.rockhub.resp.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MONITOR against Debian's redis-server: the same seeded commands (valid, refused, failing, binary,
 * in MULTI, in other databases, AUTH and HELLO with passwords) from one client, and the lines a
 * monitor receives compared after the timestamp and client address, which differ by server.
 */
class MonitorTest {
    @Test
    void monitorLinesMatchRedis() throws Exception {
        long seed = Long.getLong("rockhub.diff.seed", System.nanoTime());
        List<String[]> script = script(new Random(seed), 2_000);
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            List<String> expected = monitorLines(servers.redisPort(), script);
            List<String> actual = monitorLines(servers.rockhubPort(), script);
            assertThat(expected).as("most commands are shown").hasSizeGreaterThan(1_000);
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                String e = i < expected.size() ? expected.get(i) : "(nothing)";
                String a = i < actual.size() ? actual.get(i) : "(nothing)";
                assertThat(a).as("seed %d, line %d", seed, i).isEqualTo(e);
            }
        }
    }

    @Test
    void aMonitorMayPingButNotTouchKeysAndResetEndsMonitoring() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(session(servers.rockhubPort())).isEqualTo(session(servers.redisPort()));
        }
    }

    private static String session(int port) throws Exception {
        try (RawClient m = new RawClient(port)) {
            StringBuilder t = new StringBuilder();
            t.append(m.call("MONITOR"));
            t.append(m.call("GET", "k"));
            t.append(m.call("PING"));
            t.append(normalise(m.readReply()));
            m.send("MONITOR"); // a second MONITOR answers nothing
            t.append(m.call("RESET"));
            t.append(m.call("GET", "k"));
            return t.toString();
        }
    }

    private static List<String> monitorLines(int port, List<String[]> script) throws Exception {
        try (RawClient monitor = new RawClient(port); RawClient c = new RawClient(port)) {
            assertThat(monitor.call("MONITOR")).isEqualTo("+OK\r\n");
            for (String[] command : script) {
                c.call(command);
            }
            c.call("ECHO", "end-of-script");
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = normalise(monitor.readReply());
                if (line.endsWith("\"ECHO\" \"end-of-script\"\r\n")) {
                    return lines;
                }
                lines.add(line);
            }
        }
    }

    /** {@code +1700000000.123456 [0 127.0.0.1:5000] ...} becomes {@code [0] ...}. */
    private static String normalise(String line) {
        return line.replaceFirst("^\\+\\d+\\.\\d{6} \\[(\\d+) [^\\]]+\\]", "[$1]");
    }

    private static List<String[]> script(Random r, int n) {
        String[] keys = {"k", "h", "l", "z", "s", "bin\u0001\n\"\\x", "sp ace"};
        List<String[]> out = new ArrayList<>();
        boolean inMulti = false;
        int queued = 0;
        for (int i = 0; i < n; i++) {
            String k = keys[r.nextInt(keys.length)];
            String v = switch (r.nextInt(4)) {
                case 0 -> Integer.toString(r.nextInt(100));
                case 1 -> "tab\there\r\n";
                case 2 -> "";
                default -> "\u0007\u0008\u007f~";
            };
            String[] c = switch (r.nextInt(22)) {
                case 0 -> new String[] {"SET", k, v};
                case 1 -> new String[] {"GET", k};
                case 2 -> new String[] {"HSET", k, "f", v};
                case 3 -> new String[] {"LPUSH", k, v, v};
                case 4 -> new String[] {"ZADD", k, v, "m"};
                case 5 -> new String[] {"SADD", k, v};
                case 6 -> new String[] {"INCR", k};
                case 7 -> new String[] {"DEL", k, "other"};
                case 8 -> new String[] {"SET", k, v, "XX", "NX"};
                case 9 -> new String[] {"GET"};
                case 10 -> new String[] {"NOSUCHCOMMAND", k};
                case 11 -> new String[] {"AUTH", "wrong-password"};
                case 12 -> new String[] {"AUTH", "someone", "pw"};
                case 13 -> new String[] {"HELLO", "2", "AUTH", "default", "pw"};
                case 14 -> new String[] {"SELECT", Integer.toString(r.nextInt(3))};
                case 15 -> new String[] {"CONFIG", "GET", "maxclients"};
                case 16 -> new String[] {"PING", v};
                case 17 -> new String[] {"EXPIRE", k, "100"};
                case 18 -> new String[] {"PUBLISH", k, v};
                case 19 -> new String[] {"BLPOP", "empty-list", "0.01"};
                case 20 -> inMulti ? new String[] {"EXEC"} : new String[] {"MULTI"};
                default -> new String[] {"CLIENT", "SETNAME", "n" + r.nextInt(3)};
            };
            if (inMulti && (c[0].equals("BLPOP") || c[0].equals("SELECT"))) {
                continue;
            }
            if (inMulti && !c[0].equals("EXEC") && ++queued > 3) {
                c = new String[] {"EXEC"}; // short transactions: one refused command aborts the whole EXEC
            }
            if (c[0].equals("MULTI")) {
                inMulti = true;
                queued = 0;
            } else if (c[0].equals("EXEC")) {
                inMulti = false;
            }
            out.add(c);
        }
        if (inMulti) {
            out.add(new String[] {"EXEC"});
        }
        return out;
    }
}
