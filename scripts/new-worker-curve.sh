#!/usr/bin/env bash
# How fast a worker added under load reaches the rate of the warm ones, with the workers' AOT cache
# and without it (issue 24: "reaches 90 % of the old one's rate within 10 s; report the curve, 1 s
# buckets"). Each run starts a master of the jar (2 virtual workers, proxy) with aot-cache=off or
# auto (alternated); under auto it waits for the cache (wrk -c8 until "AOT cache: ready") and sends a
# HUP so that the warm workers are the cache's too. Then WARMUP seconds of wrk -c16 on URL_PATH, and,
# with that load still running, a TTIN adds a third worker. Each second the master's
# /actuator/concurrency gives every worker's served requests (from its heartbeats, so 1 s
# resolution); the script prints, for each second after the new worker is ready, its requests in that
# second as a percentage of the warm workers' mean.
#
# Usage: scripts/new-worker-curve.sh   env: ROUNDS=1 WARMUP=30 SECONDS_AFTER=20 PORT=18390 JAR=... URL_PATH=/hello
# Only 127.0.0.1 is targeted; every wait is bounded. Needs a JDK 25, wrk and python3.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
rounds=${ROUNDS:-1}
warmup=${WARMUP:-30}
after=${SECONDS_AFTER:-20}
port=${PORT:-18390}
path=${URL_PATH:-/hello}

require_jars
require_jdk 25
require_wrk
[ "$rounds" -ge 1 ] && [ "$rounds" -le 5 ] || { echo "ROUNDS must be 1..5" >&2; exit 1; }

master="" tmp="" load=""
cleanup() {
  [ -n "$load" ] && kill "$load" 2>/dev/null || true
  stop_master
  [ -n "$tmp" ] && rm -rf "$tmp"
  master="" tmp="" load=""
}
trap cleanup EXIT


# Each worker's id and served requests, one "id requests" line each.
requests() {
  curl -sf --max-time 2 "http://127.0.0.1:$port/actuator/concurrency" \
    | python3 -c 'import json, sys; [print(w["id"], w["requests"]) for w in json.load(sys.stdin)["cluster"]["workers"] if w["state"] == "ready"]'
}

run() {
  local setting=$1 log=/tmp/new-worker-curve-$1.log
  tmp=$(mktemp -d /tmp/new-worker-curve.XXXXXX)
  setsid "$java" -Djava.io.tmpdir="$tmp" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    --concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 --concurrency.multi-jvm.worker-model=virtual \
    --concurrency.multi-jvm.aot-cache="$setting" >"$log" 2>&1 &
  master=$!
  await_line "$log" 'is ready after' 2 180
  if [ "$setting" = auto ]; then
    local _
    for _ in $(seq 1 30); do
      grep -q 'AOT cache: ready' "$log" && break
      wrk -t1 -c8 -d10s "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
    done
    await_line "$log" 'AOT cache: ready' 1 60
    local before
    before=$(grep -c 'is ready after' "$log")
    kill -HUP "$master"
    await_line "$log" 'is ready after' $((before + 2)) 180
    sleep 5
  fi
  wrk -t2 -c16 -d"$((warmup + after + 60))s" "http://127.0.0.1:$port$path" >/dev/null 2>&1 &
  load=$!
  sleep "$warmup"
  local ready
  ready=$(grep -c 'is ready after' "$log")
  kill -TTIN "$master"
  await_line "$log" 'is ready after' $((ready + 1)) 180
  local line id
  line=$(grep 'is ready after' "$log" | tail -1)
  id=$(echo "$line" | sed -E 's/.*worker ([0-9]+) .*/\1/')
  local previous current second curve=""
  previous=$(requests)
  for second in $(seq 1 "$after"); do
    sleep 1
    current=$(requests)
    curve="$curve $(python3 - "$id" "$previous" "$current" <<'EOF'
import sys
new, before, now = sys.argv[1], sys.argv[2], sys.argv[3]
parse = lambda text: dict(line.split() for line in text.strip().splitlines())
b, n = parse(before), parse(now)
delta = {k: int(n[k]) - int(b.get(k, 0)) for k in n}
old = [v for k, v in delta.items() if k != new]
mean = sum(old) / len(old) if old else 0
print(round(100 * delta.get(new, 0) / mean) if mean else 0)
EOF
)"
    previous=$current
  done
  echo "round $round $setting: worker $id ($(echo "$line" | grep -oE 'ready after [0-9]+ ms.*')); its requests per second as % of the warm workers' mean, 1 s buckets:$curve"
  cleanup
}

for round in $(seq 1 "$rounds"); do
  run off
  run auto
done
