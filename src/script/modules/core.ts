import type { Runtime } from '../../engine/runtime.ts';
import type { VU } from '../../engine/vu.ts';
import type { Tags } from '../../metrics/types.ts';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../engine/timer-delay.ts';

const MAX_CACHED_CHECK_NAMES = 256;

/** The `frameload` module for one VU: check, group, sleep and fail. */
export function createCoreModule(vu: VU, runtime: Runtime): Record<string, unknown> {
  // The `{ check: name }` tag set of each check name, frozen so the VU can cache its merged tags.
  const checkTags = new Map<string, Tags>();
  const tagsOfCheck = (name: string): Tags => {
    let tags = checkTags.get(name);
    if (tags === undefined) {
      tags = Object.freeze({ check: name });
      // Past the bound, scripts that make up a new name per call get a fresh object each time.
      if (checkTags.size < MAX_CACHED_CHECK_NAMES) checkTags.set(name, tags);
    }
    return tags;
  };

  const check = (value: unknown, sets: Record<string, (v: unknown) => unknown>, tags?: Tags): boolean => {
    if (typeof sets !== 'object' || sets === null) throw new TypeError('check(value, sets): sets must be an object of name to function');
    let all = true;
    // An interrupted iteration leaves no samples, and no check results either.
    const record = !vu.interrupted;
    for (const name of Object.keys(sets)) {
      const fn = sets[name];
      const passed = typeof fn === 'function' ? Boolean(fn(value)) : Boolean(fn);
      if (!passed) all = false;
      if (!record) continue;
      runtime.checks.check(vu.groupPath, name, passed);
      vu.emit(runtime.builtins.checks, passed ? 1 : 0, tags ? { ...tags, check: name } : tagsOfCheck(name));
    }
    return all;
  };

  const group = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    if (typeof name !== 'string' || name === '' || name.includes('::')) {
      throw new TypeError(`group name ${JSON.stringify(name)} is invalid: expected a non-empty string without "::"`);
    }
    const parent = vu.groupPath;
    const path = `${parent}::${name}`;
    vu.groupPath = path;
    runtime.checks.group(path);
    const start = runtime.clock.now();
    try {
      return await fn();
    } finally {
      vu.emit(runtime.builtins.groupDuration, runtime.clock.now() - start);
      vu.groupPath = parent;
    }
  };

  const sleep = (seconds: number): Promise<void> => {
    if (typeof seconds !== 'number' || !(seconds >= 0) || seconds * 1000 > MAX_TIMER_DELAY_MS) {
      return Promise.reject(
        new TypeError(`sleep(seconds): expected a number from 0 to ${MAX_TIMER_DELAY_MS / 1000}, got ${String(seconds)}`),
      );
    }
    // The call site is kept only while the un-awaited-sleep warning has not been given.
    const site = sleepCallSites ? new Error() : undefined;
    const pending = new Promise<void>((resolve, reject) => {
      const entry = {
        reject,
        site,
        timer: setTimeout(() => {
          vu.pendingSleeps.delete(entry);
          resolve();
        }, timerDelay(seconds * 1000)),
      };
      vu.pendingSleeps.add(entry);
    });
    // A sleep that was never awaited is rejected when its iteration ends; that must not crash the run.
    pending.catch(() => {});
    return pending;
  };

  const fail = (message?: string): never => {
    throw new Error(message ?? 'fail() called');
  };

  return { check, group, sleep, fail, default: { check, group, sleep, fail } };
}

let sleepCallSites = true;

/** Returns the script line that called an un-awaited sleep, then stops capturing call sites. */
export function takeSleepCallSite(vu: VU): string | undefined {
  sleepCallSites = false;
  for (const pending of vu.pendingSleeps) {
    const site = pending.site;
    const frames = site?.stack?.split('\n').slice(1) ?? [];
    // The first frame outside frameload's own code is the script's call.
    const frame = frames.find((f) => !f.includes('/src/script/') && !f.includes('frameload.mjs') && !f.includes('node:'));
    if (frame) return frame.trim().replace(/^at\s+/, '');
  }
  return undefined;
}

