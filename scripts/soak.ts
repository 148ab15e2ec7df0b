// The soak plan: SOAK_PCT (75) percent of a known capacity CAPACITY_EPS for SOAK_DURATION (1h),
// reported in steps of SOAK_STEP (5m), so latency or errors that creep up over time show step by
// step.
//
//   ./frameload run scripts/soak.ts -e HOST=ingest:8444 -e AGENTS=200 -e CAPACITY_EPS=5500 \
//     -e TOKEN=... -e INSECURE_TLS=true -e SOAK_DURATION=3h
//
// capacity.ts runs it after the capacity plan (and the spike) when SOAK=1.
import type { Options } from 'frameload';
import { agentFunctions, readSoakEnv, soakOptions } from './lib/plan.ts';

const env = readSoakEnv(__ENV);

export const options: Options = soakOptions(env);

export const { connect, traffic } = agentFunctions(env);
