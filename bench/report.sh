#!/usr/bin/env bash
# Reports at scale: embedded PostgreSQL + one Herald process (default -Xmx256m) on 127.0.0.1.
# Seeds one sent announcement with N delivery rows (mixed states, acknowledgements, poll votes,
# read receipts; written through the tables' triggers like real writes), then times every report
# endpoint over HTTP and the full CSV download. The last line printed is one JSON object.
#
#   bench/report.sh --rows 1000000
#   bench/report.sh --rows 100000 --requests 30 --xmx 256m --send-seconds 600
#
# Options: --rows N (default 1000000), --requests R per endpoint (default 40, after 5 unmeasured),
# --xmx (Herald heap, default 256m), --send-seconds S (how long the seeded send took; default
# rows/50, i.e. paced at Teams' 50/s, which the rate chart draws in minute bars).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -pl backend -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:$(cat backend/target/bench.classpath)"

exec timeout --signal=KILL 1h java -Xmx1g ${BENCH_DRIVER_OPTS:-} -cp "$CP" dev.herald.bench.ReportBench "$@"
