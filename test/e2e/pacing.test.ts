// Pacing without coordinated omission: batches are due on a fixed timeline, latency counts from the
// due time, and batches that find every agent waiting for a confirm are counted as dropped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir, writeFiles } from '../helpers.ts';
import { LOAD_AGENTS, referenceServer, runAgents, value } from './helpers.ts';

test('10 agents at 2 batches/s for 10 s send 200 batches', async (t) => {
  const server = await referenceServer(t);
  const run = await runAgents(t, LOAD_AGENTS, {
    HOST: `127.0.0.1:${server.port}`,
    INSECURE_TLS: 'true',
    AGENTS: 10,
    SEC_PER_BATCH: 0.5,
    DURATION: '10s',
    APPROVAL_TIMEOUT: '1s',
  });
  assert.equal(run.code, 0, run.stderr);

  const batches = value(run, 'agent_batches_confirmed', 'count');
  assert.ok(Math.abs(batches - 200) <= 2, `${batches} batches, expected 200 ± 2`);
  assert.equal(server.stats.batchesConfirmed, batches);
  assert.equal(value(run, 'dropped_iterations', 'count'), 0);
  assert.ok(value(run, 'agent_send_lateness', 'p(95)') < 20, 'sends leave on their slot');
});

test(
  '10 agents at 2 batches/s each send their share',
  async (t) => {
    const server = await referenceServer(t, { plain: true });
    const run = await runAgents(t, LOAD_AGENTS, {
      HOST: `127.0.0.1:${server.port}`,
      TLS: 'false',
      AGENTS: 10,
      SEC_PER_BATCH: 0.5,
      DURATION: '5s',
      APPROVAL_TIMEOUT: '1s',
    });
    assert.equal(run.code, 0, run.stderr);
    for (const [name, agent] of server.stats.agents) {
      assert.ok(Math.abs(agent.batchesReceived - 10) <= 1, `${name} sent ${agent.batchesReceived} batches, expected 10 ± 1`);
    }
  },
);

// Records every batch with its slot computed independently of the agent: the scenario's start plus
// the iteration number times the interval, in epoch milliseconds.
const RECORDING_SCRIPT = `import { appendFileSync } from 'node:fs';
import exec from 'frameload/execution';
import { Agent } from 'frameload/agent';
const INTERVAL_MS = 50;
export const options = {
  scenarios: {
    connect: { executor: 'per-vu-iterations', vus: 10, iterations: 1, maxDuration: '1s', gracefulStop: '0s', exec: 'connect' },
    traffic: {
      executor: 'constant-arrival-rate', startTime: '1500ms', rate: 20, duration: '6s',
      preAllocatedVUs: 10, maxVUs: 10, gracefulStop: '5s', exec: 'traffic',
    },
  },
};
const agent = new Agent({ host: __ENV.HOST!, tls: false, confirmTimeout: '5s' });
export async function connect() { await agent.connect(); }
export async function traffic() {
  const slot = exec.scenario.startTime + exec.scenario.iterationInTest * INTERVAL_MS;
  const r = await agent.sendBatch();
  const confirmedAt = performance.timeOrigin + performance.now();
  appendFileSync(__ENV.OUT!, JSON.stringify({ slot, confirmedAt, duration: r.durationMs, send: r.sendDurationMs }) + '\\n');
}
`;

interface Recorded {
  slot: number;
  confirmedAt: number;
  duration: number;
  send: number;
}

test('a 3 s stall shows as backlog from the due time', async (t) => {
  // The 41st batch (due 2 s into the traffic) starts a stall that holds every confirm for 3 s.
  const server = await referenceServer(t, { plain: true, stallEvery: 41, stallMs: 3000 });
  const dir = tempDir(t);
  const script = writeFiles(dir, { 'stall.ts': RECORDING_SCRIPT });
  const out = join(dir, 'batches.jsonl');
  const run = await runAgents(t, script, { HOST: `127.0.0.1:${server.port}`, OUT: out });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(server.stats.stalls, 1);

  const batches = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Recorded);
  const due = (b: Recorded): number => b.confirmedAt - b.duration;
  batches.sort((a, b) => due(a) - due(b));
  // Up to the first dropped slot, iteration numbers are slot numbers, so the agent's latency must be
  // the time from that slot, not from the send (the slot's epoch is rounded to 1 ms).
  for (const b of batches.slice(0, 50)) {
    assert.ok(Math.abs(due(b) - b.slot) < 3, `latency ${b.duration} ms measured from ${due(b)}, slot ${b.slot}`);
  }

  // The stalled batches: one per agent, all ten agents held, released together at the stall's end.
  const held = batches.filter((b) => b.duration > 1000);
  assert.equal(held.length, 10);
  const stallEnd = Math.max(...held.map((b) => b.confirmedAt));
  for (const b of held) assert.ok(stallEnd - b.confirmedAt < 30, 'held confirms leave together');
  // Each later slot waited 50 ms less: 3000, 2950, ... ms.
  held.forEach((b, j) => {
    assert.ok(Math.abs(b.duration - (3000 - 50 * j)) < 40, `held batch ${j}: ${b.duration} ms, expected ${3000 - 50 * j} ms`);
  });

  // Slots that came while all ten agents waited were not sent and are counted, not hidden.
  const dropped = value(run, 'dropped_iterations', 'count');
  assert.ok(Math.abs(dropped - 50) <= 2, `${dropped} dropped batches, expected 50 ± 2 (2.5 s of slots at 20/s)`);
  assert.equal(batches.length + dropped, 120, 'every slot of 6 s at 20/s is either confirmed or dropped');
  for (const b of batches.filter((x) => due(x) > stallEnd)) assert.ok(b.duration < 100, 'no backlog after the stall');
});

