// Type tests for the `frameload` module and the script globals: correct use compiles, and each
// `@ts-expect-error` line proves a misuse is rejected. Compiled by `tsc -p types`, never run.

import frameload, { check, fail, group, sleep, type SummaryData, type SummaryResult } from 'frameload';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T | undefined => undefined;

interface Reply {
  m: string;
  confirmId: string;
}
declare const reply: Reply;

// check: synchronous, typed by the checked value.
const passed = check(reply, {
  'is a confirm': (r) => r.m === 'confirm',
  'matches the batch': (r) => r.confirmId === '2',
});
expectTrue<Equal<typeof passed, boolean>>();
check(200, { 'is 200': (status) => status === 200 }, { phase: 'handshake' });

// @ts-expect-error an async checker would always pass, because check does not wait for it
check(reply, { 'is a confirm': async (r) => r.m === 'confirm' });
// @ts-expect-error the checker's parameter is the checked value's type
check(reply, { 'is short': (r: string) => r.length < 10 });
// @ts-expect-error a checker returns a boolean, not the value it inspected
check(reply, { 'has an id': (r) => r.confirmId });
// @ts-expect-error tag values are strings
check(reply, { ok: () => true }, { attempt: 1 });
// @ts-expect-error check's result is a boolean, not a Promise
check(reply, { ok: () => true }).then(() => undefined);

// group: always a Promise of the function's result, for sync and async functions.
const fromSync = group('sync', () => 42);
expectTrue<Equal<typeof fromSync, Promise<number>>>();
const fromAsync = group('async', async () => reply);
expectTrue<Equal<typeof fromAsync, Promise<Reply>>>();

async function groupsInIteration(): Promise<void> {
  const nested = await group('outer', () => group('inner', async () => 'done'));
  expectTrue<Equal<typeof nested, string>>();
  await group('no result', async () => {
    await sleep(0.1);
  });

  // @ts-expect-error group returns a Promise even for a synchronous function: await it
  const unawaited: number = group('sync', () => 42);
  // @ts-expect-error group needs a function to run
  await group('empty');
  // @ts-expect-error the group name is a string
  await group(1, () => 1);
  // @ts-expect-error the function takes no arguments
  await group('with argument', (value: number) => value);
  return void unawaited;
}

// sleep: a Promise that pauses only when awaited.
async function sleepsInIteration(): Promise<void> {
  await sleep(1);
  await sleep(0.2);
  const slept = await sleep(0.5);
  expectTrue<Equal<typeof slept, void>>();
  expectTrue<Equal<ReturnType<typeof sleep>, Promise<void>>>();

  // @ts-expect-error sleep's result is not a number of seconds
  const waited: number = await sleep(1);
  // @ts-expect-error sleep returns a Promise, which is not a number
  const later = sleep(1) + 1;
  // @ts-expect-error sleep takes seconds as a number, not a duration string
  await sleep('1s');
  // @ts-expect-error sleep needs a time
  await sleep();
  return void [waited, later];
}

// @ts-expect-error init code is synchronous (the bundle is CommonJS), so top-level await is rejected
await sleep(1);

// fail: never returns, so it narrows like a throw.
function approvedName(status: string | undefined): string {
  const checked = status ?? fail('no auth status');
  expectTrue<Equal<typeof checked, string>>();
  return checked;
}
expectTrue<Equal<ReturnType<typeof fail>, never>>();
function endIteration(): never {
  fail();
}

// @ts-expect-error the message is a string
fail(404);

// The default export contains the same functions.
expectTrue<Equal<typeof frameload.sleep, typeof sleep>>();
const viaDefault = frameload.group('via default', () => frameload.check(1, { one: (n) => n === 1 }));
expectTrue<Equal<typeof viaDefault, Promise<boolean>>>();

// @ts-expect-error the default export's members cannot be replaced
frameload.sleep = sleep;

// Globals: __ENV values may be missing, __VU and __ITER are numbers.
const host: string = __ENV.HOST ?? '127.0.0.1';
const port = Number(__ENV.PORT ?? '8444');
const agentName = `agent-${__VU}-${__ITER}`;
expectTrue<Equal<typeof __VU, number>>();
expectTrue<Equal<typeof __ITER, number>>();
__ENV.DERIVED = 'set by the script';

