// Type tests for script options (`Options` from `frameload`): every executor and option in correct
// use, then misuse that must not compile. Compiled by `tsc -p types`, never run.

import type { Duration, Options, Scenario, Threshold } from 'frameload';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T | undefined => undefined;

// Every executor with all of its fields.
export const options: Options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 10, iterations: 200, maxDuration: '30s' },
    perVu: { executor: 'per-vu-iterations', vus: 200, iterations: 1, maxDuration: '5m' },
    steady: { executor: 'constant-vus', vus: 50, duration: '10m' },
    ramp: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '1m', target: 100 },
        { duration: '1m30s', target: 100 },
        { duration: '30s', target: 0 },
      ],
      gracefulRampDown: '0s',
    },
    rate: {
      executor: 'constant-arrival-rate',
      rate: 100,
      timeUnit: '1s',
      duration: '10m',
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
    breakpoint: {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1m',
      stages: [
        { duration: '3m', target: 500 },
        { duration: '3m', target: 550 },
      ],
      preAllocatedVUs: 100,
      maxVUs: 1000,
      startTime: '10m',
      gracefulStop: '10s',
      exec: 'sendEvents',
      env: { BATCH: '100' },
      tags: { phase: 'breakpoint' },
    },
  },
  thresholds: {
    agent_confirm_duration: ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '1m' }],
    'net_errors{code:timeout}': ['count<10'],
    checks: [{ threshold: 'rate>0.99', window: 'stage' }],
    agent_errors: [{ threshold: 'rate<0.01', window: '1m' }],
  },
  tags: { env: 'staging' },
  setupTimeout: '5m',
  teardownTimeout: '2m',
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'count', 'p(90)', 'p(99.9)'],
  summaryTimeUnit: 'ms',
  noColor: true,
  insecureSkipTLSVerify: true,
  tlsAuth: [{ domains: ['ingest.example.internal'], cert: '-----BEGIN CERTIFICATE-----', key: '-----BEGIN PRIVATE KEY-----', password: 'secret' }],
  tlsVersion: { min: 'tls1.2', max: 'tls1.3' },
  tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
  breakdowns: { net_errors: ['code'], agent_confirm_duration: ['stage'] },
  slo: { p95Ms: 300, errorRate: 0.02, connFailRate: 0.001, stopAfterBreach: true, scenario: 'capacity' },
  report: { dir: './report', eventsPerBatch: 100, stages: { capacity: [{ label: 'warm-up', phase: 'warmup' }, null] } },
  afterCapacity: [{ script: './spike.ts' }, { script: './soak.ts', env: { SOAK_DURATION: '1h' } }],
};

// Shortcuts and minimal scenarios; optional fields take k6's defaults.
const shortcuts: Options[] = [
  { vus: 10, duration: '30s' },
  { vus: 5, iterations: 100 },
  { vus: 1, stages: [{ duration: '2m', target: 20 }] },
  { tlsVersion: 'tls1.3' },
  {},
];
const minimal: Scenario[] = [
  { executor: 'shared-iterations' },
  { executor: 'per-vu-iterations' },
  { executor: 'constant-vus', duration: '1m' },
  { executor: 'ramping-vus', stages: [{ duration: '1m', target: 10 }] },
  { executor: 'constant-arrival-rate', rate: 5, duration: '1m', preAllocatedVUs: 2 },
  { executor: 'ramping-arrival-rate', stages: [{ duration: '1m', target: 10 }], preAllocatedVUs: 2 },
];

// Durations in k6's spelling.
const durations: Duration[] = ['0', '30s', '1m30s', '2h', '1h30m', '1h2m3s', '500ms', '1.5s', '1s500ms', '250us', '10µs', '100ns'];
const thresholds: Threshold[] = ['avg<200', { threshold: 'max<1000' }];
expectTrue<Equal<Scenario['executor'], 'shared-iterations' | 'per-vu-iterations' | 'constant-vus' | 'ramping-vus' | 'constant-arrival-rate' | 'ramping-arrival-rate'>>();

// Misuse: fields of another executor.
const wrongFields: Scenario[] = [
  // @ts-expect-error constant-vus has no rate: that is an arrival-rate field
  { executor: 'constant-vus', vus: 10, duration: '1m', rate: 5 },
  // @ts-expect-error constant-vus has no stages: use ramping-vus
  { executor: 'constant-vus', duration: '1m', stages: [] },
  // @ts-expect-error ramping-arrival-rate starts from startRate, not startVUs
  { executor: 'ramping-arrival-rate', startVUs: 1, stages: [], preAllocatedVUs: 1 },
  // @ts-expect-error ramping-vus has no duration: its stages set it
  { executor: 'ramping-vus', duration: '1m', stages: [] },
  // @ts-expect-error shared-iterations has no duration: use maxDuration
  { executor: 'shared-iterations', iterations: 10, duration: '1m' },
  // @ts-expect-error arrival-rate executors have no vus: use preAllocatedVUs
  { executor: 'constant-arrival-rate', vus: 10, rate: 5, duration: '1m', preAllocatedVUs: 2 },
];

