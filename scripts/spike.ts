// The spike plan: from a known capacity CAPACITY_EPS, SPIKE_BASE_PCT (75) percent of it for
// SPIKE_SETTLE (1m), SPIKE_X (2) times it for SPIKE_DURATION (2m), then the base rate again for
// SPIKE_RECOVERY (5m). The report states how long p95 confirm latency took to come back under
// P95_MS after the spike.
//
//   ./frameload run scripts/spike.ts -e HOST=ingest:8444 -e AGENTS=200 -e CAPACITY_EPS=5500 \
//     -e TOKEN=... -e INSECURE_TLS=true
//
// capacity.ts runs it after the capacity plan when SPIKE=1.
import type { Options } from 'frameload';
import { agentFunctions, readSpikeEnv, spikeOptions } from './lib/plan.ts';

const env = readSpikeEnv(__ENV);

export const options: Options = spikeOptions(env);

export const { connect, traffic } = agentFunctions(env);
