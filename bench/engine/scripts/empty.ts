// An empty iteration on a constant-arrival-rate timeline; handleSummary prints the figures as JSON.
import { cpuUsage } from 'node:process';

const rate = Number(__ENV.RATE ?? 200000);
const vus = Number(__ENV.VUS ?? 1000);
const start = cpuUsage();

export const options = {
  summaryTrendStats: ['med', 'p(99)', 'max'],
  scenarios: {
    empty: { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: __ENV.DURATION ?? '10s', preAllocatedVUs: vus },
  },
};

export default function () {}

interface Data {
  metrics: Record<string, { values: Record<string, number> }>;
  state: { testRunDurationMs: number };
}

export function handleSummary(data: Data) {
  const cpu = cpuUsage(start);
  const m = data.metrics;
  return {
    stdout: JSON.stringify({
      target_per_s: rate,
      iterations: m.iterations?.values.count ?? 0,
      dropped: m.dropped_iterations?.values.count ?? 0,
      duration_ms: data.state.testRunDurationMs,
      cpu_s: (cpu.user + cpu.system) / 1e6,
      lateness_p99_ms: m.iteration_start_lateness?.values['p(99)'] ?? 0,
      lateness_med_ms: m.iteration_start_lateness?.values.med ?? 0,
    }) + '\n',
  };
}
