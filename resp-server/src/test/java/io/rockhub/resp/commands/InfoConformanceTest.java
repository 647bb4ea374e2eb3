package io.rockhub.resp.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RealRedis;
import io.rockhub.resp.testing.Resp;
import io.rockhub.resp.testing.TestServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * INFO as tools and client libraries read it: every field Redis 7.0 prints in a section is there
 * (values may differ where they describe the machine), and the error and command counters count
 * the same things as Redis's after the same commands.
 */
class InfoConformanceTest {
    private static final String[] SECTIONS = {"server", "clients", "memory", "persistence", "stats", "replication",
        "cpu", "cluster", "keyspace", "errorstats", "commandstats"};

    /** Field names to values of one INFO reply. */
    private static Map<String, String> fields(RawClient c, String... section) throws Exception {
        String[] cmd = new String[section.length + 1];
        cmd[0] = "INFO";
        System.arraycopy(section, 0, cmd, 1, section.length);
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : ((String) Resp.parse(c.call(cmd))).split("\r\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    @Test
    void everyFieldRedisPrintsIsThereSectionBySection() throws Exception {
        try (RealRedis redis = RealRedis.start(); TestServer hub = TestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient h = new RawClient(hub.port())) {
            r.call("SET", "k", "v");
            h.call("SET", "k", "v");
            r.call("LPUSH", "k", "x");
            h.call("LPUSH", "k", "x");
            for (String section : SECTIONS) {
                assertThat(fields(h, section).keySet()).as("INFO %s", section)
                        .containsAll(fields(r, section).keySet());
            }
            assertThat(fields(h).keySet()).as("INFO (default sections)").containsAll(fields(r).keySet());
            assertThat(fields(h, "everything").keySet()).as("INFO everything")
                    .containsAll(fields(r, "everything").keySet());
            assertThat(fields(h, "server").get("redis_version")).isEqualTo(fields(r, "server").get("redis_version"));
            assertThat(fields(h, "cluster").get("cluster_enabled")).isEqualTo("0");
        }
    }

    @Test
    void errorAndCommandCountersCountWhatRedisCounts() throws Exception {
        String[][] commands = {
            {"SET", "k", "v"}, {"INCR", "k"}, {"LPUSH", "k", "x"}, {"GET"}, {"GET", "a", "b"}, {"NOSUCH"},
            {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"}, {"SET", "k", "v", "EX", "x"},
            {"EXPIRE", "k", "10", "NX", "XX"}, {"OBJECT", "NOSUCH", "k"}, {"HSET", "h", "f"}, {"ZADD", "z", "x", "m"},
            {"GET", "k"}, {"XADD", "s", "0-0", "f", "v"}, {"XGROUP", "CREATE", "nokey", "g", "$"},
        };
        try (RealRedis redis = RealRedis.start(); TestServer hub = TestServer.start();
             RawClient r = new RawClient(redis.port()); RawClient h = new RawClient(hub.port())) {
            r.call("CONFIG", "RESETSTAT");
            h.call("CONFIG", "RESETSTAT");
            for (String[] cmd : commands) {
                r.call(cmd);
                h.call(cmd);
            }
            assertThat(fields(h, "errorstats")).isEqualTo(fields(r, "errorstats"));
            assertThat(fields(h, "stats").get("total_error_replies")).isEqualTo(fields(r, "stats").get("total_error_replies"));
            assertThat(counts(fields(h, "commandstats"))).isEqualTo(counts(fields(r, "commandstats")));
        }
    }

    /** cmdstat lines without their timings: calls, rejected_calls, failed_calls (INFO and CONFIG left out). */
    private static Map<String, String> counts(Map<String, String> commandstats) {
        Map<String, String> out = new java.util.TreeMap<>();
        commandstats.forEach((name, value) -> {
            if (name.startsWith("cmdstat_info") || name.startsWith("cmdstat_config")) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.startsWith("usec")) {
                    kept.add(part);
                }
            }
            out.put(name, String.join(",", kept));
        });
        return out;
    }
}