// @ts-expect-error an environment variable may be unset
const token: string = __ENV.TOKEN;
// @ts-expect-error __VU is read-only
__VU = 2;
// @ts-expect-error __ITER is read-only
__ITER++;
// @ts-expect-error environment values are strings
__ENV.PORT = 8444;

// handleSummary: metrics narrow by type; the result maps stdout or a path to text.
export function handleSummary(data: SummaryData): SummaryResult {
  const lines: string[] = [`ran for ${data.state.testRunDurationMs} ms`];

  const iterations = data.metrics.iterations;
  if (iterations?.type === 'counter') lines.push(`iterations: ${iterations.values.count}`);
  const duration = data.metrics.iteration_duration;
  if (duration?.type === 'trend') lines.push(`p(95): ${duration.values['p(95)']}`);
  const checks = data.metrics.checks;
  if (checks?.type === 'rate') lines.push(`checks: ${checks.values.passes}/${checks.values.fails}`);
  const vus = data.metrics.vus;
  if (vus?.type === 'gauge') lines.push(`max VUs: ${vus.values.max}`);

  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expression, outcome] of Object.entries(metric?.thresholds ?? {})) {
      lines.push(`${name} ${expression}: ${outcome.ok ? 'passed' : 'failed'}`);
    }
  }
  for (const c of data.root_group.checks) lines.push(`${c.path}: ${c.passes} passed, ${c.fails} failed`);
  for (const g of data.root_group.groups) lines.push(`group ${g.name} (${g.path}, ${g.id})`);
  for (const peer of data.frameload.tls_verification.disabled_for) lines.push(`TLS verification off for ${peer}`);
  const stageOutcome = data.frameload.thresholds.agent_confirm_duration?.['p(95)<500 [stage]'];
  for (const f of stageOutcome?.failures ?? []) lines.push(`stage ${f.stage ?? '?'} of ${f.scenario ?? '?'}: ${f.value} at ${f.fromMs}-${f.toMs} ms`);
  if (stageOutcome) lines.push(`${stageOutcome.aggregation} ${stageOutcome.window} ${stageOutcome.judged} ${stageOutcome.ok} ${stageOutcome.value ?? 'none'}`);
  lines.push(`steps: ${data.frameload.steps?.length ?? 0}`);
  const noColor: boolean = data.options.noColor;
  const stats: readonly string[] = data.options.summaryTrendStats;
  const unit: string = data.options.summaryTimeUnit;
  const tty: boolean = data.state.isStdOutTTY && data.state.isStdErrTTY;
  lines.push(`${noColor} ${stats.join(',')} ${unit} ${tty}`);

  // @ts-expect-error a metric that never got a sample may be absent
  lines.push(data.metrics.iterations.type);
  // @ts-expect-error values differ by metric type: narrow on `type` first
  lines.push(`${iterations?.values.count}`);
  if (iterations?.type === 'counter') {
    // @ts-expect-error a counter has no percentiles
    lines.push(`${iterations.values.max}`);
  }
  // @ts-expect-error the summary data is read-only
  data.state.testRunDurationMs = 0;
  // @ts-expect-error a threshold outcome's value is undefined when nothing was judged
  lines.push(stageOutcome?.value.toFixed(1) ?? '');

  return { stdout: `${lines.join('\n')}\n`, 'results/summary.json': JSON.stringify(data) };
}

const onlyStdout: SummaryResult = { stdout: 'done\n' };
const onlyFile: SummaryResult = { 'summary.json': '{}' };

// @ts-expect-error outputs are text
const numericOutput: SummaryResult = { stdout: 42 };
// @ts-expect-error file contents are text, not objects
const objectOutput: SummaryResult = { 'summary.json': { ok: true } };

export { agentName, approvedName, endIteration, groupsInIteration, host, numericOutput, objectOutput, onlyFile, onlyStdout, port, sleepsInIteration, token };
