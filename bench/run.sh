#!/usr/bin/env bash
# Convene's benchmark (issue 7): throughput and latency of the Platform API against the ceiling no
# gateway on this machine can pass, PostgreSQL itself running the very statements Convene runs
# (pgbench), measured in one run on one machine.
#
#   bench/run.sh [--quick] [--connections N] [--note TEXT] [--keep]
#
# --quick       about two minutes (the full run takes about eight)
# --connections concurrent connections of wrk and clients of pgbench (default 16 = Convene's pool)
# --note        a remark stored with the results (e.g. "machine busy with other builds")
# --keep        keep the temporary directory (data dir, logs, raw tool output) for inspection
#
# Needs: java 17, maven (only when target/convene.jar must be built), curl, wrk, pgbench, psql.
# Missing wrk / pgbench / psql are installed from Debian's packages when run as root.
# Uses the embedded PostgreSQL in a fresh temporary data dir, or CONVENE_DATABASE_URL when set
# (then CONVENE_SECRETS_KEY must be set too, as for any external database).
# Results: bench/results/<date>-<time>-<quick|full>.md and .json; the table is also printed.
# HTTP goes to 127.0.0.1 only (the database too, unless CONVENE_DATABASE_URL says otherwise). Every load step has a fixed duration and every wait a timeout;
# Convene (and everything else this script starts) is stopped on exit, also on failure.

set -Eeuo pipefail

MODE=full
CONNECTIONS=16
NOTE=""
KEEP=0
ARGS_GIVEN=$(printf ' %q' "$@")
while (($#)); do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --connections) CONNECTIONS=${2:?--connections needs a number}; shift ;;
    --note) NOTE=${2:?--note needs a text}; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 1 ]] || { echo "--connections must be a positive number" >&2; exit 2; }

# JIT_WARM: after every start, GET, PUT and schedule at once, so that the JIT has compiled the hot
# paths before anything is measured; WARM: then each step's own warm-up, unmeasured.
if [[ $MODE == quick ]]; then
  JIT_WARM=6 WARM=1 DUR=4 OPEN_WARM=2 OPEN_DUR=6 SCALE_JIT_WARM=4 SCALE_WARM=1 SCALE_DUR=3 HOOK_DUR=5 HOOK_BACKLOG=10000
else
  JIT_WARM=20 WARM=5 DUR=20 OPEN_WARM=5 OPEN_DUR=30 SCALE_JIT_WARM=15 SCALE_WARM=3 SCALE_DUR=15 HOOK_DUR=20 HOOK_BACKLOG=40000
fi
MEETINGS=10000
ID_DIGITS=11            # meet_bench + 4-character run tag + 11 digits = 25 characters, like meet_ + 20
HOOK_RATE=500           # events/s for webhook commit-to-receipt latency
OPEN_CONNECTIONS=64     # the open-model generator's connection cap (requests queue beyond it, and count)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
JAR=$ROOT/target/convene.jar
cd "$ROOT"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
trap 'log "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

# ---------------------------------------------------------------- tools

