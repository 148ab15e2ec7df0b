import type { ScenarioConfig } from '../options.ts';
import { runArrivalRate } from './arrival-rate.ts';
import { runRampingVus } from './ramping-vus.ts';
import type { StageHooks } from './stages.ts';
import type { ExecutorEnv } from './types.ts';
import { runVuLoop } from './vu-loop.ts';

export type { ExecutorEnv } from './types.ts';
export type { StageHooks } from './stages.ts';

/** Runs one scenario's executor to its end, including gracefulStop. */
export function runExecutor(config: ScenarioConfig, env: ExecutorEnv, stageHooks?: StageHooks): Promise<void> {
  switch (config.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
    case 'constant-vus':
      return runVuLoop(config, env);
    case 'ramping-vus':
      return runRampingVus(config, env, stageHooks);
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return runArrivalRate(config, env, stageHooks);
  }
}
