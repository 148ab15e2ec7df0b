// A server that holds one confirm while batches keep coming due (case 18 of the fault table in
// docs/faults.md), at a quarter of the field's timing: batches every 250 ms instead of 1 s, the 5th
// confirm held 2.5 s instead of 10 s. The ratio of hold to interval, which decides how many batches
// fall behind, is the field's 10.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAgentErrors, exported, runScript } from './cli.ts';
import { APPROVED, confirmFor, delay, startPeer } from './peer.ts';

const INTERVAL_MS = 250;
const HOLD_MS = 2500;

// One agent, one batch due every 250 ms; the run ends 3.9 s in, with no graceful stop.
const SCRIPT = `import { Agent } from 'frameload/agent';
export const options = {
  scenarios: {
    traffic: { executor: 'constant-arrival-rate', rate: 4, timeUnit: '1s', duration: '3900ms', preAllocatedVUs: 1, maxVUs: 1, gracefulStop: '0s' },
  },
};
const agent = new Agent({ host: __ENV.HOST!, tls: true, insecureSkipVerify: true, confirmTimeout: '20s' });
export default async function () { await agent.sendBatch(); }
`;

test('held 5th confirm shows as backlog', async (t) => {
  const peer = await startPeer(t, {
    tls: { cert: 'server-localhost' },
    script: async (c) => {
      await c.next();
      c.send(APPROVED);
      for (;;) {
        const batch = await c.next();
        const n = Number(batch.confirmId);
        // The 5th confirm is held; from the 6th on none comes, so the run ends with one in flight.
        if (n === 5) void delay(HOLD_MS).then(() => c.send(confirmFor(batch.confirmId)));
        else if (n < 5) c.send(confirmFor(batch.confirmId));
      }
    },
  });
  const run = await runScript(t, { 'backlog.ts': SCRIPT }, { HOST: peer.address });

  assert.equal(run.code, 0, run.stderr);
  const received = peer.connections[0]!.frames.filter((f) => f.m === 'events').length;
  assert.equal(received, 6, 'batches 1 to 6 were sent');
  assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 5);

  // Batch 5 was due at 1.0 s and confirmed at 3.5 s: its latency from the due time is the hold.
  const max = exported(run, 'agent_confirm_duration', 'max');
  assert.ok(max >= HOLD_MS * 0.95, `longest confirm ${max} ms, expected the ${HOLD_MS} ms hold`);
  assert.ok(max <= HOLD_MS * 1.1, `longest confirm ${max} ms, expected the ${HOLD_MS} ms hold`);
  // Slots from 1.25 s to 3.25 s (and 3.5 s if the confirm came a moment late) found the agent
  // waiting: nine or ten late batches, counted, not hidden.
  const dropped = exported(run, 'dropped_iterations', 'count');
  assert.ok(dropped === HOLD_MS / INTERVAL_MS - 1 || dropped === HOLD_MS / INTERVAL_MS, `${dropped} dropped batches, expected 9 or 10`);
  // Batch 6, in flight at the end, leaves no sample (no zero, no 100 ms cut-off) and is no error.
  assert.ok(exported(run, 'agent_confirm_duration', 'min') > 0, 'no zero sample');
  assert.equal(exported(run, 'iterations', 'count'), 5);
  assertAgentErrors(run, {});
});
