# Shared by the bench scripts: paths, the jar (rebuilt when sources changed), ports, process cleanup.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/results"
work="$out/tmp"
mkdir -p "$out"
rm -rf "$work"; mkdir -p "$work"

command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || {
  echo "bench: needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }

jar="$root/routes/target/rockhub.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/hub-core/src "$root"/resp-server/src "$root"/routes/src -newer "$jar" -type f -print -quit)" ]; then
  (cd "$root" && mvn -q -B -DskipTests package -pl routes -am) >/dev/null
fi

# The JVM options bin/rockhub starts with (a fixed heap, touched at start).
rockhub_jvm="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# The first of N consecutive ports that are all free now (a local cluster listens on P, P+1, ...).
free_ports() { python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(1000):
    base = random.randrange(20000, 60000 - n)
    socks = []
    try:
        for p in range(base, base + n):
            s = socket.socket(); socks.append(s); s.bind(("127.0.0.1", p))
        print(base); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}
# fill_stream PORT KEY N PAYLOAD: a stream KEY with ids 1-0 .. N-0, each with field "payload" =
# PAYLOAD, and a group "workers" reading it from the start (XACK can then name pending ids at random).
fill_stream() {
  python3 - "$2" "$3" "$4" <<'PY' | redis-cli -p "$1" --pipe >/dev/null
import sys
key, n, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = sys.stdout
for i in range(1, n + 1):
    out.write(f"*5\r\n$4\r\nXADD\r\n${len(key)}\r\n{key}\r\n${len(str(i)) + 2}\r\n{i}-0\r\n$7\r\npayload\r\n"
              f"${len(payload)}\r\n{payload}\r\n")
PY
  redis-cli -p "$1" XGROUP CREATE "$2" workers 0 >/dev/null
}
wait_port() { for _ in $(seq 1 300); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "server on $1 did not start" >&2; return 1; }

pids=()
# TERM, then KILL after 10 s: a Redis still writing its first AOF refuses to stop.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
