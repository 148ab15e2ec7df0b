import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** Debian's Chromium, which .ci/run installs. */
export const CHROMIUM = '/usr/bin/chromium';

/** Fails the test with the package to install when Chromium is missing. */
export async function requireChromium(): Promise<void> {
  try {
    await access(CHROMIUM, constants.X_OK);
  } catch {
    assert.fail(`${CHROMIUM} not found: install Debian's "chromium" package (apt-get install -y chromium) to run the report rendering test`);
  }
}

/** Runs headless Chromium as root (hence --no-sandbox) with a fresh profile and no background traffic. */
export async function runChromium(t: TestContext, args: string[]): Promise<string> {
  await requireChromium();
  const profile = await mkdtemp(join(tmpdir(), 'frameload-chromium-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, ...args,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);

  assert.equal(code, 0, `chromium exited with ${code}: ${stderr.slice(-2000)}`);
  return stdout;
}
