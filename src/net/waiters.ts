import type { NetError } from './errors.ts';

/** A pending `receive()`: resolved by the next frame that no request claimed. */
export interface ReceiveWaiter {
  resolve(message: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  timeoutMs: number;
}

/** A pending `request()`: resolved by the first frame its `match` accepts. */
export interface RequestWaiter extends ReceiveWaiter {
  match: ((message: unknown) => boolean) | undefined;
  /** performance.now() when the request started, for net_request_duration. */
  startedAt: number;
}

/** A `send()` waiting for the socket's write buffer to drain. */
export interface DrainWaiter {
  resolve(): void;
  reject(error: NetError): void;
}

/** Removes `item` from `list` in place; returns whether it was there. */
export function removeItem<T>(list: T[], item: T): boolean {
  const index = list.indexOf(item);
  if (index === -1) return false;
  list.splice(index, 1);
  return true;
}
