#!/usr/bin/env bash
# What the starter costs on each request: hello throughput and the app's CPU time per request of
# the sample app under the starter's platform model, against the same jar with every auto-
# configuration of the starter excluded (plain Spring Boot on Tomcat's defaults, as the suite's
# no-starter model). The two are alternated ROUNDS times, each started fresh, warmed up for 30 s
# with the same closed loop, then measured for 10 s with wrk (an outside client: native, little
# CPU of its own), so that the spread from one fresh JVM to the next shows next to the difference.
# The app's CPU per request is read from /proc around the measured loop.
#
# Usage: scripts/starter-overhead.sh      (env: ROUNDS=4 WARMUP=30)
# Needs the jars (./mvnw package builds them) and a JDK 21+ (JAVA_HOME or
# /usr/lib/jvm/temurin-25-jdk-amd64). Only 127.0.0.1 is targeted; every wait is bounded.
# Writes docs/benchmarks/starter-overhead.md.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-4}
WARMUP=${WARMUP:-30}
readonly port=18330

require_jars
require_jdk 21
require_wrk

# The starter's auto-configurations, from its own imports file, plus the sample's own exclusion,
# which a command-line list replaces.
imports=autoconfigure/src/main/resources/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports
excluded="$(grep -v '^#' "$imports" | paste -sd, -),org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"

app=""
results=$(mktemp)
trap 'rm -f "$results"; [ -n "$app" ] && kill "$app" 2>/dev/null; true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  for model in starter no-starter; do
    if [ $model = starter ]; then
      args=(--concurrency.model=platform)
    else
      args=("--spring.autoconfigure.exclude=$excluded")
    fi
    "$java" -jar "$jar" --server.port=$port --server.address=127.0.0.1 "${args[@]}" >/tmp/starter-overhead-app.log 2>&1 &
    app=$!
    await_url "http://127.0.0.1:$port/hello" || true
    wrk -t2 -c64 -d"${WARMUP}s" "http://127.0.0.1:$port/hello" >/dev/null 2>&1 || true
    sleep 1
    before=$(proc_ticks "$app")
    out=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$port/hello" 2>&1) || true
    after=$(proc_ticks "$app")
    kill "$app"
    wait "$app" 2>/dev/null || true
    app=""
    # model round requests/s app-µs-per-request
    awk -v m=$model -v r="$round" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
      /Requests\/sec/ { t = $2 } /requests in/ { n = $1 }
      /Non-2xx|Socket errors/ { bad = 1 }
      END { if (bad) t = "failed"; printf "%s %s %s %.1f\n", m, r, t, (n > 0) ? ticks / hz * 1e6 / n : 0 }' <<<"$out" >>"$results"
    echo "round $round, $model: $(tail -n 1 "$results")" >&2
  done
done

exec > >(tee docs/benchmarks/starter-overhead.md)

echo "Written by \`scripts/starter-overhead.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): the sample app's /hello," \
  "64 connections, ${WARMUP} s warm-up and 10 s measured with wrk -t2 -c64, $ROUNDS alternated" \
  "round(s), each app started fresh; $(nproc) cores; $("$java" -version 2>&1 | head -n 1)."
echo
echo "| Round | With the starter (platform): requests/s | app CPU per request | Without: requests/s | app CPU per request |"
echo "| ---: | ---: | ---: | ---: | ---: |"
awk '{ t[$1, $2] = $3; c[$1, $2] = $4; n = ($2 > n) ? $2 : n }
  END { for (r = 1; r <= n; r++) printf "| %d | %.0f | %s µs | %.0f | %s µs |\n", r, t["starter", r], c["starter", r],
    t["no-starter", r], c["no-starter", r] }' "$results"
echo
# Medians, and the difference of the medians against the spread within each set.
awk '
  function median(a, k,   i, j, x) {
    for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  $1 == "starter" { st[++ns] = $3; sc[ns] = $4; if (!ns1 || $3 < smin) smin = $3; if ($3 > smax) smax = $3; ns1 = 1 }
  $1 == "no-starter" { nt[++nn] = $3; nc[nn] = $4; if (!nn1 || $3 < nmin) nmin = $3; if ($3 > nmax) nmax = $3; nn1 = 1 }
  END {
    mst = median(st, ns); mnt = median(nt, nn); msc = median(sc, ns); mnc = median(nc, nn)
    printf "Medians: with the starter %.0f requests/s and %.0f µs of app CPU per request; without it %.0f requests/s and %.0f µs.\n", mst, msc, mnt, mnc
    printf "The starter'"'"'s throughput is %+.1f %% of the app'"'"'s without it, and its CPU per request %+.1f %%.\n", 100 * (mst / mnt - 1), 100 * (msc / mnc - 1)
    printf "Spread within each set (max/min - 1): with the starter %.1f %%, without %.1f %%.\n", 100 * (smax / smin - 1), 100 * (nmax / nmin - 1)
  }' "$results"
