#!/usr/bin/env bash
# Convene's benchmark (issue 20): throughput, CPU and latency of the Platform API beside what this
# machine allows, measured in one run: a bare Vert.x service doing the least work over HTTP
# (reference/BareService.java), pgbench running that least work on minimal tables (the minimal
# ceiling), and pgbench running the very statements Convene runs (the same-SQL ceiling).
#
#   bench/run.sh [--quick] [--connections N] [--note TEXT] [--keep]
#
# --quick       about five minutes (the full run takes about fifteen)
# --connections concurrent connections of wrk and clients of pgbench (default 32, as issue 20 measured)
# --note        a remark stored with the results (e.g. "machine busy with other builds")
# --keep        keep the temporary directory (data dir, logs, raw tool output) for inspection
#
# Needs: a JDK 17 (java, jcmd), maven (only when target/convene.jar must be built), curl, wrk, pgbench, psql.
# Missing wrk / pgbench / psql are installed from Debian's packages when run as root.
# Uses the embedded PostgreSQL in a fresh temporary data dir, or CONVENE_DATABASE_URL when set
# (then CONVENE_SECRETS_KEY must be set too, as for any external database).
# Results: bench/results/<date>-<time>-<quick|full>.md and .json, and .jfr.md (a Java Flight Recorder
# summary of a separate, recorded repeat of each step); the table is also printed.
# HTTP goes to 127.0.0.1 only (the database too, unless CONVENE_DATABASE_URL says otherwise). Every load step has a fixed duration and every wait a timeout;
# Convene (and everything else this script starts) is stopped on exit, also on failure.

set -Eeuo pipefail

MODE=full
CONNECTIONS=32
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
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 1 ]] || { echo "--connections must be a positive number" >&2; exit 2; }

# JIT_WARM: after every start, GET, PUT and schedule at once, so that the JIT has compiled the hot
# paths before anything is measured (BARE_JIT_WARM for the bare service); WARM: then each step's own
# warm-up, unmeasured. JFR_DUR: each recorded repeat (the measured steps are not recorded).
if [[ $MODE == quick ]]; then
  JIT_WARM=6 BARE_JIT_WARM=4 WARM=1 DUR=4 OPEN_WARM=2 OPEN_DUR=6 SCALE_JIT_WARM=4 SCALE_WARM=1 SCALE_DUR=3
  HOOK_DUR=5 HOOK_BACKLOG=10000 JFR_DUR=3
else
  JIT_WARM=20 BARE_JIT_WARM=10 WARM=5 DUR=20 OPEN_WARM=5 OPEN_DUR=30 SCALE_JIT_WARM=15 SCALE_WARM=3 SCALE_DUR=15
  HOOK_DUR=20 HOOK_BACKLOG=40000 JFR_DUR=10
fi
MEETINGS=10000
ID_DIGITS=11            # meet_bench + 4-character run tag + 11 digits = 25 characters, like meet_ + 20
HOOK_RATES="1000 2000"  # events/s of write-and-deliver (PUT at a fixed rate, each meeting.updated delivered)
HOOK_TARGET_RATE=2000   # the rate the write-and-deliver target asks for, and the one recorded with JFR
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
JFR_MD=$RUN_DIR/jfr.md
: >"$STEPS"
CONVENE_PID=""
BARE_PID=""
RECEIVER_PID=""
GOOGLE_PID=""
GOOGLE_PORT=""
AVAILABILITY_BODY=""
SLOTS_PATH=""
BOOK_EVENTS=64          # meeting events of the booking step, each with its own host (bench/wrk/book.lua)
BOOK_DAYS=3000          # days ahead the booking step spreads its bookings over (within the booking horizon)
BOOK_BASE=""
BOOK_EPOCH=""
BOOK_PER_SECOND=20000   # bookings per second no run of the booking step reaches (its index offsets, book.lua)
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

