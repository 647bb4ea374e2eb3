package io.rockhub.resp.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Keyspace notifications against Debian's redis-server: the same seeded write commands of every
 * family (on a few keys, so types clash, collections empty and keys are re-created) go to both with
 * {@code notify-keyspace-events AKEnm} (read commands too, for key misses), and the events a pattern subscriber receives after each
 * command must be the same, in the same order. Replay with -Drockhub.diff.seed=N.
 */
class KeyspaceEventsDifferentialTest {
    private static final String[] KEYS = {"a", "b", "c"};
    /** Commands whose replies carry stream ids made from each server's clock. */
    private static final java.util.Set<String> ID_REPLIES = java.util.Set.of("XADD", "XREADGROUP", "XAUTOCLAIM",
            "XRANGE", "OBJECT");

    @Test
    void everyFamilysEventsMatchRedis() throws Exception {
        long seed = Long.getLong("rockhub.diff.seed", System.nanoTime());
        int ops = Integer.getInteger("rockhub.diff.ops", 20_000);
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of());
             RawClient rc = new RawClient(servers.redisPort()); RawClient hc = new RawClient(servers.rockhubPort());
             RawClient rs = new RawClient(servers.redisPort()); RawClient hs = new RawClient(servers.rockhubPort())) {
            for (RawClient c : List.of(rc, hc)) {
                c.call("CONFIG", "SET", "notify-keyspace-events", "AKEnm");
            }
            for (RawClient s : List.of(rs, hs)) {
                s.call("PSUBSCRIBE", "__key*__:*");
            }
            Random r = new Random(seed);
            List<String> history = new ArrayList<>();
            for (int op = 0; op < ops; op++) {
                String[] command = command(r);
                history.add(String.join(" ", command));
                if (history.size() > 8) {
                    history.remove(0);
                }
                String expectedReply = rc.call(command);
                String actualReply = hc.call(command);
                if (command[0].equals("SPOP")) {
                    expectedReply = io.rockhub.resp.testing.RespTree.parse(expectedReply).canonical(
                            io.rockhub.resp.testing.RespTree.Order.ELEMENTS);
                    actualReply = io.rockhub.resp.testing.RespTree.parse(actualReply).canonical(
                            io.rockhub.resp.testing.RespTree.Order.ELEMENTS);
                }
                if (!ID_REPLIES.contains(command[0])) {
                    // The state must stay the same for the events to be comparable.
                    assertEquals(expectedReply, actualReply, "seed " + seed + ", operation " + op + ": reply to "
                            + String.join(" | ", history));
                }
                String expected = events(rs);
                String actual = events(hs);
                assertEquals(expected, actual, "seed " + seed + ", operation " + op + ": after " + String.join(" | ", history));
            }
        }
    }

    /** The events received up to the reply of a PING sent now, one per line. */
    private static String events(RawClient s) throws Exception {
        s.send("PING", "sync");
        StringBuilder out = new StringBuilder();
        while (true) {
            String m = s.readReply();
            if (m.startsWith("*2\r\n$4\r\npong")) {
                return out.toString();
            }
            String[] parts = m.split("\r\n");
            // *4 $8 pmessage $n pattern $n channel $n message
            out.append(parts[6]).append(" ").append(parts[8]).append('\n');
        }
    }

    private static String[] command(Random r) {
        String k = KEYS[r.nextInt(KEYS.length)];
        String k2 = KEYS[r.nextInt(KEYS.length)];
        String v = Integer.toString(r.nextInt(5));
        String m = "m" + r.nextInt(4);
        return switch (r.nextInt(125)) {
            case 0, 1 -> new String[] {"SET", k, v};
            case 2 -> new String[] {"SET", k, v, "EX", "1000"};
            case 3 -> new String[] {"SET", k, v, "NX"};
            case 4 -> new String[] {"SET", k, v, "XX", "GET"};
            case 5 -> new String[] {"SETNX", k, v};
            case 6 -> new String[] {"SETEX", k, "1000", v};
            case 7 -> new String[] {"GETSET", k, v};
            case 8 -> new String[] {"MSET", k, v, k2, v};
            case 9 -> new String[] {"MSETNX", k, v, k2, v};
            case 10 -> new String[] {"APPEND", k, v};
            case 11 -> new String[] {"INCR", k};
            case 12 -> new String[] {"DECRBY", k, v};
            case 13 -> new String[] {"INCRBYFLOAT", k, "1.5"};
            case 14 -> new String[] {"SETRANGE", k, v, "xy"};
            case 15 -> new String[] {"GETDEL", k};
            case 16 -> new String[] {"GETEX", k, "EX", "1000"};
            case 17 -> new String[] {"GETEX", k, "PERSIST"};
            case 18 -> new String[] {"SETBIT", k, v, "1"};
            case 19 -> new String[] {"BITOP", "OR", k, k2};
            case 20 -> new String[] {"BITFIELD", k, "SET", "u8", "0", v};
            case 21 -> new String[] {"PFADD", k, m};
            case 22 -> new String[] {"PFMERGE", k, k2};
            case 23, 24 -> new String[] {"DEL", k, k2};
            case 25 -> new String[] {"UNLINK", k};
            case 26 -> new String[] {"EXPIRE", k, "1000"};
            case 27 -> new String[] {"EXPIRE", k, "0"};
            case 28 -> new String[] {"PEXPIREAT", k, "1"};
            case 29 -> new String[] {"PERSIST", k};
            case 30 -> new String[] {"RENAME", k, k2};
            case 31 -> new String[] {"RENAMENX", k, k2};
            case 32 -> new String[] {"COPY", k, k2};
            case 33 -> new String[] {"COPY", k, k2, "REPLACE"};
            case 34 -> new String[] {"MOVE", k, "1"};
            case 35 -> new String[] {"SELECT", Integer.toString(r.nextInt(2))};
            case 36, 37 -> new String[] {"LPUSH", k, v, m};
            case 38 -> new String[] {"RPUSH", k, v};
            case 39 -> new String[] {"LPUSHX", k, v};
            case 40 -> new String[] {"LPOP", k};
            case 41 -> new String[] {"RPOP", k, "2"};
            case 42 -> new String[] {"LSET", k, "0", v};
            case 43 -> new String[] {"LINSERT", k, "BEFORE", v, m};
            case 44 -> new String[] {"LREM", k, "0", v};
            case 45 -> new String[] {"LTRIM", k, "1", "-1"};
            case 46 -> new String[] {"LMOVE", k, k2, "LEFT", "RIGHT"};
            case 47 -> new String[] {"RPOPLPUSH", k, k2};
            case 48 -> new String[] {"LMPOP", "2", k, k2, "LEFT", "COUNT", "2"};
            case 49 -> new String[] {"BLPOP", k, "0.01"};
            case 50, 51 -> new String[] {"SADD", k, m, v};
            case 52 -> new String[] {"SREM", k, m};
            case 53 -> new String[] {"SPOP", k, "100"}; // all of them: which members a smaller SPOP takes is random
            case 54 -> new String[] {"SMOVE", k, k2, m};
            case 55 -> new String[] {"SINTERSTORE", k, k2, k};
            case 56 -> new String[] {"SUNIONSTORE", k, k2};
            case 57 -> new String[] {"SDIFFSTORE", k, k2, k};
            case 58, 59 -> new String[] {"HSET", k, m, v};
            case 60 -> new String[] {"HSETNX", k, m, v};
            case 61 -> new String[] {"HDEL", k, m, "m9"};
            case 62 -> new String[] {"HINCRBY", k, m, "2"};
            case 63 -> new String[] {"HINCRBYFLOAT", k, m, "0.5"};
            case 64 -> new String[] {"HMSET", k, m, v};
            case 65, 66 -> new String[] {"ZADD", k, v, m};
            case 67 -> new String[] {"ZADD", k, "XX", "CH", v, m};
            case 68 -> new String[] {"ZADD", k, "INCR", v, m};
            case 69 -> new String[] {"ZINCRBY", k, v, m};
            case 70 -> new String[] {"ZREM", k, m};
            case 71 -> new String[] {"ZREMRANGEBYSCORE", k, "0", "2"};
            case 72 -> new String[] {"ZREMRANGEBYRANK", k, "0", "0"};
            case 73 -> new String[] {"ZREMRANGEBYLEX", k, "-", "+"}; // a lex range over mixed scores is unspecified
            case 74 -> new String[] {"ZPOPMIN", k};
            case 75 -> new String[] {"ZPOPMAX", k, "2"};
            case 76 -> new String[] {"ZUNIONSTORE", k, "2", k, k2};
            case 77 -> new String[] {"ZINTERSTORE", k, "2", k, k2};
            case 78 -> new String[] {"ZDIFFSTORE", k, "2", k2, k};
            case 79 -> new String[] {"ZRANGESTORE", k, k2, "0", "1"};
            case 80 -> new String[] {"ZMPOP", "2", k, k2, "MIN"};
            case 81 -> new String[] {"GEOADD", k, "13.36", "38.11", m};
            case 82 -> new String[] {"GEOSEARCHSTORE", k, k2, "FROMLONLAT", "13", "38", "BYRADIUS", "500", "km"};
            case 83, 84 -> new String[] {"XADD", k, "*", "f", v};
            case 85 -> new String[] {"XADD", k, "MAXLEN", "2", "*", "f", v};
            case 86 -> new String[] {"XTRIM", k, "MAXLEN", "1"};
            case 87 -> new String[] {"XDEL", k, "1-1"};
            case 88 -> new String[] {"XGROUP", "CREATE", k, "g", "$", "MKSTREAM"};
            case 89 -> new String[] {"XGROUP", "CREATECONSUMER", k, "g", "c" + v};
            case 90 -> new String[] {"XGROUP", "DELCONSUMER", k, "g", "c" + v};
            case 91 -> new String[] {"XGROUP", "SETID", k, "g", "0"};
            case 92 -> new String[] {"XGROUP", "DESTROY", k, "g"};
            case 93 -> new String[] {"XREADGROUP", "GROUP", "g", "c" + v, "COUNT", "1", "STREAMS", k, ">"};
            case 94 -> new String[] {"XSETID", k, "9999999999999-0"};
            case 95 -> new String[] {"SORT", k, "STORE", k2};
            case 96 -> new String[] {"RESTORE", k, "0", "\u0000\u0001x\n\u0000\u00c1\u0094\u00c8\u00d6\u0094\u00e3\u00b8\u00fa", "REPLACE"};
            case 97 -> new String[] {"XAUTOCLAIM", k, "g", "c" + v, "0", "0"};
            case 98 -> new String[] {"SET", k, v, "KEEPTTL"};
            case 100 -> new String[] {"GET", k};
            case 101 -> new String[] {"MGET", k, k2, k};
            case 102 -> new String[] {"EXISTS", k, k2};
            case 103 -> new String[] {"TYPE", k};
            case 104 -> new String[] {"TTL", k};
            case 105 -> new String[] {"HGET", k, m};
            case 106 -> new String[] {"LRANGE", k, "0", "-1"};
            case 107 -> new String[] {"ZSCORE", k, m};
            case 108 -> new String[] {"XLEN", k};
            case 109 -> new String[] {"PFCOUNT", k, k2};
            case 110 -> new String[] {"STRLEN", k};
            case 111 -> new String[] {"OBJECT", "ENCODING", k};
            case 112 -> new String[] {"SCARD", k};
            case 113 -> new String[] {"LCS", k, k2};
            case 114 -> new String[] {"GETRANGE", k, "0", "2"};
            case 115 -> new String[] {"SINTERCARD", "2", k, k2};
            case 116 -> new String[] {"TOUCH", k, k2};
            case 117 -> new String[] {"SORT_RO", k};
            case 118 -> new String[] {"ZRANGE", k, "0", "-1", "WITHSCORES"};
            case 119 -> new String[] {"XRANGE", k, "-", "+"};
            case 120 -> new String[] {"SISMEMBER", k, m};
            case 121 -> new String[] {"HSTRLEN", k, m};
            case 122 -> new String[] {"GEOPOS", k, m};
            case 123 -> new String[] {"BITCOUNT", k};
            case 124 -> new String[] {"LINDEX", k, "0"};
            default -> new String[] {"FLUSHDB"};
        };
    }
}
