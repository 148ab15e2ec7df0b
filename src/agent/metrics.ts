import type { Metric, MetricRegistry } from '../metrics/registry.ts';

/** The built-in metrics of `frameload/agent`; docs/agent.md lists them with units. */
export interface AgentMetrics {
  /** Milliseconds from the batch's due time (its slot on the arrival timeline) to its confirm. */
  readonly confirmDuration: Metric;
  /** Milliseconds from the actual write of the batch to its confirm. */
  readonly confirmSendDuration: Metric;
  /** Milliseconds the write of the batch came after its due time. */
  readonly sendLateness: Metric;
  readonly batchesConfirmed: Metric;
  readonly eventsConfirmed: Metric;
  /** Milliseconds from the start of connect (TCP, TLS, id message) to the approval. */
  readonly approvalDuration: Metric;
  /** Approved agents with an open connection in this process, across all VUs. */
  readonly connected: Metric;
  /** One sample per failure, tagged `error`. */
  readonly errors: Metric;
  /** One sample per connection attempt: 1 when the connect or the approval failed, else 0. */
  readonly connectFailed: Metric;
  readonly reconnects: Metric;
  /** Frames that were neither the expected approval nor a confirm of the batch in flight. */
  readonly framesIgnored: Metric;
  /** Shared count behind `connected`. */
  readonly open: { count: number };
}

const byRegistry = new WeakMap<MetricRegistry, AgentMetrics>();

/** Defines the agent metrics on `registry` once and returns them; later calls return the same set. */
export function agentMetrics(registry: MetricRegistry): AgentMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;

  const errors = registry.define('agent_errors', 'counter');
  errors.breakdown(['error'], true);
  metrics = {
    confirmDuration: registry.define('agent_confirm_duration', 'trend', 'time'),
    confirmSendDuration: registry.define('agent_confirm_send_duration', 'trend', 'time'),
    sendLateness: registry.define('agent_send_lateness', 'trend', 'time'),
    batchesConfirmed: registry.define('agent_batches_confirmed', 'counter'),
    eventsConfirmed: registry.define('agent_events_confirmed', 'counter'),
    approvalDuration: registry.define('agent_approval_duration', 'trend', 'time'),
    connected: registry.define('agent_connected', 'gauge'),
    errors,
    connectFailed: registry.define('agent_connect_failed', 'rate'),
    reconnects: registry.define('agent_reconnects', 'counter'),
    framesIgnored: registry.define('agent_frames_ignored', 'counter'),
    open: { count: 0 },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
