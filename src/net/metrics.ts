import type { Metric, MetricRegistry } from '../metrics/registry.ts';

/** The built-in metrics of `frameload/net`; docs/net.md lists them with units. */
export interface NetMetrics {
  /** Milliseconds from the start of connect (DNS lookup included) to the TCP connection. */
  readonly connectDuration: Metric;
  /** Milliseconds from the TCP connection to the completed TLS handshake. */
  readonly tlsHandshakeDuration: Metric;
  readonly framesSent: Metric;
  readonly framesReceived: Metric;
  /** Bytes written to the TCP socket, TLS records and handshake included. */
  readonly dataSent: Metric;
  /** Bytes read from the TCP socket, TLS records and handshake included. */
  readonly dataReceived: Metric;
  /** One sample per failure, tagged `code`. */
  readonly errors: Metric;
  /** Connections open in this process right now, across all VUs. */
  readonly connectionsOpen: Metric;
  /** Milliseconds from the start of `request()`'s send to the matching reply. */
  readonly requestDuration: Metric;
  /** Shared count behind `connectionsOpen`. */
  readonly open: { count: number };
}

const byRegistry = new WeakMap<MetricRegistry, NetMetrics>();

/** Defines the net metrics on `registry` once and returns them; later calls return the same set. */
export function netMetrics(registry: MetricRegistry): NetMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics) return metrics;

  const errors = registry.define('net_errors', 'counter');
  errors.breakdown(['code'], true);
  metrics = {
    connectDuration: registry.define('net_connect_duration', 'trend', 'time'),
    tlsHandshakeDuration: registry.define('net_tls_handshake_duration', 'trend', 'time'),
    framesSent: registry.define('net_frames_sent', 'counter'),
    framesReceived: registry.define('net_frames_received', 'counter'),
    dataSent: registry.define('data_sent', 'counter', 'data'),
    dataReceived: registry.define('data_received', 'counter', 'data'),
    errors,
    connectionsOpen: registry.define('net_connections_open', 'gauge'),
    requestDuration: registry.define('net_request_duration', 'trend', 'time'),
    open: { count: 0 },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
