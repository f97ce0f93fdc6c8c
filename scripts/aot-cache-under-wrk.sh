#!/usr/bin/env bash
# Issue 24's "done when", by hand: a real master of the sample app's jar, with the AOT cache left at
# its default (auto), under wrk from start to end: the cache is recorded and created, a HUP's
# workers start with it ("AOT cache: used"), then a copy of the cache damaged in its middle is
# renamed over it and a HUP's workers boot anyway: the refusal is logged and the cache rebuilt; a last
# HUP's workers start with the rebuilt cache. wrk must report no socket error and no non-2xx answer.
#
# Usage: scripts/aot-cache-under-wrk.sh     env: PORT=18390 JAR=... BALANCER=proxy URL_PATH=/hello
#   JVM_OPTIONS='...' (the master's, before -jar: --enable-native-access=ALL-UNNAMED for a jar whose
#   manifest lacks it, under shared-socket)
# Only 127.0.0.1 is targeted; every wait is bounded. Needs a JDK 25 and wrk. Prints the master's AOT
# cache lines and wrk's summary; exits non-zero if a step did not come or a request failed.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
port=${PORT:-18390}
path=${URL_PATH:-/hello}
balancer=${BALANCER:-proxy}

require_jars
require_jdk 25
require_wrk

master="" tmp="" load=""
cleanup() {
  [ -n "$load" ] && kill -INT "$load" 2>/dev/null || true
  stop_master
  [ -n "$tmp" ] && rm -rf "$tmp"
  master="" tmp="" load=""
}
trap cleanup EXIT

tmp=$(mktemp -d /tmp/aot-cache-under-wrk.XXXXXX)
log=/tmp/aot-cache-under-wrk-$balancer.log
# shellcheck disable=SC2086
setsid "$java" -Djava.io.tmpdir="$tmp" ${JVM_OPTIONS:-} -jar "$jar" --server.port="$port" --server.address=127.0.0.1 \
  --concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 \
  --concurrency.multi-jvm.balancer="$balancer" >"$log" 2>&1 &
master=$!
await_line "$log" 'is ready after' 2 180

# Bounded: 15 minutes at most, stopped with SIGINT (wrk then prints its summary) once done. wrk
# counts an answer slower than its timeout as a "timeout" error: 30 s, a proxy's usual bound, not its
# default 2 s, which a large application's answers passed while two of its workers booted on 2 cores.
wrk -t2 -c8 -d900s --timeout 30s "http://127.0.0.1:$port$path" >"$tmp/wrk.txt" 2>&1 &
load=$!

await_line "$log" 'AOT cache: ready \(' 1 600
kill -HUP "$master"
await_line "$log" 'is ready after [0-9]+ ms, AOT cache: used' 2 300

directory=$(grep -oE 'AOT cache: extracted the application into [^ ]+/app in' "$log" | head -1 \
  | sed -E 's/^AOT cache: extracted the application into (.*)\/app in$/\1/')
cache=$directory/app.aot
[ -f "$cache" ] || { echo "no cache at $cache" >&2; exit 1; }
# A copy damaged in its middle, renamed over the cache: the running workers keep the file they mapped.
cp "$cache" "$cache.damaged"
size=$(stat -c %s "$cache.damaged")
printf '\377\377\377\377\377\377\377\377' | dd of="$cache.damaged" bs=1 seek=$((size / 2)) conv=notrunc status=none
mv -f "$cache.damaged" "$cache"
kill -HUP "$master"
await_line "$log" 'AOT cache refused by worker' 1 300
await_line "$log" 'AOT cache: ready \(' 2 600
kill -HUP "$master"
await_line "$log" 'is ready after [0-9]+ ms, AOT cache: used' 4 300

kill -INT "$load"
wait "$load" || true
load=""
grep -E 'AOT cache|recorded the AOT cache|is ready after' "$log" | sed 's/^/master: /'
sed 's/^/wrk: /' "$tmp/wrk.txt"
if grep -qE 'Non-2xx|Socket errors' "$tmp/wrk.txt"; then
  echo "FAILED: wrk saw failed requests ($balancer)" >&2
  exit 1
fi
echo "OK: $(awk '/requests in/ { print $1 }' "$tmp/wrk.txt") requests, none failed ($balancer, $(basename "$jar"))"
