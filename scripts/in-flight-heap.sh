#!/usr/bin/env bash
# What one IO-bound request in flight keeps alive on the heap under the virtual model: the sample
# app is started fresh (starter defaults) and warmed up, then N requests that sleep 4 s are fired at
# once, and 2.5 s later, when all of them have arrived and sleep, a class histogram of the app's live objects is
# taken (jcmd GC.class_histogram, which runs a full collection first, so only live objects count).
# A histogram of the same app at rest is subtracted. Prints the classes that grew most, and the
# growth per request in flight.
#
# Usage: scripts/in-flight-heap.sh        (env: N=10000)
# Needs the jars (./mvnw package builds them) and a JDK 21+ (JAVA_HOME or
# /usr/lib/jvm/temurin-25-jdk-amd64). Only 127.0.0.1 is targeted; every wait is bounded.
# Writes docs/benchmarks/in-flight-heap.md.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

N=${N:-10000}
readonly port=18320

require_jars tool
require_jdk 21 jcmd
raise_open_files

app=""
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

"$jdk/bin/java" -jar "$jar" --server.port=$port --server.address=127.0.0.1 --concurrency.model=virtual \
  >"$work/app.log" 2>&1 &
app=$!
await_url "http://127.0.0.1:$port/actuator/health/readiness" || true
"$jdk/bin/java" -jar "$tool" closed-loop --url="http://127.0.0.1:$port/hello" --connections=64 --duration=15s --quiet \
  >/dev/null || true
"$jdk/bin/java" -jar "$tool" at-once --url="http://127.0.0.1:$port/io-bound?s=0.5" --n="$N" --quiet >/dev/null || true
sleep 3

# "<bytes> <instances> <class>" per class, live objects only.
histogram() {
  "$jdk/bin/jcmd" "$app" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ { print $3, $2, $4 }'
}

histogram >"$work/rest"
"$jdk/bin/java" -jar "$tool" at-once --url="http://127.0.0.1:$port/io-bound?s=4" --n="$N" --quiet >"$work/load" &
load=$!
sleep 2.5
histogram >"$work/busy"
wait "$load" || true
# Read after the load: during it, a request for the gauge would queue behind the cap like any other.
in_flight=$(curl -s --max-time 5 "http://127.0.0.1:$port/actuator/metrics/concurrency.requests.peak" \
  | sed -n 's/.*"statistic":"VALUE","value":\([0-9.]*\).*/\1/p')
kill "$app"
wait "$app" 2>/dev/null || true
app=""

exec > >(tee docs/benchmarks/in-flight-heap.md)

echo "Written by \`scripts/in-flight-heap.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): virtual model, starter defaults;" \
  "$N IO-bound requests (sleep 4 s) fired at once, live heap taken 2.5 s later, minus the live heap at rest;" \
  "$("$jdk/bin/java" -version 2>&1 | head -n 1). Peak of requests in flight, from the app's" \
  "concurrency.requests.peak gauge: ${in_flight:-unknown}. The load: $(awk '/requests/ { print $2, $3, $4, $5, $6, $7; exit }' "$work/load")"
echo
echo "| Class | Instances added | Bytes added | Bytes per request in flight |"
echo "| --- | ---: | ---: | ---: |"
awk -v n="${in_flight:-$N}" '
  NR == FNR { rest[$3] = $1; restn[$3] = $2; next }
  { grow = $1 - rest[$3]; if (grow > 0) { print grow, $2 - restn[$3], $3 } }' "$work/rest" "$work/busy" \
  | sort -rn | head -n 12 | awk -v n="${in_flight:-$N}" '
  { total += $1; printf "| `%s` | %d | %d | %.0f |\n", $3, $2, $1, (n > 0) ? $1 / n : 0 }'
awk -v n="${in_flight:-$N}" '
  NR == FNR { rest += $1; next } { busy += $1 }
  END { printf "| **all classes** | | %d | **%.0f** |\n", busy - rest, (n > 0) ? (busy - rest) / n : 0 }' \
  "$work/rest" "$work/busy"