// Misuse: required fields missing, unknown executor.
const missingFields: Scenario[] = [
  // @ts-expect-error constant-vus needs a duration
  { executor: 'constant-vus', vus: 10 },
  // @ts-expect-error constant-arrival-rate needs preAllocatedVUs
  { executor: 'constant-arrival-rate', rate: 5, duration: '1m' },
  // @ts-expect-error constant-arrival-rate needs a rate
  { executor: 'constant-arrival-rate', duration: '1m', preAllocatedVUs: 2 },
  // @ts-expect-error ramping-vus needs stages
  { executor: 'ramping-vus', startVUs: 1 },
  // @ts-expect-error externally-controlled is a k6 executor that frameload does not have
  { executor: 'externally-controlled', vus: 1, maxVUs: 10, duration: '1m' },
  // @ts-expect-error the executor is required
  { vus: 10, duration: '1m' },
];

// Misuse: durations without a unit or as numbers.
const badDurations: Options[] = [
  // @ts-expect-error a duration needs a unit: '30s', not '30'
  { duration: '30' },
  // @ts-expect-error a duration is a string, not a number of seconds
  { duration: 30 },
  // @ts-expect-error units are k6's: s, m, h, ms, us, ns
  { duration: '5 minutes' },
  // @ts-expect-error stage durations follow the same rules
  { stages: [{ duration: 60, target: 10 }] },
];

// Misuse: thresholds.
const badThresholds: Options[] = [
  // @ts-expect-error a threshold is an expression string, not a number
  { thresholds: { iteration_duration: [500] } },
  // @ts-expect-error thresholds are written as a list per metric, as in k6
  { thresholds: { iteration_duration: 'p(95)<500' } },
  // @ts-expect-error the window is 'stage' or a duration
  { thresholds: { checks: [{ threshold: 'rate>0.99', window: 'stages' }] } },
  // @ts-expect-error abortOnFail is a boolean
  { thresholds: { checks: [{ threshold: 'rate>0.99', abortOnFail: 'yes' }] } },
  // @ts-expect-error the object form needs its expression under `threshold`
  { thresholds: { checks: [{ abortOnFail: true }] } },
];

// Misuse: other options.
const badOptions: Options[] = [
  // @ts-expect-error unknown options are rejected (the run would exit with 104)
  { httpDebug: 'full' },
  // @ts-expect-error percentiles are written p(N)
  { summaryTrendStats: ['p95'] },
  // @ts-expect-error TLS versions are spelled as in k6
  { tlsVersion: 'TLSv1.3' },
  // @ts-expect-error summaryTimeUnit is s, ms or us
  { summaryTimeUnit: 'sec' },
  // @ts-expect-error tag values are strings
  { tags: { attempt: 1 } },
  // @ts-expect-error breakdowns list tag names
  { breakdowns: { net_errors: 'code' } },
  // @ts-expect-error the p95 objective is a number of milliseconds
  { slo: { p95Ms: '500ms' } },
  // @ts-expect-error step phases are warmup, ramp, spike, soak or stage
  { report: { stages: { capacity: [{ phase: 'burst' }] } } },
  // @ts-expect-error a follow-up run names its script
  { afterCapacity: [{ env: { SPIKE_X: '3' } }] },
  // @ts-expect-error a client certificate needs its key
  { tlsAuth: [{ cert: '-----BEGIN CERTIFICATE-----' }] },
  // @ts-expect-error scenarios are named: an object, not a list
  { scenarios: [{ executor: 'constant-vus', duration: '1m' }] },
];

export { badDurations, badOptions, badThresholds, durations, minimal, missingFields, shortcuts, thresholds, wrongFields };

// maxBacklog belongs to the arrival-rate executors only.
export const backlogOk: Options = {
  scenarios: { a: { executor: 'constant-arrival-rate', rate: 10, duration: '1m', preAllocatedVUs: 5, maxBacklog: 1000 } },
};
export const backlogWrong: Options = {
  // @ts-expect-error maxBacklog is not an option of constant-vus
  scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1m', maxBacklog: 10 } },
};
