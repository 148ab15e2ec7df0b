#!/usr/bin/env bash
# The main job on one machine: the reference server with a capacity of CAPACITY events/s, and a fleet
# of agents sending below it for about a minute. Prints the run's summary; exits with the run's code.
set -euo pipefail
cd "$(dirname "$0")/.."

CAPACITY=${CAPACITY:-25000}
log=$(mktemp)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

./frameload serve --port 0 --metrics-port 0 --capacity "$CAPACITY" 2>"$log" &
server=$!

# The server prints its address once it listens; wait up to 10 s for that line.
for _ in $(seq 100); do
  address=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$log")
  [ -n "$address" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$address" ] || { echo "demo: the reference server did not start within 10 s" >&2; cat "$log" >&2; exit 1; }
head -n 1 "$log" >&2

# The server's certificate is self-signed, so this run switches verification off explicitly; the
# summary says so.
./frameload run scripts/load-agents.ts \
  -e HOST="$address" -e AGENTS="${AGENTS:-200}" -e BATCH=100 -e EPS="${EPS:-10000}" \
  -e DURATION="${DURATION:-50s}" -e INSECURE_TLS=true "$@"
