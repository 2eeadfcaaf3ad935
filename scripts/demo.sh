#!/usr/bin/env bash
# npm run demo: Kafka, migrations, the API and the projector, then the Panjshir scenario.
# Keeps the stack running for exploring when started from a terminal; exits after the demo otherwise
# (or with DEMO_EXIT=1).
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sitrep}"
export SITREP_BOOTSTRAP_KEY="${SITREP_BOOTSTRAP_KEY:-sitrep-demo-admin-key}"
export PORT="${PORT:-3000}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
logs="${SITREP_DEMO_LOGS:-${TMPDIR:-/tmp}/sitrep-demo}"
mkdir -p "$logs"

say() { printf '[demo] %s\n' "$*"; }

if curl -fsS "http://127.0.0.1:${PORT}/health" >/dev/null 2>&1; then
  say "something already answers on port ${PORT}: stop it, or run with PORT=<free port> npm run demo" >&2
  exit 1
fi

npm run --silent kafka:start
say "building"
npm run --silent build >"$logs/build.log" 2>&1 || { tail -n 30 "$logs/build.log" >&2; exit 1; }
node dist/apps/cli/src/main.js migrate

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

node dist/apps/api/src/main.js >"$logs/api.log" 2>&1 &
pids+=($!)
node --max-semi-space-size=64 dist/apps/projector/src/main.js >"$logs/projector.log" 2>&1 &
pids+=($!)

say "waiting for the API and the projector (logs in $logs)"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:${PORT}/health/ready" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { say "an app stopped; its log:" >&2; tail -n 20 "$logs"/api.log "$logs"/projector.log >&2; exit 1; }
  done
  sleep 0.5
done
curl -fsS "http://127.0.0.1:${PORT}/health/ready" >/dev/null || { say "the API is not ready after 60 s; see $logs" >&2; exit 1; }

node dist/apps/cli/src/main.js demo

if [ -t 0 ] && [ "${DEMO_EXIT:-0}" != 1 ]; then
  echo
  say "the stack keeps running; press Ctrl-C to stop it (Kafka keeps running: npm run kafka:stop)"
  wait
fi
