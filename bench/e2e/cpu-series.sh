#!/usr/bin/env bash
# Measures CPU seconds per 1,000 confirmed batches for frameload, the bare node:tls loop and the Python
# asyncio agent. Each runs against the reference server on loopback with 200 agents, batches of 100
# events and TLS, one batch per agent every SEC_PER_BATCH seconds for DURATION seconds. The three
# clients run in turn ROUNDS times, and each run prints one JSON line.
#
# Usage: bench/e2e/cpu-series.sh [ROUNDS=3] [DURATION=30] [SEC_PER_BATCH=0.5]   (after make build)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
duration=${2:-30}
sec_per_batch=${3:-0.5}
for ((round = 1; round <= rounds; round++)); do
  for client in frameload bare python; do
    node --import tsx bench/e2e/measure.ts --client "$client" --agents 200 --batch 100 \
      --duration "$duration" --sec-per-batch "$sec_per_batch" 2>/dev/null | tail -1
  done
done
