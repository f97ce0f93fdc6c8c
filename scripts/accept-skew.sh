#!/usr/bin/env bash
# How evenly the requests of wrk's kept-alive connections are spread over a multi-jvm master's 2
# workers, under each balancer: shared-socket (each worker accepts on the master's socket, the
# kernel hands out connections) and proxy (the master forwards each request). The sample app's
# `multi` profile (2 platform workers) on 127.0.0.1:$PORT (18510), started once per balancer;
# after a warm-up (WARMUP seconds, 5), wrk -t2 -c32 then -c256 for DURATION seconds (10) each
# against /io-bound?s=0. Requests per worker are read from the master's cluster view
# (/actuator/concurrency: each worker's served requests, from its heartbeat) before and after
# each run; the ratio is the busier worker's count over the other's.
#
# Only 127.0.0.1 is targeted; every wait is bounded (about 2 minutes in all). A measurement, not a
# test: on a shared machine, compare ratios from one run, not absolute counts. Run it under the
# measurement lock, never beside the test suite:
#   flock /tmp/bench.lock scripts/accept-skew.sh
# Needs the jar (./mvnw -q package -DskipTests -pl sample-app -am), wrk, curl, jq and a JDK 22+.
# JAR another jar; MULTI_ARGS more arguments for the master, e.g.
#   MULTI_ARGS="--concurrency.multi-jvm.worker-model=virtual --concurrency.virtual.max-concurrent-requests=64"
set -euo pipefail

cd "$(dirname "$0")/.."

jar=${JAR:-sample-app/target/concurrency-sample-app-0.1.0-SNAPSHOT.jar}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
port=${PORT:-18510}
warmup=${WARMUP:-5}
duration=${DURATION:-10}

[ -f "$jar" ] || { echo "No $jar: build with ./mvnw -q package -DskipTests -pl sample-app -am" >&2; exit 1; }
[ -x "$java" ] || { echo "No java at $java: set JAVA_HOME to a JDK 22 or later" >&2; exit 1; }
for tool in wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "No $tool: apt-get install $tool" >&2; exit 1; }
done
[ "$duration" -ge 1 ] && [ "$duration" -le 60 ] || { echo "DURATION must be 1..60" >&2; exit 1; }
[ "$warmup" -ge 0 ] && [ "$warmup" -le 60 ] || { echo "WARMUP must be 0..60" >&2; exit 1; }

master=""
stop_master() {
  [ -n "$master" ] || return 0
  kill -TERM "$master" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$master" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$master" 2>/dev/null || true
  master=""
}
trap stop_master EXIT

# "pid requests" of each worker, as the master last heard from it.
counts() {
  curl -sf --max-time 10 "http://127.0.0.1:$port/actuator/concurrency" \
    | jq -r '.cluster.workers[] | select(.state == "ready") | "\(.pid) \(.requests)"' | sort
}

for balancer in shared-socket proxy; do
  log=/tmp/accept-skew-$balancer.log
  # shellcheck disable=SC2086
  "$java" -jar "$jar" --spring.profiles.active=multi --server.port="$port" --server.address=127.0.0.1 \
    --concurrency.multi-jvm.balancer="$balancer" ${MULTI_ARGS:-} >"$log" 2>&1 &
  master=$!
  for _ in $(seq 1 240); do
    [ "$(grep -c 'is ready' "$log" || true)" -ge 2 ] && break
    kill -0 "$master" 2>/dev/null || { echo "the master stopped: $log" >&2; exit 1; }
    sleep 0.5
  done
  [ "$(grep -c 'is ready' "$log" || true)" -ge 2 ] || { echo "not ready within 120 s: $log" >&2; exit 1; }
  if [ "$warmup" -gt 0 ]; then
    wrk -t2 -c32 -d"${warmup}s" "http://127.0.0.1:$port/io-bound?s=0" >/dev/null 2>&1
  fi
  for connections in 32 256; do
    # Each worker's heartbeat (every second) carries its count.
    sleep 2.5
    before=$(counts)
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s "http://127.0.0.1:$port/io-bound?s=0")
    sleep 2.5
    after=$(counts)
    total=$(echo "$out" | awk '/requests in/ { print $1 }')
    errors=$(echo "$out" | awk '/Socket errors|Non-2xx/ { printf "%s ", $0 }')
    join <(echo "$before") <(echo "$after") | awk -v b="$balancer" -v c="$connections" -v t="$total" \
      -v e="${errors:-none}" '
      { pid[NR] = $1; n[NR] = $3 - $2 }
      END {
        if (NR != 2) { printf "%s -c%d: %d workers in the cluster view, not 2\n", b, c, NR; exit }
        hi = (n[1] >= n[2]) ? 1 : 2; lo = 3 - hi
        ratio = (n[lo] > 0) ? sprintf("%.2f", n[hi] / n[lo]) : "inf"
        printf "%-13s -c%-3d: worker pid %s served %d, worker pid %s served %d; ratio %s : 1 (wrk: %s requests; errors: %s)\n",
          b, c, pid[hi], n[hi], pid[lo], n[lo], ratio, t, e
      }'
  done
  stop_master
done
