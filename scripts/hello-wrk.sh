#!/usr/bin/env bash
# Hello-world throughput of every model measured with wrk, a native client, side by side in one
# run: a second view of docs/benchmarks.md's "hello throughput", whose Java client (java.net.http)
# shares the 2 cores with the server and costs far more CPU per request than wrk does.
#
# Each model is started fresh from the sample app's jar on a loopback port, warmed up with wrk for
# 15 s, measured for 10 s (2 threads, 64 keep-alive connections), then stopped. The single-JVM
# models run twice, first and last, so that drift over the run shows. Only 127.0.0.1 is targeted;
# every wait is bounded. Needs the jar (scripts/benchmark.sh or ./mvnw package builds it), wrk
# (apt-get install wrk) and a JDK 22+ (shared-socket).
set -euo pipefail

cd "$(dirname "$0")/.."

jar=sample-app/target/concurrency-sample-app-0.1.0-SNAPSHOT.jar
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
readonly warmup=15s duration=10s connections=64 port=18300

[ -f "$jar" ] || { echo "No $jar: build it with ./mvnw -q package -DskipTests" >&2; exit 1; }
[ -x "$java" ] || { echo "No java at $java: set JAVA_HOME to a JDK 22 or later" >&2; exit 1; }
command -v wrk >/dev/null || { echo "No wrk: apt-get install wrk" >&2; exit 1; }

app=""
trap '[ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

# Prints "<requests/s> <non-2xx or socket errors>" for one model.
measure() {
  "$java" -jar "$jar" --server.port=$port "$@" >/tmp/hello-wrk-app.log 2>&1 &
  app=$!
  local i
  for i in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$port/hello" >/dev/null && break
    sleep 0.5
  done
  sleep 3
  wrk -t2 -c$connections -d$warmup "http://127.0.0.1:$port/hello" >/dev/null 2>&1
  local out
  out=$(wrk -t2 -c$connections -d$duration "http://127.0.0.1:$port/hello" 2>/dev/null)
  kill "$app"
  wait "$app" 2>/dev/null || true
  app=""
  echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$out") $(grep -cE 'Non-2xx|Socket errors' <<<"$out" || true)"
}

multi="--concurrency.model=multi-jvm --concurrency.multi-jvm.workers=2 --concurrency.multi-jvm.graceful-timeout=3s"
models=(
  "platform|--concurrency.model=platform"
  "virtual|--concurrency.model=virtual"
  "multi-jvm 2 x platform, proxy|$multi --concurrency.multi-jvm.worker-model=platform"
  "multi-jvm 2 x virtual, proxy|$multi --concurrency.multi-jvm.worker-model=virtual"
  "multi-jvm 2 x platform, shared-socket|$multi --concurrency.multi-jvm.worker-model=platform --concurrency.multi-jvm.balancer=shared-socket"
  "multi-jvm 2 x virtual, shared-socket|$multi --concurrency.multi-jvm.worker-model=virtual --concurrency.multi-jvm.balancer=shared-socket"
  "platform (again)|--concurrency.model=platform"
  "virtual (again)|--concurrency.model=virtual"
)

# What this prints is also written to docs/benchmarks/hello-wrk.md, which docs/benchmarks.md links.
exec > >(tee docs/benchmarks/hello-wrk.md)

echo "wrk -t2 -c$connections, ${warmup} warm-up, ${duration} measured; $(nproc) cores; $("$java" -version 2>&1 | head -n 1)"
echo
echo "| Model | Requests/s (wrk) | Lines with errors |"
echo "| --- | ---: | ---: |"
for entry in "${models[@]}"; do
  name=${entry%%|*}
  # shellcheck disable=SC2086
  read -r rate errors < <(measure ${entry#*|})
  echo "| $name | ${rate:-?} | ${errors:-?} |"
done
