#!/usr/bin/env bash
# What a worker started with the workers' AOT cache serves in its first 10 s, alone, against one
# started without it (issue 24: "serves, in its first 10 s under wrk, at least what a worker without
# it serves"). Each run starts a master of the jar with one worker and aot-cache=off or auto,
# alternated (off, auto, off, auto...), each with a temporary directory of its own. Both get wrk -c8
# load until the cache is ready (auto) or for LOAD seconds (off); then a HUP starts the new
# generation's one worker, and as soon as the master says it is ready, wrk -c16 runs for 10 s: the
# new worker serves alone, with the cache (auto, its ready line says "AOT cache: used") or without.
#
# The balancer is shared-socket unless BALANCER says otherwise: the worker then takes the connections
# itself, while behind the proxy the master's hop caps both settings at the same rate.
#
# Usage: scripts/first-seconds.sh     env: ROUNDS=3 LOAD=20 PORT=18370 JAR=... URL_PATH=/hello BALANCER=shared-socket
# Only 127.0.0.1 is targeted; every wait is bounded. Needs a JDK 25 and wrk.
# Prints one line per run, then the median requests/s of each setting and their ratio.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
rounds=${ROUNDS:-3}
load=${LOAD:-20}
port=${PORT:-18370}
path=${URL_PATH:-/hello}
balancer=${BALANCER:-shared-socket}

require_jars
require_jdk 25
require_wrk
[ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1..10" >&2; exit 1; }

master="" tmp=""
cleanup() {
  stop_master
  [ -n "$tmp" ] && rm -rf "$tmp"
  master="" tmp=""
}
trap cleanup EXIT

run() {
  local setting=$1 log=/tmp/first-seconds-$1.log
  tmp=$(mktemp -d /tmp/first-seconds.XXXXXX)
  setsid "$java" -Djava.io.tmpdir="$tmp" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    --concurrency.model=multi-jvm --concurrency.multi-jvm.workers=1 --concurrency.multi-jvm.balancer="$balancer" \
    --concurrency.multi-jvm.aot-cache="$setting" >"$log" 2>&1 &
  master=$!
  await_line "$log" 'is ready after' 1 120
  if [ "$setting" = auto ]; then
    local _
    for _ in $(seq 1 30); do
      grep -q 'AOT cache: ready' "$log" && break
      wrk -t1 -c8 -d10s "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
    done
    await_line "$log" 'AOT cache: ready' 1 60
  else
    wrk -t1 -c8 -d"${load}s" "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
  fi
  local before
  before=$(grep -c 'is ready after' "$log")
  kill -HUP "$master"
  await_line "$log" 'is ready after' $((before + 1)) 180
  local out rate ready
  out=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$port$path" 2>&1) || true
  rate=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  ready=$(grep 'is ready after' "$log" | tail -1 | grep -oE 'ready after [0-9]+ ms.*')
  echo "round $round $setting: $rate requests/s in its first 10 s ($ready)$(grep -E 'Non-2xx|Socket errors' <<<"$out" | sed 's/^/; /' | paste -sd' ' || true)"
  eval "all_$setting=\"\${all_$setting:-} $rate\""
  cleanup
}


for round in $(seq 1 "$rounds"); do
  run off
  run auto
done
off=$(echo "$all_off" | median)
auto=$(echo "$all_auto" | median)
printf 'median requests/s in a new worker'"'"'s first 10 s: off %s, auto %s, ratio %.2f (%d rounds, %s, %s)\n' \
  "$off" "$auto" "$(echo "$auto / $off" | bc -l)" "$rounds" "$balancer" "$(basename "$jar")"
