import type { ServerStats } from './stats.ts';

/** Everything one scrape reports besides the stats object. */
export interface ScrapeInputs {
  readonly stats: ServerStats;
  /** Events confirmed per second, averaged over the rate window. */
  readonly eventsPerSecond: number;
  /** The configured capacity in events/s, 0 for unlimited. */
  readonly capacity: number;
  /** Process CPU time (user + system), seconds. */
  readonly cpuSeconds: number;
  readonly residentMemoryBytes: number;
  readonly startTimeSeconds: number;
}

type Kind = 'counter' | 'gauge';

// Name, type, help text and value of every exported series, in output order. The process_* names are
// the ones Prometheus client libraries export, so existing dashboards find them.
const SERIES: ReadonlyArray<readonly [string, Kind, string, (inputs: ScrapeInputs) => number]> = [
  ['frameload_server_connections_open', 'gauge', 'Agent connections open now.', (i) => i.stats.connectionsOpen],
  ['frameload_server_connections_accepted_total', 'counter', 'Agent connections accepted (after the TLS handshake when TLS is on).', (i) => i.stats.connectionsAccepted],
  ['frameload_server_connections_closed_total', 'counter', 'Agent connections closed, by either side.', (i) => i.stats.connectionsClosed],
  ['frameload_server_connections_closed_by_server_total', 'counter', 'Connections the server ended: rejections and close-after.', (i) => i.stats.connectionsClosedByServer],
  ['frameload_server_agents_approved_total', 'counter', 'Id messages answered with auth status approved.', (i) => i.stats.agentsApproved],
  ['frameload_server_agents_rejected_total', 'counter', 'Id messages answered with auth status rejected.', (i) => i.stats.agentsRejected],
  ['frameload_server_batches_received_total', 'counter', 'Event batches received.', (i) => i.stats.batchesReceived],
  ['frameload_server_batches_confirmed_total', 'counter', 'Event batches confirmed.', (i) => i.stats.batchesConfirmed],
  ['frameload_server_events_received_total', 'counter', 'Events received, counted by the length of each batch.', (i) => i.stats.eventsReceived],
  ['frameload_server_events_confirmed_total', 'counter', 'Events in confirmed batches.', (i) => i.stats.eventsConfirmed],
  ['frameload_server_confirms_dropped_total', 'counter', 'Confirms withheld by the drop-confirm-share fault.', (i) => i.stats.confirmsDropped],
  ['frameload_server_notices_sent_total', 'counter', 'Notice frames sent by the notice-every option.', (i) => i.stats.noticesSent],
  ['frameload_server_stalls_total', 'counter', 'Confirm stalls started by the stall-every option.', (i) => i.stats.stalls],
  ['frameload_server_invalid_frames_total', 'counter', 'Frames that were not JSON or not valid in the connection state.', (i) => i.stats.invalidFrames],
  ['frameload_server_connection_errors_total', 'counter', 'Connection errors handled by the server (resets, TLS handshakes, oversized frames).', (i) => sum(i.stats.errors.values())],
  ['frameload_server_events_per_second', 'gauge', 'Events confirmed per second over the last 5 seconds.', (i) => i.eventsPerSecond],
  ['frameload_server_queue_depth', 'gauge', 'Batches waiting for or in the capacity worker.', (i) => i.stats.queueDepth],
  ['frameload_server_capacity_events_per_second', 'gauge', 'Configured capacity in events per second; 0 means unlimited.', (i) => i.capacity],
  ['process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', (i) => i.cpuSeconds],
  ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', (i) => i.residentMemoryBytes],
  ['process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', (i) => i.startTimeSeconds],
];

/** Content type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Renders every series in the Prometheus text exposition format 0.0.4. */
export function renderPrometheus(inputs: ScrapeInputs): string {
  let text = '';
  for (const [name, kind, help, read] of SERIES) {
    text += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n${name} ${formatValue(read(inputs))}\n`;
  }
  return text;
}

/** The names of every series `renderPrometheus` writes, for docs and tests. */
export const SERIES_NAMES: readonly string[] = SERIES.map(([name]) => name);

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
