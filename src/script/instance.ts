import { createRequire } from 'node:module';
import type { Runtime } from '../engine/runtime.ts';
import type { VU } from '../engine/vu.ts';
import type { ScriptFactory, ScriptGlobals } from './bundle.ts';
import { createCoreModule } from './modules/core.ts';
import { createExecutionModule } from './modules/execution.ts';
import { createMetricClasses } from './modules/metrics.ts';

/** Builds the object a VU's script receives for one `frameload/...` import. */
export type ModuleFactory = (vu: VU, runtime: Runtime) => Record<string, unknown>;

const nodeRequire = createRequire(import.meta.url);

/** Per-run module registry: shared parts are built once, per-VU parts on first import by each VU. */
export class ScriptModules {
  private readonly factories = new Map<string, ModuleFactory>();
  private readonly metricClasses: Record<string, unknown>;

  constructor(private readonly runtime: Runtime) {
    this.metricClasses = createMetricClasses(runtime);
    this.factories.set('frameload', createCoreModule);
    this.factories.set('frameload/execution', createExecutionModule);
    this.factories.set('frameload/metrics', () => this.metricClasses);
  }

  /** Adds a module such as `frameload/net`, built per VU by `factory`. */
  register(id: string, factory: ModuleFactory): void {
    this.factories.set(id, factory);
  }

  requireFor(vu: VU): (id: string) => unknown {
    const cache = new Map<string, unknown>();
    return (id: string) => {
      let mod = cache.get(id);
      if (mod !== undefined) return mod;
      const factory = this.factories.get(id);
      if (factory) mod = factory(vu, this.runtime);
      else if (id.startsWith('node:')) mod = nodeRequire(id);
      else throw new Error(`cannot import "${id}": expected a relative path, a frameload module or a node: built-in`);
      cache.set(id, mod);
      return mod;
    };
  }
}

/**
 * Runs the script's init code for one VU and returns its exports. Each call evaluates the bundled
 * module body anew, so module-level variables belong to this VU alone.
 */
export function instantiate(factory: ScriptFactory, vu: VU, modules: ScriptModules, runtime: Runtime): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const globals: ScriptGlobals = {
    env: vu.env,
    get vu() {
      return vu.idInTest;
    },
    get iter() {
      return vu.iterationInInstance;
    },
  };
  runtime.initializingVU = vu;
  try {
    factory(modules.requireFor(vu), module, module.exports, globals);
  } finally {
    runtime.initializingVU = undefined;
  }
  vu.exports = module.exports;
  return module.exports;
}
