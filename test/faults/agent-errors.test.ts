// Each fault class through ./frameload run over TLS, asserted by its exact agent_errors{error:...}
// tag in the summary export. The scenario is one agent sending one batch, so each run records
// exactly one error.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAgentErrors, exported, ONE_AGENT_SCRIPT, runScript } from './cli.ts';
import { APPROVED, confirmFor, encodeFrame, type PeerConnection, type PeerOptions, startPeer } from './peer.ts';

/** Approves the id, then lets `onBatch` answer the first batch. */
const afterApproval =
  (onBatch: (c: PeerConnection, confirmId: unknown) => void) =>
  async (c: PeerConnection): Promise<void> => {
    await c.next();
    c.send(APPROVED);
    onBatch(c, (await c.next()).confirmId);
  };

const CASES: Array<{ tag: string; peer: Omit<PeerOptions, 'tls'>; approved: boolean }> = [
  { tag: 'auth_rejected', approved: false, peer: { script: async (c) => void (await c.next(), c.end()) } },
  { tag: 'approval_timeout', approved: false, peer: { script: (c) => void c.next() } },
  { tag: 'tls_handshake_timeout', approved: false, peer: { stallHandshake: true } },
  { tag: 'closed', approved: true, peer: { script: afterApproval((c) => c.end()) } },
  { tag: 'unexpected_eof', approved: true, peer: { script: afterApproval((c, id) => c.end(encodeFrame(confirmFor(id)).subarray(0, 14))) } },
  { tag: 'reset', approved: true, peer: { script: afterApproval((c) => c.reset()) } },
  { tag: 'confirm_timeout', approved: true, peer: { script: afterApproval(() => {}) } },
  { tag: 'frame_too_large', approved: true, peer: { script: afterApproval((c, id) => c.send(confirmFor(id), { byteOrder: 'little' })) } },
  { tag: 'protocol', approved: true, peer: { script: afterApproval((c) => c.write(encodeFrame(''))) } },
];

for (const c of CASES) {
  test(`run over TLS counts agent_errors ${c.tag}`, async (t) => {
    const peer = await startPeer(t, { tls: { cert: 'server-localhost' }, ...c.peer });
    const run = await runScript(
      t,
      { 'agent.ts': ONE_AGENT_SCRIPT },
      { HOST: peer.address, TLS: 'true', INSECURE: 'true', APPROVAL_TIMEOUT: '1s', CONFIRM_TIMEOUT: '1s' },
    );

    assert.equal(run.code, 0, `no thresholds, so the run passes; stderr:\n${run.stderr}`);
    assertAgentErrors(run, { [c.tag]: 1 });
    assert.equal(exported(run, 'agent_connect_failed', 'passes'), c.approved ? 0 : 1);
    assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 0);
  });
}
