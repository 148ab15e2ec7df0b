// Capacity and latency timing. The server runs in this process, so the client's send times and the
// server's schedule use the same performance.now() clock, and lower bounds are exact: a confirm can
// never leave before its due time. Upper bounds allow SLACK_MS for timer and socket delays. The worker
// schedules on virtual time, so such delays do not add up along a queue, and each confirm is late only
// by its own delay. On a 2-core machine with two busy-looping processes beside the test, that delay
// reached 180 ms once in three runs, hence 250 ms. Steps of 200 ms keep a confirm that leaves one
// step late or early outside its window.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startServer, type ServerOptions } from '../../src/server/index.ts';
import { approvedAgent } from './test-agent.ts';

const SLACK_MS = 250;

async function withServer(options: ServerOptions, run: (port: number, server: Awaited<ReturnType<typeof startServer>>) => Promise<void>): Promise<void> {
  const server = await startServer({ port: 0, metricsPort: null, plain: true, ...options });
  try {
    await run(server.port, server);
  } finally {
    await server.close();
  }
}

function assertWithin(actual: number, low: number, label: string): void {
  assert.ok(actual >= low, `${label}: ${actual.toFixed(1)} ms, expected at least ${low} ms`);
  assert.ok(actual <= low + SLACK_MS, `${label}: ${actual.toFixed(1)} ms, expected at most ${low + SLACK_MS} ms`);
}

describe('capacity queue', () => {
  test('5 batches of 100 at 500 events/s are confirmed 200 ms apart', async () => {
    await withServer({ capacity: 500 }, async (port, server) => {
      const agent = await approvedAgent({ port, tls: 'plain' }, 'burst');
      const sent = [1, 2, 3, 4, 5].map(() => agent.sendBatch(100));
      const firstSend = sent[0]!.sentAt;

      const first = await agent.waitForConfirm('1');
      // Batch 1 has left the worker, batches 2..5 are still in it (batch 2 is due at 400 ms).
      assert.equal(server.stats.queueDepth, 4);

      const confirms = [first];
      for (const { confirmId } of sent.slice(1)) confirms.push(await agent.waitForConfirm(confirmId));
      confirms.forEach((confirm, i) => assertWithin(confirm.at - firstSend, (i + 1) * 200, `confirm ${i + 1}`));
      assert.equal(server.stats.queueDepth, 0);
      agent.close();
    });
  });

  test('one worker serves all agents in arrival order', async () => {
    await withServer({ capacity: 500 }, async (port) => {
      const a = await approvedAgent({ port, tls: 'plain' }, 'a');
      const b = await approvedAgent({ port, tls: 'plain' }, 'b');
      const start = a.sendBatch(100).sentAt;
      a.sendBatch(100);
      a.sendBatch(100);
      // B's batch reaches the server after A's three (one loopback hop later), so it queues behind them.
      await new Promise((resolve) => setTimeout(resolve, 5));
      b.sendBatch(100);
      const confirm = await b.waitForConfirm('1');
      assertWithin(confirm.at - start, 800, "b's confirm behind 300 events of a");
      a.close();
      b.close();
    });
  });

  test('an idle worker starts a batch on arrival, not at its last finish', async () => {
    await withServer({ capacity: 500 }, async (port) => {
      const agent = await approvedAgent({ port, tls: 'plain' }, 'idle');
      await agent.waitForConfirm(agent.sendBatch(100).confirmId);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { confirmId, sentAt } = agent.sendBatch(100);
      assertWithin((await agent.waitForConfirm(confirmId)).at - sentAt, 200, 'confirm after idle time');
      agent.close();
    });
  });
});

describe('latency', () => {
  test('adds the latency to every confirm', async () => {
    await withServer({ latency: 300 }, async (port) => {
      const agent = await approvedAgent({ port, tls: 'plain' }, 'slow');
      const sent = [agent.sendBatch(10), agent.sendBatch(10)];
      for (const { confirmId, sentAt } of sent) {
        assertWithin((await agent.waitForConfirm(confirmId)).at - sentAt, 300, `confirm ${confirmId}`);
      }
      agent.close();
    });
  });

  test('adds the latency after the capacity worker', async () => {
    await withServer({ capacity: 500, latency: 200 }, async (port) => {
      const agent = await approvedAgent({ port, tls: 'plain' }, 'both');
      const start = agent.sendBatch(100).sentAt;
      const { confirmId } = agent.sendBatch(100);
      assertWithin((await agent.waitForConfirm(confirmId)).at - start, 600, 'second confirm');
      agent.close();
    });
  });
});
