#!/usr/bin/env bash
# The urgent lane (#25): one URGENT broadcast, measured like bench/dispatch.sh (same options),
# everyone also alerted through Graph's activity feed (2 calls/s of 100 people). The result's
# "urgent" object: alerted by the feed within 9 minutes of the send, feed calls per second
# against the limit, 429s and 412s, anyone alerted twice (judged by the simulator's feeds).
#
#   bench/urgent.sh --recipients 100000 --limit 50 --latency-ms 50-300
#   bench/urgent.sh --recipients 300 --limit 50                            # a smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/dispatch.sh --urgent true "$@"
