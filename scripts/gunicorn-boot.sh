#!/usr/bin/env bash
# Gunicorn's worker boot time for the seed's Flask app (benchmark/src/main/resources/flask/app.py),
# with --preload and without, beside scripts/worker-boot.sh's JVM figures. Each round starts
# Debian's gunicorn with 2 sync workers (without --preload, then with it), sends it a HUP, and reads
# each worker's boot time from server hooks: from pre_fork (the arbiter about to fork it) to
# post_worker_init (the worker has loaded the app and is about to serve), in milliseconds. The
# workers of the start and those after the HUP are reported apart.
#
# Usage: scripts/gunicorn-boot.sh     env: ROUNDS=3 PORT=18380
# Only 127.0.0.1 is targeted; every wait is bounded. Needs /usr/bin/gunicorn and python3-flask.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
port=${PORT:-18380}
[ -x /usr/bin/gunicorn ] || { echo "No gunicorn: apt-get install gunicorn python3-flask" >&2; exit 1; }
[ "$rounds" -ge 1 ] && [ "$rounds" -le 10 ] || { echo "ROUNDS must be 1..10" >&2; exit 1; }

work=$(mktemp -d /tmp/gunicorn-boot.XXXXXX)
master=""
cleanup() {
  if [ -n "$master" ]; then
    kill -TERM "$master" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$master" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$master" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/hooks.py" <<'EOF'
import os, time

def pre_fork(server, worker):
    worker.forked_at = time.monotonic()

def post_worker_init(worker):
    ms = (time.monotonic() - worker.forked_at) * 1000
    with open(os.environ["BOOT_LOG"], "a") as log:
        log.write("%d %.1f\n" % (os.getpid(), ms))
EOF

# await_boots FILE COUNT: until FILE has COUNT lines; 1 after 60 s.
await_boots() {
  local _
  for _ in $(seq 1 240); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.25
  done
  return 1
}

run() {
  local mode=$1 boots=$work/$1-$round.boots
  local -a preload=()
  [ "$mode" = preload ] && preload=(--preload)
  BOOT_LOG=$boots /usr/bin/gunicorn --chdir benchmark/src/main/resources/flask -c "$work/hooks.py" \
    -w 2 -b "127.0.0.1:$port" "${preload[@]}" app:app >"$work/$mode-$round.log" 2>&1 &
  master=$!
  await_boots "$boots" 2 || { echo "gunicorn ($mode) did not boot 2 workers" >&2; exit 1; }
  await_url "http://127.0.0.1:$port/hello" || { echo "gunicorn ($mode) does not answer" >&2; exit 1; }
  kill -HUP "$master"
  await_boots "$boots" 4 || { echo "gunicorn ($mode) did not boot 2 workers after HUP" >&2; exit 1; }
  echo "round $round $mode: start $(head -2 "$boots" | awk '{ print $2 }' | paste -sd' ') ms, after HUP $(sed -n 3,4p "$boots" | awk '{ print $2 }' | paste -sd' ') ms"
  kill -TERM "$master"
  for _ in $(seq 1 40); do kill -0 "$master" 2>/dev/null || break; sleep 0.25; done
  master=""
}

for round in $(seq 1 "$rounds"); do
  run plain
  run preload
done
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
plain=$(cat "$work"/plain-*.boots | awk '{ print $2 }' | median)
preloaded=$(cat "$work"/preload-*.boots | awk '{ print $2 }' | median)
printf 'median worker boot: without --preload %s ms, with --preload %s ms (%d rounds, 2 sync workers, start and HUP)\n' \
  "$plain" "$preloaded" "$rounds"
