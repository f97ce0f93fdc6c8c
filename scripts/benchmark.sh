#!/usr/bin/env bash
# Runs the benchmark suite (docs/benchmarks.md): builds the sample app and the load tool,
# then runs every model of the Gunicorn experiment and regenerates docs/benchmarks.md and
# docs/benchmarks/*.png. Arguments are passed to the suite, e.g. --quick for a smoke run,
# --models=virtual,platform, --app-jvm-args="-XX:+UseParallelGC". wrk (the throughput step's
# outside client) and Debian's gunicorn, python3-flask and python3-gevent (the seed's own stack)
# are optional: what is missing is said, and the suite goes on without it.
#
# Needs a JDK 22 or later (the shared-socket balancer calls libc through java.lang.foreign):
# JAVA_HOME if it is one, else the newest under /usr/lib/jvm. The suite runs the app with
# that same JDK.
set -euo pipefail

cd "$(dirname "$0")/.."

readonly MIN_JAVA=22

# Prints the feature version of the JDK at $1, or nothing if $1 is not a JDK.
jdk_major() {
  local home=$1 version=""
  if [ ! -x "$home/bin/java" ]; then
    return 0
  fi
  if [ -r "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")
  fi
  if [ -z "$version" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p')
  fi
  version=${version#1.}
  echo "${version%%[.+_-]*}"
}

find_jdk() {
  local home major best="" best_major=0
  for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -d "$home" ] || continue
    major=$(jdk_major "$home")
    if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge "$MIN_JAVA" ]; then
      if [ -n "${JAVA_HOME:-}" ] && [ "$home" = "$JAVA_HOME" ]; then
        echo "$home"
        return 0
      fi
      if [ "$major" -gt "$best_major" ]; then
        best=$home
        best_major=$major
      fi
    fi
  done
  [ -n "$best" ] && echo "$best"
}

if ! jdk=$(find_jdk); then
  echo "No JDK $MIN_JAVA or later in JAVA_HOME or under /usr/lib/jvm." >&2
  exit 1
fi

# 10,000 requests at once are 10,000 sockets in the client and as many in the app (and
# the multi-jvm proxy's master holds both sides): raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 20000 ]; then
  echo "Warning: ulimit -n is $(ulimit -n); 10,000 connections at once need more than 10,000." >&2
fi

# Optional parts: the suite runs without them and says so in the page.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/gunicorn ] || missing+=(gunicorn)
if [ -x /usr/bin/python3 ]; then
  /usr/bin/python3 -c 'import flask' 2>/dev/null || missing+=(python3-flask)
  /usr/bin/python3 -c 'import gevent' 2>/dev/null || missing+=(python3-gevent)
else
  missing+=(python3-flask python3-gevent)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Not installed: ${missing[*]}. Without wrk the throughput targets are not measured; without" \
    "gunicorn and its modules the Gunicorn models are not measured. To install: apt-get install ${missing[*]}" >&2
fi

./mvnw -q -B package -DskipTests

exec "$jdk/bin/java" -jar benchmark/target/benchmark.jar suite "$@"
