import type { Metric, MetricRegistry } from '../metrics/registry.ts';

/** The engine's built-in metrics, named as in k6. */
export interface BuiltinMetrics {
  vus: Metric;
  vusMax: Metric;
  iterations: Metric;
  iterationDuration: Metric;
  droppedIterations: Metric;
  /** How late arrival-rate iterations started against their timeline (frameload addition). */
  iterationStartLateness: Metric;
  checks: Metric;
  groupDuration: Metric;
  dataSent: Metric;
  dataReceived: Metric;
}

export function defineBuiltins(registry: MetricRegistry): BuiltinMetrics {
  return {
    vus: registry.define('vus', 'gauge'),
    vusMax: registry.define('vus_max', 'gauge'),
    iterations: registry.define('iterations', 'counter'),
    iterationDuration: registry.define('iteration_duration', 'trend', 'time'),
    droppedIterations: registry.define('dropped_iterations', 'counter'),
    iterationStartLateness: registry.define('iteration_start_lateness', 'trend', 'time'),
    checks: registry.define('checks', 'rate'),
    groupDuration: registry.define('group_duration', 'trend', 'time'),
    dataSent: registry.define('data_sent', 'counter', 'data'),
    dataReceived: registry.define('data_received', 'counter', 'data'),
  };
}
