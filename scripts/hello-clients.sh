#!/usr/bin/env bash
# Hello-world throughput of platform and virtual (ALL=1: every model) under three clients, side by side in one run: wrk (native),
# the load tool's socket client (the suite's default) and the load tool's java.net.http client
# (--client=jdk). On a 2-core machine the client shares the cores with the server it measures, so
# the table also gives the CPU time each side spent per request: the figures that explain why the
# models do not rank the same under every client.
#
# Each model is started fresh from the sample app's jar on a loopback port and warmed up with wrk,
# 30 s for one JVM and 60 s for multi-jvm, whose master and two workers each compile the request
# path on their own share of the load (with less, the first client measured finds them colder than
# the last). Then each client runs a 64-connection closed loop for 10 s (the load tool after its own
# 10 s warm-up, so that its measured loop runs compiled code), in the order wrk, socket, jdk. The
# app's CPU time (its process and its children, the multi-jvm workers) is read from /proc around
# each measured loop. Only 127.0.0.1 is targeted; every wait is bounded. Needs the jars
# (scripts/benchmark.sh or ./mvnw package builds them), wrk (apt-get install wrk) and a JDK 22+.
# Writes docs/benchmarks/hello-clients.md, which docs/benchmarks.md links.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

readonly duration=10 connections=64 port=18300
ticks=$(getconf CLK_TCK)
cores=$(nproc)

require_jars tool
require_jdk 22
require_wrk

app=""
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

