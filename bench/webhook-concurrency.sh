#!/usr/bin/env bash
# Webhook commit-to-receipt latency for one endpoint at a given per-endpoint concurrency:
#   bench/webhook-concurrency.sh 16
# Starts bench/WebhookReceiver.java and Convene (fresh embedded database), registers the receiver for
# meeting.scheduled, drives POST /v1/schedule with wrk (1 thread, 8 connections, 8 s), then prints the
# receiver's stats three times, 5 s apart (deliveries, per_s, and latency from each event's commit).
set -euo pipefail
EC=${1:?usage: webhook-concurrency.sh ENDPOINT_CONCURRENCY}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=$ROOT/target/convene.jar
[[ -f $JAR ]] || (cd "$ROOT" && mvn -B -q -DskipTests package)
PORT=18095 RECEIVER=19999 D=$(mktemp -d)
java -cp "$JAR" "$ROOT/bench/WebhookReceiver.java" --port $RECEIVER >"$D/receiver.log" 2>&1 &
RPID=$!
CONVENE_DATA_DIR=$D CONVENE_HTTP_PORT=$PORT CONVENE_ADMIN_TOKEN=bench CONVENE_RATE_LIMIT_PER_MINUTE=0 \
  CONVENE_WEBHOOKS_ALLOW_INSECURE=true CONVENE_WEBHOOK_ENDPOINT_CONCURRENCY=$EC java -jar "$JAR" >"$D/convene.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID $RPID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$D"' EXIT
for _ in $(seq 1 300); do
  curl -sf http://127.0.0.1:$PORT/health >/dev/null && curl -sf http://127.0.0.1:$RECEIVER/stats >/dev/null && break
  sleep 0.1
done
KEY=$(curl -s -X POST http://127.0.0.1:$PORT/admin/v1/accounts -H 'Authorization: Bearer bench' \
  -H 'Content-Type: application/json' -d '{"name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
curl -s -X PUT http://127.0.0.1:$PORT/v1/platform/webhook -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$RECEIVER/hook\",\"events\":[\"meeting.scheduled\"]}" >/dev/null
BENCH_LUA_DIR=$ROOT/bench/wrk wrk -t1 -c8 -d8s -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
  -s "$ROOT/bench/wrk/schedule.lua" http://127.0.0.1:$PORT | grep Requests
for s in 5 10 15; do
  sleep 5
  echo "t+${s}s: $(curl -s http://127.0.0.1:$RECEIVER/stats)"
done
