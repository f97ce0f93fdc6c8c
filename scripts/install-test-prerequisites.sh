#!/usr/bin/env bash
# Makes sure the programs the tests start for real are on this machine: redis-server (standalone,
# password, TLS and cluster nodes), redis-sentinel, redis-cli (to form the cluster), openssl (the
# TLS test's certificate), and the benchmark's outside client and Python stack (wrk, Debian's
# gunicorn with python3-flask and python3-gevent), whose tests run them for real. The build runs this before the tests (`./mvnw verify`), and .ci/run too.
# As root with apt-get, it installs what is missing from Debian's packages; otherwise it says what
# to install and fails.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/bin/gunicorn ] || missing+=(gunicorn)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import flask' 2>/dev/null || missing+=(python3-flask)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import gevent' 2>/dev/null || missing+=(python3-gevent)

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the tests' prerequisites from Debian's packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi
echo "The tests start real Redis servers and need: ${missing[*]}." >&2
echo "Install them, for example: sudo apt-get install -y ${missing[*]}" >&2
exit 1
