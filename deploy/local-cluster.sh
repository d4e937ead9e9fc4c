#!/usr/bin/env bash
# A Convene cluster on this machine, all on 127.0.0.1: one PostgreSQL server (Debian's binaries, run by
# this script in a temporary directory), N Convene nodes (the first N-1 run `api`, the last
# `webhooks,calendar`) and HAProxy in front of the API nodes, checking /health/ready every second.
# Prints the URL and the bootstrap credentials; Ctrl-C stops everything it started.
#
#   deploy/local-cluster.sh [--nodes N] [--port PORT] [--keep]
#
#   --nodes N    Convene nodes, at least 2 (default 3: two API nodes, one worker node)
#   --port PORT  HAProxy's port (default 8080); its stats page is on PORT+1 (/stats)
#   --keep       keep the work directory (logs, PostgreSQL's data) after the stop
#
# As root on Debian 12 (or alike) it installs what is missing (a JDK 17, Maven, PostgreSQL, HAProxy,
# curl) and builds target/convene.jar when it is missing or older than the sources. PostgreSQL runs as
# the `postgres` user. The nodes share one CONVENE_SECRETS_KEY and admin token, generated per run, and
# limit rates across the cluster (CONVENE_RATE_LIMIT_SCOPE=cluster).

set -Eeuo pipefail

NODES=3
PORT=8080
KEEP=0
while (($#)); do
  case "$1" in
    --nodes) NODES=${2:?--nodes needs a number}; shift ;;
    --port) PORT=${2:?--port needs a number}; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "local-cluster.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $NODES =~ ^[0-9]+$ && $NODES -ge 2 ]] || { echo "local-cluster.sh: --nodes needs a number of at least 2" >&2; exit 2; }
[[ $PORT =~ ^[0-9]+$ ]] || { echo "local-cluster.sh: --port needs a number" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/target/convene.jar
log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- what it needs

need=()
command -v curl >/dev/null || need+=(curl)
{ command -v java && command -v javac; } >/dev/null || need+=(openjdk-17-jdk-headless)
command -v haproxy >/dev/null || need+=(haproxy)
{ [[ -x "$(pg_bin_dir)/initdb" ]] && command -v psql; } >/dev/null 2>&1 || need+=(postgresql)
jar_stale() { [[ ! -f $JAR || -n $(find "$ROOT/src/main" "$ROOT/conf" "$ROOT/pom.xml" -type f -newer "$JAR" 2>/dev/null | head -1) ]]; }
if jar_stale; then command -v mvn >/dev/null || need+=(maven); fi
if ((${#need[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing: ${need[*]}; install them (apt-get install ${need[*]}) or run as root"
  log "installing ${need[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
PG_BIN=$(pg_bin_dir)
[[ -x $PG_BIN/initdb ]] || die "PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin)"
if jar_stale; then
  log "building target/convene.jar (mvn -B -q package -DskipTests)"
  (cd "$ROOT" && mvn -B -q package -DskipTests >&2) || die "the build failed"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then die "port $PORT is taken (use --port)"; fi

# ---------------------------------------------------------------- start

WORK=$(mktemp -d /tmp/convene-cluster.XXXXXX)
chmod 755 "$WORK"
PG_DIRS=()
PIDS=()
HAPROXY_PID=""
stop_all() {
  local rc=$? pid dir
  set +eu
  trap - INT TERM EXIT
  log "stopping"
  [[ -z $HAPROXY_PID ]] || stop_pid "$HAPROXY_PID" TERM 10
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do stop_pid "$pid" TERM 40; wait "$pid" 2>/dev/null; done
  for dir in "${PG_DIRS[@]}"; do pg_stop_quietly "$dir"; done
  if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

log "PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) in $WORK/pg"
pg_init "$WORK/pg" "$(free_port)"
SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
ADMIN_TOKEN=adm-$(random_hex 16)
API_PORTS=()

node_start() { # index workers port bootstrap
  local i=$1 workers=$2 port=$3 bootstrap=$4 deadline
  env CONVENE_HTTP_HOST=127.0.0.1 CONVENE_HTTP_PORT="$port" CONVENE_DATABASE_URL="$DB_URL" \
    CONVENE_SECRETS_KEY="$SECRETS_KEY" CONVENE_ADMIN_TOKEN="$ADMIN_TOKEN" CONVENE_WORKERS="$workers" \
    CONVENE_BOOTSTRAP="$bootstrap" CONVENE_RATE_LIMIT_SCOPE=cluster CONVENE_SHUTDOWN_DELAY_SECONDS=3 \
    CONVENE_WEBHOOKS_ALLOW_INSECURE=true CONVENE_DATABASE_POOL_SIZE=8 CONVENE_EVENT_LOOPS=2 \
    java -Xmx256m -jar "$JAR" >>"$WORK/node-$i.log" 2>&1 &
  PIDS+=($!)
  deadline=$((SECONDS + 180))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -20 "$WORK/node-$i.log" >&2; die "node $i exited during start"; }
    ((SECONDS < deadline)) || die "node $i not ready within 180 s"
    sleep 0.2
  done
  log "node $i ($workers) ready on 127.0.0.1:$port, pid ${PIDS[-1]}, log $WORK/node-$i.log"
}

for ((i = 1; i <= NODES; i++)); do
  port=$(free_port)
  if ((i < NODES)); then
    # The first node migrates and creates the first account (its credentials go to its console, once).
    node_start "$i" api "$port" "$([[ $i == 1 ]] && echo true || echo false)"
    API_PORTS+=("$port")
  else
    node_start "$i" webhooks,calendar "$port" false
  fi
done

haproxy_cfg "$WORK/haproxy.cfg" "$PORT" $((PORT + 1)) "${API_PORTS[@]}"
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; do
  kill -0 "$HAPROXY_PID" 2>/dev/null || { cat "$WORK/haproxy.log" >&2; die "HAProxy exited"; }
  ((SECONDS < deadline)) || die "HAProxy not answering within 30 s"
  sleep 0.2
done

api_key=$(grep -o 'API key: *sk_live_[A-Za-z0-9]*' "$WORK/node-1.log" | awk '{print $NF}' | head -1)
client_id=$(grep -o 'client_id: *[A-Za-z0-9_]*' "$WORK/node-1.log" | awk '{print $NF}' | head -1)
client_secret=$(grep -o 'client_secret: *[A-Za-z0-9_]*' "$WORK/node-1.log" | awk '{print $NF}' | head -1)
cat <<EOF

==================================================================
 Convene cluster: $((NODES - 1)) API nodes behind HAProxy, 1 worker node, one PostgreSQL
   URL:                 http://127.0.0.1:$PORT
   HAProxy stats:       http://127.0.0.1:$((PORT + 1))/stats
   Admin token:         $ADMIN_TOKEN
   API key:             ${api_key:-(see $WORK/node-1.log)}
   OAuth client_id:     ${client_id:-?}
   OAuth client_secret: ${client_secret:-?}
 First call:
   curl -H 'Authorization: Bearer ${api_key:-<api key>}' http://127.0.0.1:$PORT/v1/meetings
 Logs in $WORK. Ctrl-C stops everything.
==================================================================
EOF
wait "$HAPROXY_PID"
