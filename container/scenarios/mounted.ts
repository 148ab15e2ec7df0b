// A scenario the container check mounts read-only at /work, the way users bring their own. It
// passes only when a relative import resolves inside the mount and a `-e` variable reaches __ENV.
import { check, type Options } from 'frameload';
import { EXPECTED_GREETING } from './lib/greeting.ts';

export const options: Options = {
  vus: 1,
  iterations: 1,
  // A failed check fails the threshold, so the run's exit code tells the check's outcome.
  thresholds: { checks: ['rate==1'] },
};

export default function (): void {
  check(__ENV.GREETING, { 'GREETING from -e matches': (greeting) => greeting === EXPECTED_GREETING });
}
