#!/usr/bin/env bash
# Production-mode smoke test: the production jar (not local mode) with docker-compose.yml's
# environment as its "try" profile sets it (try.env), against a Debian PostgreSQL, the standalone Teams simulator and the standalone
# OpenID provider the compose file pins (mock-oauth2-server, run from its jar: no Docker engine
# here). Signs in through the browser flow, sends an announcement through the API, and finds
# it in the simulator's inboxes. Needs the jars (./mvnw -B package or verify) and postgresql.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${SMOKE_PG_PORT:-15432}
HERALD_PORT=${SMOKE_HERALD_PORT:-18080}
SIM_PORT=${SMOKE_SIM_PORT:-18081}
OIDC_PORT=${SMOKE_OIDC_PORT:-18090}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -d "$work/pg" ] && runuser -u postgres -- /usr/lib/postgresql/*/bin/pg_ctl -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "production smoke: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -40 "$f" >&2; done; exit 1; }
wait_for() { for _ in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; fail "$1 did not answer"; }

# The compose file's environment for the herald service as the trial runs it: each
# ${VAR:-default} or ${VAR:?message} takes VAR from try.env (the file given to
# `docker compose --env-file try.env --profile try`), else the default; service names
# mapped to this machine. Local mode stays off, as in the compose file: only the
# simulator's host (here localhost) is reached over plain http.
compose_env() {
  sed -n '/^  herald:/,/^    ports:/p' docker-compose.yml | sed -n 's/^      \([A-Z0-9_]*\): *\(.*\)$/\1=\2/p' \
    | while IFS='=' read -r key value; do
        if [[ "$value" =~ ^\$\{([A-Z_]+):([-?])(.*)\}$ ]]; then
          tried=$(sed -n "s/^${BASH_REMATCH[1]}=//p" try.env)
          if [ -n "$tried" ]; then value=$tried
          elif [ "${BASH_REMATCH[2]}" = "-" ]; then value=${BASH_REMATCH[3]}
          else fail "$key has no default and try.env does not set ${BASH_REMATCH[1]}"; fi
        fi
        echo "$key=$value"
      done \
    | sed -e "s#//postgres:5432#//localhost:$PG_PORT#" -e "s#//simulator:8081#//localhost:$SIM_PORT#g" \
          -e "s#//oidc:8090#//localhost:$OIDC_PORT#" -e "s#//localhost:8090#//localhost:$OIDC_PORT#" \
          -e 's#^HERALD_TEAMS_ALLOWEDSERVICEHOSTS=.*#HERALD_TEAMS_ALLOWEDSERVICEHOSTS=localhost#' \
          -e 's#^HERALD_PLAINHTTPHOSTS=.*#HERALD_PLAINHTTPHOSTS=localhost#'
}

echo "==> PostgreSQL on $PG_PORT"
mkdir -p "$work/pg" && chown postgres "$work" "$work/pg"
runuser -u postgres -- /usr/lib/postgresql/*/bin/initdb -D "$work/pg" -U herald --auth=trust >"$work/initdb.log" 2>&1
runuser -u postgres -- /usr/lib/postgresql/*/bin/pg_ctl -D "$work/pg" -o "-p $PG_PORT -k $work" -l "$work/pg.log" start >/dev/null
for _ in $(seq 1 30); do runuser -u postgres -- psql -h "$work" -p "$PG_PORT" -U herald -d postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
runuser -u postgres -- psql -h "$work" -p "$PG_PORT" -U herald -d postgres -c 'CREATE DATABASE herald' >/dev/null

echo "==> OpenID provider (mock-oauth2-server, as pinned in docker-compose.yml) on $OIDC_PORT"
[ -s backend/target/test-classpath.txt ] || fail "backend/target/test-classpath.txt missing: run ./mvnw -B package (or verify) first"
cp backend/target/test-classpath.txt "$work/cp.txt"
json_config=$(sed -n "s/^      JSON_CONFIG: '\(.*\)'$/\1/p" docker-compose.yml)
SERVER_PORT=$OIDC_PORT JSON_CONFIG="$json_config" java -cp "$(cat "$work/cp.txt")" \
  no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt >"$work/oidc.log" 2>&1 &
pids+=($!)
wait_for "http://localhost:$OIDC_PORT/herald/.well-known/openid-configuration" 60

echo "==> Teams simulator on $SIM_PORT"
java -jar teams-simulator/target/teams-simulator.jar --port "$SIM_PORT" --users 200 --installed-share 0.9 \
  --bot-endpoint "http://localhost:$HERALD_PORT/api/messages" >"$work/sim.log" 2>&1 &
pids+=($!)
wait_for "http://localhost:$SIM_PORT/_sim/stats" 60

echo "==> Herald (production jar) on $HERALD_PORT"
env $(compose_env | tr '\n' ' ') SERVER_PORT="$HERALD_PORT" java -Xmx512m -jar backend/target/herald.jar \
  >"$work/herald.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do
  curl -fsS "http://localhost:$HERALD_PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"' && break
  kill -0 "${pids[-1]}" 2>/dev/null || fail "Herald exited"
  sleep 1
done
curl -fsS "http://localhost:$HERALD_PORT/actuator/health" | grep -q '"status":"UP"' || fail "Herald not healthy"
curl -fsS -X POST -H 'Content-Type: application/json' -d '{"existing":true}' "http://localhost:$SIM_PORT/_sim/install" >/dev/null

echo "==> Sign-in through the browser flow"
jar="$work/cookies"
authorize=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "http://localhost:$HERALD_PORT/oauth2/authorization/entra")
case "$authorize" in "http://localhost:$OIDC_PORT/herald/authorize"*) ;; *) fail "authorization redirect went to '$authorize'" ;; esac
callback=$(curl -s -o /dev/null -w '%{redirect_url}' -X POST --data-urlencode username=admin --data-urlencode claims='{}' "$authorize")
case "$callback" in "http://localhost:$HERALD_PORT/login/oauth2/code/entra"*) ;; *) fail "provider redirected to '$callback'" ;; esac
curl -s -c "$jar" -b "$jar" -o /dev/null "$callback"
status=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "http://localhost:$HERALD_PORT/admin/settings")
[ "$status" = 200 ] || fail "signed-in admin got $status for /admin/settings"
echo "signed in as admin: /admin/settings 200"

echo "==> Announcement through the API"
token=$(curl -fsS -d grant_type=client_credentials -d client_id=herald-cli -d client_secret=x -d scope=api \
  "http://localhost:$OIDC_PORT/herald/token" | tr -d '\n' | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')
api() { curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
for _ in $(seq 1 60); do
  [ "$(curl -fsS "http://localhost:$SIM_PORT/_sim/stats" | sed -E 's/.*"callbacks":\{"delivered":([0-9]+).*/\1/')" -ge 100 ] && break
  sleep 1
done
marker="smoke-$(date +%s)-$RANDOM"
id=$(api -X POST -d "{\"title\":\"$marker\"}" "http://localhost:$HERALD_PORT/api/v1/announcements" | tr -d '\n' \
  | sed -E 's/^\{ *"id" *: *([0-9]+).*/\1/')
[[ "$id" =~ ^[0-9]+$ ]] || fail "announcement not created"
code=$(api -o /dev/null -w '%{http_code}' -X POST "http://localhost:$HERALD_PORT/api/v1/announcements/$id/send")
[ "$code" = 202 ] || fail "send answered $code"
for _ in $(seq 1 120); do
  api "http://localhost:$HERALD_PORT/api/v1/announcements/$id" | grep -q '"status" *: *"sent"' && break
  sleep 1
done
received=$(curl -fsS "http://localhost:$SIM_PORT/_sim/deliveries?marker=$marker" | sed -E 's/.*"conversations":([0-9]+).*/\1/')
[ "${received:-0}" -gt 0 ] || fail "no inbox in the simulator received the announcement"
echo "announcement $id found in $received simulator inboxes"
echo "==> production smoke test passed"
