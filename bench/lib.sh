# Shell helpers shared by bench/run.sh, reliability/run.sh and deploy/local-cluster.sh (sourced; each
# script defines its own log and die, which these call).

stop_pid() { # pid, signal, seconds to wait; then SIGKILL
  local pid=$1 sig=$2 secs=$3 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "process $pid did not stop within ${secs}s after SIG$sig; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

json_str() { # a JSON string literal
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/ }
  printf '"%s"' "$s"
}

json_field() { # crude: the first "name":"value" string in a JSON text
  grep -o "\"$1\":\"[^\"]*\"" <<<"$2" | head -1 | cut -d'"' -f4
}

free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

http_call() { # method url body header... -> one line "status body" (status 000 when curl failed)
  local method=$1 url=$2 body=$3 h out
  shift 3
  local args=(-sS --max-time 20 -X "$method" "$url" -w '\n%{http_code}')
  for h in "$@"; do args+=(-H "$h"); done
  [[ -z $body ]] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
  out=$(curl "${args[@]}" 2>&1) || { printf '000 %s\n' "$(tr '\n' ' ' <<<"$out")"; return 0; }
  printf '%s %s\n' "${out##*$'\n'}" "$(tr '\n' ' ' <<<"${out%$'\n'*}")"
}

start_marked() { # out err marker seconds command... -> STARTED_PID, MARK (the word after "<marker> " in out)
  local out=$1 err=$2 marker=$3 secs=$4 deadline
  shift 4
  "$@" >"$out" 2>>"$err" &
  STARTED_PID=$!
  deadline=$((SECONDS + secs))
  until grep -q "^$marker " "$out" 2>/dev/null; do
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$err" >&2; die "$(basename "$out" .out) exited before it said $marker"; }
    ((SECONDS < deadline)) || die "$(basename "$out" .out) did not say $marker within $secs s"
    sleep 0.1
  done
  MARK=$(awk -v m="$marker" '$1 == m {print $2; exit}' "$out")
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# ---------------------------------------------------------------- a PostgreSQL server of our own
# The caller sets PG_BIN (pg_bin_dir) and PG_DIRS=() (pg_init appends each server's directory).

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# From /, which the postgres user can always reach (the repository may live under a private home).
as_postgres() { if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

pg_init() { # dir port -> sets PG_PASSWORD, DB_URL, JDBC_URL
  local dir=$1 port=$2
  mkdir -p "$dir"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$dir"
  PG_PASSWORD=$(random_hex 16)
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C --auth-local=trust \
    --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  as_postgres tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
EOF
  PG_DIRS+=("$dir")
  pg_start "$dir"
  as_postgres "$PG_BIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE convene LOGIN PASSWORD '$PG_PASSWORD'" -c "CREATE DATABASE convene OWNER convene" >/dev/null
  DB_URL="postgresql://convene:$PG_PASSWORD@127.0.0.1:$port/convene"
  JDBC_URL="jdbc:postgresql://127.0.0.1:$port/convene"
  PSQL=(env PGPASSWORD="$PG_PASSWORD" psql -X -q -At -h 127.0.0.1 -p "$port" -U convene -d convene)
}

pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w -t 60 start >/dev/null \
    || { tail -20 "$1/postgres.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop_quietly() {
  [[ -f $1/data/postmaster.pid ]] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------- HAProxy in front of API nodes

haproxy_cfg() { # file listen_port stats_port node_port... : round robin, health checks on /health/ready
  local file=$1 port=$2 stats=$3 i=0 p
  shift 3
  {
    cat <<EOF
# Written by Convene's scripts: HAProxy in front of the API nodes, all on 127.0.0.1.
# A node is taken out after 2 failed checks of /health/ready 1 s apart, within its shutdown delay.
# A node back UP gets its share of traffic over 10 s (slowstart): a JVM that just started is cold.
global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout check 2s
  retries 2
  option redispatch
  retry-on conn-failure

frontend api
  bind 127.0.0.1:$port
  default_backend convene

frontend stats
  bind 127.0.0.1:$stats
  stats enable
  stats uri /stats

backend convene
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2 slowstart 10s
EOF
    for p in "$@"; do
      i=$((i + 1))
      echo "  server api-$i 127.0.0.1:$p check"
    done
  } >"$file"
}
