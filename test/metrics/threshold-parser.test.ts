import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseThresholdExpression } from '../../src/metrics/thresholds/expression.ts';
import { parseThresholdKey } from '../../src/metrics/thresholds/key.ts';
import { parseThresholdsOption } from '../../src/metrics/thresholds/config.ts';
import { ThresholdConfigError } from '../../src/metrics/thresholds/errors.ts';

describe('threshold expression parser', () => {
  const valid: [string, string, string, number][] = [
    ['avg<200', 'avg', '<', 200],
    ['min>=0', 'min', '>=', 0],
    ['max<=1500.5', 'max', '<=', 1500.5],
    ['med>3', 'med', '>', 3],
    ['p(95)<500', 'p(95)', '<', 500],
    ['p(99.9)<1000', 'p(99.9)', '<', 1000],
    ['p(0)>=1', 'p(0)', '>=', 1],
    ['p(100)<2e3', 'p(100)', '<', 2000],
    ['rate<0.01', 'rate', '<', 0.01],
    ['rate<.5', 'rate', '<', 0.5],
    ['count>=10', 'count', '>=', 10],
    ['value==3', 'value', '==', 3],
    ['value===3', 'value', '===', 3],
    ['value!=-1', 'value', '!=', -1],
    ['  p(95)  <  500  ', 'p(95)', '<', 500],
    ['count >= 10', 'count', '>=', 10],
  ];
  for (const [source, aggregation, operator, limit] of valid) {
    test(`parses ${JSON.stringify(source)}`, () => {
      const e = parseThresholdExpression(source);
      assert.equal(e.aggregation, aggregation);
      assert.equal(e.operator, operator);
      assert.equal(e.limit, limit);
      assert.equal(e.source, source);
    });
  }

  const malformed: [string, string][] = [
    ['', 'the expression is empty'],
    ['p(95)', 'missing operator; expected one of <, <=, >, >=, ==, === or !='],
    ['p(95)=500', 'invalid operator "="; expected one of <, <=, >, >=, ==, === or !='],
    ['p(95)=>500', 'invalid operator "=>"'],
    ['p(95)<>500', 'invalid operator "<>"'],
    ['value!==1', 'invalid operator "!=="'],
    ['<500', 'missing aggregation before the operator'],
    ['p(95)<', 'missing number after the operator "<"'],
    ['p(95)<fast', 'expected a number after the operator "<", got "fast"'],
    ['p(95)<500ms', 'expected a number after the operator "<", got "500ms"'],
    ['p95<500', 'unknown aggregation "p95"; expected avg, min, max, med, p(N), rate, count or value'],
    ['average<500', 'unknown aggregation "average"'],
    ['sum>1', 'unknown aggregation "sum"'],
    ['p(101)<500', 'invalid percentile "p(101)"; expected p(N) with N a number from 0 to 100'],
    ['p(x)<500', 'invalid percentile "p(x)"'],
    ['p( 95 )<500', 'invalid percentile "p( 95 )"'],
  ];
  for (const [source, message] of malformed) {
    test(`rejects ${JSON.stringify(source)}`, () => {
      assert.throws(() => parseThresholdExpression(source), (error: Error) => {
        assert.ok(error.message.startsWith(message), `message was: ${error.message}`);
        return true;
      });
    });
  }
});

describe('threshold key parser', () => {
  const valid: [string, string, Record<string, string>, string][] = [
    ['http_req_duration', 'http_req_duration', {}, 'http_req_duration'],
    [' iterations ', 'iterations', {}, 'iterations'],
    ['net_errors{code:timeout}', 'net_errors', { code: 'timeout' }, 'net_errors{code:timeout}'],
    ['net_errors { code : timeout }', 'net_errors', { code: 'timeout' }, 'net_errors{code:timeout}'],
    ['d{scenario:load,stage:2}', 'd', { scenario: 'load', stage: '2' }, 'd{scenario:load,stage:2}'],
    ['d{ scenario: load , stage: 2 }', 'd', { scenario: 'load', stage: '2' }, 'd{scenario:load,stage:2}'],
    ['d{name:"a:b"}', 'd', { name: 'a:b' }, 'd{name:a:b}'],
    ["d{'status':'200'}", 'd', { status: '200' }, 'd{status:200}'],
  ];
  for (const [source, metric, filter, name] of valid) {
    test(`parses ${JSON.stringify(source)}`, () => {
      const key = parseThresholdKey(source);
      assert.equal(key.metric, metric);
      assert.deepEqual(key.filter, filter);
      assert.equal(key.name, name);
    });
  }

  const malformed: [string, string][] = [
    ['', 'the metric name is empty'],
    ['d{code:timeout', 'unbalanced braces'],
    ['dcode:timeout}', 'unbalanced braces'],
    ['d}code:timeout{', 'unbalanced braces'],
    ['d{code:timeout} x', 'unbalanced braces'],
    ['{code:timeout}', 'the metric name before "{" is empty'],
    ['d{}', 'malformed tag ""'],
    ['d{code}', 'malformed tag "code"'],
    ['d{code:}', 'malformed tag "code:"'],
    ['d{:timeout}', 'malformed tag ":timeout"'],
    ['d{a:1,,b:2}', 'malformed tag ""'],
    ['d{a:1,a:2}', 'tag "a" appears twice'],
  ];
  for (const [source, message] of malformed) {
    test(`rejects ${JSON.stringify(source)}`, () => {
      assert.throws(() => parseThresholdKey(source), (error: Error) => {
        assert.ok(error.message.startsWith(message), `message was: ${error.message}`);
        return true;
      });
    });
  }
});

