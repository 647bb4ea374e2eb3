package io.rockhub.resp.scripting;

import static org.assertj.core.api.Assertions.assertThat;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EVAL and friends against Debian's redis-server: the same scripts (results of every type, errors
 * from commands, from Lua and from the read-only sandbox with their "script: sha, on @user_script:N" tails,
 * the bit library, seeded math.random, cjson, cmsgpack and struct, their errors, redis.setresp and RESP3 values both ways) and the same SCRIPT commands, every reply compared byte
 * for byte, in RESP2 and RESP3.
 */
class ScriptingConformanceTest {
    private static final List<String> SCRIPTS = List.of(
            "return redis.call('nosuch')",
            "return _G",
            "return setmetatable({}, {__index = function() error('no field') end})",
            "return redis.call('get')",
            "return redis.call('set','k','v','xx','nx')",
            "return redis.call('hget','s','f')",
            "return foo",
            "return redis.pcall('hget','s','f')",
            "return {1,2,3,'a',nil,4}",
            "return {ok='fine'}",
            "return {err='bad'}",
            "return redis.error_reply('x')",
            "return redis.error_reply('-FOO bar')",
            "return redis.error_reply('foo bar')",
            "return redis.status_reply('ST')",
            "return 3.99",
            "return -3.99",
            "return true",
            "return false",
            "return nil",
            "foo = 1",
            "return redis.call('subscribe','x')",
            "return redis.call('blpop','nol','0')",
            "return redis.sha1hex('abc')",
            "error('boom')",
            "error({err='custom'})",
            "return redis.call('get', {})",
            "return redis.call()",
            "return redis.call(1)",
            "return type(redis.call('get','nokey'))",
            "return redis.call('incr','s')",
            "local t = {} t[1]='a' t[3]='c' return t",
            "return {1,{2,{3}}}",
            "return _VERSION",
            "return tostring(2^53)",
            "return redis.REDIS_VERSION",
            "return string.format('%d', 7)",
            "x(",
            "return KEYS[1]..ARGV[1]",
            "return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
            "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])",
            "redis.call('rpush', 'l', 'a', 'b', 'c') return redis.call('lrange', 'l', 0, -1)",
            "return redis.call('hset', 'h', 'f', 1.5)",
            "return redis.call('set', 'bin', '\\0\\1\\255') and redis.call('get', 'bin')",
            "return redis.call('strlen', 'bin')",
            // Bytes a modified-UTF-8 decoder would fold (C0 80 -> NUL, a lone lead byte, a 4-byte sequence).
            "redis.call('set', 'bin2', 'a\\192\\128b\\194\\240\\159\\152\\128') return {redis.call('strlen', 'bin2'), redis.call('get', 'bin2')}",
            "local ok = redis.call('set', 'x', 'y') return ok",
            "return redis.call('ping')",
            "return redis.pcall('incr', 's')['err']",
            "return loadstring('return 1')()",
            "return unpack({1, 2, 3})",
            "return {pcall(function() error('inner') end)}",
            "return redis.call('eval', 'return 1', 0)",
            "return redis.call('multi')",
            "return redis.call('select', 1)",
            "local function f() return redis.call('nosuch') end return f()",
            "local n = 0 for i = 1, 100 do n = n + i end return n",
            "return redis.call('exists', 'k', 'l', 'nokey')",
            "return redis.call('type', 's')['ok']",
            "return math.huge",
            "return 0/0",
            "return -0.5",
            "math.randomseed(42) return {math.random(1000000), math.random(1000000), math.random(5,10), math.floor(math.random()*1000000)}",
            "return math.random(0)",
            "return math.random(3,1)",
            "return math.random(1,2,3)",
            "return redis.sha1hex()",
            "return {bit.tobit(0xffffffff), bit.tohex(65535), bit.tohex(-1, -4), bit.band(12, 10), bit.bor(12, 10),"
                    + " bit.bxor(12,10), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4),"
                    + " bit.rol(0x12345678, 12), bit.ror(0x12345678, 12), bit.bswap(0x12345678), bit.tobit(2^32+5),"
                    + " bit.tohex(255, 2), bit.band(1,3,7), bit.tobit(-0.5), bit.tobit(1.5), bit.tobit(2.5), bit.band(1, '3')}",
            "return bit.tobit()",
            "return bit.band(1, 'x')",
            "return bit.tohex({})",
            "return cjson.encode({1,2,3,'a',true,false})",
            "return cjson.encode({a=1})",
            "return cjson.encode({})",
            "return cjson.encode('q\"/\\\\\b\f\n\r\t\1\31\127\128')",
            "return {cjson.encode(0.1), cjson.encode(1e100), cjson.encode(2^53), cjson.encode(-0), cjson.encode(12345678901234567)}",
            "return cjson.encode(1/0)",
            "return cjson.encode({[1]=1,[3]=3})",
            "return cjson.encode({[1]=1,[20]=3})",
            "return cjson.encode(cjson.null)",
            "return cjson.encode({[true]=1})",
            "return type(cjson.null)",
            "return cjson.encode({1,{2,{a={}}}})",
            "return cjson.decode('[1,2,{\"a\":null}]')[3].a == cjson.null",
            "return cjson.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"')",
            "return cjson.decode('[1,2')",
            "return cjson.decode('{\"a\":1.5e2}').a",
            "return cjson.decode('x')",
            "return cjson.decode('')",
            "return cjson.encode({1,nil,3})",
            "return cjson.encode({a={b={c={}}}})",
            "local t = cjson.decode('{\"b\":1,\"a\":2,\"c\":{\"x\":[true,false,null]}}') return cjson.encode(t)",
            "return cjson.decode('[1,2] x')",
            "return cjson.decode('{\"a\" 1}')",
            "return cjson.decode('{1:2}')",
            "return cjson.decode('[1,]')",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(cmsgpack.pack(1, -1, 127, 128, -32, -33, 255, 256, 65536, 2^32, -2^31, -2^31-1, 2^53, 1.5, 0.1, -0.0, 1/0))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(cmsgpack.pack('abc', string.rep('x',31), string.rep('x',32), string.rep('x',300)))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(cmsgpack.pack({1,2}, {a=1}, {}, true, false, nil, {1,nil,3}, {[2]=1}, 2^64, -2^63, 1e20, {b=1,a=2,c={x=1,y=2}}))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(cmsgpack.pack({{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}))",
            "return cmsgpack.pack()",
            "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', {1,2,{x=1}}, true, 1.5, -200, 2^40))}",
            "return cmsgpack.unpack('')",
            "return cmsgpack.unpack('\\217')",
            "return cmsgpack.unpack('\\193')",
            "return {cmsgpack.unpack_one(cmsgpack.pack(7,8))}",
            "return {cmsgpack.unpack_one(cmsgpack.pack(7,8), 1)}",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(7,8,9), 2)}",
            "return {cmsgpack.unpack_limit(cmsgpack.pack(7,8,9), 2, 2)}",
            "return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')",
            "return {cmsgpack.unpack('\\196\\3abc')}",
            "return cjson.encode(cmsgpack.unpack(cmsgpack.pack({a={1,2},b=true})))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('>I4', 1))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('<I4', 1))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('i', -2))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('b', -1))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('B', 255))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('h', -2))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('H', 65535))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('l', 1))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('L', 2))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('>d', 1.5))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('<f', 0.5))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('c3', 'abcdef'))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('s', 'ab'))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('dLc0', 1.5, 3, 'xyz'))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('>!4 b i', 1, 2))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('x b', 7))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('>i2', 70000))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('T', 5))",
            "local function hex(s) return (s:gsub(\".\", function(c) return string.format(\"%02x\", c:byte()) end)) end return hex(struct.pack('i8', -1))",
            "return {struct.unpack('>I4', '\\0\\0\\0\\1')}",
            "return {struct.unpack('dLc0', struct.pack('dLc0', 1.5, 3, 'xyz'))}",
            "return struct.size('>I4 d b')",
            "return struct.pack('y', 1)",
            "return {struct.unpack('>I4', '\\0\\1')}",
            "return {struct.unpack('s', 'ab\\0cd')}",
            "return {struct.unpack('B', 'abc', 2)}",
            "return struct.pack('i', 'x')",
            "return struct.pack('i')",
            "return struct.size('s')",
            "return {struct.unpack('i3', '\\255\\255\\255')}",
            "return {struct.unpack('<h', '\\255\\127')}",
            "return {struct.unpack('c2 c2', 'abcd')}",
            "redis.setresp(3) return redis.call('hgetall','h')",
            "redis.setresp(3) local r = redis.call('hgetall','h') return type(r) .. ':' .. tostring(r.map and r.map.f)",
            "redis.setresp(3) local r = redis.call('smembers','st') return tostring(r.set and r.set.a)",
            "redis.setresp(3) return redis.call('get','nokey') == nil",
            "redis.setresp(3) return {double=1.5}",
            "return {double=1.5}",
            "return {map={a=1}}",
            "return {set={a=true}}",
            "return {big_number='123'}",
            "redis.setresp(4)",
            "redis.setresp(2) return redis.call('hgetall','h')",
            "redis.setresp(3) return redis.call('zscore','z','m')",
            "return {verbatim_string={format='txt',string='hi'}}",
            "redis.setresp(3) return {true, false}",
            "redis.setresp(3) local r = redis.call('exists','h') return type(r)",
            "return redis.log(redis.LOG_WARNING, 'from a script', 'test')",
            "return redis.log()",
            "return redis.log('x', 'y')",
            "return redis.log(9, 'y')",
            "string.x = 1",
            "redis.call = 1",
            "cjson.encode = nil",
            "math.pi = 3",
            "_G.x = 1",
            "rawset(_G, 'x', 1)",
            "rawset(redis, 'x', 1)",
            "KEYS[1] = 'x' return KEYS[1]",
            "setmetatable(_G, nil)",
            "getmetatable('').__index.upper = nil",
            "tostring = nil",
            "loadstring('tostring = nil')()",
            "return ('abc'):upper()",
            "local t = {} for k, v in pairs(string) do t[#t+1] = k end return #t",
            "return rawget(string, 'upper') ~= nil",
            "local t = {} rawset(t, 'a', 1) return t.a",
            "return type(os)",
            "#!lua flags=no-writes\nreturn redis.call('set','k','v')",
            "#!lua flags=no-writes\nreturn redis.call('get','s')",
            "#!lua\nreturn 1",
            "#!lua flags=bogus\nreturn 1",
            "#!python\nreturn 1",
            "#!lua name=x\nreturn 1",
            "#!lua flags=allow-stale,no-writes\nreturn 2",
            "#!lua flags=no-cluster\nreturn 4",
            "#!lua\nerror('x')",
            "local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), type(e), type(e)=='table' and e.err or e}",
            "local ok, e = pcall(redis.call, 'incr', 's') return {tostring(ok), type(e), type(e)=='table' and e.err or e}",
            "local ok, e = pcall(redis.acl_check_cmd, 'nosuch') return {tostring(ok), type(e)}",
            "local ok, e = pcall(redis.call) return {tostring(ok), type(e)}",
            "local ok, e = pcall(redis.log) return {tostring(ok), type(e), e}",
            "local ok, e = pcall(redis.sha1hex) return {tostring(ok), type(e), e}",
            "local ok, e = pcall(redis.setresp, 5) return {tostring(ok), type(e), e}",
            "local ok, e = pcall(redis.call, 'get', {}) return {tostring(ok), type(e), type(e)=='table' and e.err or e}",
            "return {redis.acl_check_cmd('get','k'), pcall(redis.acl_check_cmd, 'nosuch')}",
            "local ok, e = pcall(error, {err='x'}) return {tostring(ok), type(e)}",
            "return {pcall(function() return 1, nil, 3 end)}",
            "local n = 0 for k in pairs(redis) do n = n + 1 end return n",
            "return bit.lshift(1)");

    @Test
    void scriptsAnswerAsRedisDoes() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            for (String protocol : new String[] {"2", "3"}) {
                assertThat(transcript(servers.rockhubPort(), protocol)).isEqualTo(transcript(servers.redisPort(), protocol));
            }
        }
    }

    /** Redis 7.0.15 crashes on this one; RockHub answers an error and carries on. */
    @Test
    void anErrorObjectWhoseFieldsRaiseIsAnErrorReplyNotACrash() throws Exception {
        try (io.rockhub.resp.testing.TestServer server = io.rockhub.resp.testing.TestServer.start();
             RawClient c = new RawClient(server.port())) {
            assertThat(c.call("EVAL", "error(setmetatable({}, {__index = function() error('no field') end}))", "0"))
                    .startsWith("-ERR unknown error script: ");
            assertThat(c.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void monitorShowsAScriptBeforeTheCommandsItRuns() throws Exception {
        try (RedisAndRockHub servers = RedisAndRockHub.start(Map.of())) {
            assertThat(monitored(servers.rockhubPort())).isEqualTo(monitored(servers.redisPort()));
        }
    }

    private static String monitored(int port) throws Exception {
        try (RawClient m = new RawClient(port); RawClient c = new RawClient(port)) {
            m.call("MONITOR");
            c.call("EVAL", "redis.call('set', KEYS[1], 'v') return redis.call('get', KEYS[1])", "1", "k");
            c.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0");
            c.call("ECHO", "end");
            StringBuilder t = new StringBuilder();
            String line;
            while (!(line = m.readReply()).contains("\"ECHO\"")) {
                t.append(line.replaceFirst("^\\+\\d+\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]", "[$1 client]")
                        .replaceFirst("^\\+\\d+\\.\\d{6} ", ""));
            }
            return t.toString();
        }
    }

    private static String transcript(int port, String protocol) throws Exception {
        try (RawClient c = new RawClient(port)) {
            c.call("FLUSHALL");
            c.call("SCRIPT", "FLUSH");
            c.call("HELLO", protocol);
            c.call("SET", "s", "str");
            c.call("HSET", "h", "f", "v");
            c.call("SADD", "st", "a");
            StringBuilder t = new StringBuilder();
            for (String script : SCRIPTS) {
                t.append(script).append(" => ").append(c.call("EVAL", script, "1", "key1", "arg1"));
            }
            String sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";
            t.append(c.call("EVALSHA", sha, "0"));
            t.append(c.call("SCRIPT", "LOAD", "return 'loaded'"));
            t.append(c.call("SCRIPT", "EXISTS", "1b936e3fe509bcbc9cd0664897bbe8fd0cac101b", sha, "nope"));
            t.append(c.call("EVALSHA", "1B936E3FE509BCBC9CD0664897BBE8FD0CAC101B", "0"));
            t.append(c.call("SCRIPT", "LOAD", "x("));
            t.append(c.call("EVAL", "return 1", "-1"));
            t.append(c.call("EVAL", "return 1", "5", "a"));
            t.append(c.call("EVAL", "return 1", "x"));
            t.append(c.call("EVAL_RO", "return redis.call('set', 'a', 'b')", "0"));
            t.append(c.call("EVAL_RO", "return redis.call('get', 's')", "0"));
            t.append(c.call("EVAL_RO", "#!lua\nreturn 3", "0"));
            t.append(c.call("EVAL_RO", "#!lua flags=no-writes\nreturn 3", "0"));
            t.append(c.call("SCRIPT", "FLUSH", "BOGUS"));
            t.append(c.call("SCRIPT", "FLUSH", "SYNC"));
            t.append(c.call("SCRIPT", "EXISTS", "1b936e3fe509bcbc9cd0664897bbe8fd0cac101b"));
            t.append(c.call("SCRIPT", "KILL"));
            t.append(c.call("MULTI")).append(c.call("EVAL", "return redis.call('incr', 'ctr')", "0"))
                    .append(c.call("EVAL", "return redis.call('blpop', 'none', 0)", "0")).append(c.call("EXEC"));
            return t.toString();
        }
    }
}
