#!/usr/bin/env bash
# The e-mail fallback at scale over Microsoft Graph sendMail (#26): embedded PostgreSQL + one Herald process
# (transport graph, 2 sender mailboxes) + the Teams simulator in the driver JVM (Exchange Online's limits per
# mailbox: 30 messages a minute, 10,000 recipients a day, 4 concurrent requests, 429 ApplicationThrottled), all on
# 127.0.0.1. N people with a chat all blocked the bot; one announcement with the e-mail fallback is sent, and the
# run waits until Herald's e-mail ledger has nothing left. Judged from the simulator's mailboxes: e-mails accepted
# per mailbox, refusals by a limit, the rate against the limit, lost and duplicated people. Last line: one JSON
# object ("ok": no limit exceeded, rate >= 95% of the limit, nobody lost or mailed twice).
#
# Time scale: at Exchange's real 30 a minute, 20,000 e-mails over 2 mailboxes take ~5.5 h. --mailbox-per-minute M
# raises the simulator's per-minute limit per mailbox to M and Herald's pace (herald.email.mailbox-rate-per-minute)
# to M x 29/30, Herald's own margin at the real limit. The 10,000 recipients a day per mailbox stay real: 20,000 over
# 2 mailboxes reach it exactly.
#
#   bench/email.sh --people 20000 --mailbox-per-minute 360      (to record: ~29 min of e-mail, on a quiet machine)
#   bench/email.sh --people 2000 --mailbox-per-minute 360       (a quick look, ~3 min)
#   bench/email.sh --people 20000 --mailbox-per-minute 30       (real time: ~5.7 h)
#
# Options: --people N (default 20000), --mailbox-per-minute M (default 30), --herald-per-minute P (default M*29/30),
# --mailboxes K (default 2), --xmx (Herald heap, default 512m). Logs in bench/out/email-<time>/.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -pl backend -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2
CP="backend/target/test-classes:backend/target/classes:$(cat backend/target/bench.classpath)"

exec timeout --signal=KILL 10h java -Xmx2g ${BENCH_DRIVER_OPTS:-} -cp "$CP" dev.herald.bench.EmailBench "$@"