# Context switches so far of the threads of process $1 and its children (voluntary: a thread went
# to sleep waiting for work; involuntary: the scheduler took the core away).
tree_switches() {
  local pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    cat /proc/"$pid"/task/*/status 2>/dev/null || true
  done | awk '/^voluntary_ctxt_switches/ { v += $2 } /^nonvoluntary_ctxt_switches/ { n += $2 } END { print v + 0, n + 0 }'
}

# Prints one table row per client for the model started with arguments "$@".
measure() {
  local name=$1
  shift
  "$java" -jar "$jar" --server.port=$port --server.address=127.0.0.1 "$@" >/tmp/hello-clients-app.log 2>&1 &
  app=$!
  await_url "http://127.0.0.1:$port/hello" || true
  # multi-jvm: until both workers are ready, the first one takes every request.
  await_workers /tmp/hello-clients-app.log "${workers:-0}" || true
  local warmup=$(( ${workers:-0} > 0 ? 60 : 30 ))
  wrk -t2 -c$connections -d${warmup}s "http://127.0.0.1:$port/hello" >/dev/null 2>&1

  local before after start end out rate client server sw0 sw1
  sleep 2
  sw0=$(tree_switches "$app")
  before=$(tree_ticks "$app")
  start=$(date +%s.%N)
  out=$( { /usr/bin/time -f 'clientcpu %U %S' wrk -t2 -c$connections -d${duration}s "http://127.0.0.1:$port/hello"; } 2>&1)
  end=$(date +%s.%N)
  after=$(tree_ticks "$app")
  sw1=$(tree_switches "$app")
  rate=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  client=$(awk '/^clientcpu/ { print $2 + $3 }' <<<"$out")
  server=$(awk -v t="$((after - before))" -v hz="$ticks" 'BEGIN { print t / hz }')
  row "$name" wrk "$rate" "$server" "$client" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
    "$(grep -cE 'Non-2xx|Socket errors' <<<"$out" || true)" "$sw0" "$sw1"

  local kind
  for kind in socket jdk; do
    sleep 2
    local failed=0
    out=$("$java" -jar "$tool" closed-loop --client=$kind --url="http://127.0.0.1:$port/hello" \
      --connections=$connections --duration=${duration}s --warmup=10s --watch-pid="$app" --quiet) || failed=1
    rate=$(awk '/^  throughput/ { print $2 }' <<<"$out")
    client=$(awk '/^  client CPU/ { print $3 }' <<<"$out")
    server=$(awk '/^  server CPU/ { print $3 }' <<<"$out")
    # The load tool reads the app's switches itself, around its measured loop only.
    sw1=$(awk '/^  server switches/ { print $3, $5 }' <<<"$out")
    row "$name" "load tool, $kind" "$rate" "$server" "$client" "$(awk '/^  wall time/ { print $3 }' <<<"$out")" \
      "$( ((failed)) && awk '/^  (statuses|socket errors)/' <<<"$out" | tr -s ' \n' ' ' || echo 0)" "0 0" "$sw1"
  done
  kill "$app"
  wait "$app" 2>/dev/null || true
  app=""
}

# row model client requests/s server-cpu-s client-cpu-s wall-s errors "v0 n0" "v1 n1"
row() {
  awk -v m="$1" -v c="$2" -v r="$3" -v s="$4" -v k="$5" -v w="$6" -v e="$7" -v a="$8" -v b="$9" -v n="$cores" 'BEGIN {
    if (r == "" || w == "" || w == 0) { printf "| %s | %s | ? | ? | ? | ? | ? | ? | ? |\n", m, c; exit }
    req = r * w
    split(a, x, " "); split(b, y, " ")
    printf "| %s | %s | %.0f | %.0f µs | %.0f µs | %.0f %% | %.2f | %.2f | %s |\n", m, c, r, s * 1e6 / req, k * 1e6 / req,
      100 * (s + k) / (w * n), (y[1] - x[1]) / req, (y[2] - x[2]) / req, e
  }'
}

multi="--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 --concurrency.multi-jvm.graceful-timeout=3s"
models=(
  "platform|0|--concurrency.model=platform"
  "virtual|0|--concurrency.model=virtual"
)
# The multi-jvm configurations only with ALL=1: the suite already measures them with the socket
# client and an equal warm-up, and three JVMs take longer to warm up than this script gives one.
if [ "${ALL:-0}" = 1 ]; then
  models+=(
    "multi-jvm 2 x platform, proxy|2|$multi --concurrency.multi-jvm.worker-model=platform"
    "multi-jvm 2 x virtual, proxy|2|$multi --concurrency.multi-jvm.worker-model=virtual"
    "multi-jvm 2 x platform, shared-socket|2|$multi --concurrency.multi-jvm.worker-model=platform --concurrency.multi-jvm.balancer=shared-socket"
    "multi-jvm 2 x virtual, shared-socket|2|$multi --concurrency.multi-jvm.worker-model=virtual --concurrency.multi-jvm.balancer=shared-socket"
  )
fi
# Each model twice, first and last, so that drift over the run shows next to the differences.
models+=("${models[0]/#platform|/platform (again)|}" "${models[1]/#virtual|/virtual (again)|}")

exec > >(tee docs/benchmarks/hello-clients.md)

echo "Written by \`scripts/hello-clients.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $connections connections," \
  "30 s (one JVM) or 60 s (multi-jvm) warm-up with wrk, ${duration} s measured per client; $cores cores; $("$java" -version 2>&1 | head -n 1)."
echo
echo "| Model | Client | Requests/s | App CPU per request | Client CPU per request | Cores busy | App voluntary switches per request | App involuntary switches per request | Failed |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for entry in "${models[@]}"; do
  name=${entry%%|*}
  rest=${entry#*|}
  workers=${rest%%|*}
  # shellcheck disable=SC2086
  measure "$name" ${rest#*|}
done
echo
echo "App CPU: the app's process and its children (the multi-jvm master and workers), from /proc, over the" \
  "measured loop. Cores busy: app and client CPU over $cores cores × wall time. Switches: context" \
  "switches of the app's threads (/proc/PID/task/*/status) per request; a voluntary one is a thread going to" \
  "sleep for want of work, an involuntary one the scheduler taking the core away. Failed: for wrk, lines of" \
  "its output about non-2xx answers or socket errors; for the load tool, 0 when every request got a 2xx," \
  "else its statuses and socket errors."
