import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentIdentity } from '../../src/agent/module.ts';
import { resolveAgentOptions, type AgentOptions } from '../../src/agent/options.ts';
import {
  defaultEventsMessage,
  defaultEventsMessageShared,
  defaultIdMessage,
  defaultIsApproval,
  defaultIsConfirm,
  defaultIsRefusal,
} from '../../src/agent/protocol.ts';

const agent = { name: 'FakeAgent_00002A', peer: 'PEER00002A', token: 'tok' };

test('events message is the protocol shape', () => {
  const bytes = defaultEventsMessage({ agent, confirmId: '7', size: 100, firstEventId: 601, ts: 1733312345 });
  const message = JSON.parse(Buffer.from(bytes).toString('utf8')) as { m: string; priority: number; ts: number; confirmId: string; events: Array<Record<string, unknown>> };
  assert.equal(message.m, 'events');
  assert.equal(message.priority, 0);
  assert.equal(message.ts, 1733312345);
  assert.equal(message.confirmId, '7');
  assert.equal(message.events.length, 100);
  assert.deepEqual(message.events[0], { id: 0, eid: 601, ts: 1733312345, tick: 0, t: 3, e: 'Startup', src: 'App', data: { time: 0 } });
  assert.equal(message.events[99]!.eid, 700);
  assert.equal(message.events[99]!.id, 99);
  // About 90 bytes per event, as in the protocol's example event.
  assert.ok(bytes.length > 8000, `a batch of 100 is ${bytes.length} bytes, expected at least 8 KB`);
  assert.ok(bytes.length < 10000, `a batch of 100 is ${bytes.length} bytes, expected under 10 KB`);
});

function parseEvents(bytes: Uint8Array): { confirmId: string; events: Array<{ eid: number; ts: number }> } {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as { confirmId: string; events: Array<{ eid: number; ts: number }> };
}

test('events message of one event', () => {
  const message = parseEvents(defaultEventsMessage({ agent, confirmId: '1', size: 1, firstEventId: 1, ts: 5 }));
  assert.deepEqual(message.events.map((e) => e.eid), [1]);
});

test('events message ids and times vary per batch', () => {
  // Large event ids and a new second reuse no bytes of the previous batch.
  const a = parseEvents(defaultEventsMessage({ agent, confirmId: '41', size: 3, firstEventId: 9_007_199_254_740_980, ts: 1733312345 }));
  const b = parseEvents(defaultEventsMessage({ agent, confirmId: 'x"y', size: 3, firstEventId: 10, ts: 1733312346 }));
  assert.deepEqual(a.events.map((e) => e.eid), [9_007_199_254_740_980, 9_007_199_254_740_981, 9_007_199_254_740_982]);
  assert.deepEqual(b.events.map((e) => e.eid), [10, 11, 12]);
  assert.deepEqual(b.events.map((e) => e.ts), [1733312346, 1733312346, 1733312346]);
  assert.equal(b.confirmId, 'x"y', 'a confirmId is JSON-escaped');
});

test('events message ids crossing a power of ten', () => {
  for (const firstEventId of [1, 8, 95, 999_995, 999_999_999_999_995]) {
    const text = Buffer.from(defaultEventsMessage({ agent, confirmId: '3', size: 12, firstEventId, ts: 1733312345 })).toString('utf8');
    const message = JSON.parse(text) as { events: Array<{ id: number; eid: number }> };
    assert.deepEqual(
      message.events.map((e) => e.eid),
      Array.from({ length: 12 }, (_, i) => firstEventId + i),
    );
    assert.deepEqual(
      message.events.map((e) => e.id),
      Array.from({ length: 12 }, (_, i) => i),
    );
    // Compact JSON in both directions: no byte around an id is doubled or missing.
    assert.equal(JSON.stringify(message), text, `the batch from event id ${firstEventId}`);
  }
});

test('events message with a non-ASCII confirmId', () => {
  const text = Buffer.from(defaultEventsMessageShared({ agent, confirmId: 'é"ü', size: 2, firstEventId: 99, ts: 7 })).toString('utf8');
  const message = JSON.parse(text) as { confirmId: string; events: Array<{ eid: number }> };
  assert.equal(message.confirmId, 'é"ü');
  assert.deepEqual(message.events.map((e) => e.eid), [99, 100]);
  assert.equal(JSON.stringify(message), text);
});

test('id message carries the identity', () => {
  const message = JSON.parse(defaultIdMessage(agent)) as Record<string, unknown>;
  assert.equal(message.m, 'id');
  assert.equal(message.bootstrap_token, 'tok');
  assert.equal(message.name, 'FakeAgent_00002A');
  assert.equal(message.hostname, 'FakeAgent_00002A');
  assert.equal(message.peer, 'PEER00002A');
  assert.equal(typeof message.ts, 'number');
  assert.ok(Math.abs((message.ts as number) - Date.now() / 1000) < 5, 'ts is Unix seconds');
});

