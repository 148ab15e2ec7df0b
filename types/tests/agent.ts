// Type tests for `frameload/agent`: an agent in correct use, a custom protocol through the builder
// options, then misuse that must not compile. Compiled by `tsc -p types`, never run.

import {
  Agent,
  AgentError,
  createAgent,
  defaultEventsMessage,
  defaultIsConfirm,
  type AgentErrorCode,
  type BatchResult,
} from 'frameload/agent';

const agent = new Agent({
  host: '127.0.0.1:8444',
  insecureSkipVerify: true,
  token: 'secret',
  batchSize: 100,
  approvalTimeout: '5s',
  confirmTimeout: 2000,
  tags: { site: 'eu-1' },
});

export async function traffic(): Promise<void> {
  await agent.connect();
  const result: BatchResult = await agent.sendBatch();
  const latency: number = result.durationMs + result.sendDurationMs + result.latenessMs;
  const id: string = result.confirmId;
  const last: string | null = agent.lastConfirmId;
  const up: boolean = agent.connected;
  void [latency, id, last, up];
  await agent.close();
}

// Another protocol with the same shape reuses the library through the builders and matchers.
const custom = createAgent({
  host: '[::1]:9000',
  tls: false,
  idMessage: (a) => ({ m: 'hello', who: a.name }),
  eventsMessage: (b) => new TextDecoder().decode(defaultEventsMessage(b)).replace('"events"', '"items"'),
  isApproval: (frame) => (frame as { ok?: boolean }).ok === true,
  isRefusal: (frame) => (frame as { ok?: boolean }).ok === false,
  isConfirm: (frame, confirmId) => defaultIsConfirm(frame, confirmId),
});
void custom;

export function classify(error: unknown): AgentErrorCode | undefined {
  return error instanceof AgentError ? error.code : undefined;
}

// @ts-expect-error host is required
new Agent({ tls: true });

// @ts-expect-error batchSize is a number
new Agent({ host: '127.0.0.1:8444', batchSize: '100' });

// @ts-expect-error an unknown option
new Agent({ host: '127.0.0.1:8444', verify: false });

// @ts-expect-error isConfirm receives the confirmId as a string
new Agent({ host: '127.0.0.1:8444', isConfirm: (frame: unknown, confirmId: number) => confirmId > 0 });

// @ts-expect-error sendBatch takes no arguments
void agent.sendBatch(10);

// @ts-expect-error the error code is a closed set
const wrong: AgentErrorCode = 'timeout';
void wrong;

// @ts-expect-error connected is read-only
agent.connected = true;
