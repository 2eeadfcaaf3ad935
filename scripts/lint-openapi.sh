#!/usr/bin/env bash
# npm run lint:openapi: build the API, write its OpenAPI document (no Postgres or Kafka needed:
# the app is built, never started) and lint it with Redocly (redocly.yaml). Errors and warnings
# both fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
out="${OPENAPI_OUT:-dist/openapi.json}"

echo "[lint:openapi] building the API"
npx nest build api
node dist/apps/api/src/write-openapi.js "$out"
npx redocly lint --format stylish "$out" || {
  echo "[lint:openapi] fix the operations above: see apps/api/src/http/openapi/api-doc.decorator.ts" >&2
  exit 1
}
warnings=$(npx redocly lint --format json "$out" 2>/dev/null | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
    console.log(JSON.parse(s.slice(s.indexOf("{"))).totals.warnings));')
if [ "$warnings" != 0 ]; then
  echo "[lint:openapi] $warnings warning(s): fix them (or justify a rule change in redocly.yaml)" >&2
  exit 1
fi
echo "[lint:openapi] $out: 0 errors, 0 warnings"