stop_bare() {
  [[ -n $BARE_PID ]] || return 0
  stop_pid "$BARE_PID" TERM 10
  wait "$BARE_PID" 2>/dev/null || true
  BARE_PID=""
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
  stop_bare
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

start_convene() { # event loops ("" = Convene's default) [label suffix, then env settings]; sets CONVENE_PID, PGPORT, READY_MS
  local loops=$1 suffix=${2:-} t0 t1 deadline
  EL_LABEL=${loops:-default}$suffix
  local existing=false
  [[ -d $DATA/postgres ]] && existing=true
  local env_args=(-u CONVENE_EVENT_LOOPS
    CONVENE_HTTP_HOST=127.0.0.1 CONVENE_HTTP_PORT="$PORT" CONVENE_DATA_DIR="$DATA"
    CONVENE_ADMIN_TOKEN="$ADMIN_TOKEN" CONVENE_RATE_LIMIT_PER_MINUTE=0 CONVENE_BOOTSTRAP=false
    CONVENE_WEBHOOKS_ALLOW_INSECURE=true CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE=0 CONVENE_BOOKING_HORIZON_DAYS=3650)
  [[ -n $loops ]] && env_args+=(CONVENE_EVENT_LOOPS="$loops")
  # Google is the local stand-in (the availability step), on every start. No calendar worker, as before
  # Google was configured here: the other steps' figures stay comparable with earlier runs.
  [[ -n $GOOGLE_PORT ]] && env_args+=(CONVENE_GOOGLE_CLIENT_ID=bench CONVENE_GOOGLE_CLIENT_SECRET=bench
    CONVENE_GOOGLE_REDIRECT_URI=http://127.0.0.1/oauth/google/callback
    CONVENE_GOOGLE_TOKEN_URL="http://127.0.0.1:$GOOGLE_PORT/token" CONVENE_GOOGLE_API_BASE_URL="http://127.0.0.1:$GOOGLE_PORT"
    CONVENE_WORKERS=api,webhooks)
  (($# > 2)) && env_args+=("${@:3}")
  echo "---- start (event loops: $EL_LABEL) $(date -u +%FT%TZ)" >>"$CONVENE_LOG"
  local lines_before
  lines_before=$(wc -l <"$CONVENE_LOG")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  env "${env_args[@]}" java "@$ROOT/conf/jvm.options" ${BENCH_JAVA_OPTS:-} -jar "$JAR" >>"$CONVENE_LOG" 2>&1 &
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

# The bare Vert.x service (reference/BareService.java) on the minimal tables: as many event loops as
# Convene's default, and as many database connections in all as pgbench has clients.
start_bare() { # event loops; sets BARE_PID, BARE_PORT
  local loops=$1 deadline env_args
  BARE_PORT=$(free_port)
  env_args=(BARE_PORT="$BARE_PORT" BARE_EVENT_LOOPS="$loops" BARE_TENANT="$ACCOUNT_ID"
    BARE_DB_CONNECTIONS=$(((CONNECTIONS + loops - 1) / loops)))
  if [[ -n $EXTERNAL_DB ]]; then
    env_args+=(BARE_DATABASE_URL="$EXTERNAL_DB")
  else
    env_args+=(PGHOST=127.0.0.1 PGPORT="$PGPORT" PGUSER=convene PGDATABASE=convene)
  fi
  env "${env_args[@]}" java -cp "$JAR" "$BENCH/reference/BareService.java" >"$RUN_DIR/bare.log" 2>&1 &
  BARE_PID=$!
  deadline=$((SECONDS + 60))
  until grep -q '^BARE_PORT ' "$RUN_DIR/bare.log" 2>/dev/null; do
    kill -0 "$BARE_PID" 2>/dev/null || { tail -20 "$RUN_DIR/bare.log" >&2; die "the bare service exited during start"; }
    ((SECONDS < deadline)) || die "the bare service did not start within 60 s"
    sleep 0.1
  done
  local status body
  read -r status body < <(http_call GET "http://127.0.0.1:$BARE_PORT/v1/meetings/$first_id" "")
  [[ $status == 200 && $body == *"\"meeting_id\":\"$first_id\""* ]] || die "bare service, GET of a seeded meeting: $status $body"
  log "bare Vert.x service ready on 127.0.0.1:$BARE_PORT ($loops event loops)"
}

# ---------------------------------------------------------------- load steps

LABEL_health="GET /health"
LABEL_get="GET /v1/meetings/{id}"
LABEL_put="PUT /v1/meetings/{id}"
LABEL_schedule="POST /v1/schedule"
LABEL_availability="POST /v1/availability"
LABEL_slots="GET /public/v1/meetingevents/{slug}/slots"
LABEL_book="POST /public/v1/meetingevents/{slug}/book"

# TARGET: which server the wrk steps load, convene or bare (the bare Vert.x service).
TARGET=convene
target_port() { if [[ $TARGET == bare ]]; then echo "$BARE_PORT"; else echo "$PORT"; fi; }
target_pid() { if [[ $TARGET == bare ]]; then echo "$BARE_PID"; else echo "$CONVENE_PID"; fi; }

wrk_() { # script seconds threads connections (output on stdout)
  BENCH_LUA_DIR=$BENCH/wrk BENCH_API_KEY=$API_KEY BENCH_ID_PREFIX=$ID_PREFIX BENCH_MEETINGS=$MEETINGS \
    BENCH_ID_DIGITS=$ID_DIGITS BENCH_AVAILABILITY_BODY=$AVAILABILITY_BODY BENCH_SLOTS_PATH=$SLOTS_PATH \
    BENCH_BOOK_EVENTS=$BOOK_EVENTS BENCH_BOOK_DAYS=$BOOK_DAYS BENCH_BOOK_BASE=$BOOK_BASE BENCH_BOOK_EPOCH=$BOOK_EPOCH \
    BENCH_BOOK_PER_SECOND=$BOOK_PER_SECOND BENCH_BOOK_THREADS=$3 timeout $(($2 + 30)) \
    wrk -t"$3" -c"$4" -d"$2s" --timeout 5s -s "$BENCH/wrk/$1.lua" "http://127.0.0.1:$(target_port)"
}

run_wrk() { # script seconds outfile
  wrk_ "$1" "$2" "$THREADS" "$CONNECTIONS" >"$3" 2>&1 || { cat "$3" >&2; die "wrk $1 failed"; }
}

wrk_json_field() { # field of a WRK_JSON object
  { grep -o "\"$1\":[0-9.]*" <<<"$2" || true; } | head -1 | cut -d: -f2
}

wrk_ok_rps() { # a WRK_JSON object -> answered-without-error requests per second, whole
  awk -v r="$(wrk_json_field requests "$1")" -v e="$(wrk_json_field errors_status "$1")" \
    -v d="$(wrk_json_field duration_us "$1")" 'BEGIN { printf "%d", (r - e) / (d / 1e6) }'
}

warm_up() { # seconds: GET, PUT and schedule at once, unmeasured
  local s p
  WARM_PIDS=()
  for s in get put schedule; do
    wrk_ "$s" "$1" 1 4 >"$RUN_DIR/warmup-$s-$TARGET-$EL_LABEL.txt" 2>&1 &
    WARM_PIDS+=($!)
  done
  for p in "${WARM_PIDS[@]}"; do wait "$p" || die "the warm-up load failed (see $RUN_DIR/warmup-*)"; done
  WARM_PIDS=()
}

http_step() { # name warm seconds; loads TARGET
  local name=$1 warm=$2 secs=$3 out=$RUN_DIR/wrk-$1-$TARGET-$EL_LABEL.txt pid c0 c1 k0 k1 p0 p1 json
  pid=$(target_pid)
  run_wrk "$name" "$warm" "$out.warm"
  c0=$(proc_ticks "$pid"); k0=$(proc_sys_ticks "$pid"); p0=$(pg_ticks)
  run_wrk "$name" "$secs" "$out"
  c1=$(proc_ticks "$pid"); k1=$(proc_sys_ticks "$pid"); p1=$(pg_ticks)
  json=$(grep '^WRK_JSON ' "$out" | cut -c10-)
  [[ -n $json ]] || { cat "$out" >&2; die "wrk $name printed no summary"; }
  printf '{"kind":"wrk","target":"%s","name":"%s","event_loops":"%s","loops":%s,"connections":%s,"threads":%s,"duration_s":%s,"cpu_server_s":%s,"cpu_server_sys_s":%s,"cpu_pg_s":%s,"wrk":%s}\n' \
    "$TARGET" "$name" "$EL_LABEL" "${LOOPS:-null}" "$CONNECTIONS" "$THREADS" "$secs" "$(ticks_delta_s "$c0" "$c1")" \
    "$(ticks_delta_s "$k0" "$k1")" "$(ticks_delta_s "$p0" "$p1")" "$json" >>"$STEPS"
  local label="LABEL_$name"
  awk -v j="$json" -v l="${!label}" -v el="$EL_LABEL" -v t="$TARGET" 'BEGIN {
    n = split(j, kv, /[,{}]/); for (i = 1; i <= n; i++) { split(kv[i], p, ":"); gsub(/"/, "", p[1]); v[p[1]] = p[2] }
    s = v["duration_us"] / 1e6; err = v["errors_status"] + v["errors_connect"] + v["errors_read"] + v["errors_write"] + v["errors_timeout"]
    printf "  %-24s %9.0f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  (wrk, %s, event loops: %s)\n", l, (v["requests"] - v["errors_status"]) / s, v["lat_p50_us"] / 1000, v["lat_p99_us"] / 1000, err, t, el }' >&2
  LAST_OK_RPS=$(wrk_ok_rps "$json")
  [[ $TARGET != convene || $EL_LABEL != default ]] || MEASURED_RPS[$name]=$LAST_OK_RPS
}

PGBENCH_DEFS=()
run_pgbench() { # script seconds outfile [more pgbench options]
  local script=$1 secs=$2 out=$3
  shift 3
  timeout $((secs + 60)) pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "$secs" "$@" \
    -f "$BENCH/pgbench/$script.sql" "${PGBENCH_DEFS[@]}" "${PGBENCH_DB[@]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "pgbench $script failed"; }
}

# A ceiling: same_sql (pgbench/<name>.sql, the statements Convene runs) or minimal
# (pgbench/minimal-<name>.sql, the least work on the minimal tables).
ceiling_script() { if [[ $1 == minimal ]]; then echo "minimal-$2"; else echo "$2"; fi; }

# The ceiling's latency at the same fixed rate: pgbench -R schedules transactions like an open model
# and its per-transaction log (-l) measures each from its scheduled start, so it is free of
# coordinated omission too.
pgbench_rate_step() { # ceiling name rate
  local ceiling=$1 name=$2 rate=$3 dir=$RUN_DIR/pgbench-rate-$1-$2 script stats
  script=$(ceiling_script "$ceiling" "$name")
  mkdir -p "$dir"
  run_pgbench "$script" "$OPEN_WARM" "$dir/warm.txt" -R "$rate"
  (cd "$dir" && run_pgbench "$script" "$OPEN_DUR" "$dir/out.txt" -R "$rate" -l --log-prefix=tx)
  stats=$(cat "$dir"/tx.* | awk '{print $3}' | sort -n | awk '
    function pct(p,  i) { i = int(p * NR / 100); if (i < p * NR / 100) i++; if (i < 1) i = 1; return a[i] / 1000 }
    { a[NR] = $1 }
    END { if (NR == 0) { print "{}"; exit }
          printf "{\"transactions\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}",
            NR, pct(50), pct(90), pct(99), pct(99.9), a[NR] / 1000 }')
  printf '{"kind":"pgbench_rate","ceiling":"%s","name":"%s","rate":%s,"clients":%s,"duration_s":%s,"result":%s}\n' \
    "$ceiling" "$name" "$rate" "$CONNECTIONS" "$OPEN_DUR" "$stats" >>"$STEPS"
  printf '  %-24s at %s/s: p50 %s ms, p99 %s ms  (pgbench, %s ceiling, -R, %s clients)\n' "$name" "$rate" \
    "$(grep -o '"p50_ms":[0-9.]*' <<<"$stats" | cut -d: -f2)" "$(grep -o '"p99_ms":[0-9.]*' <<<"$stats" | cut -d: -f2)" \
    "$ceiling" "$CONNECTIONS" >&2
}

pgbench_step() { # ceiling name warm seconds
  local ceiling=$1 name=$2 out=$RUN_DIR/pgbench-$1-$2.txt script p0 p1 tps lat processed failed
  script=$(ceiling_script "$ceiling" "$name")
  run_pgbench "$script" "$3" "$out.warm"
  p0=$(pg_ticks)
  run_pgbench "$script" "$4" "$out"
  p1=$(pg_ticks)
  tps=$(awk '/^tps = / {print $3; exit}' "$out")
  lat=$(awk '/^latency average = / {print $4; exit}' "$out")
  processed=$(awk -F': ' '/number of transactions actually processed/ {split($2, a, "/"); print a[1]; exit}' "$out")
  failed=$(awk -F': ' '/number of failed transactions/ {split($2, a, " "); print a[1]; exit}' "$out")
  [[ -n $tps ]] || { cat "$out" >&2; die "pgbench $script printed no tps"; }
  printf '{"kind":"pgbench","ceiling":"%s","name":"%s","clients":%s,"threads":%s,"duration_s":%s,"tps":%s,"latency_avg_ms":%s,"transactions":%s,"failed":%s,"cpu_pg_s":%s}\n' \
    "$ceiling" "$name" "$CONNECTIONS" "$THREADS" "$4" "$tps" "${lat:-null}" "${processed:-null}" "${failed:-0}" \
    "$(ticks_delta_s "$p0" "$p1")" >>"$STEPS"
  local label="LABEL_$name"
  printf '  %-24s %9.0f tx/s   avg %6.2f ms  failed %s  (pgbench, %s ceiling, %s clients)\n' "${!label}" "$tps" \
    "${lat:-0}" "${failed:-0}" "$ceiling" "$CONNECTIONS" >&2
}

open_load() { # kind rate warm seconds -> prints the JSON
  local out=$RUN_DIR/openload-$1-$2.txt
  BENCH_API_KEY=$API_KEY BENCH_ID_PREFIX=$ID_PREFIX BENCH_MEETINGS=$MEETINGS BENCH_ID_DIGITS=$ID_DIGITS \
    BENCH_AVAILABILITY_BODY=$AVAILABILITY_BODY BENCH_SLOTS_PATH=$SLOTS_PATH timeout $(($3 + $4 + 90)) java -cp "$JAR" "$BENCH/OpenLoad.java" --url "http://127.0.0.1:$PORT" --kind "$1" \
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

# ---------------------------------------------------------------- JFR: where the time goes

# Each recording is of a separate short repeat of a step, never of the measured step itself: method
# sampling every millisecond and monitor waits and parks from 1 ms cost some throughput, and each
# summary states how much (the repeat's rate beside the measured step's).
declare -A MEASURED_RPS=()

jfr_start() { # name
  jcmd "$CONVENE_PID" JFR.start name="bench-$1" settings=profile method-profiling=max locking-threshold=1ms \
    >>"$RUN_DIR/jfr.log" 2>&1 || die "JFR.start failed (see $RUN_DIR/jfr.log)"
}

jfr_stop() { # name title requests cost-note
  local file=$RUN_DIR/jfr-$1.jfr out
  jcmd "$CONVENE_PID" JFR.stop name="bench-$1" filename="$file" >>"$RUN_DIR/jfr.log" 2>&1 \
    || die "JFR.stop failed (see $RUN_DIR/jfr.log)"
  out=$(timeout 120 java "$BENCH/JfrSummary.java" "$file" "$JFR_MD" "$2" "$3" "$4" 2>>"$RUN_DIR/jfr.log") \
    || die "JfrSummary failed (see $RUN_DIR/jfr.log)"
  printf '{"kind":"jfr","name":"%s","title":%s,"requests":%s,"note":%s,"summary":%s}\n' "$1" "$(json_str "$2")" \
    "${3:-0}" "$(json_str "$4")" "$(grep '^JFR_JSON ' <<<"$out" | cut -c10-)" >>"$STEPS"
  log "JFR: $2 recorded ($(stat -c %s "$file") bytes) and summarised"
}

share_of() { # part whole -> "NN %" of whole, or "?"
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", a * 100 / b; else printf "?" }'
}

jfr_http_step() { # name: a recorded repeat of Convene's wrk step, JFR_DUR seconds after WARM unrecorded
  local name=$1 out=$RUN_DIR/wrk-$1-jfr.txt json rps label="LABEL_$1"
  run_wrk "$name" "$WARM" "$out.warm"
  jfr_start "$name"
  run_wrk "$name" "$JFR_DUR" "$out"
  json=$(grep '^WRK_JSON ' "$out" | cut -c10-)
  [[ -n $json ]] || { cat "$out" >&2; die "wrk $name printed no summary"; }
  rps=$(wrk_ok_rps "$json")
  jfr_stop "$name" "${!label} (wrk, $CONNECTIONS connections)" "$(wrk_json_field requests "$json")" \
    "Cost of recording: this repeat served $rps req/s, $(share_of "$rps" "${MEASURED_RPS[$name]:-0}") of the measured step's ${MEASURED_RPS[$name]:-?} req/s."
}

# ---------------------------------------------------------------- webhooks (when this build has them)

receiver_stats() { curl -sS --max-time 5 "http://127.0.0.1:$RECEIVER_PORT/stats"; }
receiver_num() { { grep -o "\"$1\":[0-9.]*" <<<"$2" || true; } | head -1 | cut -d: -f2; }

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

# Write-and-deliver: the seed's PUT at a fixed rate (open model), each meeting.updated delivered to the
# receiver; commit-to-receipt from each change's updated_at (taken in its transaction) to its receipt.
write_deliver_step() { # rate seconds recorded(true|false); sets WD_OK, WD_STATS
  local rate=$1 secs=$2 recorded=$3 ojson c0 c1 p0 p1
  curl -sS --max-time 5 -X POST "http://127.0.0.1:$RECEIVER_PORT/reset?since_ms=$(date +%s%3N)" >/dev/null
  c0=$(proc_ticks "$CONVENE_PID"); p0=$(pg_ticks)
  ojson=$(open_load put "$rate" 0 "$secs")
  WD_OK=$(grep -o '"ok":[0-9]*' <<<"$ojson" | cut -d: -f2)
  WD_STATS=$(wait_for_deliveries "${WD_OK:-0}" 15 120)
  c1=$(proc_ticks "$CONVENE_PID"); p1=$(pg_ticks)
  log "write-and-deliver at ${rate}/s$([[ $recorded == true ]] && echo ' (JFR)'): ${WD_OK:-0} PUTs answered, $(receiver_num counted "$WD_STATS") delivered at $(receiver_num per_s "$WD_STATS") receipts/s, commit-to-receipt p50 $(receiver_num p50_ms "$WD_STATS") ms, p99 $(receiver_num p99_ms "$WD_STATS") ms"
  printf '{"kind":"write_deliver","recorded":%s,"rate":%s,"duration_s":%s,"expected":%s,"open_load":%s,"receiver":%s,"cpu_convene_s":%s,"cpu_pg_s":%s}\n' \
    "$recorded" "$rate" "$secs" "${WD_OK:-0}" "$ojson" "${WD_STATS:-null}" "$(ticks_delta_s "$c0" "$c1")" \
    "$(ticks_delta_s "$p0" "$p1")" >>"$STEPS"
  if [[ $recorded == false && $rate == "$HOOK_TARGET_RATE" ]]; then
    WD_TARGET_P99=$(receiver_num p99_ms "$WD_STATS") WD_TARGET_RECEIPTS=$(printf '%.0f' "$(receiver_num per_s "$WD_STATS")")
  fi
}

# A single-file helper on Convene's jar (webhook receiver, Google stand-in) that prints "<MARKER> <port>"
# once listening: started in the background; sets HELPER_PID and HELPER_PORT.
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
  # meeting.updated events the PUT steps wrote, inserted in one statement with their deliveries, the
  # fan-out the API's changes do, see io.convene.outbox.Outbox), drained by the running node, from first receipt to
  # last. As many first, unmeasured: the delivery path's code is not the API's, and a quarter as many
  # left the JIT compiling through the measured drain (the C2 thread took twice the event loop's CPU).
  # A third, smaller backlog is drained under JFR, after the measured one.
  local stats expected c0 c1 p0 p1 round measured_rate
  for round in warm measured jfr; do
    local size=$HOOK_BACKLOG offset=0
    [[ $round == warm ]] && offset=500000
    if [[ $round == jfr ]]; then
      size=$((HOOK_BACKLOG / 4)) offset=250000
      jfr_start drain
    fi
    curl -sS --max-time 5 -X POST "http://127.0.0.1:$RECEIVER_PORT/reset?since_ms=0" >/dev/null
    c0=$(proc_ticks "$CONVENE_PID"); p0=$(pg_ticks)
    psql_ -c "WITH appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)
      SELECT 'evt_backlog_${round}_' || k || '_' || e.id, e.account_id, e.meeting_id, e.type,
        e.sequence + 1000000 * k + $offset, e.data, now()
      FROM (SELECT * FROM events WHERE account_id = '$ACCOUNT_ID' AND type = 'meeting.updated'
        AND id NOT LIKE 'evt_backlog%') e, generate_series(1, 100) k
      LIMIT $size RETURNING id, account_id, type, seq)
      INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)
      SELECT a.account_id, w.id, a.id, w.url, now() FROM appended a
      JOIN webhook_endpoints w ON w.account_id = a.account_id AND w.enabled AND a.type = ANY (w.event_types);
      NOTIFY convene_webhooks" >/dev/null
    expected=$(psql_ -At -c "SELECT count(*) FROM webhook_deliveries WHERE event_id LIKE 'evt_backlog_${round}_%'")
    log "webhooks: a backlog of $expected deliveries committed ($round); draining"
    stats=$(wait_for_deliveries "$expected" 15 300)
    c1=$(proc_ticks "$CONVENE_PID"); p1=$(pg_ticks)
    log "webhooks: $(receiver_num counted "$stats")/$expected delivered, $(receiver_num per_s "$stats") deliveries/s ($round)"
    if [[ $round == measured ]]; then
      measured_rate=$(receiver_num per_s "$stats")
      printf '{"kind":"webhooks","available":true,"throughput":{"method":"backlog","expected":%s,"receiver":%s,"cpu_convene_s":%s,"cpu_pg_s":%s}}\n' \
        "${expected:-0}" "${stats:-null}" "$(ticks_delta_s "$c0" "$c1")" "$(ticks_delta_s "$p0" "$p1")" >>"$STEPS"
    fi
  done
  jfr_stop drain "Webhook drain (a backlog of $expected deliveries)" "$(receiver_num counted "$stats")" \
    "Cost of recording: this drain ran at $(printf '%.0f' "$(receiver_num per_s "$stats")")/s, $(share_of "$(receiver_num per_s "$stats")" "${measured_rate:-0}") of the measured drain's $(printf '%.0f' "${measured_rate:-0}")/s."

  local rate
  for rate in $HOOK_RATES; do
    write_deliver_step "$rate" "$HOOK_DUR" false
  done
  jfr_start write-deliver
  write_deliver_step "$HOOK_TARGET_RATE" "$JFR_DUR" true
  jfr_stop write-deliver "Write-and-deliver at $HOOK_TARGET_RATE/s (PUT, open model, each meeting.updated delivered)" "${WD_OK:-0}" \
    "Cost of recording: this repeat's commit-to-receipt p99 was $(receiver_num p99_ms "$WD_STATS") ms at $(printf '%.0f' "$(receiver_num per_s "$WD_STATS")") receipts/s; the measured run's: ${WD_TARGET_P99:-?} ms at ${WD_TARGET_RECEIPTS:-?} receipts/s."
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
# half of that peak in the open model for p50/p99 (target p99 20 ms). CPU per call is in the steps.
availability_step() {
  local email status body i day hour start
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
  peak_then_half availability
}

peak_then_half() { # name: its wrk step at peak, then the open model at half that peak (p50/p99)
  local half
  http_step "$1" "$WARM" "$DUR"
  half=$((LAST_OK_RPS / 2))
  ((half >= 1)) || half=1
  log "$1 latency, open model at ${half}/s (half of the measured peak ${LAST_OK_RPS}/s) for ${OPEN_DUR}s"
  open_step "$1" "$half"
}

# ---------------------------------------------------------------- booking pages (issue 16)

# The public slots read: one meeting event, one host with 30 meetings of their own in the week asked for
# (Mon-Fri 09:00-17:00 UTC, 30 minutes); GET .../slots for that week at peak (wrk), then at half of that peak
# in the open model for p50/p99 (target p99 20 ms). CPU per call is in the steps.
slots_step() {
  local status body i day hour start first last
  read -r status body < <(api POST "/v1/accounts/$ACCOUNT_ID/meetingevents" \
    '{"name": "Bench slots", "slug": "bench-slots", "durations": [30], "hosts": [{"email": "slots-host@bench.example.com"}]}')
  [[ $status == 201 ]] || die "slots: creating the meeting event failed: $status $body"
  for i in $(seq 0 29); do
    day=$((i % 7 + 1)); hour=$((9 + i / 7))
    start=$(date -u -d "+$day days" +%Y-%m-%dT"$(printf %02d "$hour")":00:00Z)
    read -r status body < <(api POST /v1/schedule \
      "{\"attendees\": [\"slots-host@bench.example.com\"], \"start_time\": \"$start\", \"duration_minutes\": 30, \"title\": \"Bench busy\"}")
    [[ $status == 200 ]] || die "slots: a meeting of the host failed: $status $body"
  done
  first=$(date -u -d "+1 day" +%F); last=$(date -u -d "+7 days" +%F)
  SLOTS_PATH="/public/v1/meetingevents/bench-slots/slots?start=$first&end=$last"
  read -r status body < <(http_call GET "http://127.0.0.1:$PORT$SLOTS_PATH" "")
  [[ $status == 200 && $body == *'"slots":{"'* ]] || die "slots: the first call answered $status $body"
  peak_then_half slots
}

# Booking, each booking a different slot (bench/wrk/book.lua): $BOOK_EVENTS meeting events, each with its own
# host, bookable at any time of day in 5-minute slots; POST .../book at peak (wrk). The target compares it with
# the minimal ceiling of POST /v1/schedule (a booking is a guarded meeting create).
book_step() {
  local status body i times
  times='{"start": {"hour": 0, "minute": 0}, "end": {"hour": 24, "minute": 0}}'
  times="{\"sun\": [$times], \"mon\": [$times], \"tue\": [$times], \"wed\": [$times], \"thu\": [$times], \"fri\": [$times], \"sat\": [$times]}"
  for i in $(seq 0 $((BOOK_EVENTS - 1))); do
    read -r status body < <(api POST "/v1/accounts/$ACCOUNT_ID/meetingevents" \
      "{\"name\": \"Bench book $i\", \"slug\": \"bench-book-$i\", \"durations\": [5], \"availability\": {\"timezone\": \"UTC\", \"times\": $times}, \"hosts\": [{\"email\": \"book-$i@bench.example.com\"}]}")
    [[ $status == 201 ]] || die "book: creating meeting event $i failed: $status $body"
  done
  BOOK_BASE=$(date -u -d "$(date -u -d '+2 days' +%F) 00:00:00" +%s)
  BOOK_EPOCH=$(date +%s)
  http_step book "$WARM" "$DUR"
}

# ---------------------------------------------------------------- the run

STARTED_AT=$(date -u +%FT%TZ)
STAMP=$(date -u +%Y-%m-%d-%H%M)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "$MODE run: ${CONNECTIONS} connections, ${THREADS} load threads, ${DUR}s per step after ${WARM}s warm-up; work dir $RUN_DIR"

# The pgbench scripts copy statements from MeetingSql.java and Outbox.java: say when those changed.
sql_fingerprint() {
  {
    awk '/static final String (ROW_COLUMNS|CALENDAR_SYNC|COLUMNS|OWN_COLUMNS|SELECT_ONE|SELECT_ONE_OWN|CONNECTION_COLUMN|INSERT_INTO|CONNECTION_OF_EMAILS|CREATE|CREATE_OFF_CALENDAR|CHANGE_ROW|CHANGE|CHANGE_OFF_CALENDAR) =/,/;[[:space:]]*$/' \
      "$ROOT/src/main/java/io/convene/meeting/MeetingSql.java"
    awk '/(static final String (FAN_OUT|QUEUE_CALENDAR_JOB|QUEUED_COLUMNS|QUEUED_NO_CALENDAR_COLUMNS) =|appendAfterChange\(int)/,/;[[:space:]]*$/' \
      "$ROOT/src/main/java/io/convene/outbox/Outbox.java"
  } | sha256sum | cut -c1-16
}
SQL_FP=$(sql_fingerprint)
SQL_FP_EXPECTED=$(grep -o '^[0-9a-f]*' "$BENCH/pgbench/SOURCE_FINGERPRINT" 2>/dev/null || true)
SQL_MATCH=true
if [[ $SQL_FP != "$SQL_FP_EXPECTED" ]]; then
  SQL_MATCH=false
  log "WARNING: the SQL in MeetingSql.java / Outbox.java changed since bench/pgbench/*.sql were written"
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
t0=$SECONDS
psql_ -v acct="$ACCOUNT_ID" -v pfx="$ID_PREFIX" -v digits="$ID_DIGITS" -v count="$MEETINGS" \
  -f "$BENCH/sql/minimal.sql" >/dev/null || die "seeding the minimal tables failed"
log "seeded the minimal tables (schema bench_minimal) with the same $MEETINGS meetings in $((SECONDS - t0)) s"

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
# The minimal ceiling's event payloads: what the bare service writes for the seed's bodies (the body and the meeting's id).
min_attendees='["alice@example.com", "bob@example.com"]'
min_updated='{"start_time": "2025-11-26T15:00:00-08:00", "end_time": "2025-11-26T15:30:00-08:00", "attendees": ["alice@example.com", "bob@example.com"], "reason": "Rescheduled due to conflict", "meeting_id": "'$first_id'"}'
min_scheduled='{"attendees": ["alice@example.com", "bob@example.com"], "start_time": "2025-11-25T14:00:00-08:00", "duration_minutes": 30, "title": "Bench meeting", "meeting_id": "meet_pgb00000000000000000"}'
PGBENCH_DEFS=(-D "keyid=$KEY_ID" -D "acct=$ACCOUNT_ID" -D "pfx=$ID_PREFIX" -D "meetings=$MEETINGS"
  -D "emails=$emails" -D "updated_data=$updated_data" -D "scheduled_data=$scheduled_data" -D "people=$people"
  -D "hosts=[]" -D "title=Bench meeting" -D "location=Google Meet"
  -D "attendees=$min_attendees" -D "payload_updated=$min_updated" -D "payload_scheduled=$min_scheduled")
PG_VERSION=$(psql_ -At -c 'SHOW server_version')

log "JIT warm-up: GET, PUT and schedule at once for ${JIT_WARM}s"
warm_up "$JIT_WARM"
start_bare "$DEFAULT_LOOPS"
TARGET=bare
log "JIT warm-up of the bare service for ${BARE_JIT_WARM}s"
warm_up "$BARE_JIT_WARM"
TARGET=convene

# PUT at half its peak in the open model, right after Convene's own PUT step: the same-SQL ceiling that
# follows changes every seeded meeting behind Convene's back, so that each of Convene's next changes would
# start from a stale LastSeenMeetings entry (a refused conditional write, a read, the write again) until it
# had seen them all; that is another writer's cost, not Convene's latency at half its peak.
put_latency_step() {
  PUT_PEAK=$LAST_OK_RPS
  HALF=$((PUT_PEAK / 2))
  ((HALF >= 1)) || HALF=1
  log "PUT latency, open model at ${HALF}/s (half of the measured peak ${PUT_PEAK}/s) for ${OPEN_DUR}s"
  open_step put "$HALF"
}

# Each request: Convene, the bare service, the minimal ceiling, the same-SQL ceiling, one after the other.
compare_step() { # name
  TARGET=convene http_step "$1" "$WARM" "$DUR"
  [[ $1 == put ]] && put_latency_step
  TARGET=bare http_step "$1" "$WARM" "$DUR"
  pgbench_step minimal "$1" "$WARM" "$DUR"
  pgbench_step same_sql "$1" "$WARM" "$DUR"
}

log "measuring with Convene's default event loops ($DEFAULT_LOOPS)"
http_step health "$WARM" "$DUR"
compare_step get
compare_step put
pgbench_rate_step minimal put "$HALF"
pgbench_rate_step same_sql put "$HALF"
compare_step schedule
stop_bare

cat >"$JFR_MD" <<EOF
# Where the time goes: JFR summaries of the $MODE run of $STARTED_AT

Java Flight Recorder in the Convene process during a separate ${JFR_DUR} s repeat of each step
(of a quarter-size backlog for the drain), after the measured step and never during it:
\`jcmd <pid> JFR.start settings=profile method-profiling=max locking-threshold=1ms\` (CPU samples of
threads running Java code every millisecond, native-method samples every 20 ms, allocation samples,
monitor waits and parks of 1 ms or more), summarised by bench/JfrSummary.java. Each section states what
recording cost: the repeat's rate beside the measured step's. The results table is in the .md file of
the same name without .jfr.

EOF
log "JFR: a recorded ${JFR_DUR}s repeat of GET, PUT and schedule"
# The first recording in a JVM also sets JFR up (its classes, its threads, the JDK classes it
# instruments); in a dev run without this, the first recorded repeat served 7 % of its step's measured
# rate and the later ones about half. A first recording under load, discarded, keeps that set-up out
# of the recorded repeats.
jfr_start init
warm_up "$WARM"
jcmd "$CONVENE_PID" JFR.stop name=bench-init >>"$RUN_DIR/jfr.log" 2>&1 || die "JFR.stop failed (see $RUN_DIR/jfr.log)"
for name in get put schedule; do
  jfr_http_step "$name"
done
webhook_step
availability_step
slots_step
book_step

for loops in 1 2; do
  stop_convene
  start_convene "$loops"
  warm_up "$SCALE_JIT_WARM"
  log "measuring with CONVENE_EVENT_LOOPS=$loops"
  for name in health get put schedule; do
    http_step "$name" "$SCALE_WARM" "$SCALE_DUR"
  done
done
# What metrics cost on the hot path: the 2-loop GET again, with metrics off (the same restart and warm-up).
stop_convene
start_convene 2 -no-metrics CONVENE_METRICS_ENABLED=false
warm_up "$SCALE_JIT_WARM"
log "measuring with CONVENE_EVENT_LOOPS=2 and metrics off"
http_step get "$SCALE_WARM" "$SCALE_DUR"
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
  printf '"settings":{"connections":%s,"load_threads":%s,"warmup_s":%s,"duration_s":%s,"open_warmup_s":%s,"open_duration_s":%s,"open_connections":%s,"jit_warmup_s":%s,"scaling_jit_warmup_s":%s,"scaling_warmup_s":%s,"scaling_duration_s":%s,"webhook_duration_s":%s,"webhook_rates":[%s],"webhook_target_rate":%s,"bare_jit_warmup_s":%s,"jfr_duration_s":%s,"meetings":%s,"default_event_loops":%s,"java_opts":%s,"pgbench_sql_matches_source":%s,"first_start_ms":%s}}\n' \
    "$CONNECTIONS" "$THREADS" "$WARM" "$DUR" "$OPEN_WARM" "$OPEN_DUR" "$OPEN_CONNECTIONS" "$JIT_WARM" "$SCALE_JIT_WARM" "$SCALE_WARM" "$SCALE_DUR" \
    "$HOOK_DUR" "${HOOK_RATES// /,}" "$HOOK_TARGET_RATE" "$BARE_JIT_WARM" "$JFR_DUR" "$MEETINGS" "${DEFAULT_LOOPS:-null}" "$(json_str "${BENCH_JAVA_OPTS:-}")" "$SQL_MATCH" \
    "$FIRST_START_MS"
} >"$RUN_DIR/meta.json"

mkdir -p "$BENCH/results"
OUT=$BENCH/results/$STAMP-$MODE
java -cp "$JAR" "$BENCH/Report.java" "$RUN_DIR/meta.json" "$STEPS" "$OUT" 2>"$RUN_DIR/report.err" \
  || { cat "$RUN_DIR/report.err" >&2; cp "$STEPS" "$OUT.steps.jsonl"; die "the report failed; raw steps kept in $OUT.steps.jsonl"; }
[[ ! -s $JFR_MD ]] || cp "$JFR_MD" "$OUT.jfr.md"
echo
cat "$OUT.md"
echo
log "results: ${OUT#"$ROOT"/}.md, .json and .jfr.md"
