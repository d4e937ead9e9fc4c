#!/usr/bin/env bash
# Convene's long fault scenarios (issue 8): each injects a fault under load, then compares what the
# clients were told, what the database holds and what the webhook receiver got, and prints a verdict
# (PASS/FAIL) with its figures.
#
#   reliability/run.sh [options] [scenario ...]
#
# Scenarios (all of them when none is named, in this order):
#   db-kill            kill -9 of PostgreSQL under steady writes, restarted after a while
#   receiver-down      the webhook receiver answers 503, then is gone, for minutes; then back
#   two-instances      two Convene processes on one database; kill -9 of one mid-load
#   graceful-shutdown  SIGTERM under HTTP load on the embedded database; restart on the same data dir
#   slow-clients       hundreds of connections sending a head or a body a byte at a time, and 300 idle ones
#                      from one address, beside normal traffic
#   embedded-db-dies   kill -9 of the embedded PostgreSQL under writes; Convene restarts it by itself
#   crash-idempotent   kill -9 of Convene during a burst of POST /v1/schedule with Idempotency-Keys; restart;
#                      every request retried with its key: exactly one meeting per key
#   soak               mixed load at a moderate rate for 10 minutes, sampling heap, threads, fds, connections
#   cluster-kill       two API nodes and a worker node behind HAProxy; kill -9 of an API node under 200 writes/s
#   rolling-restart    every node of that cluster restarted in turn under traffic: no request may fail
#   cluster-limits     one key's rate limit across the API nodes (rate_limit_scope = cluster)
#   suite              the fast fault and security cases of the test suite (mvn -B test -Dtest=...)
#
# Options:
#   --short                      receiver-down 1 minute, soak 2 minutes (about 9 minutes in all)
#   --soak-minutes N             soak length (default 10)
#   --receiver-down-minutes N    receiver outage (default 3)
#   --rate N                     write rate of db-kill and two-instances, requests/s (default 100)
#   --note TEXT                  a remark stored with the results
#   --keep                       keep the work directory (logs, data dirs, raw request and receipt logs)
#
# Needs Debian 12 (or alike): as root it installs what is missing from Debian's packages (a JDK 17,
# Maven, PostgreSQL's server binaries, curl) and builds target/convene.jar when it is missing or older
# than the sources. PostgreSQL runs as the `postgres` user. Everything listens on 127.0.0.1 only.
# Results: reliability/results/<UTC date>-<time>.md and .json. Exit status 1 when a scenario fails.
# The whole run takes about 26 minutes (10 of them the soak).

set -Eeuo pipefail

ALL=(db-kill receiver-down two-instances graceful-shutdown slow-clients embedded-db-dies crash-idempotent soak cluster-kill rolling-restart cluster-limits suite)
SOAK_MIN=10
DOWN_MIN=3
RATE=100
NOTE=""
KEEP=0
SHORT=0
SELECTED=()
ARGS_GIVEN=""
for a in "$@"; do
  if [[ $a =~ ^[A-Za-z0-9._/=:,+-]+$ ]]; then ARGS_GIVEN+=" $a"; else ARGS_GIVEN+=" ${a@Q}"; fi
done
while (($#)); do
  case "$1" in
    --short) SHORT=1; SOAK_MIN=2; DOWN_MIN=1 ;;
    --soak-minutes) SOAK_MIN=${2:?--soak-minutes needs a number}; shift ;;
    --receiver-down-minutes) DOWN_MIN=${2:?--receiver-down-minutes needs a number}; shift ;;
    --rate) RATE=${2:?--rate needs a number}; shift ;;
    --note) NOTE=${2:?--note needs a text}; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "reliability/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *)
      [[ " ${ALL[*]} " == *" $1 "* ]] || { echo "reliability/run.sh: unknown scenario '$1' (one of: ${ALL[*]})" >&2; exit 2; }
      SELECTED+=("$1") ;;
  esac
  shift
