import type { Logger } from '../engine/runtime.ts';

/** Receives every agent error of a run with its `agent_errors` class. */
export type FirstErrorReporter = (code: string, agentName: string, error: unknown) => void;

/**
 * Returns a reporter that warns with the message of the first agent error of each class. Later errors
 * of that class are only counted in agent_errors, so a failing fleet of thousands of agents prints
 * one line per class and still shows the operator the cause.
 */
export function firstErrorReporter(log: Logger): FirstErrorReporter {
  const reported = new Set<string>();
  return (code, agentName, error) => {
    if (reported.has(code)) return;
    reported.add(code);
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`first agent error of class ${code}, from ${agentName}: ${message} (later ${code} errors are only counted in agent_errors)`);
  };
}
