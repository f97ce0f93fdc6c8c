#!/usr/bin/env bash
# Memory of multi-jvm against one JVM of the same application (issue 24's targets: the master at
# most 64 MB of PSS, master + 2 workers at most 1.4x one JVM). Three setups, started one at a time
# from the jar and alternated in each round (one, multi, multi-in-app-jvm, one, ...):
#   one               one virtual JVM (--concurrency.model=virtual)
#   multi             a master (its own JVM, the default master-jvm-args) + 2 virtual workers, proxy
#   multi-in-app-jvm  the same with master-jvm-args=[] (the master keeps the application's JVM)
#   multi-aot         multi with aot-cache=auto, measured once the cache is ready and a HUP has
#                     replaced both workers by workers that map it (JDK 25)
# Each gets the same load, wrk -t2 -c32 for LOAD seconds against URL_PATH, then the PSS
# (/proc/<pid>/smaps_rollup, shared pages split between their users) of every process is read.
#
# Usage: scripts/master-footprint.sh      env: ROUNDS=2 LOAD=20 PORT=18370 JAR=... URL_PATH=/hello AOT=1
# (AOT=0 leaves multi-aot out, for a JDK before 25).
# Only 127.0.0.1 is targeted; every wait is bounded. Needs a JDK 22+ and wrk.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
rounds=${ROUNDS:-2}
load=${LOAD:-20}
port=${PORT:-18370}
path=${URL_PATH:-/hello}

require_jars
require_jdk 22
require_wrk
[ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1..10" >&2; exit 1; }

app="" tmp=""
cleanup() {
  [ -n "$app" ] || return 0
  kill -TERM "$app" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$app" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL -- "-$app" 2>/dev/null || true
}
trap cleanup EXIT

pss_mb() { awk '/^Pss:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/smaps_rollup"; }

run() {
  local setup=$1 log=/tmp/master-footprint-$1.log workers=0
  local -a args=(--server.port="$port" --server.address=127.0.0.1)
  case $setup in
    one) args+=(--concurrency.model=virtual) ;;
    multi) args+=(--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2
      --concurrency.multi-jvm.worker-model=virtual); workers=2 ;;
    multi-in-app-jvm) args+=(--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2
      --concurrency.multi-jvm.worker-model=virtual "--concurrency.multi-jvm.master-jvm-args="); workers=2 ;;
    multi-aot) args+=(--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2
      --concurrency.multi-jvm.worker-model=virtual --concurrency.multi-jvm.aot-cache=auto); workers=2 ;;
  esac
  # A temporary directory of the run's own: the AOT cache is recorded from scratch each time.
  tmp=$(mktemp -d /tmp/master-footprint.XXXXXX)
  setsid "$java" -Djava.io.tmpdir="$tmp" -jar "$jar" "${args[@]}" >"$log" 2>&1 &
  app=$!
  await_url "http://127.0.0.1:$port$path" || { echo "not ready: $log" >&2; exit 1; }
  await_workers "$log" "$workers" || { echo "workers not ready: $log" >&2; exit 1; }
  if [ "$setup" = multi-aot ]; then
    local _ ready
    for _ in $(seq 1 30); do
      grep -q 'AOT cache: ready' "$log" && break
      wrk -t1 -c8 -d10s "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
    done
    grep -q 'AOT cache: ready' "$log" || { echo "no cache within 5 minutes: $log" >&2; exit 1; }
    ready=$(grep -c 'is ready' "$log")
    kill -HUP "$app"
    await_workers "$log" $((ready + 2)) || { echo "no new workers: $log" >&2; exit 1; }
    # Both old workers gone: only the new generation is measured.
    for _ in $(seq 1 120); do [ "$(pgrep -P "$app" | wc -l)" -le 2 ] && break; sleep 0.5; done
  fi
  wrk -t2 -c32 -d"${load}s" "http://127.0.0.1:$port$path" >/dev/null 2>&1
  sleep 2
  local own total line
  own=$(pss_mb "$app")
  total=$own
  line="$setup: pid $app $own MB"
  for pid in $(pgrep -P "$app" || true); do
    local w
    w=$(pss_mb "$pid")
    total=$((total + w))
    line="$line, worker $w MB"
  done
  echo "round $round $line, total $total MB"
  eval "total_${setup//-/_}=\"\${total_${setup//-/_}:-} $total\""
  [ "$setup" = one ] || eval "master_${setup//-/_}=\"\${master_${setup//-/_}:-} $own\""
  cleanup
  app=""
  rm -rf "$tmp"
}


for round in $(seq 1 "$rounds"); do
  run one
  run multi
  run multi-in-app-jvm
  [ "${AOT:-1}" = 0 ] || run multi-aot
done
one=$(echo "$total_one" | median)
multi=$(echo "$total_multi" | median)
inapp=$(echo "$total_multi_in_app_jvm" | median)
[ "${AOT:-1}" = 0 ] || printf 'medians with the AOT cache: master + 2 workers %s MB = %.2fx\n' \
  "$(echo "$total_multi_aot" | median)" "$(echo "$(echo "$total_multi_aot" | median) / $one" | bc -l)"
printf 'medians: one JVM %s MB; master (own JVM) %s MB, master + 2 workers %s MB = %.2fx; master in the application'"'"'s JVM %s MB, + 2 workers %s MB = %.2fx (%d rounds, %s)\n' \
  "$one" "$(echo "$master_multi" | median)" "$multi" "$(echo "$multi / $one" | bc -l)" \
  "$(echo "$master_multi_in_app_jvm" | median)" "$inapp" "$(echo "$inapp / $one" | bc -l)" "$rounds" "$(basename "$jar")"
