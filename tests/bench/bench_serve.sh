#!/bin/sh
# `chipgate serve` under load (issue 16's targets), driven by wrk (Debian
# package wrk) over loopback with keep-alive:
#   1. POST /v1/check at CONNS concurrent connections for SECS seconds:
#      requests/s and latency percentiles (target >= 3,000/s, p99 <= 10 ms
#      at 32 connections on 2 cores);
#   2. POST /v1/orders, each request a new order (target >= 1,000/s);
#   3. 4 x CONNS connections of checks and orders together for LONG
#      seconds: every answer must be a 2xx or a 503 with Retry-After, the
#      orders answered 200 must all be stored once (none lost, none twice),
#      the audit chain must verify, and the server's memory must stay flat.
# The server runs on the demo database with the full CSL, --threads 2.
#
# usage: tests/bench/bench_serve.sh [BUILD_DIR] [SECS] [CONNS] [LONG]
#        (defaults: ./build, 30, 32, 60)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
secs=${2:-30}
conns=${3:-32}
long=${4:-60}
cg=$build/chipgate
command -v wrk >/dev/null || {
  echo "bench_serve: needs wrk (apt-get install wrk)" >&2
  exit 1
}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export CHIPGATE_RULES=$here/rules CHIPGATE_DATA_DIR=$here
db=$work/serve.db
"$cg" --db "$db" demo --out "$work/reports" >/dev/null
csl=$here/tests/data/csl/csl_full_2026-07-31.csv
[ -f "$csl" ] && "$cg" --db "$db" import parties "$csl" --input-format csl-csv >/dev/null
token=$("$cg" --db "$db" token add bench --role admin 2>/dev/null)

"$cg" --db "$db" serve --listen 127.0.0.1:0 --threads 2 --format json \
  >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
i=0
while ! grep -q '"port"' "$work/serve.out" 2>/dev/null; do
  i=$((i + 1))
  [ $i -lt 200 ] || { echo "bench_serve: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's/.*"port": \([0-9]*\).*/\1/p' "$work/serve.out")
url=http://127.0.0.1:$port
rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }

cat >"$work/check.lua" <<EOF
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"customer": "Nordic AI Cloud AB", "chip": "NVIDIA H100 SXM5 80GB", "destination": "SE", "quantity": 8, "ship_date": "2026-11-20"}'
EOF
# Each request a new order: the thread's number and a counter make the id.
cat >"$work/orders.lua" <<EOF
local n = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function request()
  n = n + 1
  local body = string.format('{"order_id": "B-%d-%d-%d", "customer": "Nordic AI Cloud AB", "chip": "NVIDIA H100 SXM5 80GB", "destination": "SE", "quantity": 1, "ship_date": "2026-11-20"}', PHASE, id, n)
  return wrk.format("POST", "/v1/orders", {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json"}, body)
end
EOF

report() { # name file
  rps=$(awk '/Requests\/sec/ { print $2 }' "$2")
  p50=$(awk '$1 == "50%" { print $2 }' "$2")
  p99=$(awk '$1 == "99%" { print $2 }' "$2")
  non2xx=$(awk '/Non-2xx/ { print $5 }' "$2")
  errs=$(awk '/Socket errors/ { print }' "$2")
  total=$(awk '/requests in/ { print $1 }' "$2")
  echo "$1: $total requests, $rps/s, p50 $p50, p99 $p99, non-2xx ${non2xx:-0}${errs:+, $errs}"
}

rss0=$(rss)
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/check.lua" "$url/v1/check" >"$work/check.txt"
report "POST /v1/check, $conns connections" "$work/check.txt"
sed "s/PHASE/1/" "$work/orders.lua" >"$work/orders1.lua"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/orders1.lua" "$url/v1/orders" >"$work/orders.txt"
report "POST /v1/orders, $conns connections" "$work/orders.txt"
rss1=$(rss)

big=$((conns * 4))
sed "s/PHASE/2/" "$work/orders.lua" >"$work/orders2.lua"
# RSS every 5 s of the overload: flat means the second half does not grow
( while kill -0 "$pid" 2>/dev/null; do rss >>"$work/rss.txt"; sleep 5; done ) &
sampler=$!
wrk -t1 -c"$((big / 2))" -d"${long}s" --latency -s "$work/check.lua" "$url/v1/check" >"$work/over_check.txt" &
w1=$!
wrk -t1 -c"$((big / 2))" -d"${long}s" --latency -s "$work/orders2.lua" "$url/v1/orders" >"$work/over_orders.txt"
wait $w1
report "overload: checks, $((big / 2)) connections" "$work/over_check.txt"
report "overload: orders, $((big / 2)) connections" "$work/over_orders.txt"
rss2=$(rss)
kill "$sampler" 2>/dev/null || true
awk '{ v[NR] = $1 } END { h = int((NR + 1) / 2); max = 0
  for(i = h; i <= NR; i++) if(v[i] > max) max = v[i]
  printf "RSS during the overload (%d samples, 5 s apart): %d kB at the start, %d kB at half time, %d kB at the end, %d kB the most in the second half\n", NR, v[1], v[h], v[NR], max }' "$work/rss.txt"
kill -TERM "$pid"
wait "$pid" || { echo "bench_serve: the server did not exit 0 on SIGTERM" >&2; exit 1; }
pid=

# Every order answered 200 is stored once; the few still in flight when
# wrk stopped may be stored without wrk having read their answer.
num() { awk -v k="$1" '$0 ~ k { print $(NF == 5 ? 5 : 1); f = 1 } END { if(!f) print 0 }' "$2"; }
ok_orders=$(($(num "requests in" "$work/orders.txt") - $(num "Non-2xx" "$work/orders.txt") + $(num "requests in" "$work/over_orders.txt") - $(num "Non-2xx" "$work/over_orders.txt")))
stored=$(sqlite3 "$db" "SELECT count(*) FROM orders WHERE order_id LIKE 'B-%'")
decided=$(sqlite3 "$db" "SELECT count(*) FROM orders WHERE order_id LIKE 'B-%' AND current_seq IS NOT NULL")
echo "orders answered 2xx: $ok_orders; stored: $stored; decided: $decided"
[ "$stored" -ge "$ok_orders" ] && [ "$stored" -eq "$decided" ] ||
  { echo "bench_serve: orders lost or undecided" >&2; exit 1; }
echo "server RSS: $rss0 kB at start, $rss1 kB after the first runs, $rss2 kB after the overload"
"$cg" --db "$db" audit verify