test('matchers follow the auth and confirm rules', () => {
  const approved = { m: 'auth', subsystem: 'auth', status: 'approved' };
  const rejected = { subsystem: 'auth', status: 'rejected' };
  const notice = { m: 'notice', subsystem: 'server' };
  assert.equal(defaultIsApproval(approved), true);
  assert.equal(defaultIsApproval(rejected), false);
  assert.equal(defaultIsApproval(notice), false);
  assert.equal(defaultIsRefusal(rejected), true);
  assert.equal(defaultIsRefusal(approved), false);
  assert.equal(defaultIsRefusal(notice), false);
  assert.equal(defaultIsRefusal(null), false);
  assert.equal(defaultIsConfirm({ m: 'confirm', confirmId: '3' }, '3'), true);
  assert.equal(defaultIsConfirm({ m: 'confirm', confirmId: '3' }, '4'), false);
  assert.equal(defaultIsConfirm({ m: 'confirm', confirmId: 3 }, '3'), false, 'confirmId is a string');
  assert.equal(defaultIsConfirm('confirm', '3'), false);
});

test('identity comes from the VU number', () => {
  assert.deepEqual(agentIdentity(42, 0), { name: 'FakeAgent_00002A', peer: 'PEER00002A' });
  assert.deepEqual(agentIdentity(42, 1), { name: 'FakeAgent_00002A_2', peer: 'PEER00002A_2' });
  assert.deepEqual(agentIdentity(0xabcdef, 0), { name: 'FakeAgent_ABCDEF', peer: 'PEERABCDEF' });
});

test('options apply defaults', () => {
  const resolved = resolveAgentOptions({ host: '127.0.0.1:8444' }, agentIdentity(1, 0));
  assert.equal(resolved.tls, true);
  assert.equal(resolved.batchSize, 100);
  assert.equal(resolved.approvalTimeoutMs, 10_000);
  assert.equal(resolved.confirmTimeoutMs, 10_000);
  assert.equal(resolved.token, '');
  assert.equal(resolved.name, 'FakeAgent_000001');
  assert.equal(resolveAgentOptions({ host: 'h:1', confirmTimeout: '1m30s' }, agent).confirmTimeoutMs, 90_000);
});

const invalidOptions: Array<[string, Record<string, unknown>, RegExp]> = [
  ['host without port', { host: 'ingest' }, /connect address: expected "host:port"/],
  ['batchSize 0', { host: 'h:1', batchSize: 0 }, /Agent options\.batchSize: expected a whole number >= 1, got 0/],
  ['batchSize fraction', { host: 'h:1', batchSize: 1.5 }, /Agent options\.batchSize/],
  ['tls as a string', { host: 'h:1', tls: 'yes' }, /Agent options\.tls: expected true or false/],
  ['zero confirm timeout', { host: 'h:1', confirmTimeout: 0 }, /Agent options\.confirmTimeout: expected a duration greater than 0/],
  ['bad duration', { host: 'h:1', approvalTimeout: 'soon' }, /Agent options\.approvalTimeout/],
  ['backoff bounds', { host: 'h:1', reconnectDelay: '2s', reconnectMaxDelay: '1s' }, /reconnectMaxDelay: expected a duration >= reconnectDelay/],
  ['unknown key', { host: 'h:1', verify: false }, /Agent options\.verify: unknown option/],
  ['matcher not a function', { host: 'h:1', isConfirm: 'confirm' }, /Agent options\.isConfirm: expected a function/],
  ['tag not a string', { host: 'h:1', tags: { site: 1 } }, /Agent options\.tags\.site: expected a string/],
];

for (const [name, options, message] of invalidOptions) {
  test(`options reject ${name}`, () => {
    assert.throws(() => resolveAgentOptions(options as unknown as AgentOptions, agent), message);
  });
}

test('options never show the token', () => {
  assert.throws(
    () => resolveAgentOptions({ host: 'h:1', token: 12345 } as unknown as AgentOptions, agent),
    (error: Error) => /token: expected a string, got a number/.test(error.message) && !error.message.includes('12345'),
  );
});

test('shared events buffer holds the same bytes', () => {
  const batch = { agent, confirmId: '12', size: 100, firstEventId: 1101, ts: 1733312345 };
  const fresh = defaultEventsMessage(batch);
  const shared = defaultEventsMessageShared(batch);
  assert.deepEqual(Buffer.from(shared), Buffer.from(fresh));
  // The shared bytes are overwritten by the next build: callers copy them first.
  defaultEventsMessageShared({ ...batch, confirmId: '13' });
  assert.notDeepEqual(Buffer.from(shared), Buffer.from(fresh));
});
