import type { Metric, MetricRegistry } from '../metrics/registry.ts';
import type { Tags } from '../metrics/types.ts';

/** Something a VU owns that must be closed when the VU is done or the run ends (a connection). */
export interface Closable {
  close(): void;
}

/**
 * What script-facing modules (`frameload/net`, the agent library) see of the VU that calls them.
 * The engine implements it per VU; tests and library users can use `StandaloneScope`.
 */
export interface VuScope {
  /** The VU's number, from 1; 0 in setup and teardown. */
  readonly idInTest: number;
  /**
   * Tags every sample of this VU carries right now: `scenario`, `group`, `stage` and user tags.
   * The object is replaced, never mutated, when any of them changes, so it can key a cache.
   */
  readonly tags: Tags;
  readonly metrics: MetricRegistry;
  /**
   * When the running iteration was due to start, in `performance.now()` milliseconds: its slot on an
   * arrival-rate timeline, or its actual start for other executors. Latency measured from here
   * includes time spent waiting behind a slow system (no coordinated omission).
   */
  readonly iterationScheduledAtMs: number;
  /** Environment of the run (`__ENV`). */
  readonly env: Readonly<Record<string, string>>;
  /** The script's resolved global options (k6's `tlsAuth`, `insecureSkipTLSVerify`, ...). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Records one sample with the VU's tags plus `extra`; dropped once the iteration was interrupted. */
  emit(metric: Metric, value: number, extra?: Tags): void;
  /** Registers a resource to close when the VU is done or the run ends; returns its unregister function. */
  own(resource: Closable): () => void;
  /** Records that a connection ran with TLS verification off, so the summary can say so. */
  noteInsecureTls(peer: string): void;
}

/** A VU scope outside the engine: one fixed tag set, resources closed by `closeAll()`. */
export class StandaloneScope implements VuScope {
  readonly idInTest: number;
  readonly tags: Tags;
  readonly env: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly insecurePeers = new Set<string>();
  iterationScheduledAtMs = 0;
  private readonly owned = new Set<Closable>();
  private readonly merged = new Map<string, Tags>();

  constructor(
    readonly metrics: MetricRegistry,
    init: { idInTest?: number; tags?: Tags; env?: Record<string, string>; options?: Record<string, unknown> } = {},
  ) {
    this.idInTest = init.idInTest ?? 1;
    this.tags = Object.freeze({ ...(init.tags ?? {}) });
    this.env = init.env ?? {};
    this.options = init.options ?? {};
  }

  emit(metric: Metric, value: number, extra?: Tags): void {
    metric.add(value, extra ? mergeTags(this.tags, extra, this.merged) : this.tags);
  }

  own(resource: Closable): () => void {
    this.owned.add(resource);
    return () => this.owned.delete(resource);
  }

  noteInsecureTls(peer: string): void {
    this.insecurePeers.add(peer);
  }

  closeAll(): void {
    for (const r of [...this.owned]) r.close();
    this.owned.clear();
  }
}

/**
 * Returns `base` with `extra` on top, reusing one frozen object per distinct `extra` so that metrics
 * hit their identity cache. The cache belongs to one `base` object; clear it when `base` changes.
 */
export function mergeTags(base: Tags, extra: Tags, cache: Map<string, Tags>): Tags {
  let key = '';
  for (const k in extra) key += `${k}\u0001${extra[k]}\u0000`;
  let tags = cache.get(key);
  if (!tags) {
    tags = Object.freeze({ ...base, ...extra });
    cache.set(key, tags);
  }
  return tags;
}
