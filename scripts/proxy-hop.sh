#!/usr/bin/env bash
# What the proxy balancer's hop costs: hello throughput of multi-jvm (2 virtual workers behind
# the master's Undertow proxy) as a ratio of one virtual JVM, and the master's CPU time per
# request. Both apps are started from the sample app's jar on two loopback ports, warmed up with
# wrk (WARMUP seconds each, 30 by default), then measured alternately A, B, A, B... (ROUNDS pairs,
# 2 by default), each run wrk -t2 -c64 for DURATION seconds (10) against /hello. An idle app takes
# next to no CPU, so the other one's presence does not skew a run. Around each multi-jvm run the
# master's CPU time (its own process only, not the workers) and its threads' context switches are
# read from /proc; µs/request is master CPU time / requests served.
#
# Only 127.0.0.1 is targeted; every wait and loop is bounded. Run it under the measurement lock:
#   flock /tmp/bench.lock scripts/proxy-hop.sh
# Needs the jar (./mvnw -q package -DskipTests -pl sample-app -am), wrk and a JDK 22+.
# PORT_A/PORT_B choose the ports (18500/18501); JAR another jar; MASTER_OPTS JVM options for the
# multi-jvm launch (note: the master passes its JVM options on to its workers); PROFILE=1 records
# the master alone with JFR (jcmd) during the last multi-jvm run, into /tmp/proxy-hop-master.jfr.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

jar=${JAR:-$jar}
port_a=${PORT_A:-18500}
port_b=${PORT_B:-18501}
warmup=${WARMUP:-30}
duration=${DURATION:-10}
rounds=${ROUNDS:-2}
readonly connections=64
ticks=$(getconf CLK_TCK)

require_jars
require_jdk 22
require_wrk
[ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1..10" >&2; exit 1; }

single="" multi=""
cleanup() {
  for pid in $single $multi; do kill "$pid" 2>/dev/null || true; done
  for pid in $single $multi; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  done
}
trap cleanup EXIT

"$java" -jar "$jar" --server.port="$port_a" --server.address=127.0.0.1 --concurrency.model=virtual \
  >/tmp/proxy-hop-single.log 2>&1 &
single=$!
# shellcheck disable=SC2086
"$java" ${MASTER_OPTS:-} -jar "$jar" --server.port="$port_b" --server.address=127.0.0.1 \
  --concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 \
  --concurrency.multi-jvm.worker-model=virtual --concurrency.multi-jvm.balancer=proxy \
  ${MULTI_ARGS:-} >/tmp/proxy-hop-multi.log 2>&1 &
multi=$!

wait_ready() {
  local port=$1 log=$2 workers=$3
  await_url "http://127.0.0.1:$port/hello" || true
  await_workers "$log" "$workers" && return 0
  echo "not ready: $log" >&2
  exit 1
}
wait_ready "$port_a" /tmp/proxy-hop-single.log 0
wait_ready "$port_b" /tmp/proxy-hop-multi.log 2

wrk -t2 -c$connections -d"${warmup}s" "http://127.0.0.1:$port_a/hello" >/dev/null 2>&1
# multi-jvm: the master and each worker compile the request path on their own share.
wrk -t2 -c$connections -d"$((warmup * 2))s" "http://127.0.0.1:$port_b/hello" >/dev/null 2>&1

switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null \
    | awk '/^voluntary_ctxt_switches/ { v += $2 } /^nonvoluntary_ctxt_switches/ { n += $2 } END { print v + 0, n + 0 }'
}
requests() { awk '/requests in/ { print $1 }'; }

sum_single=0 sum_multi=0 ratios="" master_us=""
for round in $(seq 1 "$rounds"); do
  sleep 1
  out=$(wrk -t2 -c$connections -d"${duration}s" "http://127.0.0.1:$port_a/hello")
  a=$(echo "$out" | requests)
  sleep 1
  if [ "${PROFILE:-0}" = 1 ] && [ "$round" = "$rounds" ]; then
    "$jdk/bin/jcmd" "$multi" JFR.start name=hop filename=/tmp/proxy-hop-master.jfr settings=profile >/dev/null
  fi
  m0=$(proc_ticks "$multi"); w0=$(children_ticks "$multi"); read -r v0 n0 < <(switches "$multi")
  out=$(wrk -t2 -c$connections -d"${duration}s" "http://127.0.0.1:$port_b/hello")
  m1=$(proc_ticks "$multi"); w1=$(children_ticks "$multi"); read -r v1 n1 < <(switches "$multi")
  if [ "${PROFILE:-0}" = 1 ] && [ "$round" = "$rounds" ]; then
    "$jdk/bin/jcmd" "$multi" JFR.stop name=hop >/dev/null
  fi
  b=$(echo "$out" | requests)
  threads=$(ls /proc/"$multi"/task | wc -l)
  mus=$(awk -v t="$((m1 - m0))" -v hz="$ticks" -v n="$b" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  wus=$(awk -v t="$((w1 - w0))" -v hz="$ticks" -v n="$b" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  printf 'round %d: virtual %d req (%.0f/s), multi-jvm proxy %d req (%.0f/s), ratio %.3f; master %s µs/req, workers %s µs/req; master threads %d, switches/req voluntary %.2f involuntary %.2f\n' \
    "$round" "$a" "$(echo "$a / $duration" | bc -l)" "$b" "$(echo "$b / $duration" | bc -l)" \
    "$(echo "$b / $a" | bc -l)" "$mus" "$wus" "$threads" \
    "$(echo "($v1 - $v0) / $b" | bc -l)" "$(echo "($n1 - $n0) / $b" | bc -l)"
  sum_single=$((sum_single + a)); sum_multi=$((sum_multi + b))
  master_us="$master_us $mus"
done
printf 'overall ratio %.3f (%d rounds of %ds, wrk -t2 -c%d); master µs/req:%s\n' \
  "$(echo "$sum_multi / $sum_single" | bc -l)" "$rounds" "$duration" "$connections" "$master_us"
