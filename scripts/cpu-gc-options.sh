#!/usr/bin/env bash
# cpu-gc-options.sh - how do JVM/GC options affect the naive BigInteger "1*2*...*99999" loop
# (the /cpu-bound route)?  Self-contained: writes + compiles a small Java program, then runs
# every option set in its own JVM, interleaved round-robin (so background load hits all sets
# alike), and prints median seconds per option set plus the ratio to "default" of the same run.
#
# Usage: ./cpu-gc-options.sh            (env: ROUNDS=3 RUNS=4 BUDGET=900 N=99999 SETS=regex PYTHON=1 OUT=file)
#   RUNS   = loop executions per JVM; run 0 is the warm-up ("first request"), runs 1.. are "steady"
#   ROUNDS = how many times each option set is started (interleaved)
#   BUDGET = seconds; after round 1 no new JVM starts past this (each JVM is also capped by `timeout 300`)
#   SETS   = only option sets whose name matches this extended regex
# Java binary: $JAVA_HOME/bin/java, else /usr/lib/jvm/temurin-25-jdk-amd64/bin/java.
set -euo pipefail

JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
[[ -x $JAVA && -x $JAVAC ]] || { echo "no java/javac under $JAVA_HOME" >&2; exit 1; }
ROUNDS=${ROUNDS:-3}; RUNS=${RUNS:-4}; BUDGET=${BUDGET:-900}; N=${N:-99999}; SETS=${SETS:-.}
PYTHON=${PYTHON:-1}
WORK=$(mktemp -d /tmp/cpu-gc-options.XXXXXX); trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/CpuBound.java" <<'EOF'
import java.lang.management.*;
import java.math.BigInteger;

public class CpuBound {
    static BigInteger work(int n) {           // the route's loop, verbatim
        BigInteger product = BigInteger.ONE;
        for (int i = 1; i < n + 1; i++) product = product.multiply(BigInteger.valueOf(i));
        return product;
    }
    // Same arithmetic, in place in one preallocated int[] (no allocation per step): compute floor.
    static int inplaceBits(int n) {
        int[] m = new int[(int) (n * 17L / 32) + 16];
        m[0] = 1; int len = 1;
        for (int i = 1; i < n + 1; i++) {
            long y = i & 0xffffffffL, carry = 0;
            for (int j = 0; j < len; j++) { long p = (m[j] & 0xffffffffL) * y + carry; m[j] = (int) p; carry = p >>> 32; }
            if (carry != 0) m[len++] = (int) carry;
        }
        return (len - 1) * 32 + (32 - Integer.numberOfLeadingZeros(m[len - 1]));
    }
    // Algorithmic fix: balanced product tree (similar-sized operands -> Karatsuba/Toom-Cook).
    static BigInteger tree(int lo, int hi) {
        if (hi - lo < 16) { BigInteger r = BigInteger.valueOf(lo); for (int i = lo + 1; i <= hi; i++) r = r.multiply(BigInteger.valueOf(i)); return r; }
        int mid = (lo + hi) >>> 1; return tree(lo, mid).multiply(tree(mid + 1, hi));
    }
    public static void main(String[] a) {
        String mode = System.getProperty("mode", "bigint");
        int k = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int r = 0; r < k; r++) {
            long gcN0 = 0, gcT0 = 0, gcN1 = 0, gcT1 = 0;
            for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) { gcN0 += Math.max(0, g.getCollectionCount()); gcT0 += Math.max(0, g.getCollectionTime()); }
            long p0 = os.getProcessCpuTime(), al0 = tb.getThreadAllocatedBytes(tid), cpu0 = tb.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            int bits = mode.equals("inplace") ? inplaceBits(n) : (mode.equals("tree") ? tree(1, n) : work(n)).bitLength();
            long t1 = System.nanoTime(), cpu1 = tb.getCurrentThreadCpuTime(), al1 = tb.getThreadAllocatedBytes(tid), p1 = os.getProcessCpuTime();
            for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) { gcN1 += Math.max(0, g.getCollectionCount()); gcT1 += Math.max(0, g.getCollectionTime()); }
            System.out.printf("RUN %d %.4f %.4f %.3f %d %d %d %.4f%n", r, (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9,
                    (al1 - al0) / 1e9, gcN1 - gcN0, gcT1 - gcT0, bits, (p1 - p0) / 1e9);
        }
    }
}
EOF
"$JAVAC" -nowarn -d "$WORK" "$WORK/CpuBound.java" 2>&1 | grep -v '^Note:' || true

