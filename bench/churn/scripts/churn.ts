// Connection churn soak: AGENTS agents send one batch every SEC_PER_BATCH seconds each while the
// reference server (started with --close-after N) ends every connection after its Nth confirm, so
// each agent loses and re-establishes its connection every N * SEC_PER_BATCH seconds. A sampler
// scenario appends this process's RSS, open file descriptors and active timers to SAMPLES (JSON
// lines) every 10 s, which bench/churn/run.ts compares between minute 2 and the last minute.
//
// Run it through bench/churn/run.ts, which starts the server and reads the samples.
import { appendFileSync, readdirSync } from 'node:fs';
import { check, type Options } from 'frameload';
import { Agent } from 'frameload/agent';
import { arrivalRate, ms, readAgentEnv } from '../../../scripts/lib/env.ts';

const env = readAgentEnv(__ENV);
const samplesPath = __ENV.SAMPLES ?? '';
if (samplesPath === '') throw new Error('invalid environment variable SAMPLES: expected the path of the samples file');
const { rate, timeUnit } = arrivalRate(env.batchesPerSecond);
const CONNECT_PHASE_MS = env.approvalTimeoutMs + 1000;
const SAMPLE_EVERY_S = 10;

export const options: Options = {
  scenarios: {
    connect: {
      executor: 'per-vu-iterations',
      vus: env.agents,
      iterations: 1,
      maxDuration: ms(CONNECT_PHASE_MS - 500),
      gracefulStop: '0s',
      exec: 'connect',
    },
    traffic: {
      executor: 'constant-arrival-rate',
      startTime: ms(CONNECT_PHASE_MS),
      rate,
      timeUnit,
      duration: ms(env.durationMs),
      preAllocatedVUs: env.agents,
      maxVUs: env.agents,
      gracefulStop: ms(env.confirmTimeoutMs + 1000),
      exec: 'traffic',
    },
    sampler: {
      executor: 'constant-arrival-rate',
      startTime: ms(CONNECT_PHASE_MS),
      rate: 1,
      timeUnit: `${SAMPLE_EVERY_S}s`,
      duration: ms(env.durationMs),
      preAllocatedVUs: 1,
      maxVUs: 1,
      exec: 'sample',
    },
  },
};

const agent = new Agent({
  host: env.host,
  tls: env.tls,
  insecureSkipVerify: env.tls ? env.insecureTls : undefined,
  token: env.token,
  batchSize: env.batch,
  approvalTimeout: env.approvalTimeoutMs,
  confirmTimeout: env.confirmTimeoutMs,
});

export async function connect(): Promise<void> {
  let approved = true;
  try {
    await agent.connect();
  } catch {
    approved = false;
  }
  check(approved, { 'agent approved': (ok) => ok });
}

export async function traffic(): Promise<void> {
  let confirmed = true;
  try {
    await agent.sendBatch();
  } catch {
    confirmed = false;
  }
  check(confirmed, { 'batch confirmed': (ok) => ok });
}

/** Appends one sample of this process's resources; timers are the active `Timeout` resources. */
export function sample(): void {
  const resources = process.getActiveResourcesInfo();
  const line = {
    at: Date.now(),
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: process.memoryUsage().heapUsed,
    fds: readdirSync('/proc/self/fd').length,
    timers: resources.filter((name) => name === 'Timeout').length,
    handles: resources.length,
  };
  appendFileSync(samplesPath, JSON.stringify(line) + '\n');
}
