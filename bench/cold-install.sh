#!/usr/bin/env bash
# Cold-install benchmark: N people, nobody has Herald, one broadcast to everyone.
# Usage: bench/cold-install.sh [--users N] [--known-from-roster F]    (defaults 2000, 0)
# --known-from-roster F: Herald is installed in department teams covering about F of the
# people (1.0: everyone), so they can be reached by creating the 1:1 conversation.
# Builds what it needs, runs Herald + embedded PostgreSQL + the embedded Teams simulator in
# one JVM, and prints one JSON object as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=2000
ROSTER=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --known-from-roster) ROSTER="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
./mvnw -q -B -pl backend -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/backend/target/bench.classpath" -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:teams-simulator/target/classes:db/target/classes:$(cat backend/target/bench.classpath)"
# A fixed, small heap: the run must fit whatever N is (memory stays flat by design).
RESULT="$PWD/backend/target/bench-result.json"
rm -f "$RESULT"
java -Xms256m -Xmx512m ${BENCH_JAVA_OPTS:-} -Dbench.result="$RESULT" -cp "$CP" dev.herald.install.ColdInstallBenchmark --users "$USERS" --known-from-roster "$ROSTER" \
  > backend/target/bench.log 2>&1 || true
if [[ ! -s "$RESULT" ]]; then
  tail -n 40 backend/target/bench.log >&2
  echo '{"error":"benchmark did not finish; see backend/target/bench.log"}'
  exit 1
fi
cat "$RESULT"
