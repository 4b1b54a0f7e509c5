#!/usr/bin/env bash
# make demo: the edge worker under `wrangler dev` on 127.0.0.1:${PORT:-8787}, with the embedded
# demo network (loaded by the ledger on its first start), the storefront (www/) at / and the
# package at /pkg/. State persists in worker/.wrangler/state (ATSOURCE_STATE_DIR overrides):
# stopping and starting again loses no reservation or order. Runs until stopped (Ctrl-C).
# Expects `make build` to have built pkg/ (the Makefile's demo target does it first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
port=${PORT:-8787}
state=${ATSOURCE_STATE_DIR:-$root/worker/.wrangler/state}
case $state in /*) ;; *) state=$root/$state ;; esac
token=dev-token
url="http://127.0.0.1:$port"

# No prompts, no telemetry, logs beside the state (wrangler needs no login for dev).
export CI=true WRANGLER_SEND_METRICS=false
export WRANGLER_LOG_PATH=${WRANGLER_LOG_PATH:-$root/worker/.wrangler/logs}

echo "demo: starting wrangler dev on $url (state: $state)"
(
  cd worker
  exec "$root/node_modules/.bin/wrangler" dev --ip 127.0.0.1 --port "$port" --persist-to "$state" \
    --var "INGEST_TOKEN:$token" --var DEMO_NETWORK:true --show-interactive-dev-session=false
) &
wrangler_pid=$!
trap 'kill "$wrangler_pid" 2>/dev/null; wait "$wrangler_pid" 2>/dev/null; exit 0' INT TERM

# Ready once the API answers; the first read also makes the ledger load the demo network.
for _ in $(seq 1 240); do
  if ! kill -0 "$wrangler_pid" 2>/dev/null; then
    echo "demo: wrangler dev exited" >&2
    wait "$wrangler_pid"
    exit 1
  fi
  if curl -fsS -o /dev/null "$url/v1/locations" 2>/dev/null; then break; fi
  sleep 0.5
done

cat <<BANNER

  atsource demo ready
    storefront   $url/
    API          $url/v1/health  (description: $url/v1/openapi.yaml)
    dev token    $token   (Authorization: Bearer $token)
    state        $state
  Ctrl-C stops; starting again keeps every reservation and order.

BANNER
wait "$wrangler_pid"