# name|JVM options   (a leading "mode=X " selects the program variant; "java17" picks JDK 17)
SETSLIST=(
  "default|"
  "xmx512|-Xmx512m"
  "xmx256|-Xmx256m"
  "parallel|-XX:+UseParallelGC"
  "parallel-xmx256|-XX:+UseParallelGC -Xmx256m"
  "parallel-xmx256-1thr|-XX:+UseParallelGC -XX:ParallelGCThreads=1 -Xmx256m"
  "serial|-XX:+UseSerialGC"
  "serial-xmx256|-XX:+UseSerialGC -Xmx256m"
  "g1-region8m-xmx512|-Xmx512m -XX:G1HeapRegionSize=8m"
  "g1-region32m-xmx512|-Xmx512m -XX:G1HeapRegionSize=32m"
  "g1-xmn384-xmx512|-Xmx512m -Xmn384m"
  "g1-xmn16-xmx256|-Xmx256m -Xmn16m"
  "serial-xmn8-xmx256|-XX:+UseSerialGC -Xmx256m -Xmn8m"
  "serial-xmn2-xmx256|-XX:+UseSerialGC -Xmx256m -Xmn2m"
  "serial-xmn4-xmx256|-XX:+UseSerialGC -Xmx256m -Xmn4m"
  "serial-xmn16-xmx256|-XX:+UseSerialGC -Xmx256m -Xmn16m"
  "serial-xmn32-xmx256|-XX:+UseSerialGC -Xmx256m -Xmn32m"
  "serial-xmn8-xmx512|-XX:+UseSerialGC -Xmx512m -Xmn8m"
  "parallel1-xmn8-xmx256|-XX:+UseParallelGC -XX:ParallelGCThreads=1 -Xmx256m -Xmn8m"
  "parallel-xmn16-xmx256|-XX:+UseParallelGC -Xmx256m -Xmn16m"
  "pretouch-xms512|-Xms512m -Xmx512m -XX:+AlwaysPreTouch"
  "tlab512k-xmx512|-Xmx512m -XX:TLABSize=512k -XX:-ResizeTLAB"
  "thp-xmx512|-Xmx512m -XX:+UseTransparentHugePages"
  "coh-xmx512|-Xmx512m -XX:+UseCompactObjectHeaders"
  "zgc-xmx512|-XX:+UseZGC -Xmx512m"
  "jdk17-default|java17"
  "inplace-floor|mode=inplace"
  "product-tree|mode=tree"
)
JAVA17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
RES="$WORK/results"; : > "$RES"   # lines: name round run wall cpu allocGB gcs gcms

