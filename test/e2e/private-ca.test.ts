// The agent scenarios against a server whose certificate a private CA signed: CA and SERVERNAME
// keep certificate verification on, and the wrong CA fails the connects as tls_verify.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import { ROOT, runCli, tempDir } from '../helpers.ts';
import { referenceServer, runAgents, SMOKE, value } from './helpers.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'tls');

// The certificate names only agents.test, so the connects to 127.0.0.1 verify against SERVERNAME.
async function agentsTestServer(t: Parameters<typeof referenceServer>[0]) {
  return referenceServer(t, { cert: tlsFixture('server-agents.crt'), key: tlsFixture('server-agents.key') });
}

test('smoke verifies a private CA', async (t) => {
  const server = await agentsTestServer(t);
  const run = await runAgents(t, SMOKE, {
    HOST: `127.0.0.1:${server.port}`,
    CA: join(FIXTURES, 'ca.crt'),
    SERVERNAME: 'agents.test',
  });
  assert.equal(run.code, 0, run.stderr);

  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 10);
  assert.equal(server.stats.batchesConfirmed, 10);
  assert.doesNotMatch(run.stdout + run.stderr, /verification was OFF/);
});

const UNVERIFIED: [string, string, string][] = [
  ['wrong CA', 'untrusted-ca.crt', 'agents.test'],
  ['wrong SERVERNAME', 'ca.crt', 'other.test'],
];

for (const [name, caFile, servername] of UNVERIFIED) {
  test(`smoke with ${name} fails verification`, async (t) => {
    const server = await agentsTestServer(t);
    const run = await runAgents(t, SMOKE, {
      HOST: `127.0.0.1:${server.port}`,
      CA: join(FIXTURES, caFile),
      SERVERNAME: servername,
    });

    assert.equal(value(run, 'agent_batches_confirmed', 'count'), 0);
    assert.ok(value(run, 'agent_errors{error:tls_verify}', 'count') >= 1, JSON.stringify(run.metrics.agent_errors));
    assert.equal(server.stats.batchesConfirmed, 0);
  });
}

const README = join(ROOT, 'README.md');
const INVALID: [Record<string, string>, string][] = [
  [{ CA: '/nonexistent/ca.pem' }, 'invalid environment variable CA: cannot read "/nonexistent/ca.pem" (ENOENT); expected a PEM file of CA certificates'],
  [{ CA: README }, `invalid environment variable CA: ${JSON.stringify(README)} contains no PEM certificate (-----BEGIN CERTIFICATE-----)`],
  [{ CA: 'ca.pem', TLS: 'false' }, 'invalid environment variable CA: expected no value when TLS=false, got "ca.pem"'],
  [{ CA: 'ca.pem', INSECURE_TLS: 'true' }, 'invalid environment variable CA: expected no value with INSECURE_TLS=true, which skips verification, got "ca.pem"'],
  [{ SERVERNAME: 'agents.test', TLS: 'false' }, 'invalid environment variable SERVERNAME: expected no value when TLS=false, got "agents.test"'],
  [{ SERVERNAME: 'bad name' }, 'invalid environment variable SERVERNAME: expected a DNS host name such as ingest.example.com, got "bad name"'],
  [{ SERVERNAME: '127.0.0.1' }, 'invalid environment variable SERVERNAME: expected a DNS host name, not an IP address: the certificate is checked against the IP address of HOST, got "127.0.0.1"'],
];

test('invalid CA or SERVERNAME named', async () => {
  await Promise.all(
    INVALID.map(async ([env, message]) => {
      const args = ['inspect'];
      for (const [key, setting] of Object.entries(env)) args.push('-e', `${key}=${setting}`);
      const result = await runCli([...args, SMOKE], { timeoutMs: 20_000 });
      assert.equal(result.code, 107, `${message}: exit ${result.code}`);
      assert.ok(result.stderr.includes(message), `expected "${message}" in:\n${result.stderr}`);
    }),
  );
});

test('CA with a damaged certificate named', async (t) => {
  const damaged = join(tempDir(t, 'frameload-ca-'), 'damaged.pem');
  writeFileSync(damaged, `${tlsFixture('ca.crt')}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n`);

  const result = await runCli(['inspect', '-e', `CA=${damaged}`, SMOKE], { timeoutMs: 20_000 });
  assert.equal(result.code, 107, result.stderr);
  assert.match(result.stderr, /invalid environment variable CA: certificate 2 of ".*damaged\.pem" cannot be parsed/);
});
