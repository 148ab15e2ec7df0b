// A server certificate for another name, a private CA, SNI, switched-off verification and required
// client certificates (case 14 of the fault table in docs/faults.md), at the net and agent levels
// and through ./frameload run, whose summary must say when verification was off.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorsByTag } from '../agent/helpers.ts';
import { CLIENT_KEY_PASSPHRASE, tlsFixture } from '../fixtures/tls/fixtures.ts';
import { errorCount, newVu } from '../net/helpers.ts';
import { agentVu } from './agent-vu.ts';
import { assertAgentErrors, exported, ONE_AGENT_SCRIPT, runScript } from './cli.ts';
import { approveAndConfirm, startPeer } from './peer.ts';

const ca = tlsFixture('ca.crt');
const CA_PATH = new URL('../fixtures/tls/ca.crt', import.meta.url).pathname;
const AGENTS_TEST = { cert: 'server-agents' } as const;

test('other name without servername is tls_verify', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const { net, registry } = newVu();

  await assert.rejects(net.connect(peer.address, { tls: true, ca }), {
    name: 'TlsVerifyError',
    code: 'tls_verify',
    message: new RegExp(`^${peer.address}: .*(IP: 127\\.0\\.0\\.1 is not in the cert's list|altnames)`),
  });
  assert.equal(errorCount(registry, 'tls_verify'), 1);
  assert.equal(peer.connections.length, 0, 'no frame exchanged on an unverified connection');
});

test('private CA not trusted is tls_verify', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const { net } = newVu();

  await assert.rejects(net.connect(peer.address, { tls: true, servername: 'agents.test' }), { code: 'tls_verify' });
});

test('servername and CA verify and send SNI', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const { agent, registry, scope } = agentVu(t, { host: peer.address, tls: true, ca, servername: 'agents.test' });

  await agent.connect();
  assert.equal((await agent.sendBatch()).confirmId, '1');
  assert.deepEqual(peer.servernames, ['agents.test']);
  assert.deepEqual(errorsByTag(registry), {});
  assert.deepEqual([...scope.insecurePeers], [], "verification stayed on");
});

test('agent without servername counts tls_verify', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const { agent, registry } = agentVu(t, { host: peer.address, tls: true, ca });

  await assert.rejects(agent.connect(), { code: 'tls_verify' });
  assert.deepEqual(errorsByTag(registry), { tls_verify: 1 });
});

test('required client cert missing is tls_client_auth', async (t) => {
  const peer = await startPeer(t, { tls: { requestCert: true }, script: approveAndConfirm });
  const { agent, registry } = agentVu(t, { host: peer.address, tls: true, ca });

  // Under TLS 1.3 the server checks the client certificate after the client finished its side, so
  // the rejection arrives as an alert on the established connection.
  await assert.rejects(agent.connect(), { code: 'tls_client_auth' });
  assert.deepEqual(errorsByTag(registry), { tls_client_auth: 1 });
});

test('encrypted client key with passphrase is accepted', async (t) => {
  const peer = await startPeer(t, { tls: { requestCert: true }, script: approveAndConfirm });
  const { net } = newVu();

  const connection = await net.connect(peer.address, {
    tls: true,
    ca,
    cert: tlsFixture('client.crt'),
    key: tlsFixture('client-encrypted.key'),
    passphrase: CLIENT_KEY_PASSPHRASE,
  });
  assert.deepEqual(await connection.request({ m: 'id' }), { m: 'auth', subsystem: 'auth', status: 'approved' });
  await connection.close();
});

test('run with servername and CA prints no notice', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const run = await runScript(t, { 'agent.ts': ONE_AGENT_SCRIPT }, { HOST: peer.address, TLS: 'true', SERVERNAME: 'agents.test', CA: CA_PATH }, { args: [] });

  assert.equal(run.code, 0, run.stderr);
  assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 1);
  assert.doesNotMatch(run.stdout + run.stderr, /verification was OFF/);
  assert.deepEqual(peer.servernames, ['agents.test']);
});

test('run without servername fails tls_verify', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const run = await runScript(t, { 'agent.ts': ONE_AGENT_SCRIPT }, { HOST: peer.address, TLS: 'true', CA: CA_PATH });

  assertAgentErrors(run, { tls_verify: 1 });
  assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 0);
});

test('insecure run succeeds and the summary says so', async (t) => {
  const peer = await startPeer(t, { tls: AGENTS_TEST, script: approveAndConfirm });
  const run = await runScript(t, { 'agent.ts': ONE_AGENT_SCRIPT }, { HOST: peer.address, TLS: 'true', INSECURE: 'true' }, { args: [] });

  assert.equal(run.code, 0, run.stderr);
  assert.equal(exported(run, 'agent_batches_confirmed', 'count'), 1);
  assert.match(run.stdout, new RegExp(`NOTICE: TLS certificate verification was OFF for: ${peer.address.replace(/\./g, '\\.')}\\n`));
});
