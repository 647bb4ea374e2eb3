#!/usr/bin/env python3
"""Replication lag: the time from the primary acknowledging an XADD to the entry being readable on
the replica. A writer XADDs to stream "lag" on the primary at a fixed rate and notes each reply's
arrival; a reader blocks on XREAD on the replica and notes each entry's arrival; both clocks are
this process's. Prints p50/p99/max in ms. Raw RESP over sockets: no client library needed.

usage: replication_lag.py PRIMARY_PORT REPLICA_PORT SECONDS RATE
"""
import sys
import threading
import time

from resp import Conn


def main():
    primary, replica, seconds, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    acked, seen = {}, {}
    done = threading.Event()

    def reader():
        c = Conn(replica)
        last = b"$"
        while not done.is_set() or len(seen) < len(acked):
            c.send("XREAD", "COUNT", "1000", "BLOCK", "1000", "STREAMS", "lag", last)
            r = c.read()
            now = time.monotonic()
            if r is None:
                if done.is_set():
                    break
                continue
            for entry in r[0][1]:
                seen[entry[0]] = now
                last = entry[0]

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(0.5)
    w = Conn(primary)
    interval = 1.0 / rate
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        w.send("XADD", "lag", "*", "n", n)
        acked[w.read()] = time.monotonic()
        n += 1
        sleep = start + n * interval - time.monotonic()
        if sleep > 0:
            time.sleep(sleep)
    done.set()
    t.join(timeout=30)
    lags = sorted(max(0.0, seen[i] - acked[i]) * 1000 for i in acked if i in seen)
    missing = len(acked) - len(lags)
    if not lags:
        print("no samples")
        return
    p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
    print("samples=%d missing=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f" % (len(lags), missing, p(0.5), p(0.99), lags[-1]))


if __name__ == "__main__":
    main()
