// An agent of VU 1 outside the engine, with its metric registry; it closes when the test ends.
import { agentModule } from '../agent/helpers.ts';

type TestContext = Parameters<typeof agentModule>[0];

export function agentVu(t: TestContext, options: Record<string, unknown> & { host: string }) {
  const module = agentModule(t);
  const agent = new module.Agent(options as never);
  return { ...module, agent };
}
