import type { ResolvedOptions } from '../engine/options.ts';
import type { ThresholdsPort } from '../engine/run.ts';
import type { Runtime } from '../engine/runtime.ts';
import { CheckTree } from '../metrics/checks.ts';
import type { MetricRegistry } from '../metrics/registry.ts';
import { describeThresholdStatus, Thresholds } from '../metrics/thresholds/index.ts';
import { firstErrorReporter } from '../agent/first-errors.ts';
import { createAgentModule } from '../agent/module.ts';
import { createNetModule } from '../net/module.ts';
import { ScriptModules } from '../script/instance.ts';

/** The parts of a run that live outside the engine, kept here so the summary can read them afterwards. */
export interface RunServices {
  checks: CheckTree;
  createThresholds(options: ResolvedOptions, registry: MetricRegistry): ThresholdsPort;
  createModules(runtime: Runtime): ScriptModules;
  /** The thresholds of the run, once created. */
  readonly thresholds: Thresholds | undefined;
}

export function createRunServices(): RunServices {
  let thresholds: Thresholds | undefined;
  return {
    checks: new CheckTree(),
    get thresholds() {
      return thresholds;
    },
    createThresholds(options, registry) {
      const t = new Thresholds(options.thresholds, registry);
      thresholds = t;
      return {
        start: () => t.start(),
        evaluate: (ms) => {
          const evaluation = t.evaluate(ms);
          return evaluation.abort ? evaluation.abortedBy.map(describeThresholdStatus).join('; ') : undefined;
        },
        onStageStart: (scenario, stage, ms) => t.onStageStart(scenario, stage, ms),
        onStageEnd: (scenario, stage, ms) => t.onStageEnd(scenario, stage, ms),
        finish: (ms) => t.finish(ms).failed.length === 0,
      };
    },
    createModules(runtime) {
      const modules = new ScriptModules(runtime);
      modules.register('frameload/net', (vu) => createNetModule(vu));
      // One reporter per run, shared by the VUs, so each error class is reported once.
      const reportFirstError = firstErrorReporter(runtime.log);
      modules.register('frameload/agent', (vu) => createAgentModule(vu, reportFirstError));
      return modules;
    },
  };
}
