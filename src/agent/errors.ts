/**
 * Failures of the agent protocol itself. Transport failures keep their `frameload/net` NetError and
 * code; these three are what only the protocol can tell. Scripts and thresholds rely on the strings
 * (`agent_errors{error:approval_timeout}`), so they never change meaning.
 */
export type AgentErrorCode = 'auth_rejected' | 'approval_timeout' | 'confirm_timeout';

export const AGENT_ERROR_CODES: readonly AgentErrorCode[] = ['auth_rejected', 'approval_timeout', 'confirm_timeout'];

/**
 * A protocol failure of one agent. `agent` is the agent's name and `peer` the server address; the
 * message never contains the bootstrap token. `cause` is the NetError underneath when there is one.
 */
export class AgentError extends Error {
  readonly code: AgentErrorCode;
  readonly agent: string;
  readonly peer: string;

  constructor(code: AgentErrorCode, agent: string, peer: string, message: string, options?: ErrorOptions) {
    super(`agent ${agent} at ${peer}: ${message}`, options);
    this.code = code;
    this.agent = agent;
    this.peer = peer;
    this.name = 'AgentError';
  }
}
