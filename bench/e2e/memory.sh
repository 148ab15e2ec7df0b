#!/usr/bin/env bash
# Measures the peak resident memory of one frameload process running scripts/load-agents.ts with
# 10,000 approved agents, each sending one batch of 100 events every 10 s over TLS, against the
# reference server on loopback. Prints one JSON line with peakRssMiB.
#
# Usage: bench/e2e/memory.sh [AGENTS=10000] [DURATION=30]   (after make build)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents=${1:-10000}
duration=${2:-30}
# One file descriptor per connection in each process (client and server), plus the usual ones.
ulimit -n "$((agents + 1024))"
# The whole fleet handshakes at once, so the approval budget is generous.
node --import tsx bench/e2e/measure.ts --client frameload --agents "$agents" --batch 100 \
  --sec-per-batch 10 --duration "$duration" --approval-timeout 120 2>/dev/null | tail -1
