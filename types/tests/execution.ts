// Type tests for `frameload/execution`: reading the VU, scenario, instance and test compiles, and
// writing any of them does not. Compiled by `tsc -p types`, never run.

import exec, { instance, scenario, test, vu } from 'frameload/execution';
import type { ExecutorName } from 'frameload';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T | undefined => undefined;

// Correct use: reads, with the types scripts rely on.
const agentName = `agent-${vu.idInTest}-${vu.idInInstance}`;
const batchId = `${vu.iterationInInstance}/${vu.iterationInScenario}`;
const scenarioTag: string | undefined = vu.tags.scenario;
vu.tags.agent = agentName;
expectTrue<Equal<typeof vu.idInTest, number>>();

const step: number = scenario.stage ?? 0;
expectTrue<Equal<typeof scenario.stage, number | undefined>>();
expectTrue<Equal<typeof scenario.executor, ExecutorName>>();
const isOpenModel = scenario.executor === 'constant-arrival-rate' || scenario.executor === 'ramping-arrival-rate';
const elapsedMs = Date.now() - scenario.startTime;
const unique = `${scenario.name}-${scenario.iterationInTest}-${scenario.iterationInInstance}`;
const almostDone: boolean = scenario.progress > 0.9;

const load = instance.vusActive / instance.vusInitialized;
const ended = instance.iterationsCompleted + instance.iterationsInterrupted;
const runningFor: number = instance.currentTestRunDuration;

const trendStats = test.options.summaryTrendStats ?? [];
const firstScenario = Object.values(test.options.scenarios ?? {})[0]?.executor;
const sameVu: number = exec.vu.idInTest;
const sameScenario: string = exec.scenario.name;

// abort never returns, so it narrows like a throw.
function requireApproval(status: string | undefined): string {
  if (status === undefined) test.abort('no auth status');
  return status;
}
expectTrue<Equal<ReturnType<typeof test.abort>, never>>();

// Misuse: wrong types. These come before the assignments below, which would narrow `scenario.stage`.
// @ts-expect-error the stage is undefined outside ramping executors
const stageIndex: number = scenario.stage;
// @ts-expect-error frameload has no externally-controlled executor
const external = scenario.executor === 'externally-controlled';
// @ts-expect-error the abort reason is a string
const abortWithCode = (): never => test.abort(108);
// @ts-expect-error startTime is a Unix time in milliseconds, not a Date
scenario.startTime.getTime();

// Misuse: everything else is read-only, and tags stay strings.
// @ts-expect-error the VU's id is read-only
vu.idInTest = 3;
// @ts-expect-error iteration numbers are read-only
vu.iterationInScenario++;
// @ts-expect-error the tags object cannot be replaced: set tags one by one
vu.tags = { phase: 'soak' };
// @ts-expect-error tag values are strings
vu.tags.attempt = 2;
// @ts-expect-error the stage index is read-only
scenario.stage = 2;
// @ts-expect-error progress is read-only
scenario.progress = 1;
// @ts-expect-error instance counters are read-only
instance.vusActive = 0;
// @ts-expect-error the resolved options are read-only
test.options.vus = 3;
// @ts-expect-error nested options are read-only too
test.options.summaryTrendStats?.push('p(99)');
// @ts-expect-error the module's objects cannot be replaced
exec.vu = vu;

export {
  abortWithCode,
  agentName,
  almostDone,
  batchId,
  elapsedMs,
  ended,
  external,
  firstScenario,
  isOpenModel,
  load,
  requireApproval,
  runningFor,
  sameScenario,
  sameVu,
  scenarioTag,
  stageIndex,
  step,
  trendStats,
  unique,
};
