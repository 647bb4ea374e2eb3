package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FUNCTION and FCALL against Debian's redis-server: the same libraries (good ones, and each way a
 * library's first line, its loading code and its register_function calls can be wrong), the same
 * calls, every reply compared byte for byte in RESP2 and RESP3. Libraries are listed one at a time:
 * Redis lists several in its hash table's order. FUNCTION DUMP payloads differ in compression only,
 * so each server must restore the other's.
 *
 * <p>Left out: a library registering 'A' and 'a'. Redis 7.0.15 accepts it, and then crashes on
 * FUNCTION DELETE of that library; RockHub refuses it ("Function already exists in the library").
 */
class FunctionConformanceTest {
    private static final String HEAD = "#!lua name=";

    /** Library bodies; each is loaded as "#!lua name=lib<i>\n" + body, then listed and deleted. */
    private static final List<String> BODIES = List.of(
            "redis.register_function('f', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
            "redis.register_function{function_name='g', callback=function(keys) return redis.call('get', keys[1]) end,"
                    + " flags={'no-writes'}, description='reads'}",
            "redis.register_function{function_name='h', callback=function() return 1 end,"
                    + " flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes', 'no-writes'}}",
            "redis.register_function('a', function() return 1 end) redis.register_function('a', function() return 2 end)",
            "redis.call('set','x','y')",
            "return 1",
            "",
            "redis.register_function('bad-name', function() return 1 end)",
            "redis.register_function('', function() return 1 end)",
            "redis.register_function(7, function() return 7 end)",
            "redis.register_function('b', function() return 1 end, 'x')",
            "redis.register_function()",
            "redis.register_function('b')",
            "redis.register_function('b', 1)",
            "redis.register_function(nil, function() end)",
            "redis.register_function({})",
            "redis.register_function({[1]='a'})",
            "redis.register_function{function_name='b', callback=function() return 1 end, flags={'bogus'}}",
            "redis.register_function{function_name='b', callback=function() return 1 end, flags={1}}",
            "redis.register_function{function_name='b', callback=function() return 1 end, flags='no-writes'}",
            "redis.register_function{function_name='b', callback=function() return 1 end, bogus=1}",
            "redis.register_function{function_name='b', callback=function() return 1 end, description=5}",
            "redis.register_function{function_name='b', callback=function() return 1 end, description={}}",
            "redis.register_function{function_name='b'}",
            "redis.register_function{callback=function() return 1 end}",
            "redis.register_function{function_name=5, callback=function() return 1 end}",
            "redis.register_function{function_name='b', callback=5}",
            "x(",
            "error('e')",
            "local t = setmetatable({}, {})",
            "local s = string.len('x')",
            "foo = 1",
            "redis.foo = 1",
            "local y = redis.nosuch",
            "local y = redis.call",
            "local y = redis.setresp",
            "local y = nil redis.register_function('f2', function() return 1 end) y.x = 1",
            "redis.log(redis.LOG_WARNING, 'loading') redis.register_function('v', function() return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM} end)",
            "while true do end");

    /** FCALLs against one library holding many functions. */
    private static final String WORKER = String.join("\n",
            HEAD + "worker",
            "local n = 0",
            "local function count() n = n + 1 return n end",
            "redis.register_function('count', count)",
            "redis.register_function('setit', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
            "redis.register_function{function_name='getit', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}",
            "redis.register_function('boom', function() error('boom') end)",
            "redis.register_function('boomtable', function() error({err='MY custom'}) end)",
            "redis.register_function('unknown', function() return redis.call('nosuch') end)",
            "redis.register_function('punknown', function() return redis.pcall('nosuch') end)",
            "redis.register_function('global', function() return foo.bar end)",
            "redis.register_function('setglobal', function() x = 1 end)",
            "redis.register_function('gtable', function() return _G end)",
            "redis.register_function('keys', function() return KEYS end)",
            "redis.register_function('libs', function(keys, args) return {cjson.encode({1, 'a'}), bit.band(7, 3),"
                    + " struct.pack('>I2', 258), cmsgpack.pack({1, 2}), redis.sha1hex('a'), tostring(2^53)} end)",
            "redis.register_function('resp3', function(keys) redis.setresp(3) return redis.call('hgetall', keys[1]) end)",
            "redis.register_function('status', function() return redis.status_reply('FINE') end)",
            "redis.register_function('errreply', function() return redis.error_reply('boo') end)",
            "redis.register_function('apis', function() local ks = {} for k in pairs(redis) do ks[#ks + 1] = k end"
                    + " table.sort(ks) return ks end)",
            "redis.register_function('nohook', function() return {pcall(function() return debug.sethook end)} end)",
            "redis.register_function('writes_ro', function() return redis.call('set', 'w', 1) end)");

