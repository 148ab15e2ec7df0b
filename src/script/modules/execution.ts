import { TestAbortError } from '../../engine/errors.ts';
import type { Runtime } from '../../engine/runtime.ts';
import type { VU } from '../../engine/vu.ts';

/** The `frameload/execution` module for one VU, with k6's names; every field is read live. */
export function createExecutionModule(vu: VU, runtime: Runtime): Record<string, unknown> {
  const vuInfo = Object.freeze({
    get idInTest() {
      return vu.idInTest;
    },
    get idInInstance() {
      return vu.idInTest;
    },
    get iterationInInstance() {
      return vu.iterationInInstance;
    },
    get iterationInScenario() {
      return vu.iterationInScenario;
    },
    tags: new Proxy({} as Record<string, string>, {
      get: (_t, key) => (typeof key === 'string' ? vu.tags[key] : undefined),
      set: (_t, key, value) => {
        if (typeof key !== 'string') return false;
        vu.setTag(key, String(value));
        return true;
      },
      has: (_t, key) => typeof key === 'string' && key in vu.tags,
      ownKeys: () => Object.keys(vu.tags),
      getOwnPropertyDescriptor: (_t, key) =>
        typeof key === 'string' && key in vu.tags ? { value: vu.tags[key], enumerable: true, configurable: true } : undefined,
    }),
  });

  const scenarioInfo = Object.freeze({
    get name() {
      return requireScenario(vu).name;
    },
    get executor() {
      return requireScenario(vu).config.executor;
    },
    get startTime() {
      return Math.round(performance.timeOrigin + requireScenario(vu).startedAtMs);
    },
    get progress() {
      return requireScenario(vu).progress(runtime.clock.now());
    },
    get iterationInInstance() {
      return vu.scenarioIteration;
    },
    get iterationInTest() {
      return vu.scenarioIteration;
    },
    get stage() {
      return vu.scenario?.stage;
    },
  });

  const instance = Object.freeze({
    get vusActive() {
      return runtime.stats.vusActive;
    },
    get vusInitialized() {
      return runtime.stats.vusInitialized;
    },
    get iterationsCompleted() {
      return runtime.stats.iterationsCompleted;
    },
    get iterationsInterrupted() {
      return runtime.stats.iterationsInterrupted;
    },
    get currentTestRunDuration() {
      return runtime.testStartMs === 0 ? 0 : runtime.clock.now() - runtime.testStartMs;
    },
  });

  const test = Object.freeze({
    abort(reason = ''): never {
      runtime.abort(reason);
      throw new TestAbortError(reason);
    },
    options: runtime.scriptOptions,
  });

  const module = { vu: vuInfo, scenario: scenarioInfo, instance, test };
  return { ...module, default: module };
}

function requireScenario(vu: VU) {
  if (!vu.scenario) throw new Error('frameload/execution: scenario information is only available inside an iteration');
  return vu.scenario;
}