run_set() {  # $1=name $2=opts $3=round
  local name=$1 opts=$2 round=$3 java=$JAVA mode=bigint cp="$WORK"
  if [[ $opts == java17 ]]; then
    [[ -x $JAVA17 ]] || return 0
    java=$JAVA17; opts=""
    # JDK 17 cannot run class files from a newer javac: compile once with --release 17
    if [[ ! -d $WORK/c17 ]]; then
      mkdir -p "$WORK/c17"
      sed 's/Thread.currentThread().threadId()/Thread.currentThread().getId()/' "$WORK/CpuBound.java" > "$WORK/c17/CpuBound.java"
      "$JAVAC" -nowarn --release 17 -d "$WORK/c17" "$WORK/c17/CpuBound.java" 2>&1 | grep -v '^Note:' || true
    fi
    cp="$WORK/c17"
  fi
  if [[ $opts == mode=* ]]; then mode=${opts#mode=}; mode=${mode%% *}; opts=${opts#mode=$mode}; fi
  # shellcheck disable=SC2086
  timeout 300 "$java" $opts -Dmode="$mode" -cp "$cp" CpuBound "$RUNS" "$N" 2>"$WORK/err" \
    | awk -v n="$name" -v r="$round" '$1=="RUN"{print n, r, $2, $3, $4, $5, $6, $7, $9}' >> "$RES" \
    || echo "  ($name failed: $(head -c 200 "$WORK/err"))" >&2
}
run_python() {  # reference: the same naive loop in CPython (if present)
  command -v python3 >/dev/null && [[ $PYTHON == 1 ]] || return 0
  timeout 120 python3 - "$N" "$1" <<'PY' >> "$RES" || true
import sys, time
n, rnd = int(sys.argv[1]), sys.argv[2]
for r in range(2):
    t0 = time.perf_counter(); c0 = time.thread_time(); p = 1
    for i in range(1, n + 1): p *= i
    print("python3", rnd, r, "%.4f" % (time.perf_counter() - t0), "%.4f" % (time.thread_time() - c0), 0, 0, 0, "%.4f" % (time.thread_time() - c0))
PY
}

names=(); declare -A opt
for s in "${SETSLIST[@]}"; do n=${s%%|*}; [[ $n =~ $SETS || $n == default ]] || continue; names+=("$n"); opt[$n]=${s#*|}; done
# The report also goes to docs/benchmarks/cpu-gc-options.txt, which docs/benchmarks.md links.
exec > >(tee "${OUT:-$(dirname "$0")/../docs/benchmarks/cpu-gc-options.txt}")
echo "java: $("$JAVA" -version 2>&1 | head -1) | cpus: $(nproc) | N=$N RUNS=$RUNS ROUNDS=$ROUNDS BUDGET=${BUDGET}s"
echo "load before: $(uptime)"
start=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
  if (( SECONDS - start > BUDGET )); then echo "budget reached, stopping after $((round - 1)) rounds" >&2; break; fi
  # rotate the start position each round so no set is always first/last
  cnt=${#names[@]}
  for ((j = 0; j < cnt; j++)); do
    n=${names[$(( (j + round - 1) % cnt ))]}
    if (( round > 1 && SECONDS - start > BUDGET )); then echo "budget reached in round $round" >&2; break 2; fi
    printf '  round %d/%d  %-24s\r' "$round" "$ROUNDS" "$n" >&2
    run_set "$n" "${opt[$n]}" "$round"
  done
  run_python "$round"
done
echo >&2
echo "load after:  $(uptime)   elapsed: $((SECONDS - start)) s"
echo
echo "steady = runs 1..$((RUNS - 1)) of each JVM (run 0 = first request, includes JIT warm-up)."
echo "wall = median wall-clock s per loop; cpu = main-thread CPU s (excludes GC threads); pcpu = whole-process CPU s"
echo "(includes GC/JIT threads; the fairest figure when the machine is loaded). ratio = vs default of this run, <1 = faster."
echo "1st = median wall s of run 0; allocGB, GCs, GCms (pause time) are per steady loop."
awk -v order="$(printf '%s ' "${names[@]}") python3" '
  function median(arr, k,   i, j, t) { for (i = 2; i <= k; i++) { t = arr[i]; for (j = i - 1; j > 0 && arr[j] > t; j--) arr[j+1] = arr[j]; arr[j+1] = t }
                                        return k == 0 ? 0 : (k % 2 ? arr[(k+1)/2] : (arr[k/2] + arr[k/2+1]) / 2) }
  { n = $1; if ($3 == 0) { fk[n]++; F[n, fk[n]] = $4 } else { k[n]++; W[n, k[n]] = $4; C[n, k[n]] = $5; A[n] = $6; G[n, k[n]] = $7; GT[n, k[n]] = $8; P[n, k[n]] = $9 } }
  END {
    split(order, names, " ")
    for (i in names) { n = names[i]; m = k[n]; if (!m) continue
      delete a; for (j = 1; j <= m; j++) a[j] = W[n, j]; mw[n] = median(a, m)
      delete a; for (j = 1; j <= m; j++) a[j] = C[n, j]; mc[n] = median(a, m)
      delete a; for (j = 1; j <= m; j++) a[j] = P[n, j]; mp[n] = median(a, m)
      delete a; for (j = 1; j <= m; j++) a[j] = G[n, j]; mg[n] = median(a, m)
      delete a; for (j = 1; j <= m; j++) a[j] = GT[n, j]; mgt[n] = median(a, m)
      lo[n] = 1e9; hi[n] = 0; for (j = 1; j <= m; j++) { if (W[n, j] < lo[n]) lo[n] = W[n, j]; if (W[n, j] > hi[n]) hi[n] = W[n, j] }
      delete a; for (j = 1; j <= fk[n]; j++) a[j] = F[n, j]; mf[n] = median(a, fk[n]) }
    printf "%-24s %3s %7s %6s %7s %6s %7s %6s %13s %7s %6s %6s %6s\n", "option set", "n", "wall", "ratio", "cpu", "ratio", "pcpu", "ratio", "wall min-max", "1st", "allocGB", "GCs", "GCms"
    for (i = 1; i <= length(names); i++) { n = names[i]; if (!k[n]) continue
      printf "%-24s %3d %7.3f %6.2f %7.3f %6.2f %7.3f %6.2f %6.2f-%-6.2f %7.3f %6.2f %6d %6d\n", n, k[n], mw[n], mw[n] / mw["default"], mc[n], mc[n] / mc["default"], mp[n], mp[n] / mp["default"], lo[n], hi[n], mf[n], A[n], mg[n], mgt[n] }
  }' "$RES"
echo
echo "option sets:"; for n in "${names[@]}"; do printf '  %-24s %s\n' "$n" "${opt[$n]:-(none)}"; done
