// VUs that wait in one long sleep, so the process holds nothing but idle VUs.
import { sleep } from 'frameload';

export const options = {
  scenarios: { idle: { executor: 'constant-vus', vus: Number(__ENV.VUS ?? 10000), duration: __ENV.DURATION ?? '8s', gracefulStop: '0s' } },
};

export default async function () {
  await sleep(3600);
}

export function handleSummary() {
  return {};
}
