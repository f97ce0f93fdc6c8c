#!/usr/bin/env bash
# Hello throughput of several configurations of the sample app, alternated (A, B, A, B...) in one
# run, with wrk as the client: the figures the issue's ratios are judged on. Each configuration is
# started fresh from the jar in every round, warmed up with the same wrk loop (WARMUP seconds), then
# measured for 10 s. The app's CPU per request (its process and its children: a multi-jvm master and
# its workers) is read from /proc around the measured loop.
#
# Usage: scripts/hello-ab.sh "name|app arguments" "name|app arguments" ...
#   env: ROUNDS=2 WARMUP=30 CONNECTIONS=64 PORT=18340 JVM_OPTIONS= (JVM options of every run, before -jar:
#   e.g. -Djava.io.tmpdir=DIR, where a master with aot-cache=auto finds a cache made before)
# Example:
#   scripts/hello-ab.sh "platform|--concurrency.model=platform" \
#     "2 x platform, shared-socket|--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 --concurrency.multi-jvm.balancer=shared-socket"
# Only 127.0.0.1 is targeted; every wait is bounded. Needs the sample app's jar, wrk and a JDK 22+.
# Prints one line per run, then the median requests/s of each configuration and its ratio to the
# first one's, from the same rounds.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-64}
port=${PORT:-18340}
hz=$(getconf CLK_TCK)

require_jars
require_jdk 22
require_wrk
[ $# -ge 1 ] || { sed -n '2,16p' "$0" >&2; exit 2; }

app=""
log=$(mktemp)
results=$(mktemp)
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; rm -f "$log" "$results"; true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  index=0
  for entry in "$@"; do
    index=$((index + 1))
    name=${entry%%|*}
    # shellcheck disable=SC2086
    "$java" ${JVM_OPTIONS:-} -jar "$jar" --server.port="$port" --server.address=127.0.0.1 ${entry#*|} >"$log" 2>&1 &
    app=$!
    workers=$(grep -o 'multi-jvm.workers=[0-9]*' <<<"$entry" | cut -d= -f2 || true)
    await_url "http://127.0.0.1:$port/hello" || true
    await_workers "$log" "${workers:-0}" || true
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/hello" >/dev/null 2>&1 || true
    sleep 1
    before=$(tree_ticks "$app")
    out=$(wrk -t2 -c"$CONNECTIONS" -d10s "http://127.0.0.1:$port/hello" 2>&1) || true
    after=$(tree_ticks "$app")
    # What the workers made of an AOT cache, from the ready lines of this run.
    cache=$(grep -oE 'AOT cache: [a-z-]+' "$log" | sort | uniq -c | awk '{ $1 = $1 } 1' | paste -sd, || true)
    kill "$app" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$app" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$app" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
    app=""
    line=$(awk -v n="$name" -v i="$index" -v r="$round" -v t=$((after - before)) -v hz="$hz" '
      /Requests\/sec/ { rate = $2 } /requests in/ { count = $1 } /Non-2xx|Socket errors/ { bad = bad " " $0 }
      END { printf "%d\t%d\t%s\t%.0f\t%.1f\t%s\n", i, r, n, rate, (count > 0) ? t / hz * 1e6 / count : 0, bad }' <<<"$out")
    echo "$line" >>"$results"
    echo "round $round: $(cut -f3- <<<"$line" | tr '\t' ' ') req/s, µs app CPU/request${cache:+ ($cache)}" >&2
  done
done

echo "| Configuration | Requests/s (median of $ROUNDS) | Against the first | App CPU per request |"
echo "| --- | ---: | ---: | ---: |"
awk -F'\t' '
  function median(list,   a, k, i, j, x) {
    k = split(list, a, " ")
    for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { rate[$1] = rate[$1] " " $4; cpu[$1] = cpu[$1] " " $5; name[$1] = $3; if ($1 > n) n = $1 }
  END {
    base = median(rate[1])
    for (i = 1; i <= n; i++) printf "| %s | %.0f | %.0f %% | %.1f µs |\n", name[i], median(rate[i]), 100 * median(rate[i]) / base, median(cpu[i])
  }' "$results"
