import { Histogram } from './histogram.ts';
import type { MetricType, MetricValues, TrendStat } from './types.ts';

/**
 * A running aggregate of one metric's samples. Memory stays constant however many samples arrive:
 * Trends keep a log-linear histogram, the others a handful of numbers.
 */
export interface Aggregate {
  add(value: number): void;
  /** Adds another aggregate of the same kind into this one. */
  merge(other: Aggregate): void;
  /** Returns an independent copy, used for window snapshots. */
  copy(): Aggregate;
  /** Returns the aggregate of the samples added since `earlier` was copied from this one. */
  since(earlier: Aggregate): Aggregate;
  /** Summary values; `durationMs` is the span the samples cover, for counter rates. */
  values(stats: readonly TrendStat[], durationMs: number): MetricValues;
  /** Looks up one threshold aggregation (`count`, `rate`, `avg`, `p(95)`, ...). Undefined when unknown. */
  stat(name: string, durationMs: number): number | undefined;
  readonly count: number;
}

export class CounterAggregate implements Aggregate {
  count = 0;
  sum = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
  }

  merge(other: Aggregate): void {
    const o = other as CounterAggregate;
    this.count += o.count;
    this.sum += o.sum;
  }

  copy(): CounterAggregate {
    const c = new CounterAggregate();
    c.merge(this);
    return c;
  }

  since(earlier: Aggregate): CounterAggregate {
    const e = earlier as CounterAggregate;
    const c = new CounterAggregate();
    c.count = this.count - e.count;
    c.sum = this.sum - e.sum;
    return c;
  }

  values(_stats: readonly TrendStat[], durationMs: number): MetricValues {
    return { count: this.sum, rate: durationMs > 0 ? (this.sum * 1000) / durationMs : 0 };
  }

  stat(name: string, durationMs: number): number | undefined {
    return this.values([], durationMs)[name];
  }
}

export class GaugeAggregate implements Aggregate {
  count = 0;
  value = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    this.count++;
    this.value = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: Aggregate): void {
    const o = other as GaugeAggregate;
    if (o.count === 0) return;
    this.count += o.count;
    this.value = o.value;
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
  }

  copy(): GaugeAggregate {
    const c = new GaugeAggregate();
    c.merge(this);
    return c;
  }

  // A gauge's window keeps the latest value with the extremes seen over the whole run, because
  // individual gauge samples are not retained.
  since(_earlier: Aggregate): GaugeAggregate {
    return this.copy();
  }

  values(): MetricValues {
    if (this.count === 0) return { value: 0, min: 0, max: 0 };
    return { value: this.value, min: this.min, max: this.max };
  }

  stat(name: string): number | undefined {
    return this.values()[name];
  }
}

export class RateAggregate implements Aggregate {
  count = 0;
  passes = 0;

  add(value: number): void {
    this.count++;
    if (value !== 0) this.passes++;
  }

  merge(other: Aggregate): void {
    const o = other as RateAggregate;
    this.count += o.count;
    this.passes += o.passes;
  }

  copy(): RateAggregate {
    const c = new RateAggregate();
    c.merge(this);
    return c;
  }

  since(earlier: Aggregate): RateAggregate {
    const e = earlier as RateAggregate;
    const c = new RateAggregate();
    c.count = this.count - e.count;
    c.passes = this.passes - e.passes;
    return c;
  }

  values(): MetricValues {
    return { rate: this.count > 0 ? this.passes / this.count : 0, passes: this.passes, fails: this.count - this.passes };
  }

  stat(name: string): number | undefined {
    return this.values()[name];
  }
}

// Trend values are recorded into the histogram in thousandths (microseconds for time metrics), so
// percentiles carry at most 0.1% relative error above 2.048 and are exact below. Count, sum, min and max
// are kept exactly beside it.
const SCALE = 1000;


const PERCENTILE = /^p\((\d+(?:\.\d+)?)\)$/;

export class TrendAggregate implements Aggregate {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private histogram: Histogram | undefined;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.histogram ??= new Histogram();
    // NOTE: negative values count in min, avg and count, but land in the histogram's lowest bucket.
    this.histogram.record(value > 0 ? Math.round(value * SCALE) : 0);
  }

  merge(other: Aggregate): void {
    const o = other as TrendAggregate;
    if (o.count === 0) return;
    this.count += o.count;
    this.sum += o.sum;
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
    this.histogram ??= new Histogram();
    if (o.histogram) this.histogram.add(o.histogram);
  }

  copy(): TrendAggregate {
    const c = new TrendAggregate();
    c.merge(this);
    return c;
  }

  // The window's min and max come from the histogram, so they are exact to its precision only.
  since(earlier: Aggregate): TrendAggregate {
    const e = earlier as TrendAggregate;
    const c = new TrendAggregate();
    c.count = this.count - e.count;
    c.sum = this.sum - e.sum;
    if (c.count === 0 || !this.histogram) return c;
    c.histogram = new Histogram();
    c.histogram.add(this.histogram);
    if (e.histogram) c.histogram.subtract(e.histogram);
    c.min = c.histogram.minValue() / SCALE;
    c.max = c.histogram.maxValue() / SCALE;
    return c;
  }

  percentile(p: number): number {
    if (this.count === 0 || !this.histogram) return 0;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const v = this.histogram.valueAtPercentile(p) / SCALE;
    // The histogram reports a bucket's upper edge; clamp it into the exact observed range.
    return Math.min(Math.max(v, this.min), this.max);
  }

  stat(name: string): number | undefined {
    if (this.count === 0) return name === 'count' ? 0 : name === 'avg' || PERCENTILE.test(name) || ['min', 'max', 'med'].includes(name) ? 0 : undefined;
    switch (name) {
      case 'avg':
        return this.sum / this.count;
      case 'min':
        return this.min;
      case 'max':
        return this.max;
      case 'med':
        return this.percentile(50);
      case 'count':
        return this.count;
      default: {
        const m = PERCENTILE.exec(name);
        return m ? this.percentile(Number(m[1])) : undefined;
      }
    }
  }

  values(stats: readonly TrendStat[]): MetricValues {
    const out: MetricValues = {};
    for (const s of stats) out[s] = this.stat(s) ?? 0;
    return out;
  }
}

export function newAggregate(type: MetricType): Aggregate {
  switch (type) {
    case 'counter':
      return new CounterAggregate();
    case 'gauge':
      return new GaugeAggregate();
    case 'rate':
      return new RateAggregate();
    case 'trend':
      return new TrendAggregate();
  }
}
