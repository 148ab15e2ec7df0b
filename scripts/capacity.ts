// The capacity plan: how many events per second the server sustains before an objective breaks.
// A fleet of AGENTS agents connects and is approved. Traffic then runs at 50% of TARGET_EPS for
// WARMUP and climbs by STEP_PCT percent of TARGET_EPS every STEP. It stops after the first step that
// breaches P95_MS, ERR_RATE or CONN_FAIL_RATE, judged on that step's own samples. The run ends after the breaching
// step; the capacity is the target of the last step that met every objective.
//
//   ./frameload run scripts/capacity.ts -e HOST=ingest:8444 -e AGENTS=200 -e TARGET_EPS=5000 \
//     -e TOKEN=... -e INSECURE_TLS=true --monitor http://ingest:9100/metrics
//
// SPIKE=1 then runs spike.ts and SOAK=1 soak.ts in the same process from the capacity found.
// capacity.json and report.html go to REPORT_DIR (default ./report); docs/plans.md has the details.
import type { Options } from 'frameload';
import { agentFunctions, capacityOptions, readCapacityEnv } from './lib/plan.ts';

const env = readCapacityEnv(__ENV);

export const options: Options = capacityOptions(env);

export const { connect, traffic } = agentFunctions(env);
