// Connection churn soak: AGENTS agents send one batch every SEC_PER_BATCH seconds each while the
// reference server (started with --close-after N) ends every connection after its Nth confirm, so
// each agent loses and re-establishes its connection every N * SEC_PER_BATCH seconds. A sampler
// scenario appends this process's memory, open file descriptors (sockets and others) and active
// timers to SAMPLES (JSON lines) every 5 s, which bench/churn/run.ts compares between minute 2 and
// the last minute. With --expose-gc (run.ts sets it) memory is sampled right after a full GC, so
// garbage not yet collected does not pass for a leak.
//
// Run it through bench/churn/run.ts, which starts the server and reads the samples.
import { appendFileSync, readdirSync, readlinkSync } from 'node:fs';
import { check, type Options } from 'frameload';
import { Agent } from 'frameload/agent';
import { agentOptions, arrivalRate, ms, readAgentEnv } from '../../../scripts/lib/env.ts';

const env = readAgentEnv(__ENV);
const samplesPath = __ENV.SAMPLES ?? '';
if (samplesPath === '') throw new Error('invalid environment variable SAMPLES: expected the path of the samples file');
const { rate, timeUnit } = arrivalRate(env.batchesPerSecond);
const CONNECT_PHASE_MS = env.approvalTimeoutMs + 1000;
const SAMPLE_EVERY_S = 5;

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

const agent = new Agent(agentOptions(env));

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
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const fds = readdirSync('/proc/self/fd');
  let socketFds = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) socketFds++;
    } catch {
      // The descriptor closed between the listing and the read.
    }
  }
  const line = {
    at: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    fds: fds.length,
    socketFds,
    otherFds: fds.length - socketFds,
    timers: resources.filter((name) => name === 'Timeout').length,
    handles: resources.length,
  };
  appendFileSync(samplesPath, JSON.stringify(line) + '\n');
}
