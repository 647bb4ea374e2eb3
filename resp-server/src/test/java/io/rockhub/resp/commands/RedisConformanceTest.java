package io.rockhub.resp.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rockhub.resp.testing.RawClient;
import io.rockhub.resp.testing.RedisAndRockHub;
import io.rockhub.resp.testing.RespTree;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the same command scripts against Debian's Redis 7.0 and RockHub and requires byte-identical
 * replies: Redis is the specification. Each script starts from an empty database. Only
 * deterministic commands appear (no INFO, CLIENT LIST, TIME, RANDOMKEY).
 */
class RedisConformanceTest {
    private static RedisAndRockHub servers;

    private static final String[][] SCRIPTS = {
        // connection
        {"PING", "PING hello", "PING a b", "ECHO hi", "ECHO", "SELECT 0", "SELECT 1", "SELECT x", "QUIT_SKIP"},
        {"AUTH pw", "AUTH a b c", "AUTH default anything", "AUTH nobody pw", "HELLO 4", "HELLO x", "HELLO 2 FOO",
            "HELLO 2 SETNAME", "HELLO 2 SETNAME \"a b\""},
        // unknown commands and arity
        {"NOSUCHCMD", "NOSUCHCMD a b c", "GET", "GET a b", "SET a", "MSET a", "MSET a 1 b", "EXPIRE a",
            "TTL", "DEL", "CONFIG", "CONFIG NOPE", "CONFIG GET", "CLIENT", "CLIENT NOPE x", "OBJECT", "OBJECT FOO a",
            "COMMAND NOPE"},
        // strings
        {"GET missing", "SET k v", "GET k", "SET k v2 NX", "GET k", "SET k v3 XX", "GET k", "SET n v XX", "GET n",
            "SET k v4 GET", "SET k2 v GET", "GET k2", "SETNX k x", "SETNX k3 x", "STRLEN k", "STRLEN nothing",
            "APPEND k +tail", "GET k", "APPEND fresh abc", "GETDEL fresh", "GETDEL fresh", "GETSET k old", "GETSET nk v"},
        {"SET k v EX 10 PX 100", "SET k v NX XX", "SET k v KEEPTTL EX 10", "SET k v EX", "SET k v EX 0",
            "SET k v EX -5", "SET k v PX 0", "SET k v EX abc", "SET k v EX 9223372036854775807", "SET k v BOGUS",
            "SET k v EX 100 EX 200", "TTL k", "SET k v NX NX", "SET k v EXAT 1", "GET k", "SET k v PXAT 1", "EXISTS k"},
        {"SET k v EX 100", "TTL k", "SET k v2 KEEPTTL", "TTL k", "SET k v3", "TTL k", "SETEX k 50 v", "TTL k",
            "SETEX k 0 v", "SETEX k -1 v", "SETEX k x v", "PSETEX k 50000 v", "TTL k", "PSETEX k 0 v",
            "GETEX k", "GETEX k PERSIST", "TTL k", "GETEX k EX 100", "TTL k", "GETEX k EX 0", "GETEX k PX 10 EX 5",
            "GETEX k PERSIST EX 5", "GETEX k FOO", "GETEX missing EX 5", "GETEX k EXAT 1", "EXISTS k"},
        {"MSET a 1 b 2 c 3", "MGET a b c d", "MSETNX a 9 z 9", "MGET a z", "MSETNX y 1 z 2", "MGET y z",
            "MSET a 1 a 2", "GET a", "MSETNX q 1 q 2", "GET q"},
        {"INCR n", "INCR n", "INCRBY n 10", "DECR n", "DECRBY n 5", "INCRBY n x", "INCRBY n 1.5", "DECRBY n x",
            "SET s abc", "INCR s", "SET big 9223372036854775807", "INCR big", "SET small -9223372036854775808",
            "DECR small", "DECRBY n -9223372036854775808", "INCRBY n 9223372036854775807", "SET sp \" 1\"", "INCR sp",
            "SET z 007", "INCR z", "SET neg -0", "INCR neg", "SET plus +5", "INCR plus", "GET n"},
        {"INCRBYFLOAT f 10.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -5", "INCRBYFLOAT f 5.0e3", "INCRBYFLOAT f abc",
            "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "SET s abc", "INCRBYFLOAT s 1", "INCRBYFLOAT s inf",
            "SET i 3", "INCRBYFLOAT i 1.5", "INCRBYFLOAT i -4.5", "GET i", "INCRBYFLOAT g 3.0", "GET g",
            "INCRBYFLOAT h 0.1", "INCRBYFLOAT h 0.2", "INCRBYFLOAT j 1e-3", "INCRBYFLOAT f \" 1\"", "INCRBYFLOAT f 1abc",
            "SET x 0x10", "INCRBYFLOAT x 1", "INCRBYFLOAT x 0x1.8p1", "INCRBYFLOAT x -0X.8", "SET y inf", "INCRBYFLOAT y 1",
            "INCRBYFLOAT y x", "SET z 1e4933", "INCRBYFLOAT z 1", "INCRBYFLOAT n2 1e-5000", "INCRBYFLOAT n3 1e4932",
            "INCRBYFLOAT n3 1e4932", "INCRBYFLOAT n4 nan", "INCRBYFLOAT n5 \"5 \"", "INCRBYFLOAT n6 .5", "INCRBYFLOAT n6 5.",
            "INCRBYFLOAT n7 -0", "HSET hh a 1", "INCRBYFLOAT hh 1", "INCRBYFLOAT hh xyz", "GET x", "MGET x y n3"},
        {"SET r \"Hello World\"", "GETRANGE r 0 4", "GETRANGE r -5 -1", "GETRANGE r 5 2", "GETRANGE r 0 100",
            "GETRANGE r -100 2", "GETRANGE r -1 -5", "GETRANGE missing 0 5", "GETRANGE r a b", "GETRANGE r 0 -1",
            "SETRANGE r 6 Redis", "GET r", "SETRANGE nr 5 x", "GET nr", "SETRANGE r -1 x", "SETRANGE r x y",
            "SETRANGE empty 3 \"\"", "EXISTS empty", "SETRANGE r 2 \"\"", "SETRANGE r 536870912 x",
            "SETRANGE r 4294967296 x", "SETRANGE r 9223372036854775807 x", "SETRANGE new 9223372036854775807 x",
            "SETRANGE r 9223372036854775807 \"\"", "SETRANGE r 9223372036854775808 x",
            "APPEND r \"\"", "STRLEN r"},
        // bitmaps
        {"SETBIT bm 7 1", "GETBIT bm 7", "GETBIT bm 100", "SETBIT bm 4294967296 1", "GETBIT bm 4294967296",
            "SETBIT bm -1 1", "SETBIT bm 0 2", "SETBIT bm x 2", "BITFIELD bm OVERFLOW FAIL INCRBY u2 0 10 GET u8 0",
            "BITFIELD bm OVERFLOW SAT INCRBY i8 0 1000 INCRBY u8 8 -5 OVERFLOW WRAP INCRBY i8 16 200",
            "BITFIELD bm GET i64 0 GET u64 0", "BITFIELD bm SET u8 #1 255 GET u8 #1", "BITFIELD bm GET u8 4294967296",
            "BITFIELD bm SET u8 4294967296 x", "BITFIELD bm OVERFLOW NONE", "BITFIELD bm", "BITFIELD_RO bm GET u8 0",
            "BITFIELD_RO bm SET u8 0 1", "BITFIELD_RO nokey GET i5 3", "BITCOUNT bm 0", "BITCOUNT bm 0 -1 BIT",
            "BITPOS bm 2", "BITPOS bm 1 0 -1 BIT", "BITPOS nokey 0 x", "BITOP NOT dst bm bm", "BITOP FOO dst bm",
            "BITOP AND dst nokey", "EXISTS dst", "BITOP OR dst bm nokey", "GET dst", "STRLEN bm", "MULTI", "SETBIT bm x 1",
            "BITFIELD bm GET u64 0", "BITFIELD bm INCRBY i3 0 1", "EXEC", "SET s foobar", "BITCOUNT s 1 1 BIT",
            "BITPOS s 0 1 -1 BIT", "BITPOS s 1 2 BIT", "LPUSH l x", "SETBIT l 0 1", "BITCOUNT l", "BITCOUNT l x y",
            "BITPOS l 1", "BITOP AND dst l", "BITFIELD l GET u8 0", "COMMAND GETKEYSANDFLAGS BITFIELD bm GET u8 0",
            "COMMAND GETKEYSANDFLAGS BITFIELD bm GET u8 0 SET u8 0 1", "COMMAND GETKEYSANDFLAGS BITFIELD bm FOO",
            "SETBIT big 40000 1", "APPEND big xyz", "STRLEN big", "GETRANGE big 4999 -1", "TYPE big", "OBJECT ENCODING big",
            "SETRANGE big 4095 ab", "BITCOUNT big", "BITPOS big 1 4096", "INCR big", "SET big 10", "INCR big"},
        // HyperLogLog
        {"PFADD hl a b c", "PFCOUNT hl", "GET hl", "PFADD hl", "PFADD hl a", "PFADD new", "GET new", "PFCOUNT hl nokey",
            "PFMERGE hm hl nokey", "PFCOUNT hm", "GET hm", "PFMERGE hm", "SET s notanhll", "PFADD s a", "PFCOUNT s",
            "PFMERGE s hl", "PFMERGE hl s", "LPUSH l x", "PFADD l a", "PFCOUNT hl l", "PFMERGE hl l", "PFCOUNT nokey",
            "SET trunc HYLL", "PFCOUNT trunc", "MULTI", "PFADD hl z", "PFCOUNT hl", "EXEC",
            "COMMAND GETKEYSANDFLAGS PFMERGE a b c", "COMMAND GETKEYSANDFLAGS PFCOUNT a b"},
        // geo (the examples of Redis's documentation, and its errors)
        {"GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEODIST Sicily Palermo Catania",
            "GEODIST Sicily Palermo Catania km", "GEODIST Sicily Palermo Catania mi", "GEODIST Sicily Foo Bar",
            "GEODIST Sicily Palermo Catania yd", "GEOHASH Sicily Palermo Catania nope", "GEOPOS Sicily Palermo NonExisting",
            "GEORADIUS Sicily 15 37 200 km WITHDIST", "GEORADIUS Sicily 15 37 200 km WITHCOORD",
            "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD", "GEORADIUSBYMEMBER Sicily Palermo 200 km ASC WITHHASH",
            "GEOADD Sicily 13.583333 37.316667 Agrigento", "GEORADIUSBYMEMBER Sicily Agrigento 100 km",
            "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST",
            "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3", "ZRANGE dst 0 -1 WITHSCORES",
            "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3 STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
            "GEORADIUS Sicily 15 37 200 km STORE dst2", "ZCARD dst2", "GEORADIUS_RO Sicily 15 37 200 km STORE dst2",
            "GEOADD Sicily 200 100 Nowhere", "GEOADD Sicily NX XX 1 1 a", "GEOADD Sicily 1 1", "GEOADD Sicily x 1 a",
            "GEOSEARCH Sicily BYRADIUS 10 km", "GEOSEARCH Sicily FROMMEMBER Palermo", "GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km",
            "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km",
            "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
            "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST", "GEOSEARCH nokey FROMMEMBER x BYRADIUS 1 km",
            "GEOSEARCHSTORE dst nokey FROMMEMBER x BYRADIUS 1 km", "EXISTS dst", "GEORADIUSBYMEMBER nokey x 1 km",
            "SET str x", "GEOSEARCH str FROMLONLAT 1 1 BYRADIUS 1 km BOGUS", "GEOPOS str a", "GEODIST str a b",
            "COMMAND GETKEYSANDFLAGS GEORADIUS a 1 1 1 km STORE b", "COMMAND GETKEYS GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 1 m"},
        // sort
        {"RPUSH l 3 1 2", "SORT l", "SORT l DESC", "SORT l LIMIT 1 1", "SORT l LIMIT 5 1", "SORT l LIMIT -1 -1",
            "MSET w_1 30 w_2 10 w_3 20", "HSET h_1 f b", "HSET h_2 f a", "SORT l BY w_*", "SORT l BY w_* GET # GET w_*",
            "SORT l BY h_*->f ALPHA GET h_*->f", "SORT l BY nosort DESC", "SORT l BY nosort GET w_* STORE out",
            "LRANGE out 0 -1", "RPUSH words b a c", "SORT words", "SORT words ALPHA", "SORT words ALPHA STORE out",
            "SORT_RO words ALPHA STORE out", "SORT l FOO", "SORT l LIMIT x 1", "SET str v", "SORT str", "SORT missing",
            "SORT missing STORE out", "EXISTS out", "SADD s 5 3 9", "SORT s BY nosort STORE out2", "LRANGE out2 0 -1",
            "ZADD z 1 c 2 b 3 a", "SORT z BY nosort", "SORT z BY nosort DESC LIMIT 0 2", "SORT z ALPHA",
            "COMMAND GETKEYS SORT l BY w_* STORE out GET # STORE out2", "COMMAND GETKEYS SORT_RO l GET #",
            "COMMAND GETKEYSANDFLAGS SORT l LIMIT 0 1 STORE x"},
        // dump / restore (payload bytes are compared where Redis's are canonical: short strings and integers)
        {"SET s hello", "DUMP s", "SET n 12345", "DUMP n", "SET neg -7", "DUMP neg", "SET big 123456789012", "DUMP big",
            "SET lead 007", "DUMP lead", "DUMP missing", "RESTORE s 0 x", "RESTORE new -1 x", "RESTORE new x x",
            "RESTORE new 0 x", "RESTORE new 0 x BOGUS", "RESTORE new 0 x IDLETIME -1", "RESTORE new 0 x FREQ 256",
            "RESTORE new 0 x IDLETIME 1 FREQ 1", "RESTORE s -5 x REPLACE", "RESTORE s 0 x REPLACE ABSTTL"},
        // OBJECT ENCODING of values as first built
        {"SADD s1 1 2 3", "OBJECT ENCODING s1", "SADD s2 a", "OBJECT ENCODING s2", "SADD s3 007", "OBJECT ENCODING s3",
            "SADD s4 -9223372036854775808", "OBJECT ENCODING s4", "HSET h1 f v", "OBJECT ENCODING h1",
            "HSET h2 f " + "x".repeat(65), "OBJECT ENCODING h2", "ZADD z1 1 a", "OBJECT ENCODING z1",
            "ZADD z2 1 " + "x".repeat(65), "OBJECT ENCODING z2", "RPUSH l a", "OBJECT ENCODING l", "SET n 12",
            "OBJECT ENCODING n", "SET e " + "y".repeat(44), "OBJECT ENCODING e", "SET r " + "y".repeat(45),
            "OBJECT ENCODING r", "XADD st 1-1 f v", "OBJECT ENCODING st"},
        // client control and introspection
        {"CLIENT PAUSE 10 bogus", "CLIENT PAUSE x", "CLIENT PAUSE -1", "CLIENT PAUSE 1 write extra", "CLIENT UNPAUSE",
            "CLIENT REPLY foo", "CLIENT NO-EVICT maybe", "CLIENT NO-EVICT on", "CLIENT NO-EVICT off", "LATENCY LATEST",
            "LATENCY HISTORY command", "LATENCY RESET", "LATENCY RESET command fast-command", "LATENCY DOCTOR",
            "LATENCY GRAPH foo", "LATENCY FOO", "MEMORY USAGE nokey", "MEMORY USAGE k SAMPLES -1",
            "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k FOO", "MEMORY PURGE", "DEBUG SLEEP 0", "DEBUG OBJECT k"},
        // keys
        {"SET a 1", "SET b 2", "EXISTS a b c a", "DEL a c a", "EXISTS a", "UNLINK b", "TYPE b", "SET t x", "TYPE t",
            "TOUCH t t nope", "DBSIZE", "FLUSHDB", "DBSIZE", "FLUSHALL ASYNC", "FLUSHALL BAD", "FLUSHDB SYNC extra"},
        {"SET k v", "EXPIRE k 100", "TTL k", "PTTL missing", "TTL missing", "PERSIST k", "PERSIST k", "TTL k",
            "EXPIRE k 100 NX", "EXPIRE k 200 NX", "TTL k", "EXPIRE k 50 GT", "TTL k", "EXPIRE k 300 GT", "TTL k",
            "EXPIRE k 400 LT", "EXPIRE k 20 LT", "TTL k", "EXPIRE k 10 XX", "TTL k", "PERSIST k",
            "EXPIRE k 10 XX", "EXPIRE k 10 GT", "EXPIRE k 10 LT", "TTL k", "EXPIRE k 10 NX XX",
            "EXPIRE k 10 GT LT", "EXPIRE k 10 FOO", "EXPIRE k abc", "EXPIRE k 20 XX GT", "EXPIRE k 5 XX GT", "EXPIRE missing 10",
            "EXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775807", "EXPIRE k -1", "EXISTS k"},
        {"SET k v", "EXPIREAT k 1", "EXISTS k", "SET k v", "PEXPIREAT k 1", "EXISTS k", "SET k v",
            "EXPIREAT k 99999999999", "EXPIRETIME k", "PEXPIRETIME k", "EXPIRETIME missing", "SET p v",
            "EXPIRETIME p", "PEXPIRETIME p", "PEXPIRE p 100000", "PTTL p_skip", "EXPIREAT k x", "EXPIREAT k 1 NX XX"},
        {"SET a 1", "RENAME a b", "GET a", "GET b", "RENAME nope x", "RENAMENX nope x", "SET c 3", "RENAMENX b c",
            "RENAMENX b d", "GET d", "RENAME d d", "RENAMENX d d", "SET e 5", "EXPIRE e 100", "RENAME e f", "TTL f",
            "RENAME f c", "GET c", "TTL c"},
        {"SET a 1", "COPY a b", "GET b", "COPY a b", "COPY a b REPLACE", "COPY a a", "COPY nope x", "COPY a c DB 0",
            "COPY a c DB 1", "COPY a c DB x", "COPY a c FOO", "EXPIRE a 100", "COPY a d", "TTL d"},
        {"MSET user:1 a user:2 b user:10 c other d", "KEYS user:?", "KEYS user:*", "KEYS *", "KEYS nomatch*",
            "KEYS user:[12]", "KEYS user:[^1]*", "KEYS \\\\*", "SCAN 0 COUNT 100 MATCH user:*", "SCAN x",
            "SCAN 0 COUNT 0", "SCAN 0 COUNT x", "SCAN 0 MATCH", "SCAN 0 FOO bar", "SCAN 0 COUNT 100 TYPE string MATCH o*",
            "SCAN 0 COUNT 100 TYPE hash"},
        {"SET i 12345", "OBJECT ENCODING i", "SET s short", "OBJECT ENCODING s",
            "SET l 0123456789012345678901234567890123456789012345", "OBJECT ENCODING l", "OBJECT ENCODING nope",
            "OBJECT FREQ i", "OBJECT REFCOUNT i", "OBJECT ENCODING", "SET z 012", "OBJECT ENCODING z"},
        // hashes
        {"HSET h f1 v1 f2 v2", "HSET h f1 x f3 v3", "HGET h f1", "HGET h nope", "HGET nokey f", "HMGET h f1 nope f3",
            "HMGET nokey a b", "HLEN h", "HLEN nokey", "HEXISTS h f2", "HEXISTS h nope", "HSTRLEN h f3",
            "HSTRLEN h nope", "HSETNX h f1 y", "HSETNX h f9 y", "HMSET h a 1 b 2", "HLEN h", "HSET h f f f",
            "HSET h", "HMSET h a", "HGETALL h", "HKEYS h", "HVALS h", "HGETALL nokey", "HKEYS nokey",
            "HDEL h f1 f1 nope", "HDEL nokey f", "HLEN h", "TYPE h", "OBJECT ENCODING h", "HSET dup a 1 a 2",
            "HGET dup a", "HLEN dup"},
        {"HSET h n 10", "HINCRBY h n 5", "HINCRBY h m -3", "HINCRBY h n x", "HSET h s abc", "HINCRBY h s 1",
            "HSET h big 9223372036854775807", "HINCRBY h big 1", "HINCRBYFLOAT h n 1.5", "HINCRBYFLOAT h s 1",
            "HINCRBYFLOAT h f 5.6", "HINCRBYFLOAT h f 5000", "HINCRBYFLOAT h f x", "HINCRBYFLOAT h f inf",
            "HINCRBYFLOAT h s inf", "HINCRBYFLOAT h new inf", "HGET h f", "HINCRBY nk f 1", "HINCRBYFLOAT nk2 g 0.1",
            "HSET h hx 0x10 hi inf", "HINCRBYFLOAT h hx 0.5", "HINCRBYFLOAT h hi 1", "HINCRBYFLOAT h hx 0x1p-2",
            "HINCRBYFLOAT h hx nan", "HINCRBYFLOAT h hx 1e5000", "HGET h hx", "SET str v", "HINCRBYFLOAT str f 1",
            "HINCRBYFLOAT str f x"},
        {"SET s v", "HSET s f v", "HGET s f", "HMGET s f", "HLEN s", "HGETALL s", "HDEL s f", "HINCRBY s f 1",
            "HSETNX s f v", "HEXISTS s f", "HSTRLEN s f", "HKEYS s", "HRANDFIELD s", "HSCAN s 0",
            "HSET h f v", "GET h", "INCR h", "APPEND h x", "SET h v GET"},
        {"HSET h a 1 b 2 c 3", "HDEL h a b c", "EXISTS h", "TYPE h", "HSET h x 1", "EXPIRE h 100", "TTL h",
            "RENAME h h2", "HGET h2 x", "COPY h2 h3", "HGETALL h3", "DEL h2 h3", "EXISTS h2 h3",
            "HRANDFIELD nokey", "HRANDFIELD nokey 3", "HRANDFIELD nokey 3 WITHVALUES", "HSET r a 1",
            "HRANDFIELD r", "HRANDFIELD r 0", "HRANDFIELD r 1", "HRANDFIELD r -2", "HRANDFIELD r 5 WITHVALUES",
            "HRANDFIELD r -2 WITHVALUES", "HRANDFIELD r x", "HRANDFIELD r 1 FOO", "HRANDFIELD r 1 WITHVALUES x",
            "HRANDFIELD r -9223372036854775807 WITHVALUES", "HRANDFIELD r -9223372036854775808"},
        {"HSET h a 1 b 2 c 3 d 4", "HSCAN h 0", "HSCAN h 0 COUNT 100 MATCH a*", "HSCAN h x", "HSCAN h 0 COUNT 0",
            "HSCAN nokey 0", "HSCAN h 0 FOO", "SCAN 0 TYPE hash COUNT 100", "SCAN 0 TYPE string COUNT 100"},
        // sets
        {"SADD s a b c a", "SADD s c d", "SCARD s", "SCARD nokey", "SISMEMBER s a", "SISMEMBER s z",
            "SISMEMBER nokey a", "SMISMEMBER s a z d", "SMISMEMBER nokey a", "SMEMBERS s", "SMEMBERS nokey",
            "SREM s a a z", "SREM nokey a", "SCARD s", "SREM s b c d", "EXISTS s", "TYPE s", "SADD s", "SREM s",
            "SMISMEMBER s"},
        {"SADD a 1 2 3 4", "SADD b 3 4 5", "SADD c 4 5 6", "SINTER a b", "SINTER a b c", "SINTER a nokey",
            "SUNION a b", "SUNION a nokey", "SDIFF a b", "SDIFF a b c", "SDIFF nokey a", "SINTERSTORE d a b",
            "SMEMBERS d", "SUNIONSTORE d a c", "SCARD d", "SDIFFSTORE d a a", "EXISTS d", "SET str x",
            "SINTERSTORE str a b", "TYPE str", "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 0 a",
            "SINTERCARD 3 a b", "SINTERCARD 2 a b LIMIT -1", "SINTERCARD 2 a b FOO 1", "SINTERCARD x a", "SINTERCARD 1 a LIMIT x",
            "SINTERCARD 1 nokey", "SINTER a str", "SUNION str", "SDIFF a str", "SINTERSTORE d a str"},
        {"SADD src x y", "SMOVE src dst x", "SMEMBERS src", "SMEMBERS dst", "SMOVE src dst nope", "SMOVE nokey dst x",
            "SMOVE src src y", "SMOVE src dst y", "EXISTS src", "SET str v", "SMOVE dst str x", "SMOVE str dst x",
            "SPOP nokey", "SPOP nokey 3", "SADD one m", "SPOP one", "EXISTS one", "SPOP dst -1", "SPOP dst x",
            "SPOP dst 0", "SRANDMEMBER nokey", "SRANDMEMBER nokey 5", "SADD r m", "SRANDMEMBER r", "SRANDMEMBER r 3",
            "SRANDMEMBER r -3", "SRANDMEMBER r 0", "SRANDMEMBER r x", "SRANDMEMBER r -9223372036854775808", "SRANDMEMBER r 1 2", "SPOP r 1 2",
            "SADD str a", "SCARD str", "SMEMBERS str", "SISMEMBER str a", "SRANDMEMBER str", "SPOP str"},
        {"SADD s a b c d e", "SSCAN s 0 COUNT 100", "SSCAN s 0 COUNT 100 MATCH [a-c]", "SSCAN nokey 0",
            "SSCAN s x", "SSCAN s 0 TYPE set", "EXPIRE s 100", "TTL s", "RENAME s s2", "SMEMBERS s2", "COPY s2 s3",
            "SCARD s3", "SCAN 0 TYPE set COUNT 100"},
        // sorted sets
        {"ZADD z 1 a 2 b 3 c", "ZADD z 2.5 b 4 d", "ZCARD z", "ZSCORE z b", "ZSCORE z nope", "ZSCORE nokey a",
            "ZMSCORE z a nope d", "ZMSCORE nokey a", "ZADD z NX 9 a 5 e", "ZADD z XX 9 a 6 f", "ZSCORE z a",
            "ZADD z XX CH 10 a 10 a", "ZADD z GT 1 a", "ZADD z GT CH 11 a", "ZADD z LT CH 20 a 0.5 b",
            "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z NX GT 1 a", "ZADD z INCR 1 a 2 b", "ZADD z 1",
            "ZADD z x a", "ZADD z nan a", "ZADD z INCR 5 a", "ZADD z INCR NX 5 a", "ZADD z INCR XX 5 nope",
            "ZINCRBY z 1.5 b", "ZINCRBY z x b", "ZINCRBY newz 3 m", "ZADD z +inf inf -inf ninf", "ZINCRBY z -inf inf",
            "ZRANGE z 0 -1 WITHSCORES", "ZCARD z", "ZADD z 1.1 prec", "ZSCORE z prec", "ZADD z 1e20 big 1e-7 tiny",
            "ZSCORE z big", "ZSCORE z tiny", "ZADD z -0 negzero", "ZSCORE z negzero", "ZADD z 0 zero",
            "ZRANGE z -4 -1 WITHSCORES"},
        {"ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGE z 0 2", "ZRANGE z -2 -1", "ZRANGE z 3 1", "ZRANGE z 0 100",
            "ZRANGE z -100 1", "ZRANGE z 0 -1 REV", "ZREVRANGE z 0 1 WITHSCORES", "ZRANGE z 0 1 LIMIT 0 1",
            "ZRANGE z (1 3 BYSCORE", "ZRANGE z 3 (1 BYSCORE REV", "ZRANGE z -inf +inf BYSCORE LIMIT 1 2",
            "ZRANGE z -inf +inf BYSCORE LIMIT 1 -1 WITHSCORES", "ZRANGE z -inf +inf BYSCORE LIMIT -1 2",
            "ZRANGEBYSCORE z 2 4", "ZRANGEBYSCORE z (2 (4", "ZRANGEBYSCORE z -inf inf WITHSCORES LIMIT 2 2",
            "ZRANGEBYSCORE z 4 2", "ZRANGEBYSCORE z x 2", "ZRANGEBYSCORE z (x 2", "ZREVRANGEBYSCORE z 4 2",
            "ZREVRANGEBYSCORE z +inf -inf LIMIT 0 2", "ZREVRANGEBYSCORE z (4 (1 WITHSCORES", "ZRANGE z 0 1 BYLEX",
            "ZRANGE z 0 -1 BYLEX WITHSCORES", "ZRANGE z 0 -1 FOO", "ZRANGE z a b", "ZRANGEBYSCORE z 1 2 LIMIT 0", "ZRANGE z 100 7 REV LIMIT -1 -1",
            "ZRANGE z 0 -1 LIMIT 5 -1", "ZRANGE z 0 -1 LIMIT 0 -2", "ZRANGE z 0 -1 LIMIT x -1", "ZRANGE z 0 -1 REV LIMIT 1 -1 WITHSCORES",
            "ZCOUNT z 2 4", "ZCOUNT z (2 +inf", "ZCOUNT z x 1", "ZCOUNT nokey 0 1", "ZRANK z c", "ZREVRANK z c",
            "ZRANK z nope", "ZRANK nokey a", "ZRANGE nokey 0 -1", "ZRANGEBYSCORE z 1.5 1.5", "ZRANGEBYSCORE z \" 1\" 2"},
        {"ZADD l 0 a 0 b 0 c 0 d 0 e", "ZRANGEBYLEX l - +", "ZRANGEBYLEX l [b (d", "ZRANGEBYLEX l (b [d LIMIT 1 5",
            "ZREVRANGEBYLEX l + -", "ZREVRANGEBYLEX l [d [b", "ZREVRANGEBYLEX l (d - LIMIT 0 2", "ZRANGEBYLEX l b d",
            "ZRANGEBYLEX l + -", "ZLEXCOUNT l - +", "ZLEXCOUNT l [b [c", "ZLEXCOUNT l x y", "ZRANGE l [a [c BYLEX",
            "ZRANGE l [c [a BYLEX REV", "ZREMRANGEBYLEX l [a [b", "ZRANGEBYLEX l - +", "ZREMRANGEBYLEX l x y",
            "ZRANGEBYLEX l [ [c"},
        {"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "ZREM z a nope a", "ZREM nokey a", "ZREMRANGEBYSCORE z -inf (3",
            "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z x 1", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYRANK z -1 -1",
            "ZRANGE z 0 -1", "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z x 1", "ZREMRANGEBYSCORE z -inf +inf",
            "EXISTS z", "ZADD p 1 a 2 b 3 c", "ZPOPMIN p", "ZPOPMAX p", "ZPOPMIN p 5", "EXISTS p", "ZPOPMIN nokey",
            "ZPOPMIN nokey 2", "ZADD p 1 a", "ZPOPMIN p -1", "ZPOPMIN p x", "ZPOPMIN p 1 2", "ZPOPMAX p 0",
            "ZRANGESTORE dst p 0 -1", "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst nokey 0 -1", "EXISTS dst",
            "ZRANGESTORE dst p 0 -1 WITHSCORES", "ZADD q 1 a 2 b 3 c", "ZRANGESTORE dst q (1 +inf BYSCORE LIMIT 0 1",
            "ZRANGE dst 0 -1 WITHSCORES", "ZRANGESTORE dst q [a [b BYLEX", "ZCARD dst"},
        {"SET s v", "ZADD s 1 a", "ZSCORE s a", "ZRANGE s 0 -1", "ZCARD s", "ZRANK s a", "ZREM s a",
            "ZRANGEBYSCORE s 0 1", "ZPOPMIN s", "ZRANDMEMBER s", "ZSCAN s 0", "ZADD zz 1 m", "GET zz", "TYPE zz",
            "OBJECT ENCODING zz", "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 2", "ZRANDMEMBER zz", "ZRANDMEMBER zz 3",
            "ZRANDMEMBER zz -2 WITHSCORES", "ZRANDMEMBER zz 1 FOO", "ZRANDMEMBER zz x", "ZADD sc 1 a 2 b 3 c",
            "ZSCAN sc 0", "ZSCAN sc 0 MATCH [ab]", "ZSCAN nokey 0", "EXPIRE sc 100", "RENAME sc sc2",
            "ZRANGE sc2 0 -1 WITHSCORES", "COPY sc2 sc3", "ZSCORE sc3 b", "SCAN 0 TYPE zset COUNT 100"},
        // lists
        {"RPUSH l a b c", "LPUSH l z y", "LRANGE l 0 -1", "LLEN l", "LLEN nokey", "LINDEX l 0", "LINDEX l -1",
            "LINDEX l 10", "LINDEX l x", "LINDEX nokey 0", "LRANGE l -2 -1", "LRANGE l 3 1", "LRANGE l -100 100",
            "LRANGE nokey 0 -1", "LPOP l", "RPOP l", "LPOP l 2", "LPOP l 0", "LPOP nokey", "LPOP nokey 2",
            "LPOP l -1", "LPOP l x", "LPOP l 1 2", "LRANGE l 0 -1", "LPOP l 10", "EXISTS l", "LPUSHX l a",
            "RPUSHX l a", "RPUSH l", "LPUSH dup a a a", "LRANGE dup 0 -1"},
        {"RPUSH l a b c b a", "LSET l 1 B", "LSET l -1 A", "LSET l 9 x", "LSET nokey 0 x", "LSET l x y",
            "LRANGE l 0 -1", "LINSERT l BEFORE c X", "LINSERT l AFTER c Y", "LINSERT l AFTER nope Z",
            "LINSERT nokey AFTER a b", "LINSERT l MIDDLE a b", "LRANGE l 0 -1", "RPUSH r a b a c a d",
            "LREM r 2 a", "LRANGE r 0 -1", "LREM r -1 a", "LRANGE r 0 -1", "LREM r 0 zz", "LREM nokey 0 a",
            "LREM r x a", "RPUSH t 1 2 3 4 5 6", "LTRIM t 1 -2", "LRANGE t 0 -1", "LTRIM t 10 20", "EXISTS t",
            "LTRIM nokey 0 1", "LTRIM t x 1"},
        {"RPUSH p a b c 1 2 3 c c", "LPOS p c", "LPOS p c RANK 2", "LPOS p c RANK -1", "LPOS p c COUNT 0",
            "LPOS p c COUNT 2 RANK -1", "LPOS p c MAXLEN 2", "LPOS p c RANK 0", "LPOS p c COUNT -1",
            "LPOS p c MAXLEN -1", "LPOS p c RANK", "LPOS p c FOO 1", "LPOS p nope", "LPOS p nope COUNT 0",
            "LPOS nokey a", "LPOS p c RANK -9223372036854775808", "LPOS p c RANK -9223372036854775808 COUNT 1",
            "LPOS p c RANK -9223372036854775808 COUNT 2 MAXLEN 7"},
        {"RPUSH src a b c", "LMOVE src dst LEFT RIGHT", "LMOVE src dst RIGHT LEFT", "LRANGE src 0 -1",
            "LRANGE dst 0 -1", "LMOVE src src LEFT RIGHT", "LRANGE src 0 -1", "LMOVE nokey dst LEFT LEFT",
            "LMOVE src dst UP LEFT", "RPOPLPUSH src dst", "EXISTS src", "RPOPLPUSH nokey dst", "SET str v",
            "LMOVE dst str LEFT LEFT", "LMOVE str dst LEFT LEFT", "LRANGE dst 0 -1", "LPUSH str x", "LLEN str",
            "LRANGE str 0 1", "RPUSH l1 a b c", "LMPOP 2 nokey l1 LEFT", "LMPOP 2 nokey l1 RIGHT COUNT 5",
            "LMPOP 1 nokey LEFT", "LMPOP 0 l1 LEFT", "LMPOP 2 l1 LEFT", "LMPOP 1 l1 LEFT COUNT 0",
            "LMPOP 1 l1 MIDDLE", "LMPOP x l1 LEFT", "LMPOP 1 l1 LEFT COUNT 1 COUNT 2", "LMPOP 1 str LEFT"},
        {"RPUSH l a b c", "TYPE l", "OBJECT ENCODING l", "EXPIRE l 100", "TTL l", "RENAME l l2", "LRANGE l2 0 -1",
            "COPY l2 l3", "RPUSH l3 d", "LRANGE l2 0 -1", "LRANGE l3 0 -1", "SCAN 0 TYPE list COUNT 100",
            "DEL l2 l3", "EXISTS l2 l3", "PERSIST l2"},
        // sorted-set algebra
        {"ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "SADD s x w", "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES",
            "ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES", "ZUNION 2 a b AGGREGATE MIN WITHSCORES",
            "ZUNION 2 a b AGGREGATE MAX WITHSCORES", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b s WITHSCORES",
            "ZUNION 2 a s WITHSCORES", "ZDIFF 2 a b WITHSCORES", "ZDIFF 2 b a", "ZDIFF 1 nokey", "ZINTER 2 a nokey",
            "ZUNIONSTORE dst 2 a b WEIGHTS 1 2", "ZRANGE dst 0 -1 WITHSCORES", "ZINTERSTORE dst 2 a b AGGREGATE MAX",
            "ZRANGE dst 0 -1 WITHSCORES", "ZDIFFSTORE dst 2 a a", "EXISTS dst", "ZINTERCARD 2 a b",
            "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 0 a", "ZINTERCARD x a", "ZINTERCARD 3 a b", "ZINTERCARD 2 a b LIMIT -1",
            "ZUNION 0 a", "ZUNION 3 a b", "ZUNION x a", "ZUNION 2 a b WEIGHTS 1", "ZUNION 2 a b WEIGHTS 1 x",
            "ZUNION 2 a b AGGREGATE AVG", "ZDIFF 2 a b WEIGHTS 1 1", "ZUNIONSTORE dst 2 a b WITHSCORES",
            "ZUNIONSTORE dst 0 a", "SET str v", "ZUNION 2 a str", "ZUNIONSTORE dst 2 a str", "ZADD i 1 +inf",
            "ZADD j 1 m", "ZUNION 2 a a WEIGHTS inf -inf WITHSCORES", "ZUNION 1 a WEIGHTS 0 WITHSCORES"},
        // blocking commands that can answer at once, and their errors
        {"RPUSH l a b", "BLPOP nokey l 1", "BRPOP l 1", "BLPOP nokey 0.01", "BLPOP l x", "BLPOP l -1",
            "BLPOP nokey 0.01 extra", "RPUSH l c d", "BLMOVE l l2 LEFT RIGHT 1", "BRPOPLPUSH l l2 1",
            "BLMOVE nokey l2 LEFT LEFT 0.01", "BRPOPLPUSH nokey l2 0.01", "BLMOVE l l2 UP LEFT 1", "LRANGE l2 0 -1",
            "BLMPOP 1 2 nokey l2 LEFT COUNT 5", "BLMPOP 0.01 1 nokey RIGHT", "BLMPOP 1 0 l2 LEFT", "BLMPOP x 1 l2 LEFT",
            "ZADD z 1 a 2 b 3 c", "BZPOPMIN nokey z 1", "BZPOPMAX z 1", "BZPOPMIN nokey 0.01", "BZPOPMIN z x",
            "BZMPOP 1 2 nokey z MIN COUNT 5", "EXISTS z", "BZMPOP 0.01 1 z MAX", "ZADD y 1 a 2 b", "ZMPOP 1 y MAX",
            "ZMPOP 2 nokey y MIN COUNT 9", "ZMPOP 1 nokey MIN", "ZMPOP 1 y MIDDLE", "ZMPOP 0 y MIN",
            "SET str v", "BLPOP str 1", "BZPOPMIN str 1", "ZMPOP 1 str MIN", "MULTI", "BLPOP nokey 0",
            "BLMOVE nokey x LEFT LEFT 0", "BZPOPMIN nokey 0", "EXEC"},
        // streams without consumer groups
        {"XADD s 1-1 a 1", "XADD s 1 b 2", "XADD s 1-* c 3", "XADD s 0-0 x 1", "XADD s2 0-0 x 1", "XADD s2 0 x 1",
            "XADD s 1-1 x 1", "XADD s abc x 1", "XADD s 1-x x 1", "XADD s 5-* x", "XADD s 5-* x 1 y", "XADD s 5",
            "XADD s MAXLEN 1 LIMIT 5 10-1 x 1", "XADD s MAXLEN -1 10-1 x 1", "XADD s MAXLEN x 10-1 x 1",
            "XADD s MINID abc 10-1 x 1", "XADD s 2-5 d 4 e 5", "XADD s 3-* f 6", "XADD s 3-* g 7", "XLEN s",
            "XLEN nokey", "XRANGE s - +", "XRANGE s (1-1 +", "XRANGE s 1 1", "XRANGE s 1-2 3", "XRANGE s - + COUNT 2",
            "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1", "XRANGE s x +", "XRANGE s - + FOO", "XRANGE s + -",
            "XRANGE s (3-1 (3-1", "XRANGE nokey - +", "XREVRANGE s + -", "XREVRANGE s + - COUNT 2",
            "XREVRANGE s (3-1 -", "XREVRANGE s 2 1", "XRANGE s ( +", "XRANGE s (18446744073709551615-18446744073709551615 +",
            "XRANGE s - (0-0", "XADD nokey NOMKSTREAM 1-1 a 1", "EXISTS nokey", "TYPE s", "OBJECT ENCODING s"},
        {"XADD s 1-1 a 1", "XADD s 2-1 a 2", "XADD s 3-1 a 3", "XADD s 4-1 a 4", "XDEL s 2-1 9-9 2-1", "XDEL s x",
            "XDEL nokey 1-1", "XLEN s", "XRANGE s - +", "XTRIM s MAXLEN 2", "XRANGE s - +", "XTRIM s MINID 4",
            "XRANGE s - +", "XTRIM s MAXLEN 0", "XLEN s", "EXISTS s", "XADD s 5-1 a 5", "XADD s 4-9 a 4",
            "XTRIM s FOO 1", "XTRIM s MAXLEN", "XTRIM s MAXLEN 1 LIMIT 10", "XTRIM s MAXLEN ~ 1 LIMIT -1",
            "XTRIM s MAXLEN = 0 extra", "XTRIM nokey MAXLEN 0", "SET str v", "XADD str 1-1 a 1", "XLEN str",
            "XRANGE str - +", "XDEL str 1-1", "XTRIM str MAXLEN 0", "DEL s", "EXISTS s", "XADD c 1-1 a 1",
            "EXPIRE c 100", "TTL c", "RENAME c c2", "XRANGE c2 - +", "COPY c2 c3", "XADD c3 2-1 b 2", "XLEN c2",
            "XLEN c3", "SCAN 0 TYPE stream COUNT 100"},
        {"XADD s 1-1 a 1", "XADD t 2-1 b 2", "XREAD STREAMS s t 0 0", "XREAD COUNT 1 STREAMS s t 0 0",
            "XREAD STREAMS s $", "XREAD STREAMS s", "XREAD STREAMS s t 0", "XREAD COUNT x STREAMS s 0",
            "XREAD BLOCK -1 STREAMS s 0", "XREAD BLOCK x STREAMS s 0", "XREAD BLOCK 10 STREAMS s $",
            "XREAD STREAMS s x", "XREAD FOO 1 STREAMS s 0", "XREAD STREAMS s 1", "XREAD COUNT 0 STREAMS s 0",
            "XREAD COUNT -1 STREAMS s 0", "XREAD STREAMS nokey s 0 1-1", "XREAD STREAMS nokey 0",
            "XREAD BLOCK 0 STREAMS s 0", "SET str v", "XREAD STREAMS str 0", "XREAD COUNT 1", "MULTI",
            "XREAD BLOCK 0 STREAMS s $", "EXEC"},
        {"XADD s 5-1 a 1", "XSETID s 4-1", "XSETID s 10-1", "XADD s 7-1 b 1", "XADD s 10-* b 1", "XSETID nokey 1-1",
            "XSETID s 20-1 ENTRIESADDED 1", "XSETID s 20-1 ENTRIESADDED 5 MAXDELETEDID 30-1",
            "XSETID s 20-1 ENTRIESADDED 5 MAXDELETEDID 3-1", "XADD s 20-* c 1", "XSETID s x", "XSETID s 30-1 FOO",
            "XSETID s 30-1 ENTRIESADDED -1", "XSETID s 5", "XDEL s 5-1", "XSETID s 1-1", "XSETID s 10-1",
            "XADD s 10-1 c 1", "SET str v", "XSETID str 1-1", "XDEL s 10-1 20-1", "XLEN s", "XSETID s 1-1",
            "XADD s 1-* d 1", "XRANGE s - +"},
        // consumer groups
        {"XADD s 1-1 a 1", "XADD s 2-1 b 2", "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE nokey g 0",
            "XGROUP CREATE nokey2 g $ MKSTREAM", "TYPE nokey2", "XLEN nokey2",
            "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >",
            "XREADGROUP GROUP g c2 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s 0", "XPENDING s g",
            "XACK s g 1-1 9-9", "XPENDING s g", "XDEL s 2-1", "XREADGROUP GROUP g c2 STREAMS s 0",
            "XREADGROUP GROUP nog c STREAMS s >", "XPENDING s nog", "XGROUP CREATECONSUMER s g c3",
            "XGROUP CREATECONSUMER s g c3", "XGROUP DELCONSUMER s g c2", "XPENDING s g", "XGROUP SETID s g 0",
            "XREADGROUP GROUP g c1 STREAMS s >", "XGROUP DESTROY s g", "XGROUP DESTROY s g",
            "XGROUP CREATECONSUMER s nog c", "XGROUP DELCONSUMER s nog c", "XGROUP SETID s nog 0",
            "XGROUP DESTROY nokey g", "XGROUP SETID nokey g 0"},
        {"XADD s 1-1 a 1", "XGROUP CREATE s g $", "XREADGROUP GROUP g c STREAMS s >", "XADD s 2-1 b 2",
            "XREADGROUP GROUP g c NOACK STREAMS s >", "XPENDING s g", "XREADGROUP GROUP g c STREAMS s $",
            "XREADGROUP GROUP g c STREAMS s", "XREADGROUP STREAMS s >", "XREADGROUP GROUP g c STREAMS s x",
            "XREADGROUP GROUP g c BLOCK -1 STREAMS s >", "XREADGROUP GROUP g c COUNT x STREAMS s >",
            "XREADGROUP GROUP g c BLOCK 10 STREAMS s >", "XACK s g x", "XACK nokey g 1-1", "XACK s nog 1-1",
            "XGROUP CREATE s g2 x", "XGROUP CREATE s g2 0 FOO", "XGROUP CREATE s g2 0 ENTRIESREAD x",
            "XGROUP FOO s g", "XGROUP", "XGROUP CREATE s", "SET str v", "XGROUP CREATE str g 0",
            "XREADGROUP GROUP g c STREAMS str >", "XPENDING str g", "XACK str g 1-1", "XPENDING s g - + x",
            "XPENDING s g - + 10 c extra", "XPENDING s g IDLE x - + 10", "XPENDING s nog - + 10"},
        {"XADD s 1-1 a 1", "XADD s 2-1 b 2", "XADD s 3-1 c 3", "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g c1 STREAMS s >", "XCLAIM s g c2 0 1-1", "XCLAIM s g c2 0 2-1 JUSTID", "XPENDING s g",
            "XCLAIM s g c2 x 1-1", "XCLAIM s g c2 0 1-1 IDLE x", "XCLAIM s g c2 0 1-1 FOO", "XCLAIM s g c2 0 9-9 FORCE",
            "XCLAIM s g c2 0 9-9", "XDEL s 3-1", "XCLAIM s g c2 0 3-1", "XPENDING s g", "XCLAIM s nog c 0 1-1",
            "XAUTOCLAIM s g c3 0 0", "XAUTOCLAIM s g c3 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g c3 0 0 COUNT 0",
            "XAUTOCLAIM s g c3 x 0", "XAUTOCLAIM s nog c 0 0", "XCLAIM s g c4 0 1-1 RETRYCOUNT 7 LASTID 5-0",
            "XREADGROUP GROUP g c1 STREAMS s >", "XADD s 4-1 d 4", "XREADGROUP GROUP g c1 STREAMS s >",
            "XAUTOCLAIM s g c5 0 0 FOO", "XCLAIM s g c5 -5 4-1 JUSTID", "XAUTOCLAIM nokey g c 0 0"},
        {"XADD s 1-1 a 1", "XADD s 2-1 b 2", "XADD s 3-1 c 3", "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $",
            "XINFO GROUPS s", "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "XINFO GROUPS s", "XDEL s 2-1",
            "XINFO GROUPS s", "XREADGROUP GROUP g c1 STREAMS s >", "XINFO GROUPS s", "XGROUP SETID s g 0",
            "XINFO GROUPS s", "XGROUP SETID s g 0 ENTRIESREAD 0", "XINFO GROUPS s", "XINFO GROUPS nokey",
            "XINFO CONSUMERS s nog", "XINFO CONSUMERS nokey g", "XINFO STREAM nokey", "XINFO FOO s", "XINFO",
            "XGROUP CREATE s g3 0 ENTRIESREAD 3", "XINFO GROUPS s", "SET str v", "XINFO GROUPS str",
            "XINFO STREAM str", "XADD e 1-1 a 1", "XDEL e 1-1", "XGROUP CREATE e g 0", "XINFO GROUPS e"},
        {"XADD s 1-1 a 1", "XADD s 2-1 b 2", "XADD s 3-1 c 3", "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $",
            "XDEL s 2-1", "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 1", "XINFO STREAM s FULL COUNT 0",
            "XINFO STREAM s FULL COUNT -1", "XINFO STREAM s FULL COUNT x", "XINFO STREAM s FULL FOO",
            "XINFO STREAM s FULL COUNT", "XINFO STREAM s FULL COUNT 1 2", "XINFO STREAM s NOTFULL",
            "XINFO STREAM nokey FULL", "SET str v", "XINFO STREAM str FULL", "XINFO HELP", "XADD e 1-1 a 1",
            "XDEL e 1-1", "XINFO STREAM e FULL", "XINFO STREAM e", "XGROUP CREATE e g $", "XINFO STREAM e FULL",
            // COMMAND HELP and CLIENT HELP are left out on purpose: ours list only the subcommands RockHub serves.
            "XGROUP HELP", "XINFO HELP", "CONFIG HELP", "OBJECT HELP"},
        // transactions
        {"MULTI", "SET a 1", "INCR a", "INCR a", "GET a", "HSET h f v", "HGET h f", "EXEC", "GET a", "HLEN h"},
        {"MULTI", "SET a", "NOSUCH x", "SET b 1", "EXEC", "EXISTS a b", "EXEC", "DISCARD", "MULTI", "MULTI",
            "WATCH x", "PING", "DISCARD", "DISCARD"},
        {"SET s abc", "MULTI", "INCR s", "SET s2 v", "SET k v EX abc", "HSET s f v", "GET s2", "EXEC", "TTL k"},
        {"WATCH w", "SET w changed", "MULTI", "SET w mine", "EXEC", "GET w", "WATCH w2", "MULTI", "PING", "EXEC",
            "WATCH a b", "UNWATCH", "SET a 1", "MULTI", "GET a", "EXEC", "MULTI", "SHUTDOWN", "EXEC", "MULTI", "SAVE",
            "EXEC", "SAVE", "SAVE x", "WATCH",
            "MULTI", "EXEC"},
        {"SADD s1 a b", "SADD s2 b c", "MULTI", "SINTERSTORE d s1 s2", "SMEMBERS d", "SINTERCARD 2 s1 s2",
            "DEL s1", "EXEC", "EXISTS s1", "MULTI", "FLUSHALL", "SET after 1", "EXEC", "DBSIZE", "GET after"},
        // server
        {"SET key1 ohmytext", "SET key2 mynewtext", "LCS key1 key2", "LCS key1 key2 LEN", "LCS key1 key2 IDX",
            "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS key1 key2 IDX LEN", "LCS key1 nokey", "LCS key1 key2 FOO",
            "LCS key1 key2 MINMATCHLEN x", "SET a abcabcabcabc", "SET b cbacbacbacba", "LCS a b IDX WITHMATCHLEN",
            "LPUSH l x", "LCS key1 l", "LCS l key1 FOO"},
        {"COMMAND GETKEYS PING", "COMMAND GETKEYS NOPE x", "COMMAND GETKEYS PING x", "COMMAND GETKEYS GET x y",
            "COMMAND GETKEYS XGROUP CREATE s g $", "COMMAND GETKEYS OBJECT ENCODING k", "COMMAND GETKEYS OBJECT NOPE k",
            "COMMAND GETKEYSANDFLAGS SET k v GET", "COMMAND GETKEYSANDFLAGS MSET a 1 b 2",
            "COMMAND GETKEYS ZUNIONSTORE d 02 a b", "COMMAND GETKEYSANDFLAGS BLMPOP 0 +2 a b LEFT",
            "COMMAND GETKEYS XREADGROUP GROUP g c COUNT 1 STREAMS s1 s2 > >", "COMMAND GETKEYS XREAD STREAMS s"},
        {"CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET", "SET k v", "GET k", "SLOWLOG LEN", "SLOWLOG GET x",
            "SLOWLOG GET -2", "SLOWLOG GET 1 2", "SLOWLOG HELP", "SLOWLOG NOPE", "CONFIG SET slowlog-log-slower-than 10000",
            "SLOWLOG RESET", "SLOWLOG LEN"},
        {"CONFIG SET hz 50", "CONFIG GET hz", "CONFIG SET hz x", "CONFIG SET activedefrag maybe",
            "CONFIG SET maxmemory-policy allkeys-lru", "CONFIG GET maxmemory-policy", "CONFIG SET maxmemory-policy lru",
            "CONFIG SET hash-max-ziplist-entries 100", "CONFIG GET hash-max-listpack-entries",
            "CONFIG GET hash-max-ziplist-entries", "CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory",
            "CONFIG SET daemonize yes", "CONFIG SET slowlog-log-slower-than 5", "CONFIG GET slowlog-*",
            "CONFIG SET list-max-listpack-size -3", "CONFIG GET list-max-ziplist-size", "CONFIG SET lazyfree-lazy-user-del yes",
            "CONFIG GET lazyfree-lazy-user-del", "CONFIG SET save \"\"", "CONFIG GET save", "CONFIG SET appendonly no",
            "CONFIG SET appendfsync sometimes"},
        {"CONFIG SET nope 1", "CONFIG SET maxclients abc", "CONFIG SET databases 5", "CONFIG SET maxclients",
            "CONFIG GET nope*", "CONFIG SET timeout 0", "CONFIG GET timeout", "CONFIG RESETSTAT", "DBSIZE",
            "CLIENT SETNAME \"a b\"", "CLIENT SETNAME ok", "CLIENT GETNAME", "CLIENT SETNAME \"\"", "CLIENT GETNAME",
            "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999", "CLIENT KILL ID x", "CLIENT KILL FOO bar",
            "CLIENT LIST ID x", "CLIENT LIST FOO", "SHUTDOWN BOGUS", "SHUTDOWN ABORT"},
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
    Stream<DynamicTest> repliesMatchRedisByteForByte() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] script : SCRIPTS) {
            tests.add(DynamicTest.dynamicTest(script[0] + " ... (" + script.length + " commands)", () -> run(script, 2)));
        }
        tests.add(DynamicTest.dynamicTest("RESP3 replies", () -> run(new String[] {
            "HELLO 3 SETNAME_SKIP", "GET missing", "SET k v", "GET k", "MGET k nope", "CONFIG GET maxclients",
            "SET k v GET", "INCRBYFLOAT f 1.5", "TTL k", "SET n 1 NX", "CLIENT GETNAME",
            "OBJECT ENCODING nope", "SCAN 0 COUNT 100", "WATCH k", "SET k changed", "MULTI", "GET k", "EXEC",
            "HSET h a 1", "HGETALL h", "SADD st x", "SMEMBERS st", "ZADD z 1.5 a 2 b", "ZSCORE z a",
            "ZMSCORE z a nope", "ZRANGE z 0 -1 WITHSCORES", "ZPOPMIN z", "ZADD z 1 a", "ZPOPMIN z 1",
            "ZADD z INCR 2 a", "ZINCRBY z 1 a", "ZADD one 5 m", "ZRANDMEMBER one 1 WITHSCORES", "ZSCAN z 0",
            "ZRANGEBYSCORE z -inf +inf WITHSCORES", "ZADD m 1 a 2 b", "ZMPOP 1 m MIN COUNT 2", "ZADD m 1 a",
            "BZPOPMIN m 1", "BLPOP nokey 0.01", "XADD xs 1-1 a 1", "XADD xt 2-1 b 2", "XREAD STREAMS xs xt 0 0",
            "XREAD BLOCK 10 STREAMS xs $", "XRANGE xs - +",
            "COMMAND INFO get set xread mset zunionstore object|encoding nosuch", "SET l1 ohmytext", "SET l2 mynewtext",
            "LCS l1 l2 IDX WITHMATCHLEN", "CLIENT SETNAME named", "WATCH k",
            "MULTI", "SET k v", "RESET", "EXEC", "GET missing", "CLIENT GETNAME", "HGETALL h", "RESET x"}, 3)));
        return tests.stream();
    }

    private void run(String[] script, int protocol) throws Exception {
        try (RawClient r = new RawClient(servers.redisPort()); RawClient h = new RawClient(servers.rockhubPort())) {
            r.call("FLUSHALL");
            h.call("FLUSHALL");
            if (protocol == 3) {
                // The connection id differs between the two servers; every other field must match.
                assertEquals(maskHelloId(r.call("HELLO", "3")), maskHelloId(h.call("HELLO", "3")), "reply to: HELLO 3");
            }
            for (String line : script) {
                if (line.endsWith("_SKIP")) {
                    continue;
                }
                String[] args = split(line);
                String expected = r.call(args);
                String actual = h.call(args);
                RespTree.Order order = orderOf(args[0].toUpperCase(java.util.Locale.ROOT));
                if (order != RespTree.Order.EXACT) {
                    // Redis answers these in hash-table order: compare them as sets (or sets of pairs).
                    expected = RespTree.parse(expected).canonical(order);
                    actual = RespTree.parse(actual).canonical(order);
                }
                assertEquals(expected, actual, "reply to: " + line);
            }
            r.assertNothingMoreWithin(java.time.Duration.ofMillis(50));
            h.assertNothingMoreWithin(java.time.Duration.ofMillis(50));
        }
    }

    private static final java.util.Map<String, RespTree.Order> UNORDERED = java.util.Map.ofEntries(
            java.util.Map.entry("KEYS", RespTree.Order.ELEMENTS),
            java.util.Map.entry("HKEYS", RespTree.Order.ELEMENTS),
            java.util.Map.entry("HVALS", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SMEMBERS", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SINTER", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SUNION", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SDIFF", RespTree.Order.ELEMENTS),
            java.util.Map.entry("HGETALL", RespTree.Order.PAIRS),
            java.util.Map.entry("CONFIG", RespTree.Order.PAIRS),
            java.util.Map.entry("HRANDFIELD", RespTree.Order.PAIRS),
            java.util.Map.entry("ZRANDMEMBER", RespTree.Order.PAIRS),
            java.util.Map.entry("SPOP", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SRANDMEMBER", RespTree.Order.ELEMENTS),
            java.util.Map.entry("SCAN", RespTree.Order.SCAN_ELEMENTS),
            java.util.Map.entry("SSCAN", RespTree.Order.SCAN_ELEMENTS),
            java.util.Map.entry("HSCAN", RespTree.Order.SCAN_PAIRS),
            java.util.Map.entry("ZSCAN", RespTree.Order.SCAN_PAIRS));

    /** How a command's reply may be reordered: Redis answers these in hash-table order. */
    static RespTree.Order orderOf(String upperCaseName) {
        return UNORDERED.getOrDefault(upperCaseName, RespTree.Order.EXACT);
    }

    private static String maskHelloId(String hello) {
        return hello.replaceFirst("\\$2\r\nid\r\n:\\d+\r\n", "\\$2\r\nid\r\n:ID\r\n");
    }

    /** Splits on spaces, honouring "double quotes" and backslash escapes. */
    static String[] split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
                any = true;
            } else if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(cur.toString());
        }
        return out.toArray(new String[0]);
    }
}
