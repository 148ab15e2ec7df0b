// One agent connects, is approved and sends ten batches, each matched to its confirm. A quick check
// that a server speaks the agent protocol before a load test:
//
//   ./frameload run scripts/smoke.ts -e HOST=ingest:8444 -e TOKEN=... -e INSECURE_TLS=true
import { check, type Options } from 'frameload';
import { Agent } from 'frameload/agent';
import { agentOptions, readAgentEnv } from './lib/env.ts';

const BATCHES = 10;
const env = readAgentEnv(__ENV);

export const options: Options = {
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '1m', gracefulStop: '0s' },
  },
  thresholds: {
    checks: ['rate==1'],
    agent_batches_confirmed: [`count==${BATCHES}`],
    agent_errors: ['count==0'],
    agent_confirm_duration: ['p(95)<500'],
  },
};

const agent = new Agent(agentOptions(env));

export default async function (): Promise<void> {
  try {
    await agent.connect();
  } catch (error) {
    check(error, { 'agent approved': () => false });
    throw error;
  }
  check(agent, { 'agent approved': (a) => a.connected });

  for (let i = 1; i <= BATCHES; i++) {
    const result = await agent.sendBatch();
    check(result, {
      'confirm matches the batch': (r) => r.confirmId === String(i),
      'batch holds BATCH events': (r) => r.events === env.batch,
    });
  }
  await agent.close();
}
