import type { VuScope } from '../engine/vu-scope.ts';
import { createNetModule } from '../net/module.ts';
import { Agent as AgentBase, type AgentContext } from './agent.ts';
import { AGENT_ERROR_CODES, AgentError } from './errors.ts';
import type { FirstErrorReporter } from './first-errors.ts';
import { agentMetrics } from './metrics.ts';
import { AGENT_DEFAULTS, resolveAgentOptions, type AgentOptions } from './options.ts';
import { defaultEventsMessage, defaultIdMessage, defaultIsApproval, defaultIsConfirm, defaultIsRefusal } from './protocol.ts';

/**
 * Returns the identity an agent gets from its VU unless the options name it: `FakeAgent_<hex>` and
 * `PEER<hex>`, where hex is the VU number in six upper-case hex digits, so each VU of a run is a
 * distinct agent to the server. A second agent in the same VU gets a `_2` suffix, and so on.
 */
export function agentIdentity(vuId: number, index: number): { name: string; peer: string } {
  const hex = vuId.toString(16).toUpperCase().padStart(6, '0');
  const suffix = index === 0 ? '' : `_${index + 1}`;
  return { name: `FakeAgent_${hex}${suffix}`, peer: `PEER${hex}${suffix}` };
}

/**
 * Builds what a script gets from `import ... from 'frameload/agent'` for one VU. Agents are owned by
 * the VU, so their connections close when the VU is done or the run ends.
 */
export function createAgentModule(scope: VuScope, reportFirstError?: FirstErrorReporter) {
  const net = createNetModule(scope);
  const context: AgentContext = {
    scope,
    metrics: agentMetrics(scope.metrics),
    connect: net.connect,
    ...(reportFirstError === undefined ? {} : { reportFirstError }),
  };
  let created = 0;

  // `new Agent(options)` returns an instance of the one shared class rather than of a subclass per
  // VU, so that with thousands of VUs the hot path still handles a single object shape.
  const Agent = function Agent(options: AgentOptions): AgentBase {
    const agent = new AgentBase(context, resolveAgentOptions(options, agentIdentity(scope.idInTest, created)));
    created++;
    return agent;
  } as unknown as new (options: AgentOptions) => AgentBase;
  Agent.prototype = AgentBase.prototype;

  return {
    Agent,
    createAgent: (options: AgentOptions): AgentBase => new Agent(options),
    AgentError,
    AGENT_ERROR_CODES,
    AGENT_DEFAULTS,
    defaultIdMessage,
    defaultEventsMessage,
    defaultIsApproval,
    defaultIsRefusal,
    defaultIsConfirm,
  };
}

export type AgentModule = ReturnType<typeof createAgentModule>;
