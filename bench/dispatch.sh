#!/usr/bin/env bash
# One measured broadcast: embedded PostgreSQL + the Teams simulator + Herald process(es), all on
# 127.0.0.1, bounded and self-terminating. The last line printed is one JSON object.
#
#   bench/dispatch.sh --recipients 10000 --limit 50 --latency-ms 50-300
#   bench/dispatch.sh --recipients 100000 --limit 0 --latency-ms 0          # limits off
#   bench/dispatch.sh --recipients 20000 --limit 50 --latency-ms 50-300 --instances 2 --faults 5xx=0.05
#
# Options: --recipients N, --limit R (0 = simulator limits off, Herald unlimited), --latency-ms MIN-MAX,
# --instances K, --faults 5xx=X,timeout=X,reset=X,blocked=X,412=X, --xmx (Herald heap, default 256m),
# --latency-dist uniform|tail (how latency draws spread, default uniform), --retry-after-absent X (share of 429s
# without Retry-After, default 0), --headroom X (herald.dispatch.rate-headroom, default Herald's),
# --concurrency (Herald senders, default 64), --gc serial|zgc|g1 (Herald collector; zgc paced, serial unlimited),
# --warmup N (an unmeasured broadcast to N people first; default 10000 with --limit 0, else 0),
# --then update|recall (after the broadcast, edit it so every copy is updated in place, or recall it so every copy
# is deleted; the result gains a "then" object: rate, missed and doubled counted from the simulator),
# --recall R --welcomes W (the mixed run: an earlier announcement to R of the people is sent first, unmeasured and
# unlimited; then the broadcast, its recall and W newcomers installing the app all start at once; the result gains a
# "mixed" object: calls in each second against the limit, budget used, copies left, welcomes, judged by the simulator).
#   bench/dispatch.sh --recipients 100000 --limit 50 --latency-ms 50-300 --instances 2 --recall 20000 --welcomes 2000
# Logs of each run go to bench/out/<time>/ (Herald nodes; PostgreSQL's log with slow plans and autovacuum in pglog/).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -pl backend -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:$(cat backend/target/bench.classpath)"

# The driver holds the simulator, which keeps every activity it receives in memory.
# ZGC: the simulator stamps arrivals for its one-second windows; a 20 ms pause of its JVM
# would bunch them and charge Herald for jitter it did not cause.
# The simulator stands in for Teams' servers, which do not share Herald's CPUs: by default the driver
# JVM that holds it runs at a higher CPU priority (niceness -10) than Herald and PostgreSQL (0), so
# that its arrival stamps are not late whenever they hold both cores. BENCH_JUDGE_PRIORITY=0 turns it off.
JUDGE=${BENCH_JUDGE_PRIORITY:-10}
NICE=()
if [ "$JUDGE" -gt 0 ]; then NICE=(nice -n "-$JUDGE"); fi
exec timeout --signal=KILL 3h "${NICE[@]}" java -Dbench.judge-priority="$JUDGE" -Xmx6g -XX:+UseZGC ${BENCH_DRIVER_OPTS:-} -cp "$CP" dev.herald.bench.DispatchBench "$@"
