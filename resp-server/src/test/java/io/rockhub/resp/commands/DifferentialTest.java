package io.rockhub.resp.commands;

import static org.junit.jupiter.api.Assertions.fail;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.RespTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random command sequences, the same to Debian's Redis 7.0 and to RockHub, every reply
 * compared byte for byte (collections Redis leaves unordered compared as sets). Each family draws
 * from small pools of keys, odd numbers ({@code 0x10}, {@code 1e3}, {@code " 5"}, {@code -0},
 * {@code inf}), huge offsets, bad options and keys of the wrong type, so the corners users hit
 * come up thousands of times a run.
 *
 * <p>{@code -Drockhub.diff.seed=N} replays a failure (the seed is printed with it);
 * {@code -Drockhub.diff.ops=N} sets the operations per family (default 20,000).
 */
class DifferentialTest {
    private static final long SEED = Long.getLong("rockhub.diff.seed", System.nanoTime());
    private static final int OPS = Integer.getInteger("rockhub.diff.ops", 20_000);
    private static final int BATCH = 100;

    private static RedisAndRockHub servers;

    @BeforeAll
    static void start() throws Exception {
        // Durability is not what is compared here: the relaxed mode runs the sequences faster.
        servers = RedisAndRockHub.start(Map.of("rocksdb.write_options.sync", "no"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> randomSequencesAnswerAsRedisDoes() {
        return Stream.of(
                DynamicTest.dynamicTest("strings", () -> run("strings", DifferentialTest::strings)),
                DynamicTest.dynamicTest("keys and expiry", () -> run("keys", DifferentialTest::keys)),
                DynamicTest.dynamicTest("hashes", () -> run("hashes", DifferentialTest::hashes)),
                DynamicTest.dynamicTest("sets", () -> run("sets", DifferentialTest::sets)),
                DynamicTest.dynamicTest("sorted sets", () -> run("zsets", DifferentialTest::zsets)),
                DynamicTest.dynamicTest("lists", () -> run("lists", DifferentialTest::lists)),
                DynamicTest.dynamicTest("streams", () -> run("streams", DifferentialTest::streams)),
                DynamicTest.dynamicTest("databases", () -> run("databases", DifferentialTest::databases)),
                DynamicTest.dynamicTest("bitmaps", () -> run("bitmaps", DifferentialTest::bitmaps)),
                DynamicTest.dynamicTest("hyperloglog", () -> run("hyperloglog", DifferentialTest::hyperloglog)),
                DynamicTest.dynamicTest("geo", () -> run("geo", DifferentialTest::geo)),
                DynamicTest.dynamicTest("sort", () -> run("sort", DifferentialTest::sort)),
                DynamicTest.dynamicTest("COMMAND GETKEYS of all the above", () -> run("getkeys", DifferentialTest::getKeys)));
    }

    private static void run(String family, Function<Gen, String[]> generator) throws Exception {
        long seed = SEED ^ family.hashCode();
        Gen g = new Gen(new Random(seed));
        Deque<String> recent = new ArrayDeque<>();
        try (RawClient r = new RawClient(servers.redisPort()); RawClient h = new RawClient(servers.rockhubPort())) {
            r.call("FLUSHALL");
            h.call("FLUSHALL");
            for (int done = 0; done < OPS; done += BATCH) {
                List<String[]> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    batch.add(generator.apply(g));
                }
                for (String[] cmd : batch) {
                    r.send(cmd);
                    h.send(cmd);
                }
                for (int i = 0; i < batch.size(); i++) {
                    String[] cmd = batch.get(i);
                    String expected = read(r, "Redis", family, done + i, cmd);
                    String actual = read(h, "RockHub", family, done + i, cmd);
                    recent.addLast(String.join(" ", cmd));
                    if (recent.size() > 3000) {
                        recent.removeFirst();
                    }
                    if (!same(cmd, expected, actual)) {
                        // Drain the rest of the batch so the state shown is the one the command saw... plus
                        // what followed it in the batch; good enough to see which value differs.
                        for (int rest = i + 1; rest < batch.size(); rest++) {
                            r.readReply();
                            h.readReply();
                        }
                        fail(String.format("%s: reply %d differs from Redis (replay with -Drockhub.diff.seed=%d)%n"
                                        + "command: %s%nRedis:   %s%nRockHub: %s%nearlier commands naming its keys:%n  %s%n"
                                        + "keys named (after the batch):%n%s",
                                family, done + i, SEED, quote(cmd), show(expected), show(actual),
                                String.join("\n  ", touching(recent, cmd)), state(cmd, r, h)));
                    }
                }
            }
        }
    }

    /** The last 60 of the recent commands that name the failing command's key. */
    private static List<String> touching(Deque<String> recent, String[] cmd) {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i < cmd.length; i++) {
            if (cmd[i].matches("[a-z]{1,2}[0-9]")) {
                keys.add(" " + cmd[i] + " ");
            }
        }
        List<String> out = new ArrayList<>();
        for (String line : recent) {
            // A command naming no key (EXEC, SWAPDB): everything before it may matter.
            if (keys.isEmpty() || keys.stream().anyMatch(k -> (line + " ").contains(k))) {
                out.add(line);
            }
        }
        return out.subList(Math.max(0, out.size() - 60), out.size());
    }

    /** Each argument that names a key on either server, with its type and content on both. */
    private static String state(String[] cmd, RawClient r, RawClient h) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < cmd.length; i++) {
            String type = RespTree.parse(r.call("TYPE", cmd[i])).canonical(RespTree.Order.EXACT);
            String theirs = RespTree.parse(h.call("TYPE", cmd[i])).canonical(RespTree.Order.EXACT);
            if (type.equals("+none\r\n") && theirs.equals("+none\r\n")) {
                continue;
            }
            sb.append("  ").append(cmd[i]).append(": Redis ").append(show(dump(r, cmd[i], type)))
                    .append("\n  ").append(" ".repeat(cmd[i].length())).append("  RockHub ").append(show(dump(h, cmd[i], theirs)))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String dump(RawClient c, String key, String type) throws java.io.IOException {
        return switch (type.trim()) {
            case "+string" -> c.call("GET", key);
            case "+list" -> c.call("LRANGE", key, "0", "-1");
            case "+set" -> c.call("SMEMBERS", key);
            case "+zset" -> c.call("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "+hash" -> c.call("HGETALL", key);
            case "+stream" -> c.call("XRANGE", key, "-", "+");
            default -> type;
        };
    }

    private static String read(RawClient c, String who, String family, int index, String[] cmd) {
        try {
            return c.readReply();
        } catch (java.io.IOException e) {
            throw new AssertionError(String.format("%s: no reply from %s to %d: %s (%s; replay with -Drockhub.diff.seed=%d)",
                    family, who, index, quote(cmd), e, SEED), e);
        }
    }

    private static boolean same(String[] cmd, String expected, String actual) {
        if (actual.contains("Exception") || actual.contains("java.")) {
            return false;
        }
        String name = cmd[0].toUpperCase(Locale.ROOT);
        RespTree.Order order = RedisConformanceTest.orderOf(name);
        if (order != RespTree.Order.EXACT) {
            return RespTree.parse(expected).canonical(order).equals(RespTree.parse(actual).canonical(order));
        }
        if (expected.equals(actual)) {
            return true;
        }
        // Time moves between the two calls: a TTL may be a second apart, an expiry time likewise.
        if (name.equals("TTL") || name.equals("EXPIRETIME")) {
            return expected.startsWith(":") && actual.startsWith(":")
                    && Math.abs(Long.parseLong(expected.trim().substring(1)) - Long.parseLong(actual.trim().substring(1))) <= 1;
        }
        return false;
    }

    private static String show(String reply) {
        return reply.replace("\r\n", "\\r\\n");
    }

    private static String quote(String[] cmd) {
        StringBuilder sb = new StringBuilder();
        for (String a : cmd) {
            sb.append(a.isEmpty() || a.contains(" ") ? '"' + a + '"' : a).append(' ');
        }
        return sb.toString().trim();
    }

    /** Random choices from the pools every family shares. */
    static final class Gen {
        final Random r;
        /** Whether a MULTI is open: replies inside EXEC are compared in order, so unordered ones stay out. */
        boolean inMulti;
        int sortStarted;

        Gen(Random r) {
            this.r = r;
        }

        private static final String[] VALUES = {"", "0", "1", "-1", "10", "0x10", "1e3", " 5", "5 ", "-0", "+5", "007",
            "inf", "-inf", "nan", "3.14", "1.5e-3", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "abc", "a b", "hello world", "0.1", "1e308", "1e-320", "18446744073709551616",
            "-1.5", "1.0", "12345678901234567890", "0X1p4", ".5", "5.", "1e", "\t1"};
        private static final String[] INTS = {"0", "1", "-1", "2", "3", "5", "10", "100", "-5", "-100", "2147483648",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "x", "1.5", "", " 1", "01", "+1",
            "4294967296", "536870912", "-0"};

        String pick(String... options) {
            return options[r.nextInt(options.length)];
        }

        boolean chance(int percent) {
            return r.nextInt(100) < percent;
        }

        String key(String prefix) {
            return prefix + r.nextInt(5);
        }

        String value() {
            return chance(60) ? pick(VALUES) : Integer.toString(r.nextInt(200) - 100) + (chance(30) ? "x" : "");
        }

        String integer() {
            return chance(60) ? Integer.toString(r.nextInt(21) - 10) : pick(INTS);
        }

        String number() {
            return chance(50) ? integer() : pick(VALUES);
        }

        /** A command creating a key of another type, so WRONGTYPE paths come up. */
        String[] otherType(String key) {
            return switch (r.nextInt(4)) {
                case 0 -> new String[] {"LPUSH", key, value()};
                case 1 -> new String[] {"SADD", key, value()};
                case 2 -> new String[] {"HSET", key, "f", value()};
                default -> new String[] {"SET", key, value()};
            };
        }

        /** Expiry options that end far in the future or at once, never while the sequence runs. */
        String[] expiryOption() {
            return switch (r.nextInt(9)) {
                case 0 -> new String[] {"EX", pick("100", "1000", "0", "-1", "x", "9223372036854775807")};
                case 1 -> new String[] {"PX", pick("100000", "0", "-5", "9223372036854775807", "1.5")};
                case 2 -> new String[] {"EXAT", pick("4102444800", "1", "0", "-1")};
                case 3 -> new String[] {"PXAT", pick("4102444800000", "1", "0")};
                case 4 -> new String[] {"KEEPTTL"};
                case 5 -> new String[] {"PERSIST"};
                case 6 -> new String[] {"EX"};
                default -> new String[] {};
            };
        }
    }

    private static String[] cat(String[] head, String... tail) {
        String[] out = new String[head.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    private static String[] args(List<String> l) {
        return l.toArray(new String[0]);
    }

    static String[] strings(Gen g) {
        String k = g.key("s");
        return switch (g.r.nextInt(26)) {
            case 0, 1 -> new String[] {"GET", k};
            case 2, 3 -> {
                List<String> c = new ArrayList<>(List.of("SET", k, g.value()));
                for (int n = g.r.nextInt(3); n > 0; n--) {
                    switch (g.r.nextInt(4)) {
                        case 0 -> c.add(g.pick("NX", "XX", "GET", "BOGUS"));
                        default -> {
                            String[] e = g.expiryOption();
                            if (!(e.length == 1 && e[0].equals("PERSIST"))) {
                                c.addAll(List.of(e));
                            }
                        }
                    }
                }
                yield args(c);
            }
            case 4 -> new String[] {"SETNX", k, g.value()};
            case 5 -> new String[] {g.pick("SETEX", "PSETEX"), k, g.pick("100000", "0", "-1", "x", "9223372036854775807"), g.value()};
            case 6 -> cat(new String[] {"GETEX", k}, g.expiryOption());
            case 7 -> new String[] {"GETDEL", k};
            case 8 -> new String[] {"GETSET", k, g.value()};
            case 9 -> new String[] {"MGET", k, g.key("s"), g.key("s")};
            case 10 -> g.chance(80) ? new String[] {g.pick("MSET", "MSETNX"), k, g.value(), g.key("s"), g.value()}
                    : new String[] {g.pick("MSET", "MSETNX"), k, g.value(), g.key("s")};
            case 11, 12 -> new String[] {g.pick("INCR", "DECR"), k};
            case 13, 14 -> new String[] {g.pick("INCRBY", "DECRBY"), k, g.integer()};
            case 15, 16 -> new String[] {"INCRBYFLOAT", k, g.number()};
            case 17 -> new String[] {"APPEND", k, g.value()};
            case 18 -> new String[] {"STRLEN", k};
            case 19, 20 -> new String[] {"GETRANGE", k, g.integer(), g.integer()};
            case 21 -> new String[] {"SETRANGE", k, g.chance(80) ? Integer.toString(g.r.nextInt(20)) : g.integer(), g.value()};
            case 22 -> new String[] {g.pick("TYPE", "EXISTS", "DEL", "OBJECT"), k};
            case 23 -> g.otherType(k);
            case 24 -> g.chance(50) ? new String[] {"SUBSTR", k, g.integer(), g.integer()} : lcs(g, k);
            default -> new String[] {"TTL", k};
        };
    }

    private static String[] lcs(Gen g, String k) {
        List<String> c = new ArrayList<>(List.of("LCS", k, g.key("s")));
        for (int n = g.r.nextInt(3); n > 0; n--) {
            switch (g.r.nextInt(5)) {
                case 0 -> c.add("IDX");
                case 1 -> c.add("LEN");
                case 2 -> c.add("WITHMATCHLEN");
                case 3 -> c.addAll(List.of("MINMATCHLEN", g.pick("0", "1", "2", "-1", "x")));
                default -> c.add(g.pick("FOO", "MINMATCHLEN"));
            }
        }
        return args(c);
    }

    /** SELECT, MOVE, SWAPDB, COPY ... DB, FLUSHDB and what each database then holds; MULTI spans SELECTs. */
    static String[] databases(Gen g) {
        String k = g.key("d");
        String db = g.chance(90) ? Integer.toString(g.r.nextInt(4)) : g.pick("15", "16", "-1", "x", "", "01", "+1", "1.0");
        return switch (g.r.nextInt(24)) {
            case 0, 1, 2 -> new String[] {"SELECT", db};
            case 3, 4 -> new String[] {"SET", k, g.value()};
            case 5 -> g.otherType(k);
            case 6, 7 -> new String[] {g.pick("GET", "TYPE", "EXISTS"), k};
            case 8, 9 -> new String[] {"MOVE", k, db};
            case 10 -> new String[] {"SWAPDB", db, g.chance(90) ? Integer.toString(g.r.nextInt(4)) : g.pick("16", "y", "-1")};
            case 11 -> g.chance(70) ? new String[] {"COPY", k, g.key("d"), "DB", db}
                    : new String[] {"COPY", k, g.key("d"), "DB", db, "REPLACE"};
            case 12 -> new String[] {"COPY", k, g.key("d")};
            case 13 -> new String[] {"DBSIZE"};
            case 14 -> g.inMulti ? new String[] {"DBSIZE"} : new String[] {"KEYS", g.pick("*", "d*", "d1")};
            case 15 -> g.inMulti ? new String[] {"EXISTS", k} : new String[] {"SCAN", "0", "COUNT", "1000"};
            case 16 -> g.chance(20) ? new String[] {"FLUSHDB", g.pick("ASYNC", "SYNC", "")} : new String[] {"DEL", k};
            case 17 -> new String[] {"INFO", "keyspace"};
            case 18 -> {
                String c = g.pick("MULTI", "EXEC", "DISCARD");
                g.inMulti = c.equals("MULTI");
                yield new String[] {c};
            }
            case 19 -> new String[] {"RENAME", k, g.key("d")};
            case 20 -> new String[] {"LPUSH", k, g.value()};
            case 21 -> new String[] {"LRANGE", k, "0", "-1"};
            case 22 -> new String[] {"HSET", k, "f", g.value()};
            default -> new String[] {"HGETALL", k};
        };
    }

    /** A bit offset: mostly small, often across the 4 KB chunk boundary (bit 32768), sometimes invalid. */
    private static String bitOffset(Gen g) {
        return switch (g.r.nextInt(10)) {
            case 0, 1, 2, 3 -> Integer.toString(g.r.nextInt(100));
            case 4, 5 -> Integer.toString(32_700 + g.r.nextInt(140));
            case 6 -> Integer.toString(g.r.nextInt(200_000));
            case 7 -> g.pick("-1", "x", "4294967296", "9223372036854775807", "1.5", "", "#3", "0x10");
            default -> Integer.toString(g.r.nextInt(64) + 65_536 * g.r.nextInt(3));
        };
    }

    private static String bitIndex(Gen g) {
        return g.chance(70) ? Integer.toString(g.r.nextInt(41) - 20) : g.pick("0", "-1", "4095", "4096", "5000", "-5000",
                "32767", "32768", "100000", "-100000", "9223372036854775807", "-9223372036854775808", "x", "1.5");
    }

    private static String[] bitRange(Gen g, String... head) {
        List<String> c = new ArrayList<>(List.of(head));
        int n = g.r.nextInt(4);
        if (n >= 1) {
            c.add(bitIndex(g));
        }
        if (n >= 2) {
            c.add(bitIndex(g));
        }
        if (n >= 3) {
            c.add(g.pick("BIT", "BYTE", "bit", "NIBBLE"));
        }
        return args(c);
    }

    private static String[] bitfield(Gen g, String name, String k) {
        List<String> c = new ArrayList<>(List.of(name, k));
        for (int n = 1 + g.r.nextInt(4); n > 0; n--) {
            String type = g.chance(85) ? (g.chance(50) ? "i" : "u") + (1 + g.r.nextInt(64))
                    : g.pick("u64", "i65", "i0", "x8", "u", "I8");
            String offset = g.chance(30) ? "#" + g.r.nextInt(10) : bitOffset(g);
            String value = g.chance(80) ? Long.toString(g.r.nextLong() >> g.r.nextInt(64)) : g.pick("x", "1.5", "");
            switch (g.r.nextInt(9)) {
                case 0, 1, 2 -> c.addAll(List.of("GET", type, offset));
                case 3, 4 -> c.addAll(List.of("SET", type, offset, value));
                case 5, 6 -> c.addAll(List.of("INCRBY", type, offset, value));
                case 7 -> c.addAll(List.of("OVERFLOW", g.pick("WRAP", "SAT", "FAIL", "fail", "NONE")));
                default -> c.add(g.pick("GET", "FOO", "SET"));
            }
        }
        return args(c);
    }

    /** Bit commands on strings small and large (chunked past 4 KB), beside the string commands that read them. */
    static String[] bitmaps(Gen g) {
        String k = g.key("b");
        return switch (g.r.nextInt(24)) {
            case 0, 1, 2, 3 -> new String[] {"SETBIT", k, bitOffset(g), g.chance(90) ? g.pick("0", "1", "1") : g.pick("2", "-1", "x", "")};
            case 4, 5 -> new String[] {"GETBIT", k, bitOffset(g)};
            case 6, 7 -> bitRange(g, "BITCOUNT", k);
            case 8, 9 -> bitRange(g, "BITPOS", k, g.chance(90) ? g.pick("0", "1") : g.pick("2", "x"));
            case 10 -> {
                String op = g.pick("AND", "OR", "XOR", "NOT", "and", "NAND");
                yield op.equalsIgnoreCase("NOT") && g.chance(80) ? new String[] {"BITOP", op, g.key("b"), k}
                        : new String[] {"BITOP", op, g.key("b"), k, g.key("b"), g.key("b")};
            }
            case 11, 12, 13 -> bitfield(g, "BITFIELD", k);
            case 14 -> bitfield(g, "BITFIELD_RO", k);
            case 15 -> new String[] {"SET", k, g.value()};
            case 16 -> new String[] {"APPEND", k, g.value()};
            case 17 -> new String[] {"SETRANGE", k, Integer.toString(g.chance(50) ? g.r.nextInt(40) : 4_080 + g.r.nextInt(40)), g.value()};
            case 18 -> new String[] {"GETRANGE", k, bitIndex(g), bitIndex(g)};
            case 19 -> new String[] {"STRLEN", k};
            case 20 -> new String[] {"GET", k};
            case 21 -> g.otherType(k);
            case 22 -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
            default -> g.chance(50) ? new String[] {"GETSET", k, g.value()} : new String[] {g.pick("INCR", "GETDEL"), k};
        };
    }

    /**
     * PFADD, PFCOUNT, PFMERGE compared by reply and by the bytes GET returns (sparse and dense
     * forms, the cached cardinality), with corrupted and non-HyperLogLog strings mixed in. The
     * corruptions write whole ZERO and VAL opcodes: a sparse value ending in half an XZERO makes
     * Redis read the byte after its string, which holds whatever an earlier edit left there.
     */
    static String[] hyperloglog(Gen g) {
        String k = g.key("h");
        return switch (g.r.nextInt(20)) {
            case 0, 1, 2, 3 -> {
                List<String> c = new ArrayList<>(List.of("PFADD", k));
                int n = g.chance(10) ? 200 + g.r.nextInt(2500) : g.r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    c.add(g.chance(50) ? g.value() : "e" + g.r.nextInt(n < 10 ? 50 : 100_000));
                }
                yield args(c);
            }
            case 4, 5, 6 -> {
                List<String> c = new ArrayList<>(List.of("PFCOUNT", k));
                for (int n = g.chance(70) ? 0 : g.r.nextInt(3); n > 0; n--) {
                    c.add(g.key("h"));
                }
                yield args(c);
            }
            case 7, 8 -> {
                List<String> c = new ArrayList<>(List.of("PFMERGE", k));
                for (int n = g.r.nextInt(3); n > 0; n--) {
                    c.add(g.key("h"));
                }
                yield args(c);
            }
            case 9, 10 -> new String[] {"GET", k};
            case 11 -> new String[] {"SET", k, g.pick("HYLL", "HYLLx", "hello", "12345", "HYLL\u0001\u0000\u0000\u0000")};
            case 12 -> new String[] {"SETRANGE", k, g.pick("4", "15", "16", "17", "18", "100"), g.pick("\u0002", "\u0000", "\u0081", "\u00c0")};
            case 13 -> new String[] {"APPEND", k, g.pick("\u0081", "\u0000")};
            case 14 -> g.otherType(k);
            case 15 -> new String[] {g.pick("DEL", "TYPE", "STRLEN", "EXISTS"), k};
            case 16 -> new String[] {"CONFIG", "SET", "hll-sparse-max-bytes", g.pick("3000", "3000", "100", "0", "20")};
            case 17 -> new String[] {"COPY", k, g.key("h"), "REPLACE"};
            case 18 -> new String[] {"BITCOUNT", k};
            default -> new String[] {"EXPIRE", k, "1000"};
        };
    }

    /** A longitude and latitude: mostly near Palermo, sometimes anywhere, now and then out of range or not a number. */
    private static String[] geoPoint(Gen g) {
        if (g.chance(3)) {
            return new String[] {g.pick("181", "-180.5", "x", "13.3", "inf"), g.pick("86", "-85.06", "38.1", "y")};
        }
        if (g.chance(15)) {
            return new String[] {Double.toString(g.r.nextDouble() * 360 - 180), Double.toString(g.r.nextDouble() * 170 - 85)};
        }
        return new String[] {Double.toString(13.36 + (g.r.nextDouble() - 0.5) * 4), Double.toString(38.11 + (g.r.nextDouble() - 0.5) * 4)};
    }

    private static String geoUnit(Gen g) {
        return g.chance(95) ? g.pick("m", "km", "km", "mi", "ft", "KM") : g.pick("yd", "");
    }

    private static String geoRadius(Gen g) {
        return g.chance(95) ? Integer.toString(g.r.nextInt(300)) : g.pick("-1", "x", "0", "20000");
    }

    private static void geoOptions(Gen g, List<String> c, boolean withAllowed) {
        for (int n = g.r.nextInt(4); n > 0; n--) {
            switch (g.r.nextInt(7)) {
                case 0 -> c.add(g.pick("ASC", "DESC", "asc"));
                case 1 -> c.addAll(List.of("COUNT", g.chance(90) ? Integer.toString(1 + g.r.nextInt(5)) : g.pick("0", "-1", "x")));
                case 2 -> c.addAll(List.of("COUNT", Integer.toString(1 + g.r.nextInt(3)), "ANY"));
                case 3, 4 -> {
                    if (withAllowed || g.chance(10)) {
                        c.add(g.pick("WITHCOORD", "WITHDIST", "WITHHASH"));
                    }
                }
                case 5 -> c.add(g.pick("ANY", "BOGUS"));
                default -> { }
            }
        }
    }

    /** GEOADD and every geo read and search, against Redis's geohash cells, distances and orders. */
    static String[] geo(Gen g) {
        String k = g.key("g");
        String m = "m" + g.r.nextInt(12);
        return switch (g.r.nextInt(22)) {
            case 0, 1, 2, 3 -> {
                List<String> c = new ArrayList<>(List.of("GEOADD", k));
                if (g.chance(20)) {
                    c.add(g.pick("NX", "XX", "CH", "ch"));
                }
                for (int n = 1 + g.r.nextInt(3); n > 0; n--) {
                    c.addAll(List.of(geoPoint(g)));
                    c.add("m" + g.r.nextInt(12));
                }
                if (g.chance(3)) {
                    c.remove(c.size() - 1);
                }
                yield args(c);
            }
            case 4 -> new String[] {"GEOPOS", k, m, "m" + g.r.nextInt(12), "nope"};
            case 5 -> new String[] {"GEOHASH", k, m, "m" + g.r.nextInt(12)};
            case 6, 7 -> g.chance(80) ? new String[] {"GEODIST", k, m, "m" + g.r.nextInt(12), geoUnit(g)}
                    : new String[] {"GEODIST", k, m, "m" + g.r.nextInt(12)};
            case 8, 9, 10, 11 -> {
                boolean store = g.chance(30);
                List<String> c = new ArrayList<>(store ? List.of("GEOSEARCHSTORE", g.key("d"), k) : List.of("GEOSEARCH", k));
                if (g.chance(50)) {
                    c.addAll(List.of("FROMMEMBER", m));
                } else {
                    c.add("FROMLONLAT");
                    c.addAll(List.of(geoPoint(g)));
                }
                if (g.chance(60)) {
                    c.addAll(List.of("BYRADIUS", geoRadius(g), geoUnit(g)));
                } else {
                    c.addAll(List.of("BYBOX", geoRadius(g), geoRadius(g), geoUnit(g)));
                }
                if (g.chance(3)) {
                    c.remove(2 + (store ? 1 : 0));
                }
                geoOptions(g, c, !store);
                // No STOREDIST: it stores distances to all 17 digits, and glibc's sin is not correctly
                // rounded in 0.15% of cases (see RoundedTrig); WITHDIST's four decimals are compared.
                yield args(c);
            }
            case 12, 13, 14 -> {
                String name = g.pick("GEORADIUS", "GEORADIUS_RO");
                List<String> c = new ArrayList<>(List.of(name, k));
                c.addAll(List.of(geoPoint(g)));
                c.addAll(List.of(geoRadius(g), geoUnit(g)));
                geoOptions(g, c, true);
                if (g.chance(20)) {
                    c.addAll(List.of("STORE", g.key("d")));
                }
                yield args(c);
            }
            case 15, 16 -> {
                List<String> c = new ArrayList<>(List.of(g.pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"), k, m,
                        geoRadius(g), geoUnit(g)));
                geoOptions(g, c, true);
                if (g.chance(20)) {
                    c.addAll(List.of("STORE", g.key("d")));
                }
                yield args(c);
            }
            case 17 -> new String[] {"ZRANGE", g.key("d"), "0", "-1", "WITHSCORES"};
            case 18 -> new String[] {"ZREM", k, m};
            case 19 -> g.otherType(k);
            case 20 -> new String[] {g.pick("DEL", "TYPE", "ZCARD"), k};
            default -> new String[] {"ZSCORE", k, m};
        };
    }

    /**
     * SORT and SORT_RO over lists (l*), sets (s*) and sorted sets (z*) of numbers and words, with BY
     * and GET patterns on strings (w_*) and hashes (h_*->f). BY without a pattern leaves a set in its
     * hash-table order, which only STORE makes reproducible: it is used on lists and sorted sets.
     */
    static String[] sort(Gen g) {
        String list = "l" + g.r.nextInt(3);
        String set = "s" + g.r.nextInt(3);
        String zset = "z" + g.r.nextInt(3);
        String element = g.chance(60) ? Integer.toString(g.r.nextInt(30) - 10) : g.pick("a", "b", "B", "1.5", "x1", "",
                " 3", "0x10", "inf", "nan", "-0", "10", "ab");
        // No value that overflows strtod: Redis's SORT reads errno without clearing it, so one ERANGE
        // fails every later numeric SORT until some other command clears errno. For the same reason
        // the family starts with a ZADD, whose score parsing clears it.
        return switch (g.sortStarted++ == 0 ? 4 : g.r.nextInt(16)) {
            case 0, 1 -> new String[] {"RPUSH", list, element, Integer.toString(g.r.nextInt(20))};
            case 2, 3 -> new String[] {"SADD", set, element, Integer.toString(g.r.nextInt(20))};
            case 4 -> new String[] {"ZADD", zset, Integer.toString(g.r.nextInt(10)), element};
            case 5 -> new String[] {"SET", "w_" + g.r.nextInt(20), g.chance(80) ? Integer.toString(g.r.nextInt(9)) : g.pick("x", "", "2.5")};
            case 6 -> new String[] {"HSET", "h_" + g.r.nextInt(20), "f", g.chance(80) ? Integer.toString(g.r.nextInt(9)) : "y"};
            case 7 -> new String[] {"LRANGE", g.pick("dst", "dst2"), "0", "-1"};
            default -> {
                String key = g.pick(list, set, zset, "missing", "w_1");
                List<String> c = new ArrayList<>(List.of(g.chance(85) ? "SORT" : "SORT_RO", key));
                for (int n = g.r.nextInt(4); n > 0; n--) {
                    switch (g.r.nextInt(8)) {
                        case 0 -> c.add(g.pick("ASC", "DESC", "desc"));
                        case 1 -> c.add("ALPHA");
                        case 2 -> c.addAll(List.of("LIMIT", g.pick("0", "1", "-1", "3", "100", "x"), g.pick("2", "0", "-1", "5")));
                        case 3 -> c.addAll(List.of("BY", g.pick("w_*", "h_*->f", "nosort", "missing_*", "w_*->", "*")));
                        case 4, 5 -> c.addAll(List.of("GET", g.pick("#", "w_*", "h_*->f", "h_*->g", "const")));
                        case 6 -> c.addAll(List.of("STORE", g.pick("dst", "dst2")));
                        default -> c.add(g.pick("BOGUS", "LIMIT"));
                    }
                }
                if (key.startsWith("s") && c.contains("nosort") && !c.contains("STORE")) {
                    c.addAll(List.of("STORE", "dst"));
                }
                // ALPHA by a pattern leaves ties (every element without a value) in whatever order the
                // sort algorithm leaves them: a set's hash order, or pqsort's under LIMIT. Not compared.
                boolean byPattern = false;
                for (int i = 2; i + 1 < c.size(); i++) {
                    byPattern |= c.get(i).equals("BY") && c.get(i + 1).contains("*");
                }
                if (byPattern && c.contains("ALPHA")) {
                    c.set(1, list);
                    while (c.contains("LIMIT")) {
                        int at = c.indexOf("LIMIT");
                        c.subList(at, Math.min(c.size(), at + 3)).clear();
                    }
                }
                yield args(c);
            }
        };
    }

    static String[] keys(Gen g) {
        String k = g.key("k");
        return switch (g.r.nextInt(22)) {
            case 0, 1, 2 -> new String[] {"SET", k, g.value()};
            case 3 -> g.otherType(k);
            case 4 -> new String[] {g.pick("DEL", "UNLINK", "EXISTS", "TOUCH"), k, g.key("k"), g.key("k")};
            case 5 -> new String[] {"TYPE", k};
            case 6 -> {
                List<String> c = new ArrayList<>(List.of(g.pick("EXPIRE", "PEXPIRE"), k,
                        g.pick("1000", "100000", "0", "-1", "x", "9223372036854775807", "5000000")));
                if (g.chance(50)) {
                    c.add(g.pick("NX", "XX", "FOO"));
                }
                if (g.chance(10)) {
                    c.add(g.pick("NX", "XX", "GT", "LT"));
                }
                yield args(c);
            }
            case 7 -> {
                // GT and LT with a relative time: from a range wide enough that two draws never tie
                // (a tie would compare the two servers' clocks, not their logic).
                List<String> c = new ArrayList<>(List.of("EXPIRE", k, Integer.toString(1_000 + g.r.nextInt(1_000_000_000))));
                c.add(g.pick("GT", "LT"));
                yield args(c);
            }
            case 8 -> {
                List<String> c = new ArrayList<>(List.of(g.pick("EXPIREAT", "PEXPIREAT"), k,
                        g.pick("4102444800", "4102444800000", "1", "0", "-1", "x")));
                if (g.chance(50)) {
                    c.add(g.pick("NX", "XX", "GT", "LT"));
                }
                yield args(c);
            }
            case 9, 10 -> new String[] {g.pick("TTL", "EXPIRETIME"), k};
            case 11 -> new String[] {"PERSIST", k};
            case 12, 13 -> new String[] {g.pick("RENAME", "RENAMENX"), k, g.key("k")};
            case 14 -> g.chance(70) ? new String[] {"COPY", k, g.key("k")} : new String[] {"COPY", k, g.key("k"), "REPLACE"};
            case 15 -> new String[] {"KEYS", g.pick("*", "k?", "k[0-2]", "k[^1]", "nomatch*", "*1*", "\\k*")};
            case 16 -> new String[] {"DBSIZE"};
            case 17 -> new String[] {"GET", k};
            // OBJECT ENCODING, REFCOUNT and IDLETIME are left out: Redis's answers depend on each value's
            // history and access times (see README).
            case 18 -> new String[] {"OBJECT", g.pick("FREQ", "NOSUCH"), k};
            case 19 -> new String[] {"SCAN", "0", "COUNT", "1000", "MATCH", g.pick("*", "k[0-2]", "k?")};
            case 20 -> new String[] {"SCAN", "0", "COUNT", "1000", "TYPE", g.pick("string", "list", "set", "hash", "zset",
                "stream", "none", "foo")};
            default -> new String[] {"EXISTS", k};
        };
    }

    static String[] hashes(Gen g) {
        String k = g.key("h");
        String f = "f" + g.r.nextInt(6);
        return switch (g.r.nextInt(20)) {
            case 0, 1, 2 -> g.chance(90) ? new String[] {"HSET", k, f, g.value(), "f" + g.r.nextInt(6), g.value()}
                    : new String[] {"HSET", k, f};
            case 3 -> new String[] {"HSETNX", k, f, g.value()};
            case 4, 5 -> new String[] {"HGET", k, f};
            case 6 -> new String[] {"HMGET", k, f, "f" + g.r.nextInt(6), "nope"};
            case 7 -> new String[] {"HDEL", k, f, "f" + g.r.nextInt(6)};
            case 8 -> new String[] {g.pick("HLEN", "HKEYS", "HVALS", "HGETALL"), k};
            case 9 -> new String[] {"HEXISTS", k, f};
            case 10, 11 -> new String[] {"HINCRBY", k, f, g.integer()};
            case 12, 13 -> new String[] {"HINCRBYFLOAT", k, f, g.number()};
            case 14 -> new String[] {"HSTRLEN", k, f};
            case 15 -> new String[] {"HMSET", k, f, g.value()};
            case 16 -> new String[] {"HSCAN", k, "0", "COUNT", "1000", "MATCH", g.pick("*", "f[0-2]", "x*")};
            case 17 -> g.otherType(k);
            case 18 -> new String[] {"HRANDFIELD", k, "100", "WITHVALUES"};
            default -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
        };
    }

    static String[] sets(Gen g) {
        String k = g.key("t");
        return switch (g.r.nextInt(20)) {
            case 0, 1, 2 -> new String[] {"SADD", k, member(g), member(g), member(g)};
            case 3 -> new String[] {"SREM", k, member(g), member(g)};
            case 4 -> new String[] {g.pick("SCARD", "SMEMBERS"), k};
            case 5 -> new String[] {"SISMEMBER", k, member(g)};
            case 6 -> new String[] {"SMISMEMBER", k, member(g), member(g)};
            case 7 -> new String[] {g.pick("SINTER", "SUNION", "SDIFF"), k, g.key("t"), g.key("t")};
            case 8 -> new String[] {g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), g.key("t"), k, g.key("t")};
            case 9 -> g.chance(70) ? new String[] {"SINTERCARD", "2", k, g.key("t")}
                    : new String[] {"SINTERCARD", g.integer(), k, g.key("t"), "LIMIT", g.integer()};
            case 10 -> new String[] {"SMOVE", k, g.key("t"), member(g)};
            case 11 -> new String[] {"SPOP", k, g.pick("100", "0", "-1", "x")};
            case 12 -> new String[] {"SRANDMEMBER", k, g.pick("100", "0", "x")};
            case 13 -> new String[] {"SSCAN", k, "0", "COUNT", "1000", "MATCH", g.pick("*", "1*", "[a-c]*")};
            case 14 -> g.otherType(k);
            case 15 -> new String[] {"SADD", k, Integer.toString(g.r.nextInt(1000))};
            default -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
        };
    }

    private static String member(Gen g) {
        return g.chance(50) ? Integer.toString(g.r.nextInt(12) - 2) : g.pick("a", "b", "c", "d", "-0", "01", "1.5", "", "x y");
    }

    private static String score(Gen g) {
        return g.chance(70) ? Integer.toString(g.r.nextInt(11) - 3) + (g.chance(30) ? ".5" : "")
                : g.pick("inf", "-inf", "+inf", "1e3", "0x10", "nan", "-0", "1.5e-3", "x", "1e400", "(1", " 1", "3.0");
    }

    private static String bound(Gen g) {
        return g.chance(30) ? "(" + score(g) : score(g);
    }

    private static String lex(Gen g) {
        return g.pick("-", "+", "[a", "(a", "[c", "(d", "[", "(", "a", "[b");
    }

    static String[] zsets(Gen g) {
        String k = g.key("z");
        // Lex ranges are defined only when every score is equal (Redis's documentation leaves mixed
        // scores unspecified): they go to keys whose members all have score 0.
        String lk = g.key("lx");
        return switch (g.r.nextInt(38)) {
            case 36 -> new String[] {"ZADD", lk, "0", zmember(g), "0", zmember(g)};
            case 37 -> g.chance(50) ? new String[] {"ZREM", lk, zmember(g)} : new String[] {"ZCARD", lk};
            case 0, 1, 2, 3 -> {
                List<String> c = new ArrayList<>(List.of("ZADD", k));
                if (g.chance(30)) {
                    c.add(g.pick("NX", "XX", "GT", "LT", "CH", "INCR"));
                }
                if (g.chance(10)) {
                    c.add(g.pick("NX", "XX", "GT", "LT", "CH"));
                }
                for (int n = 1 + g.r.nextInt(3); n > 0; n--) {
                    c.add(score(g));
                    c.add(zmember(g));
                }
                yield args(c);
            }
            case 4 -> new String[] {"ZINCRBY", k, score(g), zmember(g)};
            case 5 -> new String[] {"ZSCORE", k, zmember(g)};
            case 6 -> new String[] {"ZMSCORE", k, zmember(g), zmember(g)};
            case 7 -> new String[] {"ZCARD", k};
            case 8 -> new String[] {"ZCOUNT", k, bound(g), bound(g)};
            case 9 -> new String[] {"ZLEXCOUNT", lk, lex(g), lex(g)};
            case 10, 11, 12 -> {
                List<String> c = new ArrayList<>(List.of("ZRANGE", k));
                int mode = g.r.nextInt(3);
                if (mode == 0) {
                    c.add(g.integer());
                    c.add(g.integer());
                } else if (mode == 1) {
                    c.add(bound(g));
                    c.add(bound(g));
                    c.add("BYSCORE");
                } else {
                    c.set(1, lk);
                    c.add(lex(g));
                    c.add(lex(g));
                    c.add("BYLEX");
                }
                if (g.chance(40)) {
                    c.add("REV");
                }
                if (g.chance(40)) {
                    c.addAll(List.of("LIMIT", g.integer(), g.integer()));
                }
                if (g.chance(40)) {
                    c.add("WITHSCORES");
                }
                yield args(c);
            }
            case 13 -> cat(new String[] {g.pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), k, bound(g), bound(g)},
                    g.chance(50) ? new String[] {"WITHSCORES"} : g.chance(50) ? new String[] {"LIMIT", g.integer(), g.integer()}
                            : new String[] {});
            case 14 -> cat(new String[] {g.pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), lk, lex(g), lex(g)},
                    g.chance(40) ? new String[] {"LIMIT", g.integer(), g.integer()} : new String[] {});
            case 15 -> g.chance(50) ? new String[] {"ZREVRANGE", k, g.integer(), g.integer()}
                    : new String[] {"ZREVRANGE", k, g.integer(), g.integer(), "WITHSCORES"};
            case 16 -> new String[] {g.pick("ZRANK", "ZREVRANK"), k, zmember(g)};
            case 17 -> new String[] {"ZREM", k, zmember(g), zmember(g)};
            case 18 -> new String[] {"ZREMRANGEBYSCORE", k, bound(g), bound(g)};
            case 19 -> new String[] {"ZREMRANGEBYRANK", k, g.integer(), g.integer()};
            case 20 -> new String[] {"ZREMRANGEBYLEX", lk, lex(g), lex(g)};
            case 21 -> g.chance(60) ? new String[] {g.pick("ZPOPMIN", "ZPOPMAX"), k}
                    : new String[] {g.pick("ZPOPMIN", "ZPOPMAX"), k, g.integer()};
            case 22 -> new String[] {"ZRANGESTORE", g.key("z"), k, g.integer(), g.integer()};
            case 23, 24 -> {
                List<String> c = new ArrayList<>();
                String cmd = g.pick("ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE");
                c.add(cmd);
                if (cmd.endsWith("STORE")) {
                    c.add(g.key("z"));
                }
                int n = g.chance(90) ? 1 + g.r.nextInt(3) : g.r.nextInt(2) - 1;
                c.add(Integer.toString(n));
                for (int i = 0; i < Math.max(n, 1); i++) {
                    c.add(g.chance(85) ? g.key("z") : g.key("t"));
                }
                if (g.chance(30) && !cmd.startsWith("ZDIFF")) {
                    c.add("WEIGHTS");
                    for (int i = 0; i < Math.max(n, 1); i++) {
                        c.add(g.pick("1", "2", "0", "-1", "inf", "0.5", "x"));
                    }
                }
                if (g.chance(30) && !cmd.startsWith("ZDIFF")) {
                    c.addAll(List.of("AGGREGATE", g.pick("SUM", "MIN", "MAX", "AVG")));
                }
                if (g.chance(40) && !cmd.endsWith("STORE")) {
                    c.add("WITHSCORES");
                }
                yield args(c);
            }
            case 25 -> new String[] {"ZINTERCARD", "2", k, g.key("z"), "LIMIT", g.pick("0", "1", "-1")};
            case 26 -> g.chance(60) ? new String[] {"ZMPOP", "2", k, g.key("z"), g.pick("MIN", "MAX")}
                    : new String[] {"ZMPOP", g.pick("1", "0", "-1"), k, g.pick("MIN", "MAX", "MID"), "COUNT", g.integer()};
            case 27 -> new String[] {"ZSCAN", k, "0", "COUNT", "1000"};
            case 28 -> g.otherType(k);
            case 29 -> new String[] {"SADD", g.key("t"), zmember(g), zmember(g)};
            case 30 -> new String[] {"ZRANDMEMBER", k, "100", "WITHSCORES"};
            case 31 -> new String[] {g.pick("BZPOPMIN", "BZPOPMAX"), k, g.key("z"), "0.01"};
            default -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
        };
    }

