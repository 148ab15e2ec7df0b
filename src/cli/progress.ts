import { formatDuration } from '../engine/duration.ts';
import type { RunState } from '../engine/run.ts';

/**
 * Live progress on a TTY: one line per scenario (elapsed/total, active VUs, iterations), redrawn in
 * place on stderr. Nothing is drawn when stderr or stdout is not a terminal.
 */
export class ProgressDisplay {
  private lines = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(state: RunState): void {
    const rows = state.scenarios.map((s) => {
      const plan = state.plan.scenarios.find((p) => p.name === s.name)!;
      const elapsed = Math.max(0, state.elapsedMs - plan.startTimeMs);
      const total = plan.durationMs;
      const shown = s.finished ? total : Math.floor(Math.min(elapsed, total + plan.gracefulStopMs) / 1000) * 1000;
      const share = s.finished || total <= 0 ? 1 : Math.min(1, shown / total);
      const bar = '='.repeat(Math.round(share * 30)).padEnd(30, ' ');
      const stage = s.stage === undefined || s.finished ? '' : ` stage ${s.stage}`;
      const doneMark = s.finished ? ' done' : '';
      const dropped = s.droppedIterations > 0 ? ` ${s.droppedIterations} dropped` : '';
      return `${s.name.padEnd(12)} [${bar}] ${formatDuration(shown)}/${formatDuration(total)} ${s.activeVUs} VUs ${s.iterationsCompleted} iterations${dropped}${stage}${doneMark}`;
    });
    this.clear();
    this.stream.write(rows.join('\n') + '\n');
    this.lines = rows.length;
  }

  clear(): void {
    if (this.lines > 0) this.stream.write(`\x1b[${this.lines}A\x1b[J`);
    this.lines = 0;
  }
}