test('with a backlog every stalled slot is sent late', async (t) => {
  // As above, but due batches wait for a free agent instead of being dropped. The traffic lasts 8 s
  // (160 slots) and the 81st batch, due 4 s in, starts the stall, so the server's next stall (at its
  // 162nd batch) never comes and the backlog is gone a second before the end.
  const server = await referenceServer(t, { plain: true, stallEvery: 81, stallMs: 3000 });
  const dir = tempDir(t);
  const script = writeFiles(dir, {
    'stall.ts': RECORDING_SCRIPT.replace("duration: '6s'", "duration: '8s'").replace(
      "maxVUs: 10, gracefulStop: '5s'",
      "maxVUs: 10, maxBacklog: 1000, gracefulStop: '5s'",
    ),
  });
  const out = join(dir, 'batches.jsonl');
  const run = await runAgents(t, script, { HOST: `127.0.0.1:${server.port}`, OUT: out });
  assert.equal(run.code, 0, run.stderr);

  const batches = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Recorded);
  assert.equal(batches.length, 160, 'every slot of 8 s at 20/s is sent');
  assert.equal(value(run, 'dropped_iterations', 'count'), 0);
  // Iteration numbers stay slot numbers, so every latency counts from its own slot. The script reads
  // the clock after sendBatch returns, which a burst of backlog batches can delay by a few ms.
  const due = (b: Recorded): number => b.confirmedAt - b.duration;
  for (const b of batches) {
    assert.ok(Math.abs(due(b) - b.slot) < 15, `latency ${b.duration} ms measured from ${due(b)}, slot ${b.slot}`);
  }
  // The first slot that waited (due 500 ms into the stall) went out when the stall ended.
  const waited = batches.filter((b) => b.send < b.duration - 100);
  assert.ok(waited.length >= 45, `${waited.length} batches waited for an agent`);
  const first = waited.reduce((a, b) => (a.slot < b.slot ? a : b));
  assert.ok(Math.abs(first.duration - 2500) < 150, `first waiting slot: ${first.duration} ms, expected about 2500 ms`);
});

test('batch in flight at the end leaves no sample', async (t) => {
  // The third batch is held for 5 s while the scenario ends after 2 s with no graceful stop.
  const server = await referenceServer(t, { plain: true, stallEvery: 3, stallMs: 5000 });
  const script = writeFiles(tempDir(t), {
    'end.ts': `import { Agent } from 'frameload/agent';
export const options = {
  scenarios: {
    traffic: { executor: 'constant-arrival-rate', rate: 2, duration: '2s', preAllocatedVUs: 1, gracefulStop: '0s' },
  },
};
const agent = new Agent({ host: __ENV.HOST!, tls: false, confirmTimeout: '10s' });
export default async function () { await agent.sendBatch(); }
`,
  });
  const run = await runAgents(t, script, { HOST: `127.0.0.1:${server.port}` });
  assert.equal(run.code, 0, run.stderr);

  assert.equal(server.stats.batchesReceived, 3);
  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 2);
  assert.equal(value(run, 'dropped_iterations', 'count'), 1, 'the slot at 1.5 s found the agent waiting');
  assert.ok(value(run, 'agent_confirm_duration', 'min') > 0, 'no zero sample');
  assert.ok(value(run, 'agent_confirm_duration', 'max') < 500, 'no sample from the interrupted batch');
  assert.equal(value(run, 'agent_errors', 'count'), 0, 'an interrupted batch is not an error');
  assert.equal(value(run, 'iterations', 'count'), 2);
});