    private static String zmember(Gen g) {
        return g.chance(60) ? g.pick("a", "b", "c", "d", "e") : g.pick("aa", "", "1", "B", "c d", "zz");
    }

    static String[] lists(Gen g) {
        String k = g.key("l");
        String v = g.chance(70) ? g.pick("a", "b", "c", "1", "2") : g.value();
        return switch (g.r.nextInt(26)) {
            case 0, 1, 2 -> new String[] {g.pick("LPUSH", "RPUSH"), k, v, g.pick("a", "b", "c")};
            case 3 -> new String[] {g.pick("LPUSHX", "RPUSHX"), k, v};
            case 4, 5 -> g.chance(60) ? new String[] {g.pick("LPOP", "RPOP"), k}
                    : new String[] {g.pick("LPOP", "RPOP"), k, g.integer()};
            case 6 -> new String[] {"LLEN", k};
            case 7, 8 -> new String[] {"LRANGE", k, g.integer(), g.integer()};
            case 9 -> new String[] {"LINDEX", k, g.integer()};
            case 10 -> new String[] {"LSET", k, g.integer(), v};
            case 11 -> new String[] {"LINSERT", k, g.pick("BEFORE", "AFTER", "MIDDLE"), g.pick("a", "b", "c", "zz"), v};
            case 12 -> new String[] {"LREM", k, g.integer(), g.pick("a", "b", "c")};
            case 13 -> new String[] {"LTRIM", k, g.integer(), g.integer()};
            case 14 -> {
                List<String> c = new ArrayList<>(List.of("LPOS", k, g.pick("a", "b", "c", "zz")));
                if (g.chance(40)) {
                    c.addAll(List.of("RANK", g.integer()));
                }
                if (g.chance(40)) {
                    c.addAll(List.of("COUNT", g.integer()));
                }
                if (g.chance(30)) {
                    c.addAll(List.of("MAXLEN", g.integer()));
                }
                yield args(c);
            }
            case 15 -> new String[] {"LMOVE", k, g.key("l"), g.pick("LEFT", "RIGHT", "UP"), g.pick("LEFT", "RIGHT")};
            case 16 -> new String[] {"RPOPLPUSH", k, g.key("l")};
            case 17 -> g.chance(60) ? new String[] {"LMPOP", "2", k, g.key("l"), g.pick("LEFT", "RIGHT")}
                    : new String[] {"LMPOP", g.pick("1", "0", "-1", "x"), k, g.pick("LEFT", "RIGHT", "UP"), "COUNT", g.integer()};
            // Blocking forms that time out hold the pipeline for their 10 ms: a few of them.
            case 18 -> g.chance(30) ? new String[] {g.pick("BLPOP", "BRPOP"), k, g.key("l"), "0.01"}
                    : new String[] {g.pick("BLPOP", "BRPOP"), k, g.pick("x", "-1", "0x1p-20", "inf", "-0.0011")};
            case 19 -> g.chance(30) ? new String[] {"BLMOVE", k, g.key("l"), "LEFT", "RIGHT", "0.01"}
                    : new String[] {"BLMOVE", k, g.key("l"), "LEFT", "UP", "0.01"};
            case 20 -> g.chance(30) ? new String[] {"BLMPOP", "0.01", "1", k, g.pick("LEFT", "RIGHT"), "COUNT", g.pick("1", "3", "0")}
                    : new String[] {"BLMPOP", g.pick("x", "-1"), "1", k, "LEFT"};
            case 21 -> g.otherType(k);
            default -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
        };
    }