need=()
command -v curl >/dev/null || need+=(curl)
command -v wrk >/dev/null || need+=(wrk)
# Debian 12: pgbench ships in postgresql-15, which postgresql-contrib pulls in; psql in postgresql-client.
{ pgbench --version && psql --version; } >/dev/null 2>&1 || need+=(postgresql-client postgresql-contrib)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
if [[ ! -f $JAR ]] && ! command -v mvn >/dev/null; then need+=(maven); fi
if ((${#need[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing ${need[*]}: install them (apt-get install -y ${need[*]}) or run as root"
  log "installing from Debian's packages: ${need[*]}"
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${need[@]}" >/dev/null
  pgbench --version >/dev/null 2>&1 || die "pgbench still missing after installing ${need[*]}"
  command -v wrk >/dev/null || die "wrk still missing after installing ${need[*]}"
fi

newest_source=$(find "$ROOT/src/main" "$ROOT/conf" "$ROOT/pom.xml" -type f -newer "$JAR" 2>/dev/null | head -1 || true)
if [[ ! -f $JAR || -n $newest_source ]]; then
  log "building target/convene.jar (mvn -B -q -DskipTests package)"
  timeout 900 mvn -B -q -DskipTests package >&2 || die "the build failed"
fi
[[ -f $JAR ]] || die "$JAR is missing after the build"

# ---------------------------------------------------------------- state and cleanup

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/convene-bench.XXXXXX")
DATA=$RUN_DIR/data
STEPS=$RUN_DIR/steps.jsonl
CONVENE_LOG=$RUN_DIR/convene.log
: >"$STEPS"
CONVENE_PID=""
RECEIVER_PID=""
GOOGLE_PID=""
GOOGLE_PORT=""
AVAILABILITY_BODY=""
WARM_PIDS=()
EL_LABEL=""
CLK_TCK=$(getconf CLK_TCK)
ADMIN_TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
TAG=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
ID_PREFIX="meet_bench$TAG"
EXTERNAL_DB=${CONVENE_DATABASE_URL:-}
THREADS=$(nproc)
((THREADS <= CONNECTIONS)) || THREADS=$CONNECTIONS

stop_leftover_postgres() {
  # Only a server of this run's data dir, if Convene could not stop it (e.g. it was killed).
  local pidfile=$DATA/postgres/postmaster.pid pm
  [[ -f $pidfile ]] || return 0
  pm=$(head -1 "$pidfile")
  if [[ $pm =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pm/cmdline" | grep -qF "$DATA/postgres"; then
    log "stopping the embedded PostgreSQL left running (pid $pm)"
    stop_pid "$pm" INT 20
  fi
}

stop_convene() {
  [[ -n $CONVENE_PID ]] || return 0
  local hwm
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$CONVENE_PID/status" 2>/dev/null || true)
  if [[ -n $hwm ]]; then
    printf '{"kind":"process","event_loops":"%s","vm_hwm_kib":%s,"cpu_s":%s}\n' \
      "$EL_LABEL" "$hwm" "$(ticks_to_s "$(proc_ticks "$CONVENE_PID")")" >>"$STEPS"
  fi
  stop_pid "$CONVENE_PID" TERM 30
  wait "$CONVENE_PID" 2>/dev/null || true
  CONVENE_PID=""
  stop_leftover_postgres
}

stop_receiver() {
  [[ -n $RECEIVER_PID ]] || return 0
  stop_pid "$RECEIVER_PID" TERM 10
  wait "$RECEIVER_PID" 2>/dev/null || true
  RECEIVER_PID=""
}

stop_google() {
  [[ -n $GOOGLE_PID ]] || return 0
  stop_pid "$GOOGLE_PID" TERM 10
  wait "$GOOGLE_PID" 2>/dev/null || true
  GOOGLE_PID=""
}

cleanup() {
  local rc=$?
  trap - ERR
  set +eu
  for pid in "${WARM_PIDS[@]}"; do stop_pid "$pid" TERM 5; done
  stop_receiver
  stop_convene
  stop_google
  if ((KEEP)); then
    log "kept $RUN_DIR"
  else
    rm -rf "$RUN_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- measuring helpers

proc_ticks() { # utime + stime of one process (all its threads), in clock ticks
  local s f
  { s=$(<"/proc/$1/stat"); } 2>/dev/null || { echo 0; return; }
  read -ra f <<<"${s##*) }"
  echo $((f[11] + f[12]))
}

proc_sys_ticks() { # stime alone: the kernel's share (socket I/O, epoll, wake-ups)
  local s f
  { s=$(<"/proc/$1/stat"); } 2>/dev/null || { echo 0; return; }
  read -ra f <<<"${s##*) }"
  echo "${f[12]}"
}

pg_ticks() { # the embedded PostgreSQL: postmaster with its reaped children, plus its live children
  [[ -z $EXTERNAL_DB && -f $DATA/postgres/postmaster.pid ]] || { echo ""; return; }
  local pm s f total kid kids
  pm=$(head -1 "$DATA/postgres/postmaster.pid")
  { s=$(<"/proc/$pm/stat"); } 2>/dev/null || { echo ""; return; }
  read -ra f <<<"${s##*) }"
  total=$((f[11] + f[12] + f[13] + f[14]))
  if { kids=$(<"/proc/$pm/task/$pm/children"); } 2>/dev/null; then
    for kid in $kids; do
      { s=$(<"/proc/$kid/stat"); } 2>/dev/null || continue
      read -ra f <<<"${s##*) }"
      total=$((total + f[11] + f[12]))
    done
  else
    for kid in /proc/[0-9]*/stat; do
      { s=$(<"$kid"); } 2>/dev/null || continue
      read -ra f <<<"${s##*) }"
      if ((f[1] == pm)); then total=$((total + f[11] + f[12])); fi
    done
  fi
  echo "$total"
}

ticks_to_s() { [[ -n ${1:-} ]] && awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", t / hz}' || echo null; }
ticks_delta_s() { [[ -n ${1:-} && -n ${2:-} ]] && ticks_to_s $(($2 - $1)) || echo null; }

api() { http_call "$1" "http://127.0.0.1:$PORT$2" "${3:-}" "X-API-Key: $API_KEY"; }

psql_() { "${PSQL[@]}" -X -q -v ON_ERROR_STOP=1 "$@"; }

# ---------------------------------------------------------------- Convene

PORT=$(free_port)

start_convene() { # event loops ("" = Convene's default); sets CONVENE_PID, PGPORT, READY_MS
  local loops=$1 t0 t1 deadline
  EL_LABEL=${loops:-default}
  local existing=false
  [[ -d $DATA/postgres ]] && existing=true
  local env_args=(-u CONVENE_EVENT_LOOPS
    CONVENE_HTTP_HOST=127.0.0.1 CONVENE_HTTP_PORT="$PORT" CONVENE_DATA_DIR="$DATA"
    CONVENE_ADMIN_TOKEN="$ADMIN_TOKEN" CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_BOOTSTRAP=false
    CONVENE_WEBHOOKS_ALLOW_INSECURE=true)
  [[ -n $loops ]] && env_args+=(CONVENE_EVENT_LOOPS="$loops")
  # Google is the local stand-in (availability step). No calendar worker, as before Google was
  # configured here: the other steps' figures stay comparable with earlier runs.
  [[ -n $GOOGLE_PORT ]] && env_args+=(CONVENE_GOOGLE_CLIENT_ID=bench CONVENE_GOOGLE_CLIENT_SECRET=bench
    CONVENE_GOOGLE_REDIRECT_URI=http://127.0.0.1/oauth/google/callback
    CONVENE_GOOGLE_TOKEN_URL="http://127.0.0.1:$GOOGLE_PORT/token" CONVENE_GOOGLE_API_BASE_URL="http://127.0.0.1:$GOOGLE_PORT"
    CONVENE_WORKERS=api,webhooks)
  echo "---- start (event loops: $EL_LABEL) $(date -u +%FT%TZ)" >>"$CONVENE_LOG"
  local lines_before
  lines_before=$(wc -l <"$CONVENE_LOG")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  env "${env_args[@]}" java ${BENCH_JAVA_OPTS:-} -jar "$JAR" >>"$CONVENE_LOG" 2>&1 &
  CONVENE_PID=$!
  # A first start extracts PostgreSQL and runs initdb; a restart only starts it.
  if [[ $existing == true ]]; then deadline=$((SECONDS + 60)); else deadline=$((SECONDS + 240)); fi
  until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/health" 2>/dev/null; do
    kill -0 "$CONVENE_PID" 2>/dev/null || { tail -20 "$CONVENE_LOG" >&2; die "Convene exited during start"; }
    ((SECONDS < deadline)) || { tail -20 "$CONVENE_LOG" >&2; die "Convene not ready within the timeout"; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  READY_MS=$(((t1 - t0) / 1000000))
  LOOPS=$(tail -n +"$lines_before" "$CONVENE_LOG" | grep -o '([0-9]* event loops' | tail -1 | tr -dc 0-9)
  if [[ -z $EXTERNAL_DB ]]; then
    PGPORT=$(tail -n +"$lines_before" "$CONVENE_LOG" | grep -o 'Embedded PostgreSQL started on 127.0.0.1:[0-9]*' \
      | tail -1 | cut -d: -f2)
    [[ -n $PGPORT ]] || die "no 'Embedded PostgreSQL started on 127.0.0.1:<port>' line in the log"
    export PGPASSWORD
    PGPASSWORD=$(<"$DATA/postgres.password")
    PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U convene -d convene)
    PGBENCH_DB=(-h 127.0.0.1 -p "$PGPORT" -U convene convene)
  else
    PSQL=(psql -d "$EXTERNAL_DB")
    PGBENCH_DB=("$EXTERNAL_DB")
  fi
  printf '{"kind":"start","event_loops":"%s","loops":%s,"existing_data_dir":%s,"ready_ms":%s}\n' \
    "$EL_LABEL" "${LOOPS:-null}" "$existing" "$READY_MS" >>"$STEPS"
  log "Convene ready in ${READY_MS} ms (event loops: ${LOOPS:-?}, data dir $([[ $existing == true ]] && echo existing || echo new))"
}

# ---------------------------------------------------------------- load steps

LABEL_health="GET /health"
LABEL_get="GET /v1/meetings/{id}"
LABEL_put="PUT /v1/meetings/{id}"
LABEL_schedule="POST /v1/schedule"
LABEL_availability="POST /v1/availability"

wrk_() { # script seconds threads connections (output on stdout)
  BENCH_LUA_DIR=$BENCH/wrk BENCH_API_KEY=$API_KEY BENCH_ID_PREFIX=$ID_PREFIX BENCH_MEETINGS=$MEETINGS \
    BENCH_ID_DIGITS=$ID_DIGITS BENCH_AVAILABILITY_BODY=$AVAILABILITY_BODY timeout $(($2 + 30)) \
    wrk -t"$3" -c"$4" -d"$2s" --timeout 5s -s "$BENCH/wrk/$1.lua" "http://127.0.0.1:$PORT"
}

run_wrk() { # script seconds outfile
  wrk_ "$1" "$2" "$THREADS" "$CONNECTIONS" >"$3" 2>&1 || { cat "$3" >&2; die "wrk $1 failed"; }
}

warm_up() { # seconds: GET, PUT and schedule at once, unmeasured
  local s p
  WARM_PIDS=()
  for s in get put schedule; do
    wrk_ "$s" "$1" 1 4 >"$RUN_DIR/warmup-$s-$EL_LABEL.txt" 2>&1 &
    WARM_PIDS+=($!)
  done
  for p in "${WARM_PIDS[@]}"; do wait "$p" || die "the warm-up load failed (see $RUN_DIR/warmup-*)"; done
  WARM_PIDS=()
}

http_step() { # name warm seconds
  local name=$1 warm=$2 secs=$3 out=$RUN_DIR/wrk-$1-$EL_LABEL.txt c0 c1 k0 k1 p0 p1 json
  run_wrk "$name" "$warm" "$out.warm"
  c0=$(proc_ticks "$CONVENE_PID"); k0=$(proc_sys_ticks "$CONVENE_PID"); p0=$(pg_ticks)
  run_wrk "$name" "$secs" "$out"
  c1=$(proc_ticks "$CONVENE_PID"); k1=$(proc_sys_ticks "$CONVENE_PID"); p1=$(pg_ticks)
  json=$(grep '^WRK_JSON ' "$out" | cut -c10-)
  [[ -n $json ]] || { cat "$out" >&2; die "wrk $name printed no summary"; }
  printf '{"kind":"wrk","name":"%s","event_loops":"%s","loops":%s,"connections":%s,"threads":%s,"duration_s":%s,"cpu_convene_s":%s,"cpu_convene_sys_s":%s,"cpu_pg_s":%s,"wrk":%s}\n' \
    "$name" "$EL_LABEL" "${LOOPS:-null}" "$CONNECTIONS" "$THREADS" "$secs" "$(ticks_delta_s "$c0" "$c1")" \
    "$(ticks_delta_s "$k0" "$k1")" "$(ticks_delta_s "$p0" "$p1")" "$json" >>"$STEPS"
  local label="LABEL_$name"
  awk -v j="$json" -v l="${!label}" -v el="$EL_LABEL" 'BEGIN {
    n = split(j, kv, /[,{}]/); for (i = 1; i <= n; i++) { split(kv[i], p, ":"); gsub(/"/, "", p[1]); v[p[1]] = p[2] }
    s = v["duration_us"] / 1e6; err = v["errors_status"] + v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_timeout"]
    printf "  %-24s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  (wrk, event loops: %s)\n", l, (v["requests"] - v["errors_status"]) / s, v["lat_p50_us"] / 1000, v["lat_p99_us"] / 1000, err, el }' >&2
  LAST_OK_RPS=$(awk -v j="$json" 'BEGIN { n = split(j, kv, /[,{}]/); for (i = 1; i <= n; i++) { split(kv[i], p, ":"); gsub(/"/, "", p[1]); v[p[1]] = p[2] }
    printf "%d", (v["requests"] - v["errors_status"]) / (v["duration_us"] / 1e6) }')
}

PGBENCH_DEFS=()
run_pgbench() { # script seconds outfile [more pgbench options]
  local script=$1 secs=$2 out=$3
  shift 3
  timeout $((secs + 60)) pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$secs" "$@" \
    -f "$BENCH/pgbench/$script.sql" "${PGBENCH_DEFS[@]}" "${PGBENCH_DB[@]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "pgbench $script failed"; }
}

# The ceiling's latency at the same fixed rate: pgbench -R schedules transactions like an open model
# and its per-transaction log (-l) measures each from its scheduled start, so it is free of
# coordinated omission too.
pgbench_rate_step() { # name rate
  local name=$1 rate=$2 dir=$RUN_DIR/pgbench-rate-$1 stats
  mkdir -p "$dir"
  run_pgbench "$name" "$OPEN_WARM" "$dir/warm.txt" -R "$rate"
  (cd "$dir" && run_pgbench "$name" "$OPEN_DUR" "$dir/out.txt" -R "$rate" -l --log-prefix=tx)
  stats=$(cat "$dir"/tx.* | awk '{print $3}' | sort -n | awk '
    function pct(p,  i) { i = int(p * NR / 100); if (i < p * NR / 100) i++; if (i < 1) i = 1; return a[i] / 1000 }
    { a[NR] = $1 }
    END { if (NR == 0) { print "{}"; exit }
          printf "{\"transactions\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}",
            NR, pct(50), pct(90), pct(99), pct(99.9), a[NR] / 1000 }')
  printf '{"kind":"pgbench_rate","name":"%s","rate":%s,"clients":%s,"duration_s":%s,"result":%s}\n' \
    "$name" "$rate" "$CONNECTIONS" "$OPEN_DUR" "$stats" >>"$STEPS"
  printf '  %-24s at %s/s: p50 %s ms, p99 %s ms  (pgbench ceiling, -R, %s clients)\n' "$name" "$rate" \
    "$(grep -o '"p50_ms":[0-9.]*' <<<"$stats" | cut -d: -f2)" "$(grep -o '"p99_ms":[0-9.]*' <<<"$stats" | cut -d: -f2)" \
    "$CONNECTIONS" >&2
}

pgbench_step() { # name warm seconds
  local name=$1 out=$RUN_DIR/pgbench-$1.txt p0 p1 tps lat processed failed
  run_pgbench "$name" "$2" "$out.warm"
  p0=$(pg_ticks)
  run_pgbench "$name" "$3" "$out"
  p1=$(pg_ticks)
  tps=$(awk '/^tps = / {print $3; exit}' "$out")
  lat=$(awk '/^latency average = / {print $4; exit}' "$out")
  processed=$(awk -F': ' '/number of transactions actually processed/ {split($2, a, "/"); print a[1]; exit}' "$out")
  failed=$(awk -F': ' '/number of failed transactions/ {split($2, a, " "); print a[1]; exit}' "$out")
  [[ -n $tps ]] || { cat "$out" >&2; die "pgbench $name printed no tps"; }
  printf '{"kind":"pgbench","name":"%s","clients":%s,"threads":%s,"duration_s":%s,"tps":%s,"latency_avg_ms":%s,"transactions":%s,"failed":%s,"cpu_pg_s":%s}\n' \
    "$name" "$CONNECTIONS" "$THREADS" "$3" "$tps" "${lat:-null}" "${processed:-null}" "${failed:-0}" \
    "$(ticks_delta_s "$p0" "$p1")" >>"$STEPS"
  local label="LABEL_$name"
  printf '  %-24s %9.0f tx/s   avg %6.2f ms  failed %s  (pgbench ceiling, %s clients)\n' "${!label}" "$tps" \
    "${lat:-0}" "${failed:-0}" "$CONNECTIONS" >&2
}

open_load() { # kind rate warm seconds -> prints the JSON
  local out=$RUN_DIR/openload-$1-$2.txt
  BENCH_API_KEY=$API_KEY BENCH_ID_PREFIX=$ID_PREFIX BENCH_MEETINGS=$MEETINGS BENCH_ID_DIGITS=$ID_DIGITS \
    BENCH_AVAILABILITY_BODY=$AVAILABILITY_BODY timeout $(($3 + $4 + 90)) java -cp "$JAR" "$BENCH/OpenLoad.java" --url "http://127.0.0.1:$PORT" --kind "$1" \
    --rate "$2" --warmup "$3" --duration "$4" --connections "$OPEN_CONNECTIONS" >"$out" 2>"$out.err" \
    || { cat "$out.err" >&2; die "OpenLoad failed"; }
  grep -v '^[0-9:. ]*\(INFO\|DEBUG\)' "$out.err" >&2 || true
  grep '^OPENLOAD_JSON ' "$out" | cut -c15-
}

open_step() { # kind rate
  local c0 c1 p0 p1 json
  c0=$(proc_ticks "$CONVENE_PID"); p0=$(pg_ticks)
  json=$(open_load "$1" "$2" "$OPEN_WARM" "$OPEN_DUR")
  c1=$(proc_ticks "$CONVENE_PID"); p1=$(pg_ticks)
  [[ -n $json ]] || die "OpenLoad printed no result"
  printf '{"kind":"openload","name":"%s","event_loops":"%s","rate":%s,"cpu_convene_s":%s,"cpu_pg_s":%s,"result":%s}\n' \
    "$1" "$EL_LABEL" "$2" "$(ticks_delta_s "$c0" "$c1")" "$(ticks_delta_s "$p0" "$p1")" "$json" >>"$STEPS"
}

# ---------------------------------------------------------------- webhooks (when this build has them)

receiver_stats() { curl -sS --max-time 5 "http://127.0.0.1:$RECEIVER_PORT/stats"; }
receiver_num() { grep -o "\"$1\":[0-9.]*" <<<"$2" | head -1 | cut -d: -f2; }

wait_for_deliveries() { # expected count, seconds without progress to give up, overall timeout
  local expected=$1 idle=$2 limit=$3 start=$SECONDS last=-1 since=$SECONDS stats n
  while :; do
    stats=$(receiver_stats) || stats=""
    n=$(receiver_num counted "$stats"); n=${n:-0}
    ((n >= expected)) && break
    if ((n != last)); then last=$n; since=$SECONDS; fi
    ((SECONDS - since >= idle || SECONDS - start >= limit)) && break
    sleep 0.5
  done
  echo "$stats"
}

# A single-file helper on Convene's jar (receiver, Google stand-in) that prints "<MARKER> <port>" once
# listening: started in the background; sets HELPER_PID and HELPER_PORT.
start_helper() { # name java-file marker
  local out=$RUN_DIR/$1.out deadline=$((SECONDS + 60))
  java -cp "$JAR" "$BENCH/$2" >"$out" 2>"$RUN_DIR/$1.err" &
  HELPER_PID=$!
  until grep -q "^$3 " "$out" 2>/dev/null; do
    kill -0 "$HELPER_PID" 2>/dev/null || { cat "$RUN_DIR/$1.err" >&2; die "$1 exited"; }
    ((SECONDS < deadline)) || die "$1 did not start within 60 s"
    sleep 0.1
  done
  HELPER_PORT=$(awk -v m="$3" '$1 == m {print $2; exit}' "$out")
}

webhook_step() {
  local status body
  start_helper receiver WebhookReceiver.java RECEIVER_PORT
  RECEIVER_PID=$HELPER_PID
  RECEIVER_PORT=$HELPER_PORT
  read -r status body < <(api PUT /v1/platform/webhook \
    "{\"url\": \"http://127.0.0.1:$RECEIVER_PORT/hook\", \"enabled\": true, \"events\": [\"meeting.updated\"]}")
  if [[ $status == 404 ]]; then
    log "webhooks: not available in this build (PUT /v1/platform/webhook answered 404)"
    printf '{"kind":"webhooks","available":false,"note":"not available in this build (PUT /v1/platform/webhook answered 404)"}\n' >>"$STEPS"
    stop_receiver
    return
  fi
  if [[ $status != 2* ]]; then
    log "webhooks: registering the receiver failed: $status $body"
    printf '{"kind":"webhooks","available":false,"note":%s}\n' \
      "$(json_str "registering the receiver failed: HTTP $status $body")" >>"$STEPS"
    stop_receiver
    return
  fi
  log "webhooks: receiver on 127.0.0.1:$RECEIVER_PORT registered"

  # Deliveries per second: a backlog of HOOK_BACKLOG deliveries committed at once (copies of the
  # meeting.updated events the PUT steps wrote, inserted in one transaction: the fan-out trigger makes
  # their deliveries as it does for the API's), drained by the running node, from first receipt to
  # last. As many first, unmeasured: the delivery path's code is not the API's, and a quarter as many
  # left the JIT compiling through the measured drain (the C2 thread took twice the event loop's CPU).
  local since_ms stats expected c0 c1 p0 p1 round
  for round in warm measured; do
    local size=$HOOK_BACKLOG
    curl -sS --max-time 5 -X POST "http://127.0.0.1:$RECEIVER_PORT/reset?since_ms=0" >/dev/null
    c0=$(proc_ticks "$CONVENE_PID"); p0=$(pg_ticks)
    psql_ -c "INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
      SELECT 'evt_backlog_${round}_' || k || '_' || e.id, e.account_id, e.meeting_id, e.type,
        e.sequence + 1000000 * k + $([[ $round == warm ]] && echo 500000 || echo 0), e.data, now()
      FROM (SELECT * FROM events WHERE account_id = '$ACCOUNT_ID' AND type = 'meeting.updated'
        AND id NOT LIKE 'evt_backlog%') e, generate_series(1, 100) k
      LIMIT $size" >/dev/null
    expected=$(psql_ -At -c "SELECT count(*) FROM webhook_deliveries WHERE event_id LIKE 'evt_backlog_${round}_%'")
    log "webhooks: a backlog of $expected deliveries committed ($round); draining"
    stats=$(wait_for_deliveries "$expected" 15 300)
    c1=$(proc_ticks "$CONVENE_PID"); p1=$(pg_ticks)
  done
  local throughput_stats=$stats
  log "webhooks: $(receiver_num counted "$stats")/$expected delivered, $(receiver_num per_s "$stats") deliveries/s"

  # Commit-to-receipt at a fixed event rate.
  since_ms=$(date +%s%3N)
  curl -sS --max-time 5 -X POST "http://127.0.0.1:$RECEIVER_PORT/reset?since_ms=$since_ms" >/dev/null
  local ojson ok
  ojson=$(open_load put "$HOOK_RATE" 0 "$HOOK_DUR")
  ok=$(grep -o '"ok":[0-9]*' <<<"$ojson" | cut -d: -f2)
  stats=$(wait_for_deliveries "${ok:-0}" 15 120)
  log "webhooks at ${HOOK_RATE}/s: $(receiver_num counted "$stats")/${ok:-0} delivered, commit-to-receipt p50 $(receiver_num p50_ms "$stats") ms, p99 $(receiver_num p99_ms "$stats") ms"
  printf '{"kind":"webhooks","available":true,"throughput":{"method":"backlog","expected":%s,"receiver":%s,"cpu_convene_s":%s,"cpu_pg_s":%s},"latency":{"rate":%s,"expected":%s,"open_load":%s,"receiver":%s}}\n' \
    "${expected:-0}" "${throughput_stats:-null}" "$(ticks_delta_s "$c0" "$c1")" "$(ticks_delta_s "$p0" "$p1")" \
    "$HOOK_RATE" "${ok:-0}" "$ojson" "${stats:-null}" >>"$STEPS"
  # Off before the receiver goes: the scaling runs' PUTs must not queue deliveries that then fail and retry.
  read -r status body < <(api PUT /v1/platform/webhook '{"enabled": false}')
  [[ $status == 2* ]] || die "webhooks: disabling the receiver's endpoint failed: $status $body"
  stop_receiver
}

# ---------------------------------------------------------------- availability (issue 15)

start_google() {
  start_helper google GoogleStandIn.java GOOGLE_PORT
  GOOGLE_PID=$HELPER_PID
  GOOGLE_PORT=$HELPER_PORT
  log "Google stand-in on 127.0.0.1:$GOOGLE_PORT"
}

# Two attendees with connected calendars (Google busy from the stand-in, answering at once), each
# with 20 meetings of their own in the 14-day window; POST /v1/availability at peak (wrk), then at
# half of that peak in the open model for p99 (target 20 ms). CPU per call is in the steps.
availability_step() {
  local email status body i day hour start half
  for email in avail-a@bench.example.com avail-b@bench.example.com; do
    read -r status body < <(http_call POST "http://127.0.0.1:$PORT/admin/v1/accounts/$ACCOUNT_ID/calendar-connections" \
      "{\"user_email\": \"$email\", \"refresh_token\": \"bench-refresh-$TAG\"}" "Authorization: Bearer $ADMIN_TOKEN")
    [[ $status == 201 ]] || die "availability: connecting $email failed: $status $body"
    for i in $(seq 0 19); do
      day=$((i % 14 + 1)); hour=$((i < 14 ? 10 : 15))
      start=$(date -u -d "+$day days" +%Y-%m-%dT"$hour":00:00Z)
      read -r status body < <(api POST /v1/schedule \
        "{\"attendees\": [\"$email\"], \"start_time\": \"$start\", \"duration_minutes\": 30, \"title\": \"Bench busy\"}")
      [[ $status == 200 ]] || die "availability: a meeting of $email failed: $status $body"
    done
  done
  read -r status body < <(api PUT /v1/platform/users/avail-b%40bench.example.com/preferences '{"timezone": "Europe/Berlin"}')
  [[ $status == 200 ]] || die "availability: preferences failed: $status $body"
  AVAILABILITY_BODY='{"attendees": ["avail-a@bench.example.com", "avail-b@bench.example.com"], "duration_minutes": 30}'
  read -r status body < <(api POST /v1/availability "$AVAILABILITY_BODY")
  [[ $status == 200 && $body == *'"total_found":5'* ]] || die "availability: the first call answered $status $body"
  http_step availability "$WARM" "$DUR"
  half=$((LAST_OK_RPS / 2))
  ((half >= 1)) || half=1
  log "availability latency, open model at ${half}/s (half of the measured peak ${LAST_OK_RPS}/s) for ${OPEN_DUR}s"
  open_step availability "$half"
}

# ---------------------------------------------------------------- the run

STARTED_AT=$(date -u +%FT%TZ)
STAMP=$(date -u +%Y-%m-%d-%H%M)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "$MODE run: ${CONNECTIONS} connections, ${THREADS} load threads, ${DUR}s per step after ${WARM}s warm-up; work dir $RUN_DIR"

# The pgbench scripts copy statements from MeetingSql.java and Tenants.java: say when those changed.
sql_fingerprint() {
  {
    awk '/static final String (COLUMNS|SELECT_ONE|LOCK_ONE|INSERT|UPDATE|INSERT_EVENT) =/,/;[[:space:]]*$/' \
      "$ROOT/src/main/java/io/convene/meeting/MeetingSql.java"
    grep -F 'FROM api_keys WHERE id = $1 AND revoked_at IS NULL' "$ROOT/src/main/java/io/convene/tenant/Tenants.java"
    awk '/static final String (READ_COLUMNS|ENQUEUE_JOB) =/,/;[[:space:]]*$/' \
      "$ROOT/src/main/java/io/convene/calendar/CalendarSyncSql.java"
    grep -F 'email_key = ANY($2)' "$ROOT/src/main/java/io/convene/calendar/CalendarConnections.java"
  } | sha256sum | cut -c1-16
}
SQL_FP=$(sql_fingerprint)
SQL_FP_EXPECTED=$(grep -o '^[0-9a-f]*' "$BENCH/pgbench/SOURCE_FINGERPRINT" 2>/dev/null || true)
SQL_MATCH=true
if [[ $SQL_FP != "$SQL_FP_EXPECTED" ]]; then
  SQL_MATCH=false
  log "WARNING: the SQL in MeetingSql.java / Tenants.java changed since bench/pgbench/*.sql were written"
  log "         (fingerprint $SQL_FP, scripts written for ${SQL_FP_EXPECTED:-none}): review them, then update bench/pgbench/SOURCE_FINGERPRINT"
fi

mkdir -p "$DATA"
start_google
start_convene ""
DEFAULT_LOOPS=$LOOPS
FIRST_START_MS=$READY_MS

# A tenant of its own, then the meetings.
read -r status body < <(http_call POST "http://127.0.0.1:$PORT/admin/v1/accounts" '{"name": "Benchmark"}' \
  "Authorization: Bearer $ADMIN_TOKEN")
[[ $status == 201 ]] || die "creating the tenant failed: $status $body"
API_KEY=$(json_field api_key "$body")
ACCOUNT_ID=$(json_field id "$body")
KEY_ID="key_${API_KEY:8:12}"
[[ -n $API_KEY && -n $ACCOUNT_ID ]] || die "no api_key/id in the admin API's answer: $body"

t0=$SECONDS
psql_ -v acct="$ACCOUNT_ID" -v pfx="$ID_PREFIX" -v digits="$ID_DIGITS" -v evt="evt_bench$TAG" -v count="$MEETINGS" \
  -f "$BENCH/sql/seed.sql" >/dev/null || die "seeding failed"
log "seeded $MEETINGS meetings ($ID_PREFIX$(printf "%0${ID_DIGITS}d" 1) ...) in $((SECONDS - t0)) s"

# Sanity: the seeded rows read and update through the API like the API's own; one schedule.
first_id=$ID_PREFIX$(printf "%0${ID_DIGITS}d" 1)
read -r status body < <(api GET "/v1/meetings/$first_id")
[[ $status == 200 && $body == *"\"meeting_id\":\"$first_id\""* ]] || die "GET of a seeded meeting: $status $body"
read -r status body < <(api PUT "/v1/meetings/$first_id" \
  '{"start_time": "2025-11-26T15:00:00-08:00", "end_time": "2025-11-26T15:30:00-08:00", "attendees": ["alice@example.com", "bob@example.com"], "reason": "Rescheduled due to conflict"}')
[[ $status == 200 && $body == *'"status":"updated"'* ]] || die "PUT of a seeded meeting: $status $body"
read -r status body < <(api POST /v1/schedule \
  '{"attendees": ["alice@example.com", "bob@example.com"], "start_time": "2025-11-25T14:00:00-08:00", "duration_minutes": 30, "title": "Bench meeting"}')
[[ $status == 200 ]] || die "POST /v1/schedule: $status $body"
scheduled_id=$(json_field meeting_id "$body")

# pgbench's parameters: this tenant, the ids, and real values Convene itself wrote just now.
updated_data=$(psql_ -At -c "SELECT data::text FROM events WHERE meeting_id = '$first_id' AND type = 'meeting.updated'")
scheduled_data=$(psql_ -At -c "SELECT data::text FROM events WHERE meeting_id = '$scheduled_id' AND type = 'meeting.scheduled'")
people=$(psql_ -At -c "SELECT attendees::text FROM meetings WHERE id = '$scheduled_id'")
emails=$(psql_ -At -c "SELECT attendee_emails::text FROM meetings WHERE id = '$scheduled_id'")
[[ -n $updated_data && -n $scheduled_data && -n $people && -n $emails ]] || die "could not read back Convene's rows"
PGBENCH_DEFS=(-D "keyid=$KEY_ID" -D "acct=$ACCOUNT_ID" -D "pfx=$ID_PREFIX" -D "meetings=$MEETINGS"
  -D "emails=$emails" -D "updated_data=$updated_data" -D "scheduled_data=$scheduled_data" -D "people=$people"
  -D "hosts=[]" -D "title=Bench meeting" -D "location=Google Meet")
PG_VERSION=$(psql_ -At -c 'SHOW server_version')

log "JIT warm-up: GET, PUT and schedule at once for ${JIT_WARM}s"
warm_up "$JIT_WARM"
log "measuring with Convene's default event loops ($DEFAULT_LOOPS)"
http_step health "$WARM" "$DUR"
http_step get "$WARM" "$DUR"
pgbench_step get "$WARM" "$DUR"
http_step put "$WARM" "$DUR"
PUT_PEAK=$LAST_OK_RPS
pgbench_step put "$WARM" "$DUR"
HALF=$((PUT_PEAK / 2))
((HALF >= 1)) || HALF=1
log "PUT latency, open model at ${HALF}/s (half of the measured peak ${PUT_PEAK}/s) for ${OPEN_DUR}s"
open_step put "$HALF"
pgbench_rate_step put "$HALF"
http_step schedule "$WARM" "$DUR"
pgbench_step schedule "$WARM" "$DUR"
webhook_step
availability_step

for loops in 1 2; do
  stop_convene
  start_convene "$loops"
  warm_up "$SCALE_JIT_WARM"
  log "measuring with CONVENE_EVENT_LOOPS=$loops"
  for name in health get put schedule; do
    http_step "$name" "$SCALE_WARM" "$SCALE_DUR"
  done
done
stop_convene

# ---------------------------------------------------------------- results

commit=$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=false
[[ -z $(git -C "$ROOT" status --porcelain -- src pom.xml conf 2>/dev/null) ]] || dirty=true
{
  printf '{"mode":"%s","started_at":"%s","finished_at":"%s",' "$MODE" "$STARTED_AT" "$(date -u +%FT%TZ)"
  printf '"command":%s,' "$(json_str "bench/run.sh$ARGS_GIVEN")"
  printf '"note":%s,' "$(json_str "$NOTE")"
  printf '"machine":{"cores":%s,"cpu":%s,"memory_mib":%s,"kernel":%s,"os":%s,"load_before":%s,"load_after":%s},' \
    "$(nproc)" "$(json_str "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)")" \
    "$(awk '/^MemTotal:/ {printf "%d", $2 / 1024}' /proc/meminfo)" "$(json_str "$(uname -r)")" \
    "$(json_str "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")")" \
    "$(json_str "$LOAD_BEFORE")" "$(json_str "$(cut -d' ' -f1-3 /proc/loadavg)")"
  printf '"versions":{"java":%s,"postgresql":%s,"database":"%s","pgbench":%s,"wrk":%s,"convene_commit":"%s","convene_dirty":%s},' \
    "$(json_str "$(java -version 2>&1 | head -1)")" "$(json_str "$PG_VERSION")" \
    "$([[ -n $EXTERNAL_DB ]] && echo external || echo embedded)" \
    "$(json_str "$(pgbench --version 2>&1 | head -1)")" "$(json_str "$({ wrk -v 2>&1 || true; } | head -1 | cut -d' ' -f1-2)")" \
    "$commit" "$dirty"
  printf '"settings":{"connections":%s,"load_threads":%s,"warmup_s":%s,"duration_s":%s,"open_warmup_s":%s,"open_duration_s":%s,"open_connections":%s,"jit_warmup_s":%s,"scaling_jit_warmup_s":%s,"scaling_warmup_s":%s,"scaling_duration_s":%s,"webhook_duration_s":%s,"webhook_rate":%s,"meetings":%s,"default_event_loops":%s,"java_opts":%s,"pgbench_sql_matches_source":%s,"first_start_ms":%s}}\n' \
    "$CONNECTIONS" "$THREADS" "$WARM" "$DUR" "$OPEN_WARM" "$OPEN_DUR" "$OPEN_CONNECTIONS" "$JIT_WARM" "$SCALE_JIT_WARM" "$SCALE_WARM" "$SCALE_DUR" \
    "$HOOK_DUR" "$HOOK_RATE" "$MEETINGS" "${DEFAULT_LOOPS:-null}" "$(json_str "${BENCH_JAVA_OPTS:-}")" "$SQL_MATCH" \
    "$FIRST_START_MS"
} >"$RUN_DIR/meta.json"

mkdir -p "$BENCH/results"
OUT=$BENCH/results/$STAMP-$MODE
java -cp "$JAR" "$BENCH/Report.java" "$RUN_DIR/meta.json" "$STEPS" "$OUT" 2>"$RUN_DIR/report.err" \
  || { cat "$RUN_DIR/report.err" >&2; cp "$STEPS" "$OUT.steps.jsonl"; die "the report failed; raw steps kept in $OUT.steps.jsonl"; }
echo
cat "$OUT.md"
echo
log "results: ${OUT#"$ROOT"/}.md and .json"
