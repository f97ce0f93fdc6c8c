#!/usr/bin/env bash
# Where the time of "10,000 IO-bound requests at once" goes under the virtual model, and what the
# app's garbage collector changes about it. Each request in flight holds Tomcat's buffers for its
# request and response and its virtual thread's stack for the whole sleep, so 10,000 at once keep
# about a gigabyte alive for a second, which a copying young collection has to move.
#
# For each option set, in ROUNDS interleaved rounds (so that background load hits every set alike),
# the sample app is started fresh (virtual model, starter defaults) with those JVM options, warmed up
# (30 s of hello on 64 connections, then one untimed round of each step), then measured: N hello requests at once, then N IO-bound requests
# (sleep 1 s) at once, with the load tool's socket client. For each step it records the wall time,
# the app's and the client's CPU time (from /proc) and the app's GC pause time (its jvm.gc.pause
# metric). It also prints the ratio IO wall / (1 s + 1.3 × hello wall), the issue's target (≤ 1).
# Only 127.0.0.1 is targeted; every wait is bounded.
#
# Usage: scripts/io-gc-options.sh       (env: ROUNDS=2 N=10000 SETS=regex)
# Needs the jars (scripts/benchmark.sh or ./mvnw package builds them) and a JDK 21+ (JAVA_HOME or
# /usr/lib/jvm/temurin-25-jdk-amd64). Writes docs/benchmarks/io-gc-options.md.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-2}
N=${N:-10000}
SETS=${SETS:-.}
readonly port=18310

require_jars tool
require_jdk 21
raise_open_files
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((N + 1000)) ]; then
  echo "The open-file limit ($(ulimit -n)) is too low for $N connections at once." >&2
  exit 1
fi

# name|JVM options ("" for the JVM's defaults: G1 with this machine's ergonomics)
sets=(
  "G1 (default)|"
  "G1, -Xmn2g|-Xmn2g"
  "Parallel|-XX:+UseParallelGC"
  "Serial|-XX:+UseSerialGC"
  "ZGC|-XX:+UseZGC"
)

app=""
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

gc_pause() {
  local body
  body=$(curl -s --max-time 5 "http://127.0.0.1:$port/actuator/metrics/jvm.gc.pause" || true)
  # No meter yet means no pause yet.
  sed -n 's/.*"statistic":"TOTAL_TIME","value":\([0-9.eE+-]*\).*/\1/p' <<<"$body" | grep . || echo 0
}

# Runs one at-once step; prints "wall app-cpu client-cpu gc-pause ok".
step() {
  local url=$1 out gc0 gc1 ok=yes
  gc0=$(gc_pause)
  out=$("$java" -jar "$tool" at-once --url="$url" --n="$N" --watch-pid="$app" --quiet) || ok=no
  gc1=$(gc_pause)
  awk -v g0="$gc0" -v g1="$gc1" -v ok="$ok" '
    /^  wall time/ { wall = $3 } /^  client CPU/ { client = $3 } /^  server CPU/ { server = $3 }
    END { printf "%s %s %s %.3f %s\n", wall, server, client, g1 - g0, ok }' <<<"$out"
}

results=$(mktemp)
trap 'rm -f "$results"; [ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  for entry in "${sets[@]}"; do
    name=${entry%%|*}
    options=${entry#*|}
    [[ $name =~ $SETS ]] || continue
    # shellcheck disable=SC2086
    "$java" $options -jar "$jar" --server.port=$port --server.address=127.0.0.1 --concurrency.model=virtual \
      >/tmp/io-gc-options-app.log 2>&1 &
    app=$!
    await_url "http://127.0.0.1:$port/actuator/health/readiness" || true
    # Warm-up, untimed: the JIT needs about half a minute of load to settle, and the first N at once
    # in a fresh JVM also pays for growing the heap and compiling the paths of so many connections.
    "$java" -jar "$tool" closed-loop --url="http://127.0.0.1:$port/hello" --connections=64 --duration=30s --quiet \
      >/dev/null || true
    "$java" -jar "$tool" at-once --url="http://127.0.0.1:$port/io-bound?s=1" --n="$N" --quiet >/dev/null || true
    sleep 2
    "$java" -jar "$tool" at-once --url="http://127.0.0.1:$port/hello" --n="$N" --quiet >/dev/null || true
    sleep 2
    read -r hw hs hc hg hok < <(step "http://127.0.0.1:$port/hello")
    sleep 2
    read -r iw is ic ig iok < <(step "http://127.0.0.1:$port/io-bound?s=1")
    kill "$app"
    wait "$app" 2>/dev/null || true
    app=""
    echo "$name|$round|$hw|$hs|$hc|$hg|$hok|$iw|$is|$ic|$ig|$iok" >>"$results"
    echo "round $round, $name: hello $hw s, IO $iw s" >&2
  done
done

exec > >(tee docs/benchmarks/io-gc-options.md)

echo "Written by \`scripts/io-gc-options.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): virtual model, starter defaults," \
  "N = $N at once, IO sleep 1 s, $ROUNDS interleaved round(s), each set started fresh; $(nproc) cores;" \
  "$("$java" -version 2>&1 | head -n 1)."
echo
echo "| App JVM options | Round | Hello: wall (s) | app CPU (s) | client CPU (s) | GC pauses (s) | IO: wall (s) | app CPU (s) | client CPU (s) | GC pauses (s) | IO wall / (1 s + 1.3 × hello wall) | All 2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
sort -t'|' -k1,1 -s "$results" | awk -F'|' '{
  ratio = ($3 > 0) ? $8 / (1 + 1.3 * $3) : 0
  printf "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |\n",
    $1, $2, $3, $4, $5, $6, $8, $9, $10, $11, ratio, ($7 == "yes" && $12 == "yes") ? "yes" : "no"
}'
echo
echo "CPU time from /proc over each step (app: its process; client: the load tool's). GC pauses: the" \
  "app's jvm.gc.pause metric over the step."
