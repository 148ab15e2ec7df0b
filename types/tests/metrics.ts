// Type tests for `frameload/metrics`: the four metric kinds in correct use, then misuse that must not
// compile, including passing one kind where another is expected. Compiled by `tsc -p types`, never run.

import metrics, { Counter, Gauge, Rate, Trend, type MetricTags } from 'frameload/metrics';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T | undefined => undefined;

// Correct use: created in init code, samples with and without tags.
const eventsSent = new Counter('agent_events_sent');
const inFlight = new Gauge('agent_batches_in_flight');
const rejected = new Rate('agent_auth_rejected');
const confirmTime = new Trend('agent_confirm_duration', true);
const batchBytes = new Trend('agent_batch_bytes');
const busyTime = new Counter('agent_busy_time', true);
const lastConfirm = new Gauge('agent_last_confirm_duration', true);

eventsSent.add(100);
eventsSent.add(100, { priority: '0' });
inFlight.add(3);
rejected.add(true);
rejected.add(false, { phase: 'auth' });
rejected.add(0);
confirmTime.add(12.5, { step: '3' });
batchBytes.add(7168);
busyTime.add(0.25);
lastConfirm.add(8);

const tags: MetricTags = { agent: 'FakeAgent_1A2B3C' };
confirmTime.add(3, tags);
const name: string = confirmTime.name;
expectTrue<Equal<ReturnType<Trend['add']>, void>>();
expectTrue<Equal<Parameters<Rate['add']>[0], boolean | number>>();

// A helper typed for one kind accepts only that kind.
function recordLatency(trend: Trend, ms: number): void {
  trend.add(ms);
}
function countEvents(counter: Counter, n: number): void {
  counter.add(n);
}
recordLatency(confirmTime, 4);
countEvents(eventsSent, 100);
recordLatency(new metrics.Trend('agent_send_lateness', true), 1);

// @ts-expect-error a Counter is not a Trend, although their public members match
recordLatency(eventsSent, 4);
// @ts-expect-error a Trend is not a Counter
countEvents(confirmTime, 100);
// @ts-expect-error a Gauge is not a Trend
recordLatency(inFlight, 4);
// @ts-expect-error a Rate is not a Counter
countEvents(rejected, 1);
// @ts-expect-error an object with the same members is not a Trend
recordLatency({ name: 'fake', add: () => undefined }, 4);
// @ts-expect-error a Counter variable cannot hold a Gauge
const wrongKind: Counter = new Gauge('queue_depth');

// @ts-expect-error a metric needs a name
const unnamed = new Counter();
// @ts-expect-error the name is a string
const numbered = new Trend(42);
// @ts-expect-error isTime is a boolean
const timed = new Trend('agent_confirm_duration', 'ms');
// @ts-expect-error a Rate counts outcomes, so it has no isTime flag
const timedRate = new Rate('agent_auth_rejected', true);
// @ts-expect-error metrics are classes: call them with new
const called = Counter('agent_events_sent');

// @ts-expect-error values are numbers, not numeric strings
eventsSent.add('100');
// @ts-expect-error only a Rate takes booleans
eventsSent.add(true);
// @ts-expect-error a Trend sample is a number
confirmTime.add(false);
// @ts-expect-error tag values are strings
confirmTime.add(12, { step: 3 });
// @ts-expect-error tags are an object of strings, not a list
confirmTime.add(12, ['step:3']);
// @ts-expect-error add needs a value
inFlight.add();
// @ts-expect-error the name is read-only
confirmTime.name = 'other';

export { busyTime, called, name, numbered, timed, timedRate, unnamed, wrongKind };
