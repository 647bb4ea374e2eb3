# The serial command patterns of Redis's own unit tests (set.tcl, zset.tcl, scan.tcl), seeded, timed
# per server: bench/redis-tests runs them. A minimal RESP client, so nothing needs installing.
import random, sys, time

from resp import Conn

def intset_stress(r, rnd):
    for j in range(20):
        r("DEL", "s"); s = set()
        for i in range(rnd.randrange(1024)):
            d = rnd.choice([rnd.randrange(65536), rnd.randrange(4294967296), rnd.randrange(18446744073709551616)])
            s.add(str(d).encode()); r("SADD", "s", d)
        assert sorted(r("SMEMBERS", "s")) == sorted(s)
        for _ in range(len(s)):
            s.remove(r("SPOP", "s"))
        assert r("SCARD", "s") == 0

def sdiff_fuzz(r, rnd):
    for j in range(100):
        args = []
        for i in range(rnd.randrange(10) + 1):
            r("DEL", "set_%d" % i); args.append("set_%d" % i)
            for _ in range(rnd.randrange(100)):
                r("SADD", "set_%d" % i, rnd.randrange(1000))
        r("SDIFF", *args)

def zset_skiplist(r, rnd):
    # as zset.tcl's "ZSETs skiplist implementation backlink consistency test"
    elements = 128
    r("DEL", "myzset")
    for j in range(elements):
        r("ZADD", "myzset", rnd.randrange(0, 100), "Element-%d" % j)
    r("ZRANGE", "myzset", 0, -1); r("ZREVRANGE", "myzset", 0, -1)
    # "ZSCORE" / "ZSETs ZRANK augmented skip list stress testing"
    r("DEL", "myzset"); s = {}
    for k in range(2000):
        i = k % elements
        if rnd.random() < .2:
            r("ZREM", "myzset", i); s.pop(i, None)
        else:
            score = rnd.random(); r("ZADD", "myzset", score, i); s[i] = score
        card = r("ZCARD", "myzset")
        if card > 0:
            ele = r("ZRANGE", "myzset", rnd.randrange(card), -1)
            r("ZRANK", "myzset", ele[0])

def scan_basic(r, rnd):
    # scan.tcl: 1000 keys (DEBUG POPULATE in Redis; SETs here), then SCAN COUNT 5 until the cursor is 0, ten times
    r("FLUSHALL")
    for i in range(1000):
        r("SET", "key:%d" % i, "value:%d" % i)
    for _ in range(10):
        cur, keys = b"0", set()
        while True:
            cur, part = r("SCAN", cur, "COUNT", 5); keys.update(part)
            if cur == b"0": break
        assert len(keys) == 1000
    for t in range(10):  # SSCAN / HSCAN / ZSCAN of 1000-element values
        r("DEL", "set", "hash", "zset")
        for i in range(0, 1000, 100):
            r("SADD", "set", *range(i, i + 100)); r("HSET", "hash", *sum([[k, k] for k in range(i, i + 100)], []))
            r("ZADD", "zset", *sum([[k, k] for k in range(i, i + 100)], []))
        for cmd in ("SSCAN", "HSCAN", "ZSCAN"):
            key = {"SSCAN": "set", "HSCAN": "hash", "ZSCAN": "zset"}[cmd]; cur = b"0"
            while True:
                cur, part = r(cmd, key, cur); 
                if cur == b"0": break

port = int(sys.argv[1]); label = sys.argv[2]
r = Conn(port); r("FLUSHALL")
row = [label]
for name, fn in [("intset stress", intset_stress), ("SDIFF fuzzing", sdiff_fuzz), ("zset skiplist/ZRANK", zset_skiplist), ("SCAN/SSCAN/HSCAN/ZSCAN", scan_basic)]:
    t = time.time(); fn(r, random.Random(42)); row.append("%.1f" % (time.time() - t))
print("| " + " | ".join(row) + " |")
