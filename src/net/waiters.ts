import type { NetError } from './errors.ts';

/** A pending `receive()`: resolved by the next frame that no request claimed. */
export interface ReceiveWaiter {
  resolve(message: unknown): void;
  reject(error: unknown): void;
  timeoutMs: number;
  /** performance.now() after which the wait times out. */
  deadline: number;
}

/** A pending `request()`: resolved by the first frame its `match` accepts. */
export interface RequestWaiter extends ReceiveWaiter {
  match: ((message: unknown) => boolean) | undefined;
  /** performance.now() when the request started, for net_request_duration; the deadline counts from it. */
  startedAt: number;
}

/** A `send()` waiting for the socket's write buffer to drain. */
export interface DrainWaiter {
  resolve(): void;
  reject(error: NetError): void;
}

/** Returns the waiter with the earliest deadline, or null when the list is empty. */
export function earliest<T extends ReceiveWaiter>(list: readonly T[]): T | null {
  let first: T | null = null;
  for (const waiter of list) if (first === null || waiter.deadline < first.deadline) first = waiter;
  return first;
}
