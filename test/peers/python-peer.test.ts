// Checks the Python asyncio + ssl peer with the server tests' own client, so the end-to-end tests
// that use it against the agent library can trust its counts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { generateSelfSigned } from '../../src/server/self-signed.ts';
import { approvedAgent, TestAgent } from '../server/test-agent.ts';

const PEER = fileURLToPath(new URL('./python/agent_server.py', import.meta.url));

interface Peer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** Resolves with the next JSON line the peer prints on stdout. */
  nextLine(): Promise<Record<string, unknown>>;
}

async function startPeer(args: string[]): Promise<Peer> {
  const child = spawn('python3', [PEER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done === true) throw new Error(`python peer ended its output; stderr: ${stderr}`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  const { port } = (await nextLine()) as { port: number };
  return { child, port, nextLine };
}

const dir = mkdtempSync(join(tmpdir(), 'frameload-python-peer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('python peer approves, confirms and counts over TLS', async () => {
  const pair = generateSelfSigned();
  writeFileSync(join(dir, 'cert.pem'), pair.cert);
  writeFileSync(join(dir, 'key.pem'), pair.key);
  const peer = await startPeer(['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')]);
  try {
    const agents = await Promise.all(['py-a', 'py-b'].map((name) => approvedAgent({ port: peer.port, tls: pair.cert }, name)));
    for (const [i, agent] of agents.entries()) {
      for (let n = 0; n < 3 + i; n++) {
        const { confirmId } = agent.sendBatch(10 * (n + 1));
        assert.deepEqual((await agent.waitForConfirm(confirmId)).message, { m: 'confirm', confirmId });
      }
    }
    agents[0]!.send({ m: 'ping' }); // not a protocol message: counted, and no reply

    const stranger = await TestAgent.connect({ port: peer.port, tls: pair.cert });
    stranger.sendBatch(5); // events before the id message: invalid
    stranger.sendId('py-c');
    await stranger.waitForAuth();

    peer.child.stdin.write('\n');
    const counts = await peer.nextLine();
    assert.deepEqual(counts, {
      connections: 3,
      agentsApproved: 3,
      batches: 7,
      events: 10 + 20 + 30 + (10 + 20 + 30 + 40),
      invalidFrames: 2,
      agents: {
        'py-a': { connections: 1, batches: 3, events: 60, confirmIds: ['1', '2', '3'] },
        'py-b': { connections: 1, batches: 4, events: 100, confirmIds: ['1', '2', '3', '4'] },
        'py-c': { connections: 1, batches: 0, events: 0, confirmIds: [] },
      },
    });
    for (const agent of [...agents, stranger]) agent.close();

    peer.child.kill('SIGTERM');
    const final = await peer.nextLine();
    assert.equal(final.batches, 7);
    const [code] = (await once(peer.child, 'exit')) as [number | null];
    assert.equal(code, 0);
  } finally {
    peer.child.kill('SIGKILL');
  }
});

test('python peer serves plain TCP', async () => {
  const peer = await startPeer(['--plain']);
  try {
    const agent = await approvedAgent({ port: peer.port, tls: 'plain' }, 'py-plain');
    const { confirmId } = agent.sendBatch(100);
    await agent.waitForConfirm(confirmId);
    agent.close();
    peer.child.kill('SIGTERM');
    const counts = await peer.nextLine();
    assert.equal(counts.batches, 1);
    assert.equal(counts.events, 100);
  } finally {
    peer.child.kill('SIGKILL');
  }
});