describe('thresholds option', () => {
  test('string and object forms', () => {
    const defs = parseThresholdsOption({
      net_confirm_duration: ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '1m30s' }],
      'agent_errors{code:timeout}': 'count<5',
      batch_size: [{ threshold: 'p(95)<500', window: 'stage' }, { threshold: 'avg<100', window: '30s' }, { threshold: 'avg<100', window: 1500 }],
    });
    assert.equal(defs.length, 6);

    assert.equal(defs[0]!.label, 'p(95)<500');
    assert.equal(defs[0]!.abortOnFail, false);
    assert.equal(defs[0]!.delayAbortEvalMs, 0);
    assert.deepEqual(defs[0]!.window, { kind: 'all' });

    assert.equal(defs[1]!.abortOnFail, true);
    assert.equal(defs[1]!.delayAbortEvalMs, 90_000);

    assert.equal(defs[2]!.key.name, 'agent_errors{code:timeout}');
    assert.equal(defs[2]!.expression.aggregation, 'count');

    assert.equal(defs[3]!.label, 'p(95)<500 [stage]');
    assert.deepEqual(defs[3]!.window, { kind: 'stage' });
    assert.equal(defs[4]!.label, 'avg<100 [30s]');
    assert.deepEqual(defs[4]!.window, { kind: 'time', ms: 30_000, source: '30s' });
    assert.equal(defs[5]!.label, 'avg<100 [1500ms]');
    assert.deepEqual(defs[5]!.window, { kind: 'time', ms: 1500, source: '1500ms' });
  });

  test('no thresholds', () => {
    assert.deepEqual(parseThresholdsOption(undefined), []);
  });

  const invalid: [unknown, string][] = [
    [['p(95)<500'], 'invalid threshold on "thresholds": expected an object mapping metric names to arrays of expressions'],
    [{ d: ['p95<500'] }, 'invalid threshold "p95<500" on "d": unknown aggregation "p95"; expected avg, min, max, med, p(N), rate, count or value'],
    [{ 'd{code}': ['count<1'] }, 'invalid threshold on "d{code}": malformed tag "code"; expected a metric name, optionally followed by {tag:value} or {tag:value,tag2:value2}'],
    [{ d: [42] }, 'invalid threshold on "d": expected an expression string such as "p(95)<500" or an object { threshold, abortOnFail, delayAbortEval, window }, got 42'],
    [{ d: [{ abortOnFail: true }] }, 'invalid threshold on "d": the field "threshold" must be an expression string such as "p(95)<500", got nothing'],
    [{ d: [{ threshold: 'avg<1', abortOnFail: 'yes' }] }, 'invalid threshold "avg<1" on "d": abortOnFail must be true or false, got "yes"'],
    [{ d: [{ threshold: 'avg<1', delayAbortEval: '10 seconds' }] }, 'invalid threshold "avg<1" on "d": delayAbortEval: expected a duration such as "10s" or "1m30s", got "10 seconds"'],
    [{ d: [{ threshold: 'avg<1', window: 'ramp' }] }, 'invalid threshold "avg<1" on "d": window: expected "stage" or a duration such as "30s", got "ramp"'],
    [{ d: [{ threshold: 'avg<1', window: '0s' }] }, 'invalid threshold "avg<1" on "d": window: expected a duration above zero, got "0s"'],
    [{ d: [{ threshold: 'avg<1', window: true }] }, 'invalid threshold "avg<1" on "d": window: expected "stage" or a duration such as "30s", got true'],
    [{ d: [{ threshold: 'avg<1', abortonfail: true }] }, 'invalid threshold "avg<1" on "d": unknown field "abortonfail"; expected threshold, abortOnFail, delayAbortEval or window'],
  ];
  for (const [option, message] of invalid) {
    test(`rejects ${JSON.stringify(option)}`, () => {
      assert.throws(() => parseThresholdsOption(option), (error: unknown) => {
        assert.ok(error instanceof ThresholdConfigError);
        assert.equal(error.code, 'invalid_threshold');
        assert.equal(error.exitCode, 104);
        assert.equal(error.message, message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    });
  }
});
