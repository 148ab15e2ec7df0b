import type { Runtime } from '../../engine/runtime.ts';
import type { VU } from '../../engine/vu.ts';
import type { Metric } from '../../metrics/registry.ts';
import type { MetricType, Tags } from '../../metrics/types.ts';

/**
 * The `frameload/metrics` classes. One set of classes serves every VU: a metric object belongs to the
 * VU whose init code created it, which the runtime knows because init code runs synchronously.
 */
export function createMetricClasses(runtime: Runtime): Record<string, unknown> {
  const make = (type: MetricType) =>
    class {
      readonly name: string;
      readonly #metric: Metric;
      readonly #vu: VU;

      constructor(name: string, isTime = false) {
        const vu = runtime.initializingVU;
        if (!vu) {
          throw new Error(`new ${type}("${name}"): custom metrics can only be created in init code, as in k6`);
        }
        if (typeof name !== 'string') throw new TypeError(`new ${type}(name): name must be a string`);
        this.name = name;
        this.#metric = runtime.registry.define(name, type, isTime ? 'time' : 'default');
        this.#vu = vu;
      }

      add(value: number | boolean, tags?: Tags): void {
        const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (Number.isNaN(v)) throw new TypeError(`${this.name}.add(value): expected a number, got ${String(value)}`);
        this.#vu.emit(this.#metric, v, tags);
      }
    };

  const Counter = make('counter');
  const Gauge = make('gauge');
  const Rate = make('rate');
  const Trend = make('trend');
  return { Counter, Gauge, Rate, Trend, default: { Counter, Gauge, Rate, Trend } };
}
