#!/usr/bin/env bash
# A year of history, then a day's work on top of it: embedded PostgreSQL + the Teams simulator
# (Teams' 50/s, 50-300 ms latency) + one Herald process (-Xmx256m, ZGC), all on 127.0.0.1.
# Seeds, straight into Herald's tables, N ledger rows over A sent announcements spread over 12
# months (the same P = N/A people each time; acknowledgements, votes, tallies, finished follow-ups
# with their items every 10th announcement, audit rows), then measures: report page, JSON report,
# deliveries page and CSV of the oldest and the newest announcement (p50/p95/max); a paced send to
# S people with the retention purge of the oldest month (and the audit purge) started a third of
# the way in, and the send's rate during the purge against the rest; the database size seeded,
# after the purge and at the end; a send to B people (answer time, freeze time; then canceled).
# The last line printed is one JSON object. Logs in bench/out/history-<time>/.
#
#   bench/history.sh --rows 20000000 --announcements 200 --paced 100000 --big 1000000   # the issue's scale
#   bench/history.sh --rows 2000000 --announcements 100 --paced 3000 --big 100000       # development
#
# Options: --rows N (20000000), --announcements A (200), --people P (N/A), --paced S (P; at 50/s),
# --big B (1000000), --requests R per endpoint (40), --csv-requests C (3), --retention-days D (335:
# the oldest month of 365 days), --audit-rows (N/100), --follow-up-every K (10), --xmx (256m),
# --keep-db (keep bench/out/history-*/pgdata).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -pl backend -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:$(cat backend/target/bench.classpath)"

# The simulator stands in for Teams' servers, which do not share Herald's CPUs: by default the driver
# JVM that holds it runs at a higher CPU priority (niceness -10) than Herald and PostgreSQL (0), so
# that its arrival stamps are not late whenever they hold both cores. BENCH_JUDGE_PRIORITY=0 turns it off.
JUDGE=${BENCH_JUDGE_PRIORITY:-10}
NICE=()
if [ "$JUDGE" -gt 0 ]; then NICE=(nice -n "-$JUDGE"); fi
exec timeout --signal=KILL 3h "${NICE[@]}" java -Dbench.judge-priority="$JUDGE" -Xmx4g -XX:+UseZGC ${BENCH_DRIVER_OPTS:-} -cp "$CP" dev.herald.bench.HistoryBench "$@"
