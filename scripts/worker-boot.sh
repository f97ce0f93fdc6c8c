#!/usr/bin/env bash
# How long a multi-jvm worker takes to be ready with the workers' AOT cache and without it: the
# ratio issue 24 asks for (at most 0.55). Each round starts a master of the jar (2 workers, proxy)
# with concurrency.multi-jvm.aot-cache=off, then one with auto, alternated (off, auto, off, auto...).
# Under auto the master records a cache from a worker that served traffic, so both get the same
# wrk load (-c8) until the cache is ready (auto) or for LOAD seconds (off); then the master gets a
# HUP and the 2 workers of the new generation, booting side by side, are timed from the master's
# own ready lines ("is ready after N ms"). Each run has a temporary directory of its own
# (java.io.tmpdir), so each auto run records its cache from scratch.
#
# Usage: scripts/worker-boot.sh            env: ROUNDS=2 LOAD=20 PORT=18360 JAR=... URL_PATH=/hello
#   JAR=/path/to/app.jar URL_PATH=/ scripts/worker-boot.sh     (another application)
# Only 127.0.0.1 is targeted; every wait is bounded (5 minutes for a cache). Needs a JDK 25, wrk.
# Prints one line per run, then the median ready time of each setting and their ratio.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
rounds=${ROUNDS:-2}
load=${LOAD:-20}
port=${PORT:-18360}
path=${URL_PATH:-/hello}

require_jars
require_jdk 25
require_wrk
[ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1..10" >&2; exit 1; }

master="" tmp=""
cleanup() {
  stop_master
}
trap cleanup EXIT


run() {
  local setting=$1 log=/tmp/worker-boot-$1.log
  # A temporary directory of the run's own: each auto run records its cache from scratch.
  tmp=$(mktemp -d /tmp/worker-boot.XXXXXX)
  setsid "$java" -Djava.io.tmpdir="$tmp" -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
    --concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 \
    --concurrency.multi-jvm.aot-cache="$setting" >"$log" 2>&1 &
  master=$!
  await_line "$log" 'is ready after' 2 120
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
  await_line "$log" 'is ready after' $((before + 2)) 180
  local times
  times=$(grep -oE 'is ready after [0-9]+ ms.*' "$log" | tail -2 | awk '{ print $4 }' | paste -sd' ')
  local state
  state=$(grep 'is ready after' "$log" | tail -2 | grep -oE 'AOT cache: [a-z]+' | paste -sd',' || true)
  echo "round $round $setting: new workers ready after $times ms ${state:+($state)}"
  eval "all_$setting=\"\${all_$setting:-} $times\""
  cleanup
  master=""
  rm -rf "$tmp"
}


for round in $(seq 1 "$rounds"); do
  run off
  run auto
done
off=$(echo "$all_off" | median)
auto=$(echo "$all_auto" | median)
printf 'median ready time: off %s ms, auto %s ms, ratio %.2f (%d rounds, 2 workers each, %s)\n' \
  "$off" "$auto" "$(echo "$auto / $off" | bc -l)" "$rounds" "$(basename "$jar")"
