import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { approvedAgent } from './test-agent.ts';

const ENTRY = fileURLToPath(new URL('./serve-entry.ts', import.meta.url));

interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  readonly metricsUrl: string | null;
  readonly startLine: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
}

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

// Starts the serve command and waits for its start line on stderr.
async function serve(args: string[]): Promise<Served> {
  const child = run(args);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const startLine = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const line = stderr.split('\n').find((l) => l.includes('listening on'));
      if (line !== undefined) {
        child.stderr!.off('data', onData);
        resolve(line);
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(startLine)![1]);
  const metricsUrl = /metrics at (\S+)$/.exec(startLine)?.[1] ?? null;
  return { child, port, metricsUrl, startLine, stderr: () => stderr };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

test('serve stops cleanly on SIGTERM and prints its counts', async () => {
  const served = await serve(['--port', '0', '--metrics-port', '0']);
  assert.match(served.startLine, /^frameload serve: listening on 127\.0\.0\.1:\d+ \(TLS with a self-signed certificate\), capacity unlimited, metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/);

  const agent = await approvedAgent({ port: served.port, tls: 'insecure' }, 'cli-agent');
  await agent.waitForConfirm(agent.sendBatch(10).confirmId);
  const metrics = await (await fetch(served.metricsUrl!)).text();
  assert.match(metrics, /^frameload_server_events_confirmed_total 10$/m);

  served.child.kill('SIGTERM');
  assert.equal(await exitCode(served.child), 0);
  await agent.closed; // the server closed the agent's connection on its way out
  const lines = served.stderr().trim().split('\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[1], 'frameload serve: stopped on SIGTERM: 1 connections, 1 agents approved, 0 rejected, 1 batches and 10 events confirmed');
});

test('serve stops on SIGINT with plain TCP and no metrics', async () => {
  const served = await serve(['--port', '0', '--plain', '--no-metrics', '--capacity', '5000', '--max-frame-bytes', '400']);
  assert.match(served.startLine, /\(plain TCP\), capacity 5000 events\/s, metrics disabled$/);
  const agent = await approvedAgent({ port: served.port, tls: 'plain' }, 'plain-agent');

  // Two oversized batches on two connections: the first error is printed, both are counted.
  const oversized = [agent, await approvedAgent({ port: served.port, tls: 'plain' }, 'plain-agent-2')];
  for (const client of oversized) {
    client.sendBatch(20);
    await client.closed;
  }
  served.child.kill('SIGINT');
  assert.equal(await exitCode(served.child), 0);

  const lines = served.stderr().trim().split('\n');
  assert.equal(lines.length, 3, served.stderr());
  assert.match(lines[1]!, /^frameload serve: connection error frame_too_large from 127\.0\.0\.1:\d+: .*exceeds the limit of 400 bytes.* \(further frame_too_large errors are only counted\)$/);
  assert.equal(lines[2], 'frameload serve: stopped on SIGINT: 2 connections, 2 agents approved, 0 rejected, 0 batches and 0 events confirmed, connection errors: frame_too_large 2');
});

test('serve rejects invalid values with exit code 104 and one line', async () => {
  const cases: Array<[string[], string]> = [
    [['--capacity', 'fast'], 'frameload serve: invalid option --capacity: expected events per second (a number >= 0), got "fast"'],
    [['--reject-share', '1.5'], 'frameload serve: invalid option --reject-share: expected a share from 0 to 1, got 1.5'],
    [['--port', '70000'], 'frameload serve: invalid option --port: expected a port 0..65535, got 70000'],
    [['--cert', 'missing.pem'], 'frameload serve: invalid option --cert: expected both --cert and --key, or neither'],
    [['--bogus'], 'frameload serve: invalid option --bogus: unknown option; run frameload serve --help for the options'],
  ];
  await Promise.all(
    cases.map(async ([args, message]) => {
      const child = run(args);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      assert.equal(await exitCode(child), 104, args.join(' '));
      assert.equal(stderr, `${message}\n`);
    }),
  );
});

test('serve --help documents every option with its default', async () => {
  const child = run(['--help']);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  assert.equal(await exitCode(child), 0);
  const flags = ['--host', '--port', '--plain', '--cert', '--key', '--capacity', '--latency', '--token', '--max-frame-bytes',
    '--metrics-port', '--no-metrics', '--reject-share', '--drop-confirm-share', '--close-after', '--notice-every', '--stall-every', '--stall-ms', '--help'];
  for (const flag of flags) assert.match(stdout, new RegExp(`^\\s+(-h, )?${flag}\\b`, 'm'), flag);
  assert.match(stdout, /--port PORT .*\(default 8444\)/);
  assert.match(stdout, /--metrics-port PORT[\s\S]*\(default 9464\)/);
  assert.match(stdout, /--host HOST .*\(default 127\.0\.0\.1\)/);
});