done
((${#SELECTED[@]})) || SELECTED=("${ALL[@]}")
for n in "$SOAK_MIN" "$DOWN_MIN" "$RATE"; do
  [[ $n =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "reliability/run.sh: '$n' is not a number" >&2; exit 2; }
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REL=$ROOT/reliability
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
JAR=$ROOT/target/convene.jar
cd "$ROOT"

log() { printf '[reliability %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools

# The request timeout of Convene's store (MeetingStore's event-bus send timeout): no request may take longer.
REQUEST_TIMEOUT_MS=15000
# Webhook retries in minutes instead of hours, in every scenario (the endpoint allows 20 retries).
RETRY_SCHEDULE=5s,15s,30s,60s,60s,60s,60s,60s,60s,60s
ENDPOINT_TIMEOUT_S=5

needs_maven=0
jar_stale() { [[ ! -f $JAR || -n $(find "$ROOT/src/main" "$ROOT/conf" "$ROOT/pom.xml" -type f -newer "$JAR" 2>/dev/null | head -1) ]]; }
if jar_stale; then needs_maven=1; fi
[[ " ${SELECTED[*]} " == *" suite "* ]] && needs_maven=1
need=()
command -v curl >/dev/null || need+=(curl)
{ command -v java && command -v javac && command -v jcmd && command -v jstat; } >/dev/null || need+=(openjdk-17-jdk-headless)
if ((needs_maven)) && ! command -v mvn >/dev/null; then need+=(maven); fi
{ [[ -x "$(pg_bin_dir)/initdb" ]] && command -v psql; } >/dev/null 2>&1 || need+=(postgresql)
command -v runuser >/dev/null || need+=(util-linux)
[[ " ${SELECTED[*]} " != *" cluster-"* && " ${SELECTED[*]} " != *" rolling-restart "* ]] || command -v haproxy >/dev/null || need+=(haproxy)
if ((${#need[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing ${need[*]}: install them (apt-get install -y ${need[*]}) or run as root"
  log "installing from Debian's packages: ${need[*]}"
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
PG_BIN=$(pg_bin_dir)
[[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] || die "PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin)"
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' user to run PostgreSQL as (Debian's postgresql-common creates it)"
fi

if jar_stale; then
  log "building target/convene.jar (mvn -B -q package -DskipTests)"
  timeout 1200 mvn -B -q package -DskipTests >&2 || die "the build failed"
fi
[[ -f $JAR ]] || die "$JAR is missing after the build"

# ---------------------------------------------------------------- the work directory

# Under /tmp, readable on the way down, so that the postgres user reaches its data directories.
WORK=$(mktemp -d "${RELIABILITY_TMP:-/tmp}/convene-reliability.XXXXXX")
chmod 755 "$WORK"
STARTED_AT=$(date -u +%FT%TZ)
STAMP=$(date -u +%Y-%m-%d-%H%M)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

main_cleanup() {
  local rc=$?
  set +eu
  if ((KEEP)); then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap main_cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- helpers (used inside a scenario's subshell)

now_ms() { date +%s%3N; }

sleep_until() { # epoch ms
  local left=$(($1 - $(now_ms)))
  ((left <= 0)) || sleep "$(awk -v ms="$left" 'BEGIN {printf "%.3f", ms / 1000}')"
  return 0
}

fact() { printf '%s=%s\n' "$1" "$2" >>"$FACTS"; }

PIDS=()
track() { PIDS+=("$1"); }

scenario_cleanup() {
  local rc=$? pid
  set +eu
  for pid in "${PIDS[@]}"; do stop_pid "$pid" TERM 40; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  for dir in "${PG_DIRS[@]}"; do pg_stop_quietly "$dir"; done
  stop_embedded_leftovers
  exit "$rc"
}

java_tool() { java -cp "$JAR" "$REL/$1" "${@:2}"; }

# ---------------------------------------------------------------- PostgreSQL run by the script

PG_DIRS=()

pg_kill9() { # dir: SIGKILL the postmaster, then wait until its children noticed and exited
  local dir=$1 pm kids pid i
  pm=$(head -1 "$dir/data/postmaster.pid")
  kids=$(cat "/proc/$pm/task/$pm/children" 2>/dev/null || true)
  kill -KILL "$pm"
  for ((i = 0; i < 300; i++)); do
    local alive=0
    for pid in $pm $kids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  # A stale lock file could name a pid that is reused by now.
  rm -f "$dir/data/postmaster.pid"
}

# ---------------------------------------------------------------- Convene

ADMIN_TOKEN="rel-$(random_hex 12)"

# Variables already set in the caller's environment must not leak into the instances.
CLEAN_ENV=(env)
while read -r name; do CLEAN_ENV+=(-u "$name"); done < <(compgen -e | grep '^CONVENE_' || true)

convene_start() { # name port env... -> sets CONVENE_PID, READY_MS; log $SDIR/<name>.log
  local name=$1 port=$2 deadline
  shift 2
  echo "---- start $(date -u +%FT%T.%3NZ)" >>"$SDIR/$name.log"
  # shellcheck disable=SC2086
  "${CLEAN_ENV[@]}" CONVENE_HTTP_HOST=127.0.0.1 CONVENE_HTTP_PORT="$port" CONVENE_ADMIN_TOKEN="$ADMIN_TOKEN" \
    CONVENE_BOOTSTRAP=false CONVENE_WEBHOOKS_ALLOW_INSECURE=true CONVENE_WEBHOOK_RETRY_SCHEDULE="$RETRY_SCHEDULE" \
    "$@" java ${RELIABILITY_JAVA_OPTS:-} -jar "$JAR" >>"$SDIR/$name.log" 2>&1 &
  CONVENE_PID=$!
  track "$CONVENE_PID"
  deadline=$((SECONDS + 240))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    kill -0 "$CONVENE_PID" 2>/dev/null || { tail -20 "$SDIR/$name.log" >&2; die "Convene ($name) exited during start"; }
    ((SECONDS < deadline)) || { tail -20 "$SDIR/$name.log" >&2; die "Convene ($name) not ready within 240 s"; }
    sleep 0.05
  done
  READY_MS=$(now_ms)
  log "Convene $name ready on 127.0.0.1:$port (pid $CONVENE_PID)"
}

convene_stop() { # pid -> sets STOP_S
  local t0
  t0=$(now_ms)
  stop_pid "$1" TERM 60
  wait "$1" 2>/dev/null || true
  STOP_S=$(awk -v ms=$(($(now_ms) - t0)) 'BEGIN {printf "%.1f", ms / 1000}')
}

create_tenant() { # port -> API_KEY, ACCOUNT_ID
  local status body
  read -r status body < <(http_call POST "http://127.0.0.1:$1/admin/v1/accounts" '{"name": "Reliability"}' \
    "Authorization: Bearer $ADMIN_TOKEN")
  [[ $status == 201 ]] || die "creating the tenant failed: $status $body"
  API_KEY=$(json_field api_key "$body")
  ACCOUNT_ID=$(json_field id "$body")
  [[ -n $API_KEY && -n $ACCOUNT_ID ]] || die "no api_key/id in the admin API's answer"
}

register_webhook() { # port receiver_port -> SECRET, written to $SDIR/secret for the receiver
  local status body
  read -r status body < <(http_call PUT "http://127.0.0.1:$1/v1/platform/webhook" \
    "{\"url\": \"http://127.0.0.1:$2/hook\", \"enabled\": true, \"events\": [\"meeting.scheduled\", \"meeting.updated\", \"meeting.cancelled\"], \"max_retries\": 20, \"timeout_seconds\": $ENDPOINT_TIMEOUT_S}" \
    "X-API-Key: $API_KEY")
  [[ $status == 2* ]] || die "registering the webhook endpoint failed: $status $body"
  SECRET=$(json_field secret "$body")
  [[ $SECRET == whsec_* ]] || die "no whsec_ secret in the answer to PUT /v1/platform/webhook"
  (umask 077 && printf '%s\n' "$SECRET" >"$SDIR/secret")
}

receiver_start() { # port args... -> RECEIVER_PID, RECEIVER_PORT
  local port=$1
  shift
  # java itself in the background (not a function, whose $! would be a subshell), so that stopping it works.
  start_marked "$SDIR/receiver.$(now_ms).out" "$SDIR/receiver.err" RECEIVER_PORT 90 \
    java -cp "$JAR" "$REL/Receiver.java" --port "$port" --log "$SDIR/receipts.jsonl" --secret-file "$SDIR/secret" "$@"
  RECEIVER_PID=$STARTED_PID
  track "$RECEIVER_PID"
  RECEIVER_PORT=$MARK
}

load_start() { # args for Load.java -> LOAD_PID, LOAD_T0 (epoch ms when the timed load begins)
  start_marked "$SDIR/load.out" "$SDIR/load.err" LOAD_STARTED 180 \
    env RELIABILITY_API_KEY="$API_KEY" java -cp "$JAR" "$REL/Load.java" --out "$SDIR/requests.jsonl" "$@"
  LOAD_PID=$STARTED_PID
  track "$LOAD_PID"
  LOAD_T0=$MARK
}

load_wait() {
  wait "$LOAD_PID" || { cat "$SDIR/load.err" >&2; die "the load generator failed"; }
  log "load: $(grep '^LOAD_JSON ' "$SDIR/load.out" | cut -c11- | grep -o '"outcomes":{[^}]*}' || true)"
}

common_facts() { # after the tenant exists
  fact jdbc_url "$JDBC_URL"
  fact db_user convene
  fact db_password "$PG_PASSWORD"
  fact account "$ACCOUNT_ID"
  fact load "$SDIR/requests.jsonl"
  fact receipts "$SDIR/receipts.jsonl"
}

secrets_in_logs() { # any credential of this scenario in Convene's logs?
  local patterns=$SDIR/.patterns
  (umask 077 && printf '%s\n' "$API_KEY" "$ADMIN_TOKEN" ${SECRET:+"$SECRET"} ${PG_PASSWORD:+"$PG_PASSWORD"} >"$patterns")
  if grep -qF -f "$patterns" "$SDIR"/convene*.log 2>/dev/null; then fact secret_in_logs true; else fact secret_in_logs false; fi
  rm -f "$patterns"
}

wait_drained() { # seconds
  local out
  out=$(java_tool Check.java wait-drained "$FACTS" "$1")
  log "webhook deliveries: $out"
}

judge() { java_tool Check.java scenario "$1" "$FACTS" "$SDIR/result.json"; }

# Embedded PostgreSQL processes of a data dir (their command line names it).
embedded_pids() {
  local d=$1 p
  for p in /proc/[0-9]*; do
    [[ $(tr '\0' ' ' 2>/dev/null <"$p/cmdline") == *"$d/postgres"* ]] && echo "${p#/proc/}"
  done
  return 0
}

EMBEDDED_DATA=""
stop_embedded_leftovers() {
  [[ -n $EMBEDDED_DATA ]] || return 0
  local pid
  for pid in $(embedded_pids "$EMBEDDED_DATA"); do kill -KILL "$pid" 2>/dev/null || true; done
}

embedded_db_facts() { # from the last start in the log: the port; the password file
  local port
  port=$(grep -o 'Embedded PostgreSQL started on 127.0.0.1:[0-9]*' "$SDIR/$1.log" | tail -1 | cut -d: -f2)
  [[ -n $port ]] || die "no 'Embedded PostgreSQL started on 127.0.0.1:<port>' line in the log"
  PG_PASSWORD=$(<"$EMBEDDED_DATA/postgres.password")
  JDBC_URL="jdbc:postgresql://127.0.0.1:$port/convene"
  PSQL=(env PGPASSWORD="$PG_PASSWORD" psql -X -q -At -h 127.0.0.1 -p "$port" -U convene -d convene)
}

# ---------------------------------------------------------------- 1. db-kill

scenario_db_kill() {
  local before=10 down=10 after=25 port pgport kill_ms back_ms
  pgport=$(free_port)
  pg_init "$SDIR/pg" "$pgport"
  receiver_start 0
  port=$(free_port)
  convene_start convene "$port" CONVENE_DATABASE_URL="$DB_URL" CONVENE_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
    CONVENE_RATE_LIMIT_PER_MINUTE=0
  create_tenant "$port"
  register_webhook "$port" "$RECEIVER_PORT"
  log "writes at ${RATE}/s (70% PUT, 30% schedule): ${before}s, then PostgreSQL killed for ${down}s, then ${after}s more"
  load_start --urls "http://127.0.0.1:$port" --rate "$RATE" --duration $((before + down + after)) \
    --mix put=70,schedule=30 --initial 20 --timeout-ms 30000
  sleep_until $((LOAD_T0 + before * 1000))
  kill_ms=$(now_ms)
  pg_kill9 "$SDIR/pg"
  log "PostgreSQL killed (kill -9 of the postmaster; every backend gone after $(($(now_ms) - kill_ms)) ms)"
  sleep_until $((kill_ms + down * 1000))
  pg_start "$SDIR/pg"
  back_ms=$(now_ms)
  log "PostgreSQL back after $(((back_ms - kill_ms) / 1000)) s (crash recovery included)"
  load_wait
  common_facts
  wait_drained 180
  convene_stop "$CONVENE_PID"
  log "Convene stopped $STOP_S s after SIGTERM"
  secrets_in_logs
  fact kill_ms "$kill_ms"
  fact db_back_ms "$back_ms"
  fact request_timeout_ms "$REQUEST_TIMEOUT_MS"
  fact recover_bound_s 10
  fact setting.rate_per_s "$RATE"
  fact setting.mix put=70,schedule=30
  fact setting.database_down_s "$down"
  fact setting.webhook_retry_schedule "$RETRY_SCHEDULE"
  fact setting.convene_stop_s "$STOP_S"
  judge db-kill
}

# ---------------------------------------------------------------- 2. receiver-down

scenario_receiver_down() {
  local before=15 after=20 outage rate=20 port pgport rport down_ms gone_ms back_ms
  outage=$(awk -v m="$DOWN_MIN" 'BEGIN {printf "%d", m * 60}')
  pgport=$(free_port)
  pg_init "$SDIR/pg" "$pgport"
  rport=$(free_port)
  receiver_start "$rport"
  port=$(free_port)
  convene_start convene "$port" CONVENE_DATABASE_URL="$DB_URL" CONVENE_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)" \
    CONVENE_RATE_LIMIT_PER_MINUTE=0
  create_tenant "$port"
  register_webhook "$port" "$rport"
  log "writes at ${rate}/s; receiver answers 503 after ${before}s for $((outage / 2))s, then gone for $((outage - outage / 2))s, then back"
  load_start --urls "http://127.0.0.1:$port" --rate "$rate" --duration $((before + outage + after)) \
    --mix put=70,schedule=30 --initial 20
  sleep_until $((LOAD_T0 + before * 1000))
  curl -fsS --max-time 5 -X POST "http://127.0.0.1:$rport/control?status=503" >/dev/null
  down_ms=$(now_ms)
  log "receiver answers 503"
  sleep_until $((down_ms + outage / 2 * 1000))
  kill -KILL "$RECEIVER_PID"
  wait "$RECEIVER_PID" 2>/dev/null || true
  gone_ms=$(now_ms)
  log "receiver killed (connections refused)"
  sleep_until $((down_ms + outage * 1000))
  receiver_start "$rport"
  back_ms=$(now_ms)
  log "receiver back on port $rport"
  load_wait
  common_facts
  wait_drained 300
  convene_stop "$CONVENE_PID"
  secrets_in_logs
  fact outage_start_ms "$down_ms"
  fact gone_ms "$gone_ms"
  fact back_ms "$back_ms"
  fact setting.rate_per_s "$rate"
  fact setting.receiver_down_minutes "$DOWN_MIN"
  fact setting.webhook_retry_schedule "$RETRY_SCHEDULE"
  fact setting.endpoint "max_retries 20, timeout_seconds $ENDPOINT_TIMEOUT_S"
  judge receiver-down
}

# ---------------------------------------------------------------- 3. two-instances

scenario_two_instances() {
  local healthy=20 after=20 pgport pa pb key pid_a pid_b kill_ms q
  pgport=$(free_port)
  pg_init "$SDIR/pg" "$pgport"
  # Each delivery takes 150 ms at the receiver, so that the killed instance holds leases when it dies.
  receiver_start 0 --delay-ms 150
  key=$(head -c 32 /dev/urandom | base64)
  pa=$(free_port)
  pb=$(free_port)
  convene_start convene-a "$pa" CONVENE_DATABASE_URL="$DB_URL" CONVENE_SECRETS_KEY="$key" CONVENE_RATE_LIMIT_PER_MINUTE=0
  pid_a=$CONVENE_PID
  convene_start convene-b "$pb" CONVENE_DATABASE_URL="$DB_URL" CONVENE_SECRETS_KEY="$key" CONVENE_RATE_LIMIT_PER_MINUTE=0
  pid_b=$CONVENE_PID
  create_tenant "$pa"
  register_webhook "$pa" "$RECEIVER_PORT"
  log "writes at ${RATE}/s over both instances: ${healthy}s healthy, then kill -9 of instance a, then ${after}s more"
  load_start --urls "http://127.0.0.1:$pa,http://127.0.0.1:$pb" --failover --rate "$RATE" \
    --duration $((healthy + after)) --mix put=70,schedule=30 --initial 20
  sleep_until $((LOAD_T0 + healthy * 1000))
  q="SELECT id || '|' || event_id || '|' || lease_token || '|' || (extract(epoch FROM lease_until) * 1000)::bigint
     FROM webhook_deliveries WHERE account_id = '$ACCOUNT_ID' AND status = 'pending' AND lease_until > now()"
  kill -KILL "$pid_a"
  kill_ms=$(now_ms)
  "${PSQL[@]}" -c "$q" >"$SDIR/leases-at-kill.txt"
  sleep 3
  "${PSQL[@]}" -c "$q" >"$SDIR/leases-later.txt"
  log "instance a killed; $(wc -l <"$SDIR/leases-at-kill.txt") deliveries were leased at the kill (by either instance)"
  load_wait
  fact load_end_ms "$(now_ms)"
  common_facts
  wait_drained 180
  convene_stop "$pid_b"
  secrets_in_logs
  fact kill_ms "$kill_ms"
  fact killed_instance 0
  fact lease_s $((ENDPOINT_TIMEOUT_S + 10))
  fact leases_at_kill "$SDIR/leases-at-kill.txt"
  fact leases_later "$SDIR/leases-later.txt"
  fact setting.rate_per_s "$RATE"
  fact setting.receiver_delay_ms 150
  fact setting.endpoint_timeout_s "$ENDPOINT_TIMEOUT_S"
  fact setting.webhook_retry_schedule "$RETRY_SCHEDULE"
  judge two-instances
}

# ---------------------------------------------------------------- 4. graceful-shutdown

scenario_graceful_shutdown() {
  local before=10 after=10 port term_ms exit_ms clean detail lines_before restart_log recovery leased pending drain_s=8
  EMBEDDED_DATA=$SDIR/data
  mkdir -p "$EMBEDDED_DATA"
  receiver_start 0 --delay-ms 100
  port=$(free_port)
  convene_start convene "$port" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0
  local pid=$CONVENE_PID
  embedded_db_facts convene
  create_tenant "$port"
  register_webhook "$port" "$RECEIVER_PORT"
  log "100 requests/s (half on keep-alive connections, half on a new connection each); SIGTERM after ${before}s"
  load_start --urls "http://127.0.0.1:$port" --rate 100 --duration $((before + after)) \
    --mix put=45,slowput=5,schedule=20,get=30 --new-connection-share 0.5 --initial 20
  sleep_until $((LOAD_T0 + before * 1000))
  term_ms=$(now_ms)
  kill -TERM "$pid"
  local i
  for ((i = 0; i < 1200; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  exit_ms=$(now_ms)
  wait "$pid" 2>/dev/null || true
  log "Convene exited $(((exit_ms - term_ms) / 1000)).$((((exit_ms - term_ms) % 1000) / 100)) s after SIGTERM"
  load_wait

  # The embedded PostgreSQL: no process left, a clean shutdown in its log.
  local left
  left=$(embedded_pids "$EMBEDDED_DATA" | tr '\n' ' ')
  if [[ -z $left && $(tail -5 "$EMBEDDED_DATA/postgres.log") == *'database system is shut down'* ]]; then
    clean=true; detail="no postgres process left for the data dir; its log ends with 'database system is shut down'"
  else
    clean=false; detail="processes left: ${left:-none}; log tail: $(tail -3 "$EMBEDDED_DATA/postgres.log" | tr '\n' ' ')"
  fi
  fact pg_clean "$clean"
  fact pg_clean_detail "$detail"

  # Restart without the webhook worker (on another port: the load still runs against the first): the
  # start must not recover from a crash; deliveries whose lease runs past the exit were left held by the
  # stopped instance (nothing claims them meanwhile).
  lines_before=$(wc -l <"$EMBEDDED_DATA/postgres.log")
  convene_start convene "$(free_port)" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_WORKERS=api
  pid=$CONVENE_PID
  embedded_db_facts convene
  restart_log=$(tail -n +"$((lines_before + 1))" "$EMBEDDED_DATA/postgres.log")
  recovery=$(grep -E 'not properly shut down|automatic recovery|was interrupted' <<<"$restart_log" || true)
  if [[ -z $recovery && $restart_log == *'database system was shut down at'* ]]; then
    fact no_recovery true
    fact no_recovery_detail "the restart's log says 'database system was shut down at ...', no recovery"
  else
    fact no_recovery false
    fact no_recovery_detail "restart log: $(tr '\n' ' ' <<<"${recovery:-no 'database system was shut down at' line}")"
  fi
  leased=$("${PSQL[@]}" -c "SELECT count(*) FROM webhook_deliveries WHERE account_id = '$ACCOUNT_ID' AND status = 'pending' AND lease_until > to_timestamp($exit_ms / 1000.0)")
  pending=$("${PSQL[@]}" -c "SELECT count(*) FROM webhook_deliveries WHERE account_id = '$ACCOUNT_ID' AND status = 'pending'")
  fact leases_left_held "$leased"
  fact pending_at_restart "$pending"
  log "restart: $pending deliveries pending, $leased of them leased past the exit by the stopped instance"
  convene_stop "$pid"

  # Then with every worker, until every event is delivered.
  convene_start convene "$port" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0
  pid=$CONVENE_PID
  embedded_db_facts convene
  fact restart_ready_ms "$READY_MS"
  common_facts
  wait_drained 120
  secrets_in_logs
  fact sigterm_ms "$term_ms"
  fact exit_ms "$exit_ms"
  fact exit_bound_s $((drain_s + 10))
  fact setting.rate_per_s 100
  fact setting.mix "put=45,slowput=5 (body over 1 s),schedule=20,get=30"
  fact setting.new_connection_share 0.5
  fact setting.shutdown_drain_seconds "$drain_s (default)"
  fact setting.receiver_delay_ms 100
  judge graceful-shutdown
  convene_stop "$pid"
}

# ---------------------------------------------------------------- 5. slow-clients

# Convene with the API alone on an embedded data dir, rate limit off, and a tenant -> PORT, CONVENE_PID, API_KEY
api_node_start() {
  EMBEDDED_DATA=$SDIR/data
  mkdir -p "$EMBEDDED_DATA"
  PORT=$(free_port)
  convene_start convene "$PORT" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_WORKERS=api
  create_tenant "$PORT"
}

scenario_slow_clients() {
  local before=15 attack=40 after=5 rate=100 port pid slow_pid slow_t0 slow_end
  # Convene's defaults: head 10 s, body 30 s, idle 60 s, 256 connections per address, 10,000 in all.
  api_node_start
  port=$PORT
  pid=$CONVENE_PID
  log "${rate} requests/s of normal traffic from 127.0.0.1: ${before}s alone, then ${attack}s beside 300 slow connections" \
    "(127.0.0.2-4: heads and bodies a byte every 500 ms, reconnecting) and 300 idle ones from 127.0.0.9"
  load_start --urls "http://127.0.0.1:$port" --rate "$rate" --duration $((before + attack + after)) \
    --mix get=50,put=30,schedule=20 --initial 20
  sleep_until $((LOAD_T0 + before * 1000))
  start_marked "$SDIR/slow.out" "$SDIR/slow.err" SLOW_STARTED 60 \
    java -cp "$JAR" "$REL/SlowClients.java" --port "$port" --duration "$attack" --out "$SDIR/slow.jsonl"
  slow_pid=$STARTED_PID
  track "$slow_pid"
  slow_t0=$MARK
  wait "$slow_pid" || { cat "$SDIR/slow.err" >&2; die "the slow clients failed"; }
  slow_end=$(now_ms)
  log "slow clients: $(grep '^SLOW_JSON ' "$SDIR/slow.out" | cut -c11-)"
  load_wait
  convene_stop "$pid"
  fact load "$SDIR/requests.jsonl"
  fact slow "$SDIR/slow.jsonl"
  fact load_start_ms "$LOAD_T0"
  fact attack_start_ms "$slow_t0"
  fact attack_end_ms "$slow_end"
  fact header_timeout_s 10
  fact body_timeout_s 30
  fact per_address_limit 256
  fact greedy_connections 300
  fact slack_ms 1500
  fact throughput_bound 0.95
  fact setting.rate_per_s "$rate"
  fact setting.mix get=50,put=30,schedule=20
  fact setting.phases "${before}s alone, ${attack}s with slow clients, ${after}s after"
  fact setting.slow "300 from 127.0.0.2-4 (half heads, half bodies of 200 bytes), a byte every 500 ms; 300 idle from 127.0.0.9"
  fact setting.limits "defaults: http_header_timeout_seconds 10, http_body_timeout_seconds 30, http_max_connections_per_address 256"
  judge slow-clients
}

# ---------------------------------------------------------------- 6. embedded-db-dies

scenario_embedded_db_dies() {
  local before=10 after=30 port pid pm kill_ms back_ms="" lines deadline restarted=false
  EMBEDDED_DATA=$SDIR/data
  mkdir -p "$EMBEDDED_DATA"
  receiver_start 0
  port=$(free_port)
  convene_start convene "$port" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0
  pid=$CONVENE_PID
  embedded_db_facts convene
  create_tenant "$port"
  register_webhook "$port" "$RECEIVER_PORT"
  log "writes at ${RATE}/s (70% PUT, 30% schedule): ${before}s, then kill -9 of the embedded postmaster; nobody restarts it"
  load_start --urls "http://127.0.0.1:$port" --rate "$RATE" --duration $((before + after)) \
    --mix put=70,schedule=30 --initial 20 --timeout-ms 30000
  sleep_until $((LOAD_T0 + before * 1000))
  lines=$(wc -l <"$SDIR/convene.log")
  pm=$(head -1 "$EMBEDDED_DATA/postgres/postmaster.pid")
  kill_ms=$(now_ms)
  kill -KILL "$pm"
  log "embedded PostgreSQL killed (postmaster pid $pm)"
  deadline=$((SECONDS + 60))
  until tail -n +"$((lines + 1))" "$SDIR/convene.log" | grep -q 'Embedded PostgreSQL restarted'; do
    ((SECONDS < deadline)) || break
    sleep 0.1
  done
  if tail -n +"$((lines + 1))" "$SDIR/convene.log" | grep -q 'Embedded PostgreSQL restarted'; then
    back_ms=$(now_ms)
    restarted=true
    log "Convene restarted it after $(((back_ms - kill_ms) / 100 * 100)) ms"
  else
    back_ms=$(now_ms)
    log "Convene did not restart it within 60 s"
  fi
  load_wait
  common_facts
  wait_drained 180
  if kill -0 "$pid" 2>/dev/null; then fact convene_kept_running true; else fact convene_kept_running false; fi
  secrets_in_logs
  fact kill_ms "$kill_ms"
  fact db_back_ms "$back_ms"
  fact restarted_by_convene "$restarted"
  fact restart_bound_s 15
  fact request_timeout_ms "$REQUEST_TIMEOUT_MS"
  fact recover_bound_s 10
  fact setting.rate_per_s "$RATE"
  fact setting.mix put=70,schedule=30
  fact setting.webhook_retry_schedule "$RETRY_SCHEDULE"
  # Judged while Convene (and so its database) still runs.
  judge embedded-db-dies
  convene_stop "$pid"
}

# ---------------------------------------------------------------- 7. crash-idempotent

scenario_crash_idempotent() {
  local n=2000 port pid run burst kill_ms deadline answered
  api_node_start
  port=$PORT
  pid=$CONVENE_PID
  run="crash$(random_hex 4)"
  log "a burst of $n POST /v1/schedule, each with its own Idempotency-Key, 32 at a time; kill -9 of Convene mid-burst"
  start_marked "$SDIR/burst.out" "$SDIR/burst.err" BURST_STARTED 60 env RELIABILITY_API_KEY="$API_KEY" \
    java -cp "$JAR" "$REL/Burst.java" send --url "http://127.0.0.1:$port" --requests "$n" --connections 32 \
    --run "$run" --out "$SDIR/sent.jsonl"
  burst=$STARTED_PID
  track "$burst"
  deadline=$((SECONDS + 120))
  until [[ -s $SDIR/sent.jsonl ]] && (($(wc -l <"$SDIR/sent.jsonl") >= n / 4)); do
    kill -0 "$burst" 2>/dev/null || { cat "$SDIR/burst.err" >&2; die "the burst ended before the kill"; }
    ((SECONDS < deadline)) || die "the burst did not get a quarter answered within 120 s"
    sleep 0.02
  done
  kill_ms=$(now_ms)
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  wait "$burst" || { cat "$SDIR/burst.err" >&2; die "the burst failed"; }
  answered=$(grep -c '"st":2' "$SDIR/sent.jsonl" || true)
  log "Convene killed; $answered of $n answered 2xx before it died: $(grep '^BURST_JSON ' "$SDIR/burst.out" | cut -c12-)"
  # The same data dir: the start stops the PostgreSQL the killed process left running.
  convene_start convene "$port" CONVENE_DATA_DIR="$EMBEDDED_DATA" CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_WORKERS=api
  pid=$CONVENE_PID
  embedded_db_facts convene
  log "every request sent again with its key (again each second while 409 or no answer, at most 150 s)"
  RELIABILITY_API_KEY=$API_KEY java -cp "$JAR" "$REL/Burst.java" retry --url "http://127.0.0.1:$port" --requests "$n" \
    --connections 32 --run "$run" --give-up-s 150 --out "$SDIR/retried.jsonl" >"$SDIR/retry.out" 2>"$SDIR/retry.err" \
    || { cat "$SDIR/retry.err" >&2; die "the retries failed"; }
  log "retries: $(grep '^BURST_JSON ' "$SDIR/retry.out" | cut -c12-)"
  secrets_in_logs
  fact jdbc_url "$JDBC_URL"
  fact db_user convene
  fact db_password "$PG_PASSWORD"
  fact account "$ACCOUNT_ID"
  fact run "$run"
  fact requests "$n"
  fact sent "$SDIR/sent.jsonl"
  fact retried "$SDIR/retried.jsonl"
  fact kill_ms "$kill_ms"
  fact setting.burst "$n requests, 32 connections, each its own Idempotency-Key; kill -9 once a quarter were answered"
  fact setting.retry "each request again with its key, every second while 409 or no answer, for at most 150 s"
  judge crash-idempotent
  convene_stop "$pid"
}

# ---------------------------------------------------------------- 8. soak

soak_sample() { # pid t0 -> one JSON line
  local pid=$1 t0=$2 heap meta threads fds rss conns
  # The heap's live set: GC.class_histogram runs a full GC and counts what survives (its "Total" bytes).
  # GC.run followed by jstat would also count what the load allocated while jstat's own JVM started.
  heap=$(jcmd "$pid" GC.class_histogram 2>/dev/null | awk '/^Total/ {printf "%.1f", $3 / 1048576}')
  meta=$(jstat -gc "$pid" 2>/dev/null | awk 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    NR == 2 { printf "%.1f", $(col["MU"]) / 1024 }')
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  conns=$("${PSQL[@]}" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'convene' AND backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null || echo null)
  printf '{"t_s":%d,"heap_live_mib":%s,"metaspace_mib":%s,"rss_mib":%s,"threads":%s,"fds":%s,"pg_connections":%s}\n' \
    $((($(now_ms) - t0) / 1000)) "${heap:-null}" "${meta:-null}" "${rss:-null}" "${threads:-null}" "$fds" "${conns:-null}"
}

scenario_soak() {
  local secs rate=40 every port pid t
  secs=$(awk -v m="$SOAK_MIN" 'BEGIN {printf "%d", m * 60}')
  every=30
  ((secs >= 8 * 30)) || every=$((secs / 8))
  ((every >= 5)) || every=5
  EMBEDDED_DATA=$SDIR/data
  mkdir -p "$EMBEDDED_DATA"
  receiver_start 0
  port=$(free_port)
  # The default rate limit (6000/min per key) stays on: 40 requests/s is under it.
  convene_start convene "$port" CONVENE_DATA_DIR="$EMBEDDED_DATA"
  pid=$CONVENE_PID
  embedded_db_facts convene
  create_tenant "$port"
  register_webhook "$port" "$RECEIVER_PORT"
  log "soak: ${rate} requests/s for ${secs}s (get 35, put 25, schedule 15, cancel 5, list 20); a sample every ${every}s"
  load_start --urls "http://127.0.0.1:$port" --rate "$rate" --duration "$secs" \
    --mix get=35,put=25,schedule=15,cancel=5,list=20 --initial 50 --connections 16
  : >"$SDIR/samples.jsonl"
  for ((t = every; t <= secs; t += every)); do
    sleep_until $((LOAD_T0 + t * 1000))
    soak_sample "$pid" "$LOAD_T0" >>"$SDIR/samples.jsonl"
    log "sample: $(tail -1 "$SDIR/samples.jsonl")"
  done
  load_wait
  common_facts
  wait_drained 120
  secrets_in_logs
  fact samples "$SDIR/samples.jsonl"
  fact sample_every_s "$every"
  fact pool_size 16
  fact setting.rate_per_s "$rate"
  fact setting.duration_s "$secs"
  fact setting.mix get=35,put=25,schedule=15,cancel=5,list=20
  fact setting.rate_limit_per_minute "6000 (default)"
  fact setting.java_opts "${RELIABILITY_JAVA_OPTS:-(none)}"
  judge soak
  convene_stop "$pid"
}

# ---------------------------------------------------------------- 10-12. a cluster behind HAProxy

# API nodes api-1..api-N and a worker node on one PostgreSQL the script runs, HAProxy in front of the
# API nodes (bench/lib.sh's haproxy_cfg: checks of /health/ready every second, out after 2 failures).
NODE_PIDS=()
NODE_PORTS=()
cluster_up() { # api_nodes env... -> NODE_PIDS/NODE_PORTS (index 0..n-1 API nodes, n the worker), LB_PORT, LB_STATS
  local n=$1 i port
  shift
  CLUSTER_ENV=(CONVENE_DATABASE_URL="$DB_URL" CONVENE_SECRETS_KEY="$CLUSTER_KEY" CONVENE_EVENT_LOOPS=2 "$@")
  for ((i = 0; i <= n; i++)); do
    port=$(free_port)
    NODE_PORTS[i]=$port
    node_start "$i" "$n"
  done
  LB_PORT=$(free_port)
  LB_STATS=$(free_port)
  haproxy_cfg "$SDIR/haproxy.cfg" "$LB_PORT" "$LB_STATS" "${NODE_PORTS[@]:0:n}"
  haproxy -f "$SDIR/haproxy.cfg" -db >>"$SDIR/haproxy.log" 2>&1 &
  track $!
  for ((i = 0; i < n; i++)); do lb_wait "api-$((i + 1))" UP 30; done
  log "HAProxy on 127.0.0.1:$LB_PORT in front of $n API nodes (stats on $LB_STATS)"
}

node_start() { # index api_nodes: the same port and settings as the node had before
  local i=$1 n=$2
  if ((i < n)); then
    convene_start "convene-api-$((i + 1))" "${NODE_PORTS[i]}" "${CLUSTER_ENV[@]}" CONVENE_WORKERS=api
  else
    convene_start convene-worker "${NODE_PORTS[i]}" "${CLUSTER_ENV[@]}" CONVENE_WORKERS=webhooks,calendar
  fi
  NODE_PIDS[i]=$CONVENE_PID
}

lb_state() { # server -> its status in HAProxy's stats (UP, DOWN, ...)
  curl -fsS --max-time 2 "http://127.0.0.1:$LB_STATS/stats;csv" 2>/dev/null | awk -F, -v s="$1" '$1 == "convene" && $2 == s {print $18}'
}

lb_wait() { # server status seconds -> LB_SEEN_MS when HAProxy shows it
  local deadline=$((SECONDS + $3))
  until [[ $(lb_state "$1") == "$2"* ]]; do
    ((SECONDS < deadline)) || die "HAProxy did not see $1 $2 within $3 s (it says: $(lb_state "$1"))"
    sleep 0.1
  done
  LB_SEEN_MS=$(now_ms)
}

cluster_tenant() { # through HAProxy: the tenant, and a webhook endpoint unless told not to
  create_tenant "$LB_PORT"
  [[ ${1:-} == no-webhook ]] || register_webhook "$LB_PORT" "$RECEIVER_PORT"
}

scenario_cluster_kill() {
  local before=10 after=15 rate=200 kill_ms
  pg_init "$SDIR/pg" "$(free_port)"
  CLUSTER_KEY=$(head -c 32 /dev/urandom | base64)
  receiver_start 0
  cluster_up 2 CONVENE_RATE_LIMIT_PER_MINUTE=0
  cluster_tenant
  log "${rate} writes/s through HAProxy (70% PUT, 30% schedule): ${before}s, then kill -9 of api-1, then ${after}s more"
  load_start --urls "http://127.0.0.1:$LB_PORT" --rate "$rate" --duration $((before + after)) \
    --mix put=70,schedule=30 --initial 20
  sleep_until $((LOAD_T0 + before * 1000))
  kill -KILL "${NODE_PIDS[0]}"
  kill_ms=$(now_ms)
  lb_wait api-1 DOWN 20
  log "api-1 killed; HAProxy marked it DOWN $((LB_SEEN_MS - kill_ms)) ms later"
  load_wait
  fact load_end_ms "$(now_ms)"
  common_facts
  wait_drained 180
  secrets_in_logs
  fact kill_ms "$kill_ms"
  fact lb_down_ms "$LB_SEEN_MS"
  fact lb_bound_ms 3000
  fact setting.rate_per_s "$rate"
  fact setting.mix put=70,schedule=30
  fact setting.nodes "api-1, api-2 (api), worker (webhooks,calendar); HAProxy: check /health/ready every 1 s, fall 2, retry-on conn-failure"
  judge cluster-kill
}

scenario_rolling_restart() {
  # The load runs until 5 s after the last restart (at most 300 s): a start takes 5 s on a quiet machine
  # and much longer on a busy one.
  local rate=40 duration=300 delay=4 i t0 stop_ms ready_ms restarts=""
  pg_init "$SDIR/pg" "$(free_port)"
  CLUSTER_KEY=$(head -c 32 /dev/urandom | base64)
  receiver_start 0
  cluster_up 2 CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_SHUTDOWN_DELAY_SECONDS="$delay"
  cluster_tenant
  log "${rate} requests/s through HAProxy (PUT 45, schedule 20, GET 35) while every node is restarted in turn, and 5 s more"
  load_start --urls "http://127.0.0.1:$LB_PORT" --rate "$rate" --duration "$duration" \
    --mix put=45,schedule=20,get=35 --initial 20 --stop-when "$SDIR/stop-load"
  sleep_until $((LOAD_T0 + 5000))
  t0=$(now_ms)
  for i in 0 1 2; do
    local name=api-$((i + 1))
    ((i < 2)) || name=worker
    stop_ms=$(now_ms)
    convene_stop "${NODE_PIDS[i]}"
    node_start "$i" 2
    ready_ms=$READY_MS
    if ((i < 2)); then lb_wait "$name" UP 30; else LB_SEEN_MS=$ready_ms; fi
    restarts+="$name: stopped in $STOP_S s, back in HAProxy $(((LB_SEEN_MS - stop_ms) / 1000)) s after SIGTERM; "
    log "$name restarted (stopped in $STOP_S s; serving again $(((LB_SEEN_MS - stop_ms) / 1000)) s after SIGTERM)"
  done
  fact restarts_done_ms "$(now_ms)"
  fact restarts_started_ms "$t0"
  sleep 5
  touch "$SDIR/stop-load"
  load_wait
  fact load_end_ms "$(now_ms)"
  common_facts
  wait_drained 180
  secrets_in_logs
  fact restarts "$restarts"
  fact setting.rate_per_s "$rate"
  fact setting.duration "until 5 s after the last restart"
  fact setting.mix put=45,schedule=20,get=35
  fact setting.shutdown_delay_seconds "$delay"
  fact setting.nodes "api-1, api-2 (api), worker (webhooks,calendar); HAProxy: check /health/ready every 1 s, fall 2, rise 2"
  judge rolling-restart
}

scenario_cluster_limits() {
  local rate=30 duration=45 limit=300
  pg_init "$SDIR/pg" "$(free_port)"
  CLUSTER_KEY=$(head -c 32 /dev/urandom | base64)
  cluster_up 2 CONVENE_RATE_LIMIT_PER_MINUTE="$limit" CONVENE_RATE_LIMIT_SCOPE=cluster
  cluster_tenant no-webhook
  log "GETs of one key at ${rate}/s through HAProxy for ${duration}s; the key's limit is ${limit}/min across the cluster"
  load_start --urls "http://127.0.0.1:$LB_PORT" --rate "$rate" --duration "$duration" --mix get=100 --initial 1
  load_wait
  fact load "$SDIR/requests.jsonl"
  secrets_in_logs
  fact limit_per_minute "$limit"
  fact api_nodes 2
  fact reconcile_ms 1000
  fact setting.rate_per_s "$rate"
  fact setting.duration_s "$duration"
  fact setting.rate_limit_per_minute "$limit"
  fact setting.rate_limit_scope cluster
  judge cluster-limits
}

# ---------------------------------------------------------------- 13. suite

SUITE_TESTS=(
  HostileInputTest
  GracefulShutdownTest
  FailedAuthLimitTest
  DatabaseOutageTest
  AccessTokenTest
  SecretBoxTest
  SlowClientTest
  ClientDisconnectTest
  EmbeddedSupervisionTest
  SealedReplayTest
  'PlatformApiTest#anotherPlatformsMeetingReadsAsNotFound+missingUnknownAndRevokedKeysAreUnauthorized+regeneratedKeyReplacesTheOldOneAtOnce'
  'AccountsApiTest#unknownAndForeignMeetingsAreNotFound'
  'AccountWebhookApiTest#anotherAccountsPathIsForbiddenAndItsWebhooksUnknown'
  'MeetingStoreTest#anotherTenantsMeetingIsNotFound'
  'AdminApiTest#issueAndRevokeCredentials+keysAreStoredOnlyAsHashes+wrongAdminTokenIsUnauthorized'
)
# Whole classes of tenant-isolation and credential tests, where this checkout has them.
for t in TenantIsolationTest CredentialTest; do
  [[ -z $(find "$ROOT/src/test/java" -name "$t.java" 2>/dev/null) ]] || SUITE_TESTS+=("$t")
done

scenario_suite() {
  local selection classes t0 rc=0 secret found
  selection=$(IFS=,; echo "${SUITE_TESTS[*]}")
  classes=$(printf '%s\n' "${SUITE_TESTS[@]}" | cut -d'#' -f1 | paste -sd, -)
  rm -rf "$ROOT/target/surefire-reports"
  log "mvn -B test -Dtest=... (${#SUITE_TESTS[@]} classes or method sets)"
  t0=$SECONDS
  timeout 1500 mvn -B test -Dtest="$selection" -Dsurefire.failIfNoSpecifiedTests=false >"$SDIR/maven.log" 2>&1 || rc=$?
  log "maven exited $rc after $((SECONDS - t0)) s ($(grep -E 'Tests run:.*Fail' "$SDIR/maven.log" | tail -1 | sed 's/^\[[A-Z]*\] //'))"
  if [[ -x $ROOT/.ci/no-secrets-in-logs ]]; then
    # The repository's own check (every secret form, and the fixed secrets the suite configures).
    local out
    if out=$("$ROOT/.ci/no-secrets-in-logs" 2>&1); then found=""; else found=$(tail -3 <<<"$out" | paste -sd' ' -); fi
  else
    secret='sk_live_[0-9A-Za-z]{44}|cs_[0-9A-Za-z]{40}|whsec_[A-Za-z0-9+/=]{20,}|eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}'
    found=$(grep -lE "$secret" "$ROOT"/target/surefire-reports/*-output.txt 2>/dev/null | xargs -r -n1 basename | paste -sd' ' - || true)
    [[ -z $found ]] || found="secrets appear in $found"
  fi
  fact reports "$ROOT/target/surefire-reports"
  fact classes "$classes"
  fact selection "$selection"
  fact maven_exit "$rc"
  fact duration_s $((SECONDS - t0))
  fact secrets_in_test_logs "$([[ -n $found ]] && echo true || echo false)"
  fact secrets_files "$found"
  judge suite
}

# ---------------------------------------------------------------- the run

log "scenarios: ${SELECTED[*]}; work dir $WORK"
RESULTS=()
for s in "${SELECTED[@]}"; do
  SDIR=$WORK/$s
  FACTS=$SDIR/facts.properties
  mkdir -p "$SDIR"
  chmod 755 "$SDIR"
  : >"$FACTS"
  log "== $s"
  t0=$SECONDS
  # A subshell per scenario: a failure ends that scenario only, and its EXIT trap stops what it started.
  set +e
  (
    set -Eeuo pipefail
    trap scenario_cleanup EXIT
    trap 'exit 130' INT TERM
    "scenario_${s//-/_}"
  )
  rc=$?
  set -e
  ((rc != 130)) || exit 130
  if [[ ! -s $SDIR/result.json ]]; then
    java_tool Check.java failed "$s" "the scenario stopped before its verdict (exit $rc); see the log above" "$SDIR/result.json" || true
  fi
  RESULTS+=("$SDIR/result.json")
  printf '{"name":"%s","elapsed_s":%d}\n' "$s" $((SECONDS - t0)) >"$SDIR/elapsed.json"
  log "== $s done in $((SECONDS - t0)) s"
done

commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=false
[[ -z $(git -C "$ROOT" status --porcelain -- src pom.xml conf reliability 2>/dev/null | grep -v '^?? reliability/results/' || true) ]] || dirty=true
{
  printf '{"started_at":"%s","finished_at":"%s","command":%s,"note":%s,' "$STARTED_AT" "$(date -u +%FT%TZ)" \
    "$(json_str "reliability/run.sh$ARGS_GIVEN")" "$(json_str "$NOTE")"
  printf '"machine":{"cores":%s,"cpu":%s,"memory_mib":%s,"kernel":%s,"os":%s,"load_before":%s,"load_after":%s},' \
    "$(nproc)" "$(json_str "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)")" \
    "$(awk '/^MemTotal:/ {printf "%d", $2 / 1024}' /proc/meminfo)" "$(json_str "$(uname -r)")" \
    "$(json_str "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")")" \
    "$(json_str "$LOAD_BEFORE")" "$(json_str "$(cut -d' ' -f1-3 /proc/loadavg)")"
  printf '"versions":{"java":%s,"postgresql":%s,"convene_commit":"%s","convene_dirty":%s},' \
    "$(json_str "$(java -version 2>&1 | head -1)")" "$(json_str "$("$PG_BIN/postgres" --version)")" "$commit" "$dirty"
  printf '"settings":{"short":%s,"soak_minutes":%s,"receiver_down_minutes":%s,"rate":%s,"webhook_retry_schedule":"%s","scenarios":%s}}\n' \
    "$([[ $SHORT == 1 ]] && echo true || echo false)" "$SOAK_MIN" "$DOWN_MIN" "$RATE" "$RETRY_SCHEDULE" \
    "$(json_str "${SELECTED[*]}")"
} >"$WORK/meta.json"

mkdir -p "$REL/results"
OUT=$REL/results/$STAMP
rc=0
echo
java_tool Check.java report "$WORK/meta.json" "$OUT" "${RESULTS[@]}" || rc=$?
log "results: ${OUT#"$ROOT"/}.md and .json"
if ((rc == 0)); then log "PASS"; else log "FAIL"; fi
exit "$rc"
