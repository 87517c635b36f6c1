#!/usr/bin/env bash
# Tracked links at load: embedded PostgreSQL + one Herald process on 127.0.0.1. Creates a sent
# announcement with 4 links and N recipients, then requests /r/<token> open-loop at R clicks/s for
# D seconds (each request a different person's link; latency measured from when the request was
# due, so a stall counts against it), and checks that every click is counted once (link_click rows
# and the JSON report). The last line printed is one JSON object.
#
#   bench/links.sh --rate 2000 --seconds 60 --people 100000      (to record, on a quiet machine)
#   bench/links.sh --rate 200 --seconds 5 --people 2000           (a quick look)
#
# Options: --rate R clicks/s (default 2000), --seconds D (default 60), --people N (default 100000),
# --threads T client threads (default 64), --xmx (Herald heap, default 512m), --warmup W seconds at the
# rate before the measured ones (default 10: the JIT and Tomcat's threads grow under that load, not in the
# measured seconds; its p95 is printed as warmup_p95_ms), --gc parallel|g1|zgc (Herald's collector; default
# parallel, the shortest tail of the three here).
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -pl backend -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:$(cat backend/target/bench.classpath)"

exec timeout --signal=KILL 1h java -Xmx1g ${BENCH_DRIVER_OPTS:-} -cp "$CP" dev.herald.bench.LinkBench "$@"
