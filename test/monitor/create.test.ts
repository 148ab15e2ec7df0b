import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createMonitor } from '../../src/monitor/create.ts';
import { MonitorError } from '../../src/monitor/errors.ts';

test('monitor spec of a PID', async () => {
  const monitor = createMonitor(`pid:${process.pid}`);
  const sample = await monitor.sample();

  assert.equal(monitor.source, `pid:${process.pid}`);
  assert.ok(sample.rssBytes! > 0);
  assert.ok(sample.openFds! > 0);
});

test('monitor spec of a URL', () => {
  assert.equal(createMonitor('http://127.0.0.1:9464/metrics').source, 'http://127.0.0.1:9464/metrics');
  assert.equal(createMonitor('https://[::1]:9100/metrics').source, 'https://[::1]:9100/metrics');
});

const INVALID: { spec: string; message: RegExp }[] = [
  { spec: 'pid:0', message: /invalid PID 0, expected a positive integer/ },
  { spec: 'pid:99999999999999999999', message: /invalid PID 99999999999999999999/ },
  { spec: 'pid:abc', message: /expected pid:<PID> or an http:\/\/ or https:\/\/ URL/ },
  { spec: '1234', message: /expected pid:<PID>/ },
  { spec: 'ftp://127.0.0.1/metrics', message: /expected pid:<PID>/ },
  { spec: '', message: /expected pid:<PID>/ },
];

for (const c of INVALID) {
  test(`monitor spec rejects "${c.spec}"`, () => {
    assert.throws(
      () => createMonitor(c.spec),
      (err: unknown) => {
        assert.ok(err instanceof MonitorError);
        assert.equal(err.code, 'monitor_invalid_spec');
        assert.equal(err.source, c.spec);
        assert.match(err.message, c.message);
        return true;
      },
    );
  });
}
