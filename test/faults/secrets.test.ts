// A real agent scenario with a distinctive bootstrap token and a passphrase-protected client key:
// no output of the run may contain either, whether the run succeeds, is rejected by the server or
// fails on a wrong passphrase. Outputs are stdout, stderr, the summary export, handleSummary files
// and report files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { CLIENT_KEY_PASSPHRASE } from '../fixtures/tls/fixtures.ts';
import { exported, runScript, type ScriptRun } from './cli.ts';
import { APPROVED, confirmFor, startPeer, type PeerConnection } from './peer.ts';

const TOKEN = 'tok-5ecret-9f2c7e1a-do-not-print';
const FIXTURES = new URL('../fixtures/tls/', import.meta.url).pathname;

// The client key is read from a file in init code, as operators do, and offered through k6's
// tlsAuth option; the passphrase arrives through the environment.
const SCRIPT = `import { readFileSync } from 'node:fs';
import { check } from 'frameload';
import { Agent } from 'frameload/agent';
export const options = {
  iterations: 3,
  tlsAuth: [{
    domains: ['127.0.0.1'],
    cert: readFileSync('${FIXTURES}client.crt', 'utf8'),
    key: readFileSync('${FIXTURES}client-encrypted.key', 'utf8'),
    password: __ENV.KEY_PASSPHRASE,
  }],
  thresholds: { agent_errors: ['count==0'] },
  report: { dir: './report' },
};
const agent = new Agent({ host: __ENV.HOST!, tls: true, ca: readFileSync('${FIXTURES}ca.crt', 'utf8'), token: __ENV.TOKEN, approvalTimeout: '3s' });
export default async function () {
  const result = await agent.sendBatch();
  check(result, { 'confirmed': (r) => r.confirmId !== '' });
}
`;

const HANDLE_SUMMARY = `
export function handleSummary(data: unknown) {
  return { 'handle-summary.json': JSON.stringify(data), stdout: 'summary handled\\n' };
}
`;

/** Checks the token like a real ingestion server, then confirms every batch. */
async function tokenChecking(c: PeerConnection): Promise<void> {
  const id = await c.next();
  if (id.bootstrap_token !== TOKEN) return c.send({ m: 'auth', subsystem: 'auth', status: 'rejected', reason: 'unknown token' });
  c.send(APPROVED);
  for (;;) c.send(confirmFor((await c.next()).confirmId));
}

/** Reads every file under `dir`, recursively, as text. */
function filesUnder(dir: string): Array<[string, string]> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name): Array<[string, string]> => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [[path, readFileSync(path, 'latin1')]];
  });
}

/** Asserts that no output of the run contains the token or the passphrase; returns what was checked. */
function assertNoSecrets(run: ScriptRun): string[] {
  const outputs: Array<[string, string]> = [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
    ...filesUnder(run.dir).filter(([path]) => !path.endsWith('.ts')),
  ];
  for (const [where, text] of outputs) {
    assert.ok(!text.includes(TOKEN), `${where} contains the token`);
    assert.ok(!text.includes(CLIENT_KEY_PASSPHRASE), `${where} contains the key passphrase`);
  }
  return outputs.map(([where]) => where.replace(run.dir, '.'));
}

test('successful run prints no token or passphrase', async (t) => {
  const peer = await startPeer(t, { tls: { requestCert: true }, script: tokenChecking });
  const run = await runScript(t, { 'agent.ts': SCRIPT }, { HOST: peer.address, TOKEN, KEY_PASSPHRASE: CLIENT_KEY_PASSPHRASE }, { args: [] });

  assert.equal(run.code, 0, run.stderr);
  assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 3);
  assert.equal(peer.connections[0]!.frames[0]!.bootstrap_token, TOKEN, 'the token did reach the server');
  const checked = assertNoSecrets(run);
  assert.ok(checked.includes('./summary.json'), `checked ${checked.join(', ')}`);
  t.diagnostic(`checked ${checked.join(', ')}`);
  assert.doesNotMatch(run.stdout, /verification was OFF/);
});

test('handleSummary files hold no token or passphrase', async (t) => {
  const peer = await startPeer(t, { tls: { requestCert: true }, script: tokenChecking });
  const run = await runScript(t, { 'agent.ts': SCRIPT + HANDLE_SUMMARY }, { HOST: peer.address, TOKEN, KEY_PASSPHRASE: CLIENT_KEY_PASSPHRASE });

  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /summary handled/);
  const checked = assertNoSecrets(run);
  assert.ok(checked.includes('./handle-summary.json'), `checked ${checked.join(', ')}`);
});

test('rejected token is not printed', async (t) => {
  const peer = await startPeer(t, {
    tls: { requestCert: true },
    script: async (c) => {
      await c.next();
      c.send({ m: 'auth', subsystem: 'auth', status: 'rejected', reason: 'unknown token' });
    },
  });
  const run = await runScript(t, { 'agent.ts': SCRIPT }, { HOST: peer.address, TOKEN, KEY_PASSPHRASE: CLIENT_KEY_PASSPHRASE }, { args: [] });

  assert.equal(run.code, 99, run.stderr);
  assert.equal(exported(run, 'agent_errors{error:auth_rejected}', 'count'), 3);
  assert.match(run.stderr, /the server refused the agent: status "rejected" \(unknown token\)/);
  assertNoSecrets(run);
});

test('wrong passphrase is not printed', async (t) => {
  const peer = await startPeer(t, { tls: { requestCert: true }, script: tokenChecking });
  const wrong = 'wrong-passphrase-4d1e';
  const run = await runScript(t, { 'agent.ts': SCRIPT }, { HOST: peer.address, TOKEN, KEY_PASSPHRASE: wrong });

  // The key is decrypted at the first connect, so the failure is an iteration error, and the
  // thresholds on agent_errors fail the run.
  assert.equal(run.code, 99, run.stderr);
  assert.match(run.stderr, /invalid option connect options\.key: cannot load the TLS settings: .*bad decrypt; check that cert and key match and that passphrase is right/);
  assert.ok(!(run.stdout + run.stderr + run.exportText).includes(wrong), 'the wrong passphrase is printed');
  assertNoSecrets(run);
});
