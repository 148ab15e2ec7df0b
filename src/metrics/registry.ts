import { newAggregate, type Aggregate } from './aggregate.ts';
import type { MetricType, Tags, ValueType } from './types.ts';

/** A tag filter such as `{error:timeout}`; a series matches when it carries every pair. */
export type TagFilter = Readonly<Record<string, string>>;

/** A named slice of a metric: `name{tag:value,...}` in k6's spelling. */
export class Submetric {
  readonly aggregate: Aggregate;

  constructor(
    readonly parent: Metric,
    readonly name: string,
    readonly filter: TagFilter,
  ) {
    this.aggregate = newAggregate(parent.type);
  }

  matches(tags: Tags): boolean {
    for (const key in this.filter) if (tags[key] !== this.filter[key]) return false;
    return true;
  }
}

/** Splits a metric by the values of some tags: one aggregate per value combination, made on first use. */
export class Breakdown {
  readonly parts = new Map<string, { tags: Record<string, string>; aggregate: Aggregate }>();

  constructor(
    readonly metric: Metric,
    readonly tagNames: readonly string[],
    /** Whether the summary lists the parts as submetrics (`agent_errors{error:timeout}`). */
    readonly visible: boolean,
  ) {}

  sinkFor(tags: Tags): Aggregate | undefined {
    const picked: Record<string, string> = {};
    for (const name of this.tagNames) {
      const value = tags[name];
      if (value === undefined) return undefined;
      picked[name] = value;
    }
    const key = this.tagNames.map((n) => picked[n]).join('\u0000');
    let part = this.parts.get(key);
    if (!part) {
      part = { tags: picked, aggregate: newAggregate(this.metric.type) };
      this.parts.set(key, part);
    }
    return part.aggregate;
  }
}

/** Renders a tag filter in k6's submetric spelling, keys in the order given. */
export function submetricName(metric: string, filter: TagFilter): string {
  return `${metric}{${Object.entries(filter)
    .map(([k, v]) => `${k}:${v}`)
    .join(',')}}`;
}

/**
 * One metric: its overall aggregate plus the submetrics and breakdowns declared on it. A sample's tag
 * set is resolved once to the list of aggregates it feeds; callers that reuse the same tags object
 * hit an identity cache and pay one WeakMap lookup per sample.
 */
export class Metric {
  readonly root: Aggregate;
  readonly submetrics = new Map<string, Submetric>();
  readonly breakdowns: Breakdown[] = [];
  private byIdentity = new WeakMap<object, Aggregate[]>();
  // Most samples in a row carry the same shared tags object; this skips the WeakMap for them.
  private lastTags: Tags | undefined;
  private lastSinks: Aggregate[] = [];
  private readonly byKey = new Map<string, Aggregate[]>();

  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly contains: ValueType,
  ) {
    this.root = newAggregate(type);
  }

  add(value: number, tags: Tags): void {
    const sinks = this.sinksFor(tags);
    for (let i = 0; i < sinks.length; i++) sinks[i]!.add(value);
  }

  /** Declares `name{filter}` and returns it; declaring the same filter twice returns the first. */
  submetric(filter: TagFilter): Submetric {
    const name = submetricName(this.name, filter);
    let sub = this.submetrics.get(name);
    if (!sub) {
      sub = new Submetric(this, name, filter);
      this.submetrics.set(name, sub);
      this.invalidate();
    }
    return sub;
  }

  breakdown(tagNames: readonly string[], visible: boolean): Breakdown {
    const key = tagNames.join(',');
    let b = this.breakdowns.find((x) => x.tagNames.join(',') === key);
    if (!b) {
      b = new Breakdown(this, tagNames, visible);
      this.breakdowns.push(b);
      this.invalidate();
    } else if (visible && !b.visible) {
      (b as { visible: boolean }).visible = true;
    }
    return b;
  }

  private sinksFor(tags: Tags): Aggregate[] {
    if (tags === this.lastTags) return this.lastSinks;
    let sinks = this.byIdentity.get(tags);
    if (sinks) return this.remember(tags, sinks);
    const key = tagKey(tags);
    sinks = this.byKey.get(key);
    if (!sinks) {
      sinks = [this.root];
      for (const sub of this.submetrics.values()) if (sub.matches(tags)) sinks.push(sub.aggregate);
      for (const b of this.breakdowns) {
        const sink = b.sinkFor(tags);
        if (sink) sinks.push(sink);
      }
      this.byKey.set(key, sinks);
    }
    this.byIdentity.set(tags, sinks);
    return this.remember(tags, sinks);
  }

  private remember(tags: Tags, sinks: Aggregate[]): Aggregate[] {
    this.lastTags = tags;
    this.lastSinks = sinks;
    return sinks;
  }

  private invalidate(): void {
    // Declarations happen before and between scenarios, rarely during sampling, so rebuilding is fine.
    this.byKey.clear();
    this.byIdentity = new WeakMap();
    this.lastTags = undefined;
  }
}

function tagKey(tags: Tags): string {
  const keys = Object.keys(tags).sort();
  let key = '';
  for (const k of keys) key += `${k}\u0001${tags[k]}\u0000`;
  return key;
}

export class MetricTypeError extends Error {
  readonly code = 'metric_redefined';
}

/** All metrics of a run, by name. A name is defined once; later definitions must agree on the type. */
export class MetricRegistry {
  readonly metrics = new Map<string, Metric>();

  define(name: string, type: MetricType, contains: ValueType = 'default'): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw new MetricTypeError(`metric "${name}" is already defined as a ${existing.type}, not a ${type}`);
      }
      return existing;
    }
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) {
      throw new MetricTypeError(
        `invalid metric name "${name}": expected 1 to 128 letters, digits or underscores, not starting with a digit`,
      );
    }
    const metric = new Metric(name, type, contains);
    this.metrics.set(name, metric);
    return metric;
  }

  get(name: string): Metric | undefined {
    return this.metrics.get(name);
  }
}
