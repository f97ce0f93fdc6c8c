# scripts/lib.sh - the preamble the side-study scripts share: sourced, never run on its own.
#   source "$(dirname "$0")/lib.sh"
# Moves to the repository's root and sets:
#   jar   the sample app's jar            tool  the load tool's jar (benchmark.jar)
#   jdk   $JAVA_HOME, else Temurin 25     java  $jdk/bin/java
# The require_* functions fail the script with what to build or install; await_* wait for an app
# started on 127.0.0.1, each bounded (2 minutes; await_line's bound is its argument); *_ticks read
# CPU time from /proc.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jar=sample-app/target/concurrency-sample-app-0.1.0-SNAPSHOT.jar
tool=benchmark/target/benchmark.jar
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java=$jdk/bin/java

# await_line LOG PATTERN COUNT SECONDS: until LOG has COUNT lines matching PATTERN (extended regex);
# ends the script if $master (a multi-jvm master's pid) stops first, or after SECONDS.
await_line() {
  local _
  for _ in $(seq 1 $(($4 * 2))); do
    [ "$(grep -cE "$2" "$1" || true)" -ge "$3" ] && return 0
    kill -0 "$master" 2>/dev/null || { echo "the master stopped: $1" >&2; exit 1; }
    sleep 0.5
  done
  echo "no $3 line(s) '$2' within $4 s: $1" >&2
  exit 1
}

# stop_master: stops the multi-jvm master $master (started with setsid) gracefully, waiting up to
# 60 s, then kills its process group, so that no worker is left; does nothing if $master is empty.
stop_master() {
  [ -n "$master" ] || return 0
  kill -TERM "$master" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$master" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$master" 2>/dev/null || true
}

# median: the median of the numbers on stdin (separated by spaces or lines).
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# require_jars [tool]: the sample app's jar, and with "tool" the load tool's too.
require_jars() {
  local missing=$jar
  [ "${1:-}" = tool ] && missing="$jar or $tool"
  if [ ! -f "$jar" ] || { [ "${1:-}" = tool ] && [ ! -f "$tool" ]; }; then
    echo "No $missing: build with ./mvnw -q package -DskipTests" >&2
    exit 1
  fi
}

# require_jdk MIN [program]: $jdk has the program (java by default); MIN is the feature version the
# script needs, for the message.
require_jdk() {
  local program=${2:-java}
  [ -x "$jdk/bin/$program" ] || { echo "No $program under $jdk: set JAVA_HOME to a JDK $1 or later" >&2; exit 1; }
}

require_wrk() {
  command -v wrk >/dev/null || { echo "No wrk: apt-get install wrk" >&2; exit 1; }
}

# Raises the soft open-file limit to the hard one: thousands of connections at once need it.
raise_open_files() {
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# await_url URL: until URL answers with a 2xx; returns 1 if it has not after 2 minutes.
await_url() {
  local _
  for _ in $(seq 1 240); do
    curl -sf --max-time 2 "$1" >/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# await_workers LOG N: until a multi-jvm master's LOG says N workers are ready (N=0: at once);
# returns 1 if it has not after 2 minutes.
await_workers() {
  local _
  for _ in $(seq 1 240); do
    [ "$(grep -c 'is ready' "$1" || true)" -ge "$2" ] && return 0
    sleep 0.5
  done
  return 1
}

# CPU ticks so far of process $1 alone.
proc_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# CPU ticks so far of the children of process $1 (a multi-jvm master's workers).
children_ticks() {
  local total=0 pid
  for pid in $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(proc_ticks "$pid")))
  done
  echo "$total"
}

# CPU ticks so far of process $1 and its children.
tree_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(proc_ticks "$pid")))
  done
  echo "$total"
}
