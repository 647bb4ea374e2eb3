"""Latency seen by a client of one node while something else happens (a slot migration): GETs of
one key, one at a time and a millisecond apart, until SIGTERM; then prints "p50_ms,p99_ms,max_ms,count".

    python3 bench/latency_probe.py PORT KEY
"""
import signal
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
from resp import Conn  # noqa: E402

port, key = int(sys.argv[1]), sys.argv[2]
c = Conn(port)
c("SET", key, "probe")
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
lat = []
while not stop:
    t0 = time.perf_counter()
    c("GET", key)
    lat.append(time.perf_counter() - t0)
    time.sleep(0.001)  # about a thousand a second: a sample, not a load of its own
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print(f"{q(0.5):.2f},{q(0.99):.2f},{lat[-1] * 1000:.2f},{len(lat)}")
