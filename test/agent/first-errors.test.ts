import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../src/agent/errors.ts';
import { firstErrorReporter } from '../../src/agent/first-errors.ts';
import { netError } from '../../src/net/errors.ts';

test('first error of each class reported', () => {
  const warnings: string[] = [];
  const report = firstErrorReporter({ warn: (message) => warnings.push(message), error: () => {} });

  report('confirm_timeout', 'FakeAgent_000001', new AgentError('confirm_timeout', 'FakeAgent_000001', 'h:1', 'no confirm for confirmId 3 within 10 ms'));
  report('confirm_timeout', 'FakeAgent_000002', new AgentError('confirm_timeout', 'FakeAgent_000002', 'h:1', 'no confirm for confirmId 9 within 10 ms'));
  report('reset', 'FakeAgent_000002', netError('reset', 'h:1', 'the peer reset the connection'));

  assert.deepEqual(warnings, [
    'first agent error of class confirm_timeout, from FakeAgent_000001: agent FakeAgent_000001 at h:1: no confirm for confirmId 3 within 10 ms (later confirm_timeout errors are only counted in agent_errors)',
    `first agent error of class reset, from FakeAgent_000002: ${netError('reset', 'h:1', 'the peer reset the connection').message} (later reset errors are only counted in agent_errors)`,
  ]);
});