    /** An entry id: mostly explicit (auto ids would differ by the servers' clocks), sometimes odd. */
    private static String streamId(Gen g) {
        return switch (g.r.nextInt(8)) {
            case 0 -> g.pick("0", "0-0", "-", "+", "$", ">", "x", "1-x", "18446744073709551615-18446744073709551615");
            case 1 -> (1 + g.r.nextInt(60)) + "-*";
            case 2 -> Integer.toString(1 + g.r.nextInt(60));
            default -> (1 + g.r.nextInt(60)) + "-" + g.r.nextInt(3);
        };
    }

    private static String rangeId(Gen g) {
        String id = g.chance(20) ? g.pick("-", "+") : (g.r.nextInt(62)) + (g.chance(50) ? "" : "-" + g.r.nextInt(3));
        return g.chance(15) && !id.equals("-") && !id.equals("+") ? "(" + id : id;
    }

    static String[] streams(Gen g) {
        String k = g.key("x");
        String grp = "g" + g.r.nextInt(2);
        String consumer = "c" + g.r.nextInt(3);
        return switch (g.r.nextInt(30)) {
            case 0, 1, 2, 3 -> {
                List<String> c = new ArrayList<>(List.of("XADD", k));
                if (g.chance(10)) {
                    c.add("NOMKSTREAM");
                }
                if (g.chance(15)) {
                    // "~" is left out: Redis trims whole radix-tree nodes, whose bounds depend on its
                    // memory layout (see README); exact trimming is compared.
                    c.addAll(List.of(g.pick("MAXLEN", "MINID"), g.pick("=", ""), g.pick("0", "3", "10", "-1", "x", "5-0")));
                    c.removeIf(String::isEmpty);
                }
                c.add(g.chance(95) ? (1 + g.r.nextInt(60)) + "-" + g.r.nextInt(3) : streamId(g));
                c.addAll(List.of("f", g.value()));
                if (g.chance(5)) {
                    c.add("odd");
                }
                yield args(c);
            }
            case 4 -> new String[] {"XLEN", k};
            case 5, 6 -> g.chance(70) ? new String[] {"XRANGE", k, rangeId(g), rangeId(g)}
                    : new String[] {"XRANGE", k, rangeId(g), rangeId(g), "COUNT", g.integer()};
            case 7 -> g.chance(70) ? new String[] {"XREVRANGE", k, rangeId(g), rangeId(g)}
                    : new String[] {"XREVRANGE", k, rangeId(g), rangeId(g), "COUNT", g.integer()};
            case 8 -> new String[] {"XDEL", k, streamId(g), streamId(g)};
            case 9 -> new String[] {"XTRIM", k, g.pick("MAXLEN", "MINID"), g.pick("=", "0"),
                g.pick("0", "2", "5", "10-0", "-1")};
            case 10 -> new String[] {"XREAD", "COUNT", g.pick("1", "2", "10", "0", "-1"), "STREAMS", k, g.key("x"),
                rangeId(g), rangeId(g)};
            case 11 -> new String[] {"XGROUP", "CREATE", k, grp, g.pick("0", "$", "5-0", "x"), g.chance(30) ? "MKSTREAM" : "ENTRIESREAD",
                g.pick("0", "3", "x")};
            case 12 -> new String[] {"XGROUP", "SETID", k, grp, g.pick("0", "$", "10-0", "x")};
            case 13 -> new String[] {"XGROUP", g.pick("CREATECONSUMER", "DELCONSUMER"), k, grp, consumer};
            case 14 -> new String[] {"XGROUP", "DESTROY", k, grp};
            case 15, 16, 17 -> new String[] {"XREADGROUP", "GROUP", grp, consumer, "COUNT", g.pick("1", "2", "5"),
                "STREAMS", k, g.chance(70) ? ">" : g.pick("0", "3-0", "x")};
            case 18 -> new String[] {"XREADGROUP", "GROUP", grp, consumer, "NOACK", "STREAMS", k, ">"};
            case 19, 20 -> new String[] {"XACK", k, grp, streamId(g), (1 + g.r.nextInt(60)) + "-0"};
            case 21 -> new String[] {"XPENDING", k, grp};
            case 22 -> new String[] {"XCLAIM", k, grp, consumer, "0", (1 + g.r.nextInt(60)) + "-" + g.r.nextInt(3),
                (1 + g.r.nextInt(60)) + "-0", g.pick("JUSTID", "FORCE", "RETRYCOUNT", "LASTID")} ;
            case 23 -> new String[] {"XAUTOCLAIM", k, grp, consumer, "0", g.pick("0", "0-0", "10-0"), "COUNT",
                g.pick("1", "2", "10", "0")};
            case 24 -> new String[] {"XINFO", "GROUPS", k};
            case 25 -> new String[] {"XSETID", k, rangeId(g)};
            case 26 -> g.otherType(k);
            default -> new String[] {g.pick("DEL", "TYPE", "EXISTS"), k};
        };
    }

    /** COMMAND GETKEYS (or GETKEYSANDFLAGS) of a command line from any family. */
    static String[] getKeys(Gen g) {
        List<Function<Gen, String[]>> families = List.of(DifferentialTest::strings, DifferentialTest::keys,
                DifferentialTest::hashes, DifferentialTest::sets, DifferentialTest::zsets, DifferentialTest::lists,
                DifferentialTest::streams);
        String[] line = families.get(g.r.nextInt(families.size())).apply(g);
        return cat(new String[] {"COMMAND", g.chance(80) ? "GETKEYS" : "GETKEYSANDFLAGS"}, line);
    }
}
