#!/usr/bin/env bash
# Rewrite autoconfigure/src/test/resources/it-durations.properties from the Failsafe reports of a
# full build (./mvnw verify): the seconds each integration-test class took (the time attribute of
# target/failsafe-reports/TEST-<class>.xml in autoconfigure and sample-app), by which
# ItDurationsClassOrderer orders the classes so that the parallel lanes end together.
#
# Usage: scripts/it-durations.sh [the checkout that ran the build, default: this one]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here}
out=$here/autoconfigure/src/test/resources/it-durations.properties
reports=("$build"/autoconfigure/target/failsafe-reports/TEST-*IT.xml "$build"/sample-app/target/failsafe-reports/TEST-*IT.xml)
[ -e "${reports[0]}" ] || { echo "no Failsafe reports under $build: run ./mvnw verify first" >&2; exit 1; }
{
  sed -n '1,/^# scripts\/it-durations.sh/p' "$out"
  for report in "${reports[@]}"; do
    [ -e "$report" ] || continue
    seconds=$(grep -o '<testsuite [^>]*' "$report" | grep -o ' time="[0-9.]*"' | head -1 | grep -o '[0-9.]*')
    name=$(basename "$report" .xml)
    printf '%s=%.1f\n' "${name#TEST-}" "$seconds"
  done | sort
} > "$out.new"
mv "$out.new" "$out"
echo "wrote $out"