    @Test
    void functionsAnswerAsRedisDoes() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            for (String protocol : new String[] {"2", "3"}) {
                assertThat(transcript(servers.rockhubPort(), protocol))
                        .isEqualTo(transcript(servers.redisPort(), protocol));
            }
        }
    }

    @Test
    void eachServerRestoresTheOthersDump() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of());
             RawClient redis = new RawClient(servers.redisPort());
             RawClient rockhub = new RawClient(servers.rockhubPort())) {
            for (RawClient c : List.of(redis, rockhub)) {
                c.call("FUNCTION", "FLUSH");
            }
            redis.call("FUNCTION", "LOAD", WORKER);
            redis.call("FUNCTION", "LOAD", HEAD + "second\nredis.register_function('two', function() return 2 end)");
            byte[] fromRedis = RawClient.bulkBody(redis.callBytes(bytes("FUNCTION"), bytes("DUMP")));
            assertThat(rockhub.callBytes(bytes("FUNCTION"), bytes("RESTORE"), fromRedis)).isEqualTo(bytes("+OK\r\n"));
            assertThat(rockhub.call("FCALL", "two", "0")).isEqualTo(":2\r\n");
            byte[] fromRockhub = RawClient.bulkBody(rockhub.callBytes(bytes("FUNCTION"), bytes("DUMP")));
            redis.call("FUNCTION", "FLUSH");
            assertThat(redis.callBytes(bytes("FUNCTION"), bytes("RESTORE"), fromRockhub)).isEqualTo(bytes("+OK\r\n"));
            // Redis lists a library's functions in its hash table's order: compare the one-function library whole.
            assertThat(rockhub.call("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "second"))
                    .isEqualTo(redis.call("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "second"));
            assertThat(rockhub.call("FCALL", "setit", "1", "k", "v")).isEqualTo(redis.call("FCALL", "setit", "1", "k", "v"));
            assertThat(rockhub.call("FCALL", "count", "0")).isEqualTo(":1\r\n");
            // Policies and their refusals, and payloads that are not functions or are damaged. One
            // library per payload: Redis dumps several in its hash table's order, which decides
            // which clash it reports first.
            redis.call("FUNCTION", "FLUSH");
            redis.call("FUNCTION", "LOAD", HEAD + "second\nredis.register_function('two', function() return 2 end)");
            fromRedis = RawClient.bulkBody(redis.callBytes(bytes("FUNCTION"), bytes("DUMP")));
            rockhub.call("FUNCTION", "FLUSH");
            rockhub.call("FUNCTION", "LOAD", HEAD + "second\nredis.register_function('two', function() return 2 end)");
            redis.call("SET", "k", "v");
            byte[] keyDump = RawClient.bulkBody(redis.callBytes(bytes("DUMP"), bytes("k")));
            byte[] damaged = fromRedis.clone();
            damaged[5] ^= 1;
            for (RawClient c : List.of(redis, rockhub)) {
                c.call("FUNCTION", "LOAD", HEAD + "clash\nredis.register_function('two', function() return 22 end)");
            }
            StringBuilder[] t = {new StringBuilder(), new StringBuilder()};
            RawClient[] both = {redis, rockhub};
            for (int i = 0; i < 2; i++) {
                RawClient c = both[i];
                for (String policy : List.of("APPEND", "REPLACE", "BOGUS")) {
                    t[i].append(new String(c.callBytes(bytes("FUNCTION"), bytes("RESTORE"), fromRedis, bytes(policy)),
                            StandardCharsets.UTF_8));
                }
                t[i].append(new String(c.callBytes(bytes("FUNCTION"), bytes("RESTORE"), keyDump), StandardCharsets.UTF_8));
                t[i].append(new String(c.callBytes(bytes("FUNCTION"), bytes("RESTORE"), damaged), StandardCharsets.UTF_8));
                t[i].append(c.call("FUNCTION", "RESTORE", "short"));
                t[i].append(new String(c.callBytes(bytes("FUNCTION"), bytes("RESTORE"), fromRedis, bytes("FLUSH")),
                        StandardCharsets.UTF_8));
                t[i].append(c.call("FCALL", "two", "0"));
                t[i].append(c.call("FUNCTION", "LIST", "LIBRARYNAME", "clash"));
            }
            assertThat(t[1].toString()).isEqualTo(t[0].toString());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String transcript(int port, String protocol) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.call("FLUSHALL");
            c.call("FUNCTION", "FLUSH");
            c.call("HELLO", protocol);
            StringBuilder t = new StringBuilder();
            for (int i = 0; i < BODIES.size(); i++) {
                String name = "lib" + i;
                String reply = c.call("FUNCTION", "LOAD", HEAD + name + "\n" + BODIES.get(i));
                t.append(i).append(" => ").append(reply);
                if (reply.startsWith("$")) {
                    t.append(c.call("FUNCTION", "LIST", "LIBRARYNAME", name));
                    t.append(c.call("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", name));
                    t.append(c.call("FCALL", "v", "0"));
                    t.append(c.call("FUNCTION", "DELETE", name));
                }
            }
            for (String first : List.of("#!lua", "#!lua name=", "#!lua name=a name=b", "#!lua foo=bar", "#!luax name=l1",
                    "#lua name=l1", "#!lua name=l-1", "#!lua name=a:b", "#!lua \"unbalanced", "#! name=x9", "#!",
                    "#!lua name=ok ok2", "#!LUA NAME=upper", "#!lua \"name=quoted\"", "#!lua name=tab\tfoo",
                    "#!lua name=trail ", "#!lua name=cr\r")) {
                t.append(first).append(" => ")
                        .append(c.call("FUNCTION", "LOAD", first + "\nredis.register_function('m', function() return 1 end)"));
                c.call("FUNCTION", "FLUSH");
                t.append(c.call("FUNCTION", "LOAD", first)); // no newline: no library line at all
            }
            t.append(c.call("FUNCTION", "LOAD", "\n#!lua name=late\n"));
            t.append(c.call("FUNCTION", "LOAD", WORKER));
            t.append(c.call("FUNCTION", "LOAD", WORKER));
            t.append(c.call("FUNCTION", "LOAD", "REPLACE", WORKER));
            t.append(c.call("FUNCTION", "LOAD", "REPLACE"));
            t.append(c.call("FUNCTION", "LOAD", "BOGUS", WORKER));
            t.append(c.call("FUNCTION", "LOAD", HEAD + "other\nredis.register_function('COUNT', function() return 0 end)"));
            c.call("HSET", "h", "f", "v");
            for (String[] call : List.of(
                    new String[] {"FCALL", "count", "0"}, new String[] {"FCALL", "COUNT", "0"},
                    new String[] {"FCALL", "setit", "1", "k", "v"}, new String[] {"FCALL_RO", "getit", "1", "k"},
                    new String[] {"FCALL_RO", "setit", "1", "k", "v"}, new String[] {"FCALL", "getit", "0"},
                    new String[] {"FCALL", "boom", "0"}, new String[] {"FCALL", "boomtable", "0"},
                    new String[] {"FCALL", "unknown", "0"}, new String[] {"FCALL", "punknown", "0"},
                    new String[] {"FCALL", "global", "0"}, new String[] {"FCALL", "setglobal", "0"},
                    new String[] {"FCALL", "gtable", "0"}, new String[] {"FCALL", "keys", "1", "k"},
                    new String[] {"FCALL", "libs", "0"}, new String[] {"FCALL", "resp3", "1", "h"},
                    new String[] {"FCALL", "status", "0"}, new String[] {"FCALL", "errreply", "0"},
                    new String[] {"FCALL", "apis", "0"}, new String[] {"FCALL", "nohook", "0"},
                    new String[] {"FCALL", "nosuch", "0"}, new String[] {"FCALL_RO", "nosuch", "0"},
                    new String[] {"FCALL", "count", "-1"}, new String[] {"FCALL", "count", "x"},
                    new String[] {"FCALL", "count", "2", "a"}, new String[] {"FCALL", "count"},
                    new String[] {"FUNCTION", "LIST", "LIBRARYNAME", "nomatch"},
                    new String[] {"FUNCTION", "LIST", "LIBRARYNAME"}, new String[] {"FUNCTION", "LIST", "BOGUS"},
                    new String[] {"FUNCTION", "LIST", "WITHCODE", "WITHCODE"},
                    new String[] {"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"},
                    new String[] {"FUNCTION", "STATS"}, new String[] {"FUNCTION", "STATS", "x"},
                    new String[] {"FUNCTION", "KILL"}, new String[] {"FUNCTION", "DELETE", "nosuch"},
                    new String[] {"FUNCTION", "DELETE"}, new String[] {"FUNCTION", "FLUSH", "BOGUS"},
                    new String[] {"FUNCTION", "FLUSH", "ASYNC", "SYNC"}, new String[] {"FUNCTION", "RESTORE"},
                    new String[] {"FUNCTION", "DUMP", "x"}, new String[] {"FUNCTION", "BOGUS"},
                    new String[] {"FUNCTION"}, new String[] {"FUNCTION", "HELP"},
                    new String[] {"MULTI"}, new String[] {"FCALL", "setit", "1", "k", "v3"},
                    new String[] {"FUNCTION", "LOAD", "x"}, new String[] {"FUNCTION", "DELETE", "other"},
                    new String[] {"FCALL", "getit", "1", "k"}, new String[] {"EXEC"},
                    new String[] {"EVAL", "return redis.call('fcall', 'count', 0)", "0"},
                    new String[] {"FUNCTION", "FLUSH", "SYNC"}, new String[] {"FCALL", "count", "0"},
                    new String[] {"FUNCTION", "STATS"})) {
                t.append(String.join(" ", call)).append(" => ").append(c.call(call));
            }
            return t.toString();
        }
    }
}
