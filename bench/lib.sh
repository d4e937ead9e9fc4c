# Shell helpers shared by bench/run.sh and reliability/run.sh (sourced; each script defines its own
# log and die, which these call).

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
