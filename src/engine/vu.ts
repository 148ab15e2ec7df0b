import type { Metric, MetricRegistry } from '../metrics/registry.ts';
import type { Tags } from '../metrics/types.ts';
import type { ScenarioState } from './scenario-state.ts';
import { mergeTags, type Closable, type VuScope } from './vu-scope.ts';

/** Maximum number of frozen extra tag sets whose merged tags a VU keeps by identity. */
const MAX_CACHED_TAG_SETS = 256;

/** Raised inside a VU's pending `sleep` when its iteration is interrupted or the run ends. */
export class IterationInterrupted extends Error {
  readonly code = 'iteration_interrupted';
}

interface PendingSleep {
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** The script's call site of sleep, captured only while the un-awaited-sleep warning is still due. */
  site: Error | undefined;
}

/**
 * One virtual user: its own instance of the script's module scope, its place in a scenario, its tags
 * and the resources (connections) it owns. Script modules see it through the `VuScope` interface.
 */
export class VU implements VuScope {
  exports: Record<string, unknown> = {};
  /** The current scenario's exec function and this VU's copy of the setup data, set on entering it. */
  execFn: unknown;
  setupData: unknown;
  scenario: ScenarioState | undefined;
  iterationInInstance = -1;
  iterationScheduledAtMs = 0;
  iterationInScenario = -1;
  /** The scenario-wide number of the running iteration (k6's scenario.iterationInTest). */
  scenarioIteration = -1;
  /** The k6 group path, `::outer::inner`, or '' outside any group. */
  groupPath = '';
  busy = false;
  interrupted = false;
  /** Set by ramping-vus when this VU must stop after its current iteration. */
  rampingDown = false;
  readonly pendingSleeps = new Set<PendingSleep>();
  private readonly owned = new Set<Closable>();
  private tagCache: Tags | undefined;
  private cachedFor: { scenario: ScenarioState | undefined; group: string; stage: number | undefined } = {
    scenario: undefined,
    group: '',
    stage: undefined,
  };
  private merged = new Map<string, Tags>();
  /** Merged tags by the identity of a frozen extra tag set, which saves building the string key. */
  private mergedByObject = new Map<Tags, Tags>();
  private userTags: Record<string, string> = {};

  constructor(
    readonly idInTest: number,
    readonly metrics: MetricRegistry,
    readonly env: Record<string, string>,
    readonly options: Readonly<Record<string, unknown>>,
    private readonly runTags: Tags,
    private readonly insecurePeers: Set<string>,
  ) {}

  /** Sample tags for now: run and scenario tags, `scenario`, `group`, `stage` and tags set by the script. */
  get tags(): Tags {
    const s = this.scenario;
    const stage = s?.stage;
    const c = this.cachedFor;
    if (this.tagCache === undefined || c.scenario !== s || c.group !== this.groupPath || c.stage !== stage) {
      const tags: Record<string, string> = { ...(s ? s.baseTags : this.runTags), ...this.userTags };
      if (this.groupPath !== '') tags.group = this.groupPath;
      if (stage !== undefined) tags.stage = String(stage);
      this.tagCache = internTags(tags);
      this.cachedFor = { scenario: s, group: this.groupPath, stage };
      this.merged = new Map();
      this.mergedByObject = new Map();
    }
    return this.tagCache;
  }

  /** Sets a VU-level tag (k6's `vu.tags[name] = value`); every later sample carries it. */
  setTag(name: string, value: string): void {
    this.userTags = { ...this.userTags, [name]: value };
    this.tagCache = undefined;
  }

  emit(metric: Metric, value: number, extra?: Tags): void {
    // Gauges describe state (connections open), which closing an interrupted iteration's resources
    // still changes; every other sample of an interrupted iteration is dropped.
    if (this.interrupted && metric.type !== 'gauge') return;
    const base = this.tags;
    metric.add(value, extra ? this.withExtra(base, extra) : base);
  }

  private withExtra(base: Tags, extra: Tags): Tags {
    let tags = this.mergedByObject.get(extra);
    if (tags !== undefined) return tags;
    tags = mergeTags(base, extra, this.merged);
    // Only a frozen set cannot change under its identity; the map is bounded like the check names.
    if (Object.isFrozen(extra) && this.mergedByObject.size < MAX_CACHED_TAG_SETS) this.mergedByObject.set(extra, tags);
    return tags;
  }

  own(resource: Closable): () => void {
    this.owned.add(resource);
    return () => this.owned.delete(resource);
  }

  noteInsecureTls(peer: string): void {
    this.insecurePeers.add(peer);
  }

  /** Interrupts the running iteration: pending sleeps reject and later samples are dropped. */
  interrupt(): void {
    this.interrupted = true;
    this.rejectSleeps();
  }

  rejectSleeps(): void {
    for (const s of this.pendingSleeps) {
      clearTimeout(s.timer);
      s.reject(new IterationInterrupted(`VU ${this.idInTest}: iteration interrupted`));
    }
    this.pendingSleeps.clear();
  }

  /**
   * Closes everything the VU owns; used at the end of the run. Resolves when every close that
   * returned a promise settled: a connection's close resolves once its socket, and with it the file
   * descriptor, is released, within its own 2 s grace period.
   */
  closeOwned(): Promise<void> {
    const closing: Array<Promise<unknown>> = [];
    for (const r of [...this.owned]) {
      try {
        const pending = r.close() as unknown;
        if (pending instanceof Promise) closing.push(pending.catch(() => {}));
      } catch {
        // A resource that fails to close is already unusable; closing the others matters more.
      }
    }
    this.owned.clear();
    return Promise.all(closing).then(() => {});
  }
}

// VUs in the same scenario, stage and group share one frozen tags object, so a metric's identity
// cache resolves their samples with one comparison. The table has one entry per distinct tag set.
const interned = new Map<string, Tags>();

function internTags(tags: Record<string, string>): Tags {
  let key = '';
  for (const k of Object.keys(tags).sort()) key += `${k}\u0001${tags[k]}\u0000`;
  let shared = interned.get(key);
  if (!shared) {
    shared = Object.freeze(tags);
    interned.set(key, shared);
  }
  return shared;
}
