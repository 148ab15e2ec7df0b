// A fleet of AGENTS simulated endpoint agents connects and is approved first; then the fleet sends
// EPS events per second (or one batch per agent every SEC_PER_BATCH seconds) for DURATION.
//
//   ./frameload run scripts/load-agents.ts -e HOST=ingest:8444 -e AGENTS=500 -e SEC_PER_BATCH=0.2 \
//     -e TOKEN=... -e INSECURE_TLS=true
//
// Batches are due on a fixed timeline (constant-arrival-rate, one iteration per batch), and confirm
// latency is measured from each batch's due time. A batch that finds every agent still waiting for a
// confirm waits for the next free agent (maxBacklog), as a real agent's events queue up, so a slow
// server shows its backlog in the latency; agent_send_lateness says how late each batch went out.
import { check, type Options } from 'frameload';
import { Agent } from 'frameload/agent';
import { agentOptions, arrivalRate, ms, readAgentEnv } from './lib/env.ts';

const env = readAgentEnv(__ENV);
const { rate, timeUnit } = arrivalRate(env.batchesPerSecond);

// The traffic starts once every agent had its whole approval budget. Each connect is bounded by
// APPROVAL_TIMEOUT, so the connect scenario is over by then and hands its VUs, and with them the
// connected agents, to the traffic scenario.
const CONNECT_PHASE_MS = env.approvalTimeoutMs + 1000;

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
      // The backlog costs no memory per batch (it is a range of slot numbers), so it can be large.
      maxBacklog: 1_000_000,
      // A batch in flight at the end gets its full confirm timeout to finish.
      gracefulStop: ms(env.confirmTimeoutMs + 1000),
      exec: 'traffic',
    },
  },
  thresholds: {
    agent_confirm_duration: ['p(95)<500'],
    'checks{check:batch confirmed}': ['rate>0.99'],
    agent_connect_failed: ['rate<0.001'],
  },
};

// Module scope belongs to one VU, so this agent and its connection live across the VU's iterations.
const agent = new Agent(agentOptions(env));

export async function connect(): Promise<void> {
  let approved = true;
  try {
    await agent.connect();
  } catch {
    approved = false; // counted in agent_errors and agent_connect_failed; traffic reconnects later
  }
  check(approved, { 'agent approved': (ok) => ok });
}

export async function traffic(): Promise<void> {
  let confirmed = true;
  try {
    await agent.sendBatch();
  } catch {
    confirmed = false; // counted in agent_errors by its error code
  }
  check(confirmed, { 'batch confirmed': (ok) => ok });
}
