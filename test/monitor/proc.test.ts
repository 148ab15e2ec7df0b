import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

import { createMonitor } from '../../src/monitor/create.ts';
import { MonitorError } from '../../src/monitor/errors.ts';
import { parseCpuTicks, parseRssBytes } from '../../src/monitor/proc.ts';

const CHILD = new URL('./fixtures/resource-child.mjs', import.meta.url);
const MiB = 1024 * 1024;

interface Reply {
  reply: string;
  cpuMicros?: number;
  atMs?: number;
  rss?: number;
}

async function startChild(t: TestContext): Promise<{ child: ChildProcess; ask: (message: object) => Promise<Reply> }> {
  const child = fork(CHILD, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const ask = async (message: object): Promise<Reply> => {
    const reply = once(child, 'message') as Promise<[Reply]>;
    child.send(message);
    return (await reply)[0];
  };
  const [ready] = (await once(child, 'message')) as [Reply];
  assert.equal(ready.reply, 'ready');
  return { child, ask };
}

test('process CPU of a half-busy child', async (t) => {
  const { child, ask } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);
  await ask({ command: 'burn' });
  await delay(200); // let the burn loop settle before the measured window

  const before = await ask({ command: 'cpu' });
  const first = await monitor.sample();
  await delay(1500); // the measured window itself
  const second = await monitor.sample();
  const after = await ask({ command: 'cpu' });

  assert.equal(first.cpuPercent, undefined, 'the first sample has no interval to measure CPU over');
  const monitored = second.cpuPercent!;
  const selfReported = (after.cpuMicros! - before.cpuMicros!) / (after.atMs! - before.atMs!) / 10;

  // /proc counts CPU time in 10 ms ticks, so each reading is off by up to 10 ms: about 1.5 points
  // over 1.5 s for the two readings, plus the IPC round trips that widen the child's own window.
  assert.ok(Math.abs(monitored - selfReported) <= 4, `monitor ${monitored.toFixed(1)}% vs child's own ${selfReported.toFixed(1)}%`);
  // The duty cycle caps the share at 50% of a core; other processes on the machine can only lower it.
  assert.ok(monitored <= 52, `CPU ${monitored.toFixed(1)}% above a 50% duty cycle`);
});

test('process CPU time of a 500 ms burn', async (t) => {
  const { child, ask } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);

  const first = await monitor.sample();
  const burn = await ask({ command: 'burnFor', cpuMs: 500 });
  const second = await monitor.sample();

  const cpuMs = (second.cpuPercent! / 100) * (second.timeMs - first.timeMs);
  // The child stops at 500 ms of CPU by its own clock, overshooting by one cpuUsage call.
  // /proc rounds each reading down to a 10 ms tick, so the difference can read as low as 490 ms.
  // That value is computed back from a percentage, so 0.5 ms of slack covers float rounding.
  // IPC handling adds a few milliseconds on top.
  assert.ok(burn.cpuMicros! >= 500_000, `child burned only ${burn.cpuMicros} µs`);
  assert.ok(burn.cpuMicros! < 505_000, `child burned ${burn.cpuMicros} µs`);
  assert.ok(cpuMs >= 489.5, `monitor measured ${cpuMs.toFixed(1)} ms of CPU for a 500 ms burn`);
  assert.ok(cpuMs <= 525, `monitor measured ${cpuMs.toFixed(1)} ms of CPU for a 500 ms burn`);
});

test('process CPU of an idle child', async (t) => {
  const { child } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);

  await monitor.sample();
  await delay(1000);
  const sample = await monitor.sample();

  // An idle Node process uses a few ticks at most for timers and GC.
  assert.ok(sample.cpuPercent! < 3, `idle CPU ${sample.cpuPercent}%`);
});

test('process RSS after allocating 64 MiB', async (t) => {
  const { child, ask } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);

  const before = await monitor.sample();
  const allocated = await ask({ command: 'allocate', bytes: 64 * MiB });
  const after = await monitor.sample();

  const growth = after.rssBytes! - before.rssBytes!;
  // The buffer's pages are all touched; the rest of the growth is the allocator's own bookkeeping.
  assert.ok(growth >= 64 * MiB, `RSS grew by only ${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth <= 72 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  // The child's own reading (libuv, from /proc/self/stat) agrees with VmRSS to within a page table's worth.
  assert.ok(Math.abs(after.rssBytes! - allocated.rss!) <= MiB, `monitor ${after.rssBytes} vs child ${allocated.rss}`);
});

test('process open descriptors', async (t) => {
  const { child, ask } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);

  const before = await monitor.sample();
  await ask({ command: 'open', count: 25 });
  const after = await monitor.sample();

  assert.equal(after.openFds! - before.openFds!, 25);
});

test('process that exited', async (t) => {
  const { child } = await startChild(t);
  const monitor = createMonitor(`pid:${child.pid}`);
  await monitor.sample();

  child.send({ command: 'exit' });
  await once(child, 'exit');

  await assert.rejects(monitor.sample(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_process_not_found');
    assert.equal(err.source, `pid:${child.pid}`);
    assert.match(err.message, new RegExp(`no process with PID ${child.pid}`));
    return true;
  });
});

test('stat line with parentheses in the name', () => {
  const stat = '4242 (a) b (c)) S 1 4242 4242 0 -1 4194304 900 0 0 0 1234 567 0 0 20 0 7 0 12345 1000 50';

  assert.equal(parseCpuTicks('pid:4242', stat), 1234 + 567);
});

test('status without VmRSS', () => {
  assert.equal(parseRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\n'), undefined);
  assert.equal(parseRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nRssAnon:\t 1 kB\n'), 51200 * 1024);
});
